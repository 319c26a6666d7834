"""Where a job's code writes its outputs: throwaway places of that job, never mistaken for missing inputs.

In the bwrap sandbox, Colab's ``/content`` (with Drive's ``/content/drive/MyDrive``) and the folder around the
job's own (``../results/figures``) belong to the running job and are emptied when it ends, so ``savefig``,
``model.save``, ``to_csv`` or ``os.makedirs`` there succeed as they did for the student. In the job, writes are
watched (an audit hook): a missing parent folder of a write is created (the student's own project had it), and
the paths written are kept so that a write that still fails is reported as an output that was not kept.
"""
from __future__ import annotations

import errno
import os
import stat
import sys

CONTENT = "/content"
DRIVE = "/content/drive/MyDrive"
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
MAX_WRITES = 200
NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


def _empty(folder, keep=None):
    """Remove everything inside ``folder`` but ``keep`` (never following a link the job left), keeping the folder."""
    def unlock(func, path, _exc):
        try:
            os.chmod(os.path.dirname(path), stat.S_IRWXU)
            if not os.path.islink(path):
                os.chmod(path, stat.S_IRWXU)
            func(path)
        except OSError:
            pass

    import shutil

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.path == keep:
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, onerror=unlock)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def prepare(workroot, uid, owns, isolation):
    """Before a job (in the zygote): in the bwrap sandbox (never on a host's own ``/content``), ``/content``
    and the job's surroundings in ``workroot`` empty and, when jobs run as another uid (``owns``), that uid's.
    Returns the places prepared."""
    places = []
    if isolation != "bwrap":
        return places
    if os.path.isdir(CONTENT) and not os.path.islink(CONTENT):
        _empty(CONTENT)
        try:
            os.makedirs(DRIVE, exist_ok=True)
            if owns:
                for path in (CONTENT, os.path.dirname(DRIVE), DRIVE):
                    os.chown(path, uid, uid)
            places.append(CONTENT)
        except OSError:
            pass
    if owns:
        try:  # the job's parent folder: its own while it runs (only the sandbox's private /tmp holds it)
            os.chown(workroot, uid, uid)
            places.append(workroot)
        except OSError:
            pass
    return places


def clear(workroot, current, owns, isolation):
    """After a job (in the zygote, bwrap sandbox only): empty ``/content`` and whatever the job left beside its
    folder ``current``; give ``workroot`` back to the zygote."""
    if isolation != "bwrap":
        return
    if os.path.isdir(CONTENT) and not os.path.islink(CONTENT):
        _empty(CONTENT)
    _empty(workroot, keep=current)
    try:
        if owns:
            os.chown(workroot, os.getuid(), os.getgid())
            os.chmod(workroot, 0o711)
    except OSError:
        pass


def is_write(mode, flags):
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and bool(flags & WRITE_FLAGS)


class Writes:
    """The paths the job's code opened for writing or made folders at (as given), most recent last."""

    def __init__(self):
        self.paths = {}
        self.busy = False

    def remember(self, path):
        paths = self.paths
        paths.pop(path, None)
        paths[path] = True
        if len(paths) > MAX_WRITES:
            del paths[next(iter(paths))]

    def audit(self, event, args):
        if self.busy or (event != "open" and event != "os.mkdir"):
            return
        self.busy = True
        try:
            if event == "open":
                path, mode, flags = args
                if isinstance(path, (str, bytes)) and is_write(mode, flags):
                    path = os.fsdecode(path)
                    self.remember(path)
                    parent = os.path.dirname(path)
                    if parent and not os.path.isdir(parent):
                        os.makedirs(parent, exist_ok=True)
            elif isinstance(args[0], (str, bytes)):
                self.remember(os.fsdecode(args[0]))
        except Exception:
            pass
        finally:
            self.busy = False

    def written(self, path):
        return isinstance(path, str) and path in self.paths


WRITES = Writes()


def install():
    """Watch the job's writes (an audit hook stays for the life of the process: a forked job only)."""
    sys.addaudithook(WRITES.audit)
    return WRITES


def output_path(exc):
    """The path of an output the job could not write, when ``exc`` says so (else None): an OSError on a path
    the job was writing, or refused for lack of permission, or HDF5's failure to create a file."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError):
            path = exc.filename if isinstance(exc.filename, str) else None
            if path and (WRITES.written(path) or (exc.errno in NOT_WRITABLE and not os.path.exists(path))):
                return path
            text = str(exc)
            if text.startswith("Cannot save file into a non-existent directory: '"):  # pandas' own check
                return text.split("'")[1]
            if "unable to create file" in text.lower() or "unable to synchronously create file" in text.lower():
                marker = "name = '"
                start = text.find(marker)
                if start >= 0:
                    end = text.find("'", start + len(marker))
                    if end > start:
                        return text[start + len(marker):end]
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None
