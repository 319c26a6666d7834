"""Unpack zip archives (class exports, or one student's zipped folder) safely into a scratch folder.

Nothing inside an archive may land outside its target folder: absolute names, ``..`` parts, links and
device files are skipped, and sizes are capped so that a zip bomb stops with an error instead of
filling the disk.
"""
from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_MEMBERS = 20000
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
CHUNK = 1 << 20


class ArchiveError(ValueError):
    """The archive cannot be read or is larger than allowed; the message says which and why."""


@dataclass(frozen=True)
class Unpacked:
    """What an archive left in its target folder."""

    root: Path
    files: int
    skipped: tuple[str, ...] = ()
    """Member names that were not extracted (unsafe paths, links, too many)."""


def is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip" and path.is_file() and not path.is_symlink()


def safe_member_path(name: str) -> PurePosixPath | None:
    """The member's relative path, or None when it would escape the target folder."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return PurePosixPath(*parts)


def _is_link_or_device(info: zipfile.ZipInfo) -> bool:
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the archiver recorded no Unix file type
    return kind not in (0, stat.S_IFREG, stat.S_IFDIR)


def unpack_zip(archive: Path, target: Path, budget: list[int] | None = None) -> Unpacked:
    """Extract ``archive`` into ``target`` (created). ``budget`` is a one-item list of bytes still
    allowed, shared by nested archives. Raises ArchiveError for a corrupt or oversized archive."""
    budget = budget if budget is not None else [MAX_TOTAL_BYTES]
    target.mkdir(parents=True, exist_ok=True)
    skipped: list[str] = []
    count = 0
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_MEMBERS:
                raise ArchiveError(f"{archive.name}: {len(members)} entries (at most {MAX_MEMBERS})")
            for info in members:
                rel = safe_member_path(info.filename)
                if rel is None or _is_link_or_device(info):
                    skipped.append(info.filename)
                    continue
                dest = target.joinpath(*rel.parts)
                if info.is_dir():
                    dest.mkdir(parents=True, exist_ok=True)
                    continue
                if info.file_size > MAX_MEMBER_BYTES:
                    raise ArchiveError(f"{archive.name}: {info.filename} is larger than "
                                       f"{MAX_MEMBER_BYTES // 2**20} MB")
                dest.parent.mkdir(parents=True, exist_ok=True)
                _copy_member(zf, info, dest, budget, archive.name)
                count += 1
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"{archive.name}: not a readable zip file ({exc})") from exc
    except (OSError, RuntimeError, NotImplementedError) as exc:  # encrypted or unsupported members
        raise ArchiveError(f"{archive.name}: {exc}") from exc
    return Unpacked(root=target, files=count, skipped=tuple(skipped))


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: list[int], label: str) -> None:
    # The declared size can lie: count what is really written, against both caps.
    written = 0
    with zf.open(info) as src, open(dest, "wb") as out:
        while chunk := src.read(CHUNK):
            written += len(chunk)
            budget[0] -= len(chunk)
            if written > MAX_MEMBER_BYTES or budget[0] < 0:
                raise ArchiveError(f"{label}: more than the allowed size once unpacked")
            out.write(chunk)
