"""Text escaping for the templates: HTML code spans, Markdown table cells, code fences."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

CODE_SPAN = re.compile(r"`([^`]+)`")


def code_spans(text: str) -> Markup:
    """`code` in a message becomes <code>, everything else escaped."""
    parts = CODE_SPAN.split(str(text))
    return Markup("".join(f"<code>{escape(p)}</code>" if i % 2 else str(escape(p)) for i, p in enumerate(parts)))


def md_text(text: str) -> str:
    """Text for a Markdown line: no raw HTML gets through (``<`` and ``>`` become entities)."""
    return str(text).replace("<", "&lt;").replace(">", "&gt;")


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no raw HTML."""
    flat = " ".join(str(text).replace("\r", "\n").split("\n"))
    return md_text(flat.replace("\\", "\\\\").replace("|", "\\|"))


def fence(text: str) -> str:
    """A backtick fence longer than any backtick run inside ``text``, so the block cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def split_hint(hint: str) -> tuple[str, str]:
    """A hint ending in ``: `code`.`` becomes (the sentence up to the colon, the code line).

    Other hints are kept whole (their code stays inline) with an empty code line.
    """
    match = re.fullmatch(r"(?s)(.*?):\s*`([^`]+)`\s*\.?\s*", hint or "")
    if match and "`" not in match.group(1):
        return match.group(1).strip() + ":", match.group(2)
    return hint or "", ""


def tidy_markdown(text: str) -> str:
    """Blank-line runs outside code blocks collapsed to one (templates leave gaps where a section is absent)."""
    out: list[str] = []
    fence_open = ""
    for line in text.split("\n"):
        run = re.match(r"`{3,}", line)
        if fence_open:
            if run and run.group(0).startswith(fence_open) and not line.strip("`").strip():
                fence_open = ""
        elif run:
            fence_open = run.group(0)
        elif not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"
