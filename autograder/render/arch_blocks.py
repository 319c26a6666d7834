"""A block of the architecture drawing: plain data the HTML and Markdown templates draw."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """One block of the drawing: a layer of the model, or a layer that should be there."""

    role: str
    """``input``, ``hidden``, ``dropout``, ``batchnorm``, ``augmentation`` (a random transform, or the
    ImageDataGenerator feeding ``fit``), ``base`` (a pretrained network, collapsed), ``output``, ``other`` or
    ``missing``."""
    title: str
    name: str = ""
    settings: tuple[tuple[str, str], ...] = ()
    """(label, value) pairs: units, activation, L2 factor, rate, a transform's factor, a base's weights ..."""
    where: str = ""
    """Cell and line (or file and line) where the student created the layer."""
    problems: tuple[str, ...] = ()
    fix: str = ""
    """The corrected code line for this block, when there is one."""

    @property
    def tone(self) -> str:
        if self.role == "missing":
            return "missing"
        return "problem" if self.problems else "ok"

    @property
    def settings_text(self) -> str:
        return " · ".join(f"{label}: {value}" for label, value in self.settings)

    @property
    def icon(self) -> str:
        """Shown beside the title so a problem is not told by colour alone."""
        return "" if self.tone == "ok" else "⚠"
