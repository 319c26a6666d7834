"""Which frames are the student's own code, and the student's site (cell or file, line) of a call."""
from __future__ import annotations

import os
import sys

IMPORT_MACHINERY = ("<frozen importlib", os.path.dirname(os.__file__) + os.sep + "importlib" + os.sep)


class Sites:
    """The job's code units (``<cell 3>`` or the script's name) and the job's own folder."""

    def __init__(self, where_by_file, workdir=None):
        self.where_by_file = dict(where_by_file)
        self.workdir = (os.path.realpath(workdir) + os.sep) if workdir else None

    def location(self, filename, lineno):
        """{"cell": n, "line": l} / {"file": name, "line": l} for student code, else None."""
        where = self.where_by_file.get(filename)
        if where is not None:
            return dict(where, line=lineno)
        if self.workdir and isinstance(filename, str) and filename.startswith(self.workdir):
            return {"file": filename[len(self.workdir):], "line": lineno}
        return None

    def is_student(self, filename):
        return self.location(filename, 0) is not None

    def site(self, frame=None):
        """The nearest student frame at or above ``frame`` (default: the caller) as a location."""
        frame = frame or sys._getframe(1)
        while frame is not None:
            loc = self.location(frame.f_code.co_filename, frame.f_lineno)
            if loc is not None:
                return loc
            frame = frame.f_back
        return None

    def importer(self, frame=None):
        """The first frame above the import machinery: who asked for the import being resolved."""
        frame = frame or sys._getframe(1)
        while frame is not None:
            name = frame.f_code.co_filename
            if not name.startswith(IMPORT_MACHINERY) and frame.f_globals.get("__name__") not in OWN_MODULES:
                return frame
            frame = frame.f_back
        return None


OWN_MODULES = {"ag_sites", "ag_standins", "ag_keras2", "ag_datasets"}
