"""Sort a run's errors out: the student's own, those the grading environment caused, those that only follow.

Pure functions over plain data (the contract: what goes wrong because of the grading environment is
reported apart from the student's own errors, and errors that only follow from an earlier one are
folded under it). Nothing here runs or imports student code.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

from autograder.types import (
    ENVIRONMENT_KINDS,
    Diagnosis,
    DownloadAttempt,
    EnvironmentIssue,
    SourceLocation,
    StoodInModule,
    StudentError,
)

UNDEFINED_NAME_ERRORS = ("NameError", "UnboundLocalError")
UNDEFINED_NAME = re.compile(r"(?:name|local variable|free variable) '([A-Za-z_][A-Za-z0-9_]*)'")
NO_MODULE = re.compile(r"No module named '([^']+)'")
URL = re.compile(r"https?://[^\s'\"<>()\[\]]+")
QUOTED_PATH = re.compile(r"'([^']+)'|\"([^\"]+)\"")
NOT_FOUND_PATH = re.compile(r"^(\S+) not found")
STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
READ_NAME = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*=[^=])")

NETWORK_ERRORS = frozenset({
    # urllib, http.client, socket and ssl; requests/urllib3 (their class names); Keras' get_file
    "URLError", "HTTPError", "ContentTooShortError", "RemoteDisconnected", "IncompleteRead",
    "ConnectionError", "ConnectionRefusedError", "ConnectionResetError", "ConnectionAbortedError",
    "gaierror", "herror", "SSLError", "MaxRetryError", "NewConnectionError", "NameResolutionError",
    "ConnectTimeout", "ConnectTimeoutError", "ReadTimeout", "ProxyError",
    "DatasetUnavailable",  # the sandbox's refusal of a Keras dataset it cannot serve
})
NETWORK_PHRASES = (
    "name resolution", "Name or service not known", "nodename nor servname", "getaddrinfo failed",
    "Network is unreachable", "Connection refused", "Max retries exceeded", "urlopen error",
    "URL fetch failure", ".keras/datasets", "no network access while grading",
)
DATA_SUFFIXES = frozenset({
    ".csv", ".tsv", ".txt", ".data", ".dat", ".xlsx", ".xls", ".json", ".jsonl", ".npz", ".npy", ".h5", ".hdf5",
    ".zip", ".gz", ".tgz", ".tar", ".bz2", ".parquet", ".feather", ".pkl", ".pickle", ".joblib", ".mat", ".arff",
    ".sav", ".db", ".sqlite", ".jpg", ".jpeg", ".png", ".wav",
})
NOTEBOOK_HOSTS = ("/content/", "/kaggle/", "/gdrive/", "/mnt/", "/drive/")
"""Absolute folders of Colab, Kaggle and mounted drives: files there never exist while grading."""
KEEP_DOTTED = ("tensorflow", "keras", "google")
"""Packages whose missing sub-module is worth naming in full (``keras.layers.core``, ``google.colab``)."""


def undefined_name(error: StudentError) -> str | None:
    """The name a NameError (or UnboundLocalError) says is not defined, or None for other errors."""
    if error.type not in UNDEFINED_NAME_ERRORS:
        return None
    if error.name:
        return error.name
    match = UNDEFINED_NAME.search(error.message)
    return match.group(1) if match else None


def fold(errors: tuple[StudentError, ...]) -> tuple[int | None, ...]:
    """For each error, the position of the earlier error it only follows from (its root), or None.

    A NameError follows from the latest earlier failed statement that would have defined the name;
    that statement's own failure may follow from another, so the root is found transitively.
    """
    roots: list[int | None] = []
    for i, error in enumerate(errors):
        name = undefined_name(error)
        root = None
        if name is not None:
            for j in range(i - 1, -1, -1):
                if name in errors[j].defines:
                    root = roots[j] if roots[j] is not None else j
                    break
        roots.append(root)
    return tuple(roots)


def names_read(error: StudentError) -> set[str]:
    """The names the failed statement's own line reads (its outermost frame's code, strings left out, keyword
    arguments and attributes not counted): ``model.fit(X_train, y_train, epochs=5)`` reads model, X_train, y_train."""
    if not error.frames or error.frames[0].name != "<module>":
        return set()
    code = STRING_LITERAL.sub("''", error.frames[0].code or "")
    return set(READ_NAME.findall(code))


def stale_root(errors: tuple[StudentError, ...], roots: list[int | None], i: int,
               environment: list[str | None]) -> int | None:
    """The root of error ``i`` when it only follows from the grading environment through a stale value: its
    statement reads a name that an earlier failed statement would have (re)bound, and that failure's root is
    the environment's (``X_train, ... = train_test_split(X, y)`` failed because a data file was missing, so
    ``model.fit(X_train, y_train)`` got the assignment's predefined data, or a value left from before)."""
    read = names_read(errors[i])
    if not read:
        return None
    for j in range(i - 1, -1, -1):
        if read & set(errors[j].defines):
            root = roots[j] if roots[j] is not None else j
            return root if environment[root] is not None else None
    return None


def module_subject(module: str) -> str:
    """How a missing module is named in reports and the class summary: its top-level package, except
    for the grader's own stack and Google's (``keras.layers.core``, ``google.colab``)."""
    parts = module.strip(".").split(".")
    if parts[0] in KEEP_DOTTED:
        return ".".join(parts[:2]) if parts[0] == "google" else ".".join(parts)
    return parts[0]


def is_colab(module: str) -> bool:
    return module == "google.colab" or module.startswith("google.colab.")


def missing_path(error: StudentError) -> str | None:
    """The path of a FileNotFoundError (or an OSError saying no such file), as the student wrote it."""
    text = error.message
    said = "No such file or directory" in text or " not found" in text
    if not (error.type == "FileNotFoundError" or (error.type in ("OSError", "IOError") and said)):
        return None
    match = QUOTED_PATH.search(text)
    if match:
        return match.group(1) or match.group(2)
    match = NOT_FOUND_PATH.match(text)
    return match.group(1) if match else None


def is_environment_path(path: str) -> bool:
    """A data file the student had at home: a relative path, a typical data file, or a Colab/Kaggle/drive path."""
    if not path.startswith("/"):
        return True
    if any(path.startswith(host) or host in path for host in NOTEBOOK_HOSTS):
        return True
    return PurePosixPath(path).suffix.lower() in DATA_SUFFIXES


def first_url(error: StudentError) -> str:
    """The first URL in the error's message or in the code of its frames."""
    for text in (error.message, *(f.code for f in error.frames)):
        match = URL.search(text or "")
        if match:
            return match.group(0).rstrip(".,:;")
    return ""


def url_file(url: str) -> str:
    """The last part of a URL's path (``mnist.npz``), else its host."""
    rest = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    host, _, path = rest.partition("/")
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name or host


def environment_cause(error: StudentError) -> tuple[str, str, str] | None:
    """(kind, subject, detail) when the grading environment caused the error, else None."""
    if error.download is not None:
        return "download", error.download.file, error.download.origin
    if error.cause is not None:  # seen on the live exception: a stand-in's value, an output not written
        kind, subject = error.cause
        return kind, module_subject(subject) if kind == "missing_module" else subject, ""
    text = f"{error.type}: {error.message}"
    module = NO_MODULE.search(error.message)
    if (module and is_colab(module.group(1))) or "google.colab" in text:
        return "colab", "google.colab", ""
    if module and error.type in ("ModuleNotFoundError", "ImportError"):
        return "missing_module", module_subject(module.group(1)), ""
    if error.type in NETWORK_ERRORS or any(phrase in text for phrase in NETWORK_PHRASES):
        url = first_url(error)
        return "download", url_file(url) if url else "", url
    path = missing_path(error)
    if path is not None and is_environment_path(path):
        return "missing_file", path, ""
    return None


def read_back(error: StudentError, cause: tuple[str, str, str] | None, unwritten: dict[str, int]) -> int | None:
    """The earlier failed write an error only follows from: it reads a path that write could not make (the path
    itself, or one inside a folder that could not be made), or its message names such a path."""
    if not unwritten or (cause is not None and cause[0] != "missing_file"):
        return None
    for path, index in unwritten.items():
        if cause is not None and (cause[1] == path or cause[1].startswith(path.rstrip("/") + "/")):
            return index
        if len(path) > 3 and path in error.message:
            return index
    return None


def error_text(error: StudentError) -> str:
    return f"{error.type}: {error.message}" if error.message else error.type


def _location_key(issue: EnvironmentIssue) -> tuple:
    loc = issue.location or SourceLocation()
    return (loc.cell is None and loc.line is None, loc.cell or 0, loc.file or "", loc.line or 0)


def diagnose(errors: tuple[StudentError, ...], standins: tuple[StoodInModule, ...] = (),
             downloads: tuple[DownloadAttempt, ...] = ()) -> Diagnosis:
    """Tag each error with its root (``follows_from``) and, when the environment caused it, its kind
    (``environment``; followers inherit their root's); list the environment's issues, one per
    (kind, subject), from the errors, the stood-in modules and the refused downloads."""
    roots = list(fold(errors))
    tagged: list[StudentError] = []
    causes: dict[int, tuple[str, str, str]] = {}
    unwritten: dict[str, int] = {}  # an output that could not be written -> its error
    for i, error in enumerate(errors):
        root = roots[i]
        if root is not None and roots[root] is not None:  # its root was itself found to follow (a stale value)
            root = roots[i] = roots[root]
        cause = environment_cause(error) if root is None else None
        reread = read_back(error, cause, unwritten) if root is None else None
        if reread is not None:  # reading back (or loading) what could not be written follows from that write
            root, cause = reread, None
            roots[i] = root
        elif cause is not None and cause[0] == "output":
            unwritten.setdefault(cause[1], i)
        if root is None and cause is None:
            root = roots[i] = stale_root(errors, roots, i, [e.environment for e in tagged])
        if root is None:
            if cause is not None:
                causes[i] = cause
            tagged.append(replace(error, follows_from=None, environment=cause[0] if cause else None))
        else:
            tagged.append(replace(error, follows_from=root, environment=tagged[root].environment))
    followers = {i: sum(1 for r in roots if r == i) for i in causes}
    issues: dict[tuple[str, str], EnvironmentIssue] = {}

    def add(issue: EnvironmentIssue, counted: bool = True) -> None:
        key = (issue.kind, issue.subject)
        old = issues.get(key)
        if old is None:
            issues[key] = issue
        elif counted:
            issues[key] = replace(old, count=old.count + 1, followers=old.followers + issue.followers,
                                  stood_in=old.stood_in or issue.stood_in, error=old.error or issue.error,
                                  through_keras=old.through_keras or issue.through_keras,
                                  detail=old.detail or issue.detail)

    via_standin = [i for i in causes if errors[i].cause is not None and errors[i].cause[0] == "missing_module"]
    for i, (kind, subject, detail) in causes.items():
        if i not in via_standin:
            add(EnvironmentIssue(kind=kind, subject=subject, location=errors[i].location, error=error_text(errors[i]),
                                 detail=detail, through_keras=errors[i].download is not None, followers=followers[i]))
    for module in standins:
        full = module.name if module.name.startswith(module.module + ".") else module.module
        kind = "colab" if is_colab(full) else "missing_module"
        # Each package once: ``import wandb`` and ``from wandb.integration.keras import ...`` are one issue.
        add(EnvironmentIssue(kind=kind, subject="google.colab" if kind == "colab" else module_subject(full),
                             location=module.location, stood_in=True), counted=False)
    for i in via_standin:  # a stood-in module's value reached the code that failed: it follows from the import
        key = (causes[i][0], causes[i][1])
        old = issues.get(key) or EnvironmentIssue(kind=key[0], subject=key[1], location=errors[i].location,
                                                  stood_in=True, followers=-1)
        issues[key] = replace(old, followers=old.followers + 1 + followers[i], error=old.error or error_text(errors[i]))
    for download in downloads:
        if not download.served:
            # The refusal usually also raised an error (listed above): the same attempt is not counted twice.
            add(EnvironmentIssue(kind="download", subject=download.file, location=download.location,
                                 detail=download.origin, through_keras=True), counted=False)
    ordered = sorted(issues.values(), key=lambda x: (ENVIRONMENT_KINDS.index(x.kind), _location_key(x)))
    return Diagnosis(errors=tuple(tagged), environment=tuple(ordered))


def own_errors(errors: tuple[StudentError, ...]) -> list[tuple[StudentError, list[StudentError]]]:
    """The student's own root errors, each with the errors that only follow from it, in run order."""
    out = []
    for i, error in enumerate(errors):
        if error.environment is None and error.follows_from is None:
            out.append((error, [e for e in errors if e.follows_from == i]))
    return out


def diagnose_run(artifact) -> Diagnosis:
    """The diagnosis of a sandbox run (an ExecutionArtifact): its errors, stand-ins and downloads, as parsed
    and validated by ``autograder.spec``."""
    from autograder.spec import download_attempts, stood_in_modules, student_errors

    return diagnose(student_errors(artifact), stood_in_modules(artifact), download_attempts(artifact))
