"""Issue 23 inside the runner, without TensorFlow: which errors the environment caused (ag_causes: a stand-in's
value, an output not written), the job's throwaway output places (ag_outputs), warnings at the student's line
(ag_warnings), the runner's names and paths scrubbed on the way out (sandbox/leaks.py), and the diagnosis that
folds such errors."""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))

import ag_causes  # noqa: E402
import ag_outputs  # noqa: E402
import ag_sites  # noqa: E402
import ag_standins  # noqa: E402
import ag_warnings  # noqa: E402

from autograder.diagnosis import diagnose, own_errors  # noqa: E402
from autograder.sandbox import leaks  # noqa: E402
from autograder.types import SourceLocation, StoodInModule, StudentError  # noqa: E402

RECORDS = [{"module": "src", "name": "src.data", "missing": "src", "location": {"cell": 1, "line": 1}},
           {"module": "wandb", "name": "wandb", "missing": "wandb", "location": {"cell": 1, "line": 2}}]
RUNNER = ag_causes.is_runner_file(str(INNER))


def failing(source, namespace, library=None):
    """Run ``source`` as the student's cell 1 and return the exception it raised."""
    if library:
        exec(compile(library, "/usr/lib/python3/dist-packages/fakelib.py", "exec"), namespace)
    try:
        exec(compile(source, "<cell 1>", "exec"), namespace)
    except Exception as exc:
        return exc
    raise AssertionError("no error")


@pytest.fixture
def cell():
    sites = ag_sites.Sites({"<cell 1>": {"cell": 1}})
    namespace = {"load": ag_standins.StandInModule("src.data"), "wandb": ag_standins.StandInModule("wandb")}
    namespace["load"].__path__ = []
    return sites, namespace


def test_unpacking_a_stand_in_is_the_missing_modules_error(cell):
    sites, ns = cell
    exc = failing("X, y = load.load_data('heart.csv')", ns)
    assert ag_causes.cause_of(exc, sites, RECORDS, RUNNER) == {"kind": "missing_module", "subject": "src.data"}


def test_a_stand_in_passed_to_a_library_is_the_missing_modules_error(cell):
    sites, ns = cell
    library = "def fit(x, y=None):\n    raise ValueError('Unrecognized data type: x=' + type(x).__name__)\n"
    exc = failing("data = load.read()\nfit(data['X'])", ns, library)
    assert ag_causes.cause_of(exc, sites, RECORDS, RUNNER)["subject"].startswith("src.data")


def test_a_students_own_error_beside_a_stand_in_stays_the_students(cell):
    sites, ns = cell
    ns["history"] = {"accuracy": [0.9]}
    exc = failing("wandb.log({'acc': history['acc'][-1]})", ns)  # a Keras 2 history key: KeyError
    assert ag_causes.cause_of(exc, sites, RECORDS, RUNNER) is None
    library = "def fit(x, y=None, callbacks=()):\n    raise ValueError('shapes (None, 3) and (None, 1) differ')\n"
    exc = failing("fit([1, 2], [0, 1], callbacks=None)", ns, library)
    assert ag_causes.cause_of(exc, sites, RECORDS, RUNNER) is None


def test_outputs_that_could_not_be_written(tmp_path):
    denied = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "nowhere" / "results"))
    assert ag_outputs.output_path(denied) == str(tmp_path / "nowhere" / "results")
    h5 = FileNotFoundError(errno.ENOENT, "Unable to synchronously create file (unable to open file: name = "
                                         "'/content/drive/MyDrive/m.h5', errno = 2)")
    assert ag_outputs.output_path(h5) == "/content/drive/MyDrive/m.h5"
    read = FileNotFoundError(errno.ENOENT, "No such file or directory", "../data/heart.csv")
    assert ag_outputs.output_path(read) is None  # a read of a file that exists nowhere stays a missing input


def test_a_job_writes_into_folders_its_project_had_and_its_writes_are_known(tmp_path):
    # An audit hook stays for the life of a process: this runs in its own.
    code = f"""
import json, os, sys
sys.path.insert(0, {str(INNER)!r})
import ag_outputs
ag_outputs.install()
os.chdir({str(tmp_path)!r})
with open('figures/loss/curve.txt', 'w') as fh:
    fh.write('x')
try:
    open('missing/data.csv')
except FileNotFoundError as exc:
    read = ag_outputs.output_path(exc)
print(json.dumps({{"made": os.path.isfile('figures/loss/curve.txt'), "read": read,
                  "known": ag_outputs.WRITES.written('figures/loss/curve.txt'), "no_dir": os.path.isdir('missing')}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert json.loads(out.stdout) == {"made": True, "read": None, "known": True, "no_dir": False}, out.stderr


def test_the_jobs_surroundings_are_emptied_only_in_the_bwrap_sandbox(tmp_path):
    workroot = tmp_path / "ag"
    (workroot / "job-1").mkdir(parents=True)
    (workroot / "results" / "figures").mkdir(parents=True)
    (workroot / "link").symlink_to(tmp_path / "outside")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("x")
    ag_outputs.clear(str(workroot), str(workroot / "job-1"), False, "process")
    assert (workroot / "results").exists()  # the process sandbox: nothing of the host's is touched
    ag_outputs.clear(str(workroot), str(workroot / "job-1"), False, "bwrap")
    assert sorted(p.name for p in workroot.iterdir()) == ["job-1"]
    assert (tmp_path / "outside" / "keep.txt").exists()  # a link the job left is removed, never followed


def test_a_warning_from_a_runner_wrapper_is_shown_at_the_students_line(tmp_path):
    sites = ag_sites.Sites({"<cell 2>": {"cell": 2}})
    wrapper = compile("import warnings\ndef orig_init():\n    warnings.warn('input_shape', UserWarning, stacklevel=2)\n"
                      "def __init__():\n    orig_init()\n", str(INNER / "ag_hooks.py"), "exec")
    runner = {}
    exec(wrapper, runner)
    shown = warnings._showwarnmsg
    seen = []
    try:
        ag_warnings.install(sites)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            original = warnings._showwarnmsg_impl
            warnings._showwarnmsg_impl = lambda msg: seen.append((msg.filename, msg.lineno))
            try:
                exec(compile("\n\nlayer = __init__()", "<cell 2>", "exec"), dict(runner))
            finally:
                warnings._showwarnmsg_impl = original
    finally:
        warnings._showwarnmsg = shown
    assert seen == [("<cell 2>", 3)]


def test_the_runners_names_and_paths_are_scrubbed():
    text = ("/opt/autograder-runner/ag_hooks.py:289: UserWarning x=(of type <class 'ag_standins.StandIn'>) "
            "PermissionError: '/tmp/ag/results' in /tmp/ag/job-3/src/load.py; cwd /tmp/ag/job-12 via ag_execute; "
            "bag_1 flag_x tag_name")
    assert leaks.scrub(text) == ("<grader>:289: UserWarning x=(of type <class 'stand-in'>) PermissionError: "
                                 "'../results' in src/load.py; cwd . via grader; bag_1 flag_x tag_name")
    assert leaks.scrub_tree({"errors": [{"message": "'/tmp/ag/job-1/x.csv'"}], "n": 3}) == \
        {"errors": [{"message": "'x.csv'"}], "n": 3}


def error(type_, message, line, cause=None, defines=()):
    return StudentError(type=type_, message=message, location=SourceLocation(cell=1, line=line), cause=cause,
                        defines=defines)


def test_the_diagnosis_folds_stand_in_errors_under_the_import_and_read_backs_under_the_write():
    errors = (error("ValueError", "not enough values to unpack (expected 2, got 0)", 3,
                    ("missing_module", "src.data"), ("X", "y")),
              error("NameError", "name 'X' is not defined", 4),
              error("PermissionError", "[Errno 13] Permission denied: '../../out'", 5, ("output", "../../out/m.keras")),
              error("FileNotFoundError", "[Errno 2] No such file or directory: '../../out/m.keras'", 6))
    d = diagnose(errors, (StoodInModule(module="src", name="src.data", location=SourceLocation(cell=1, line=1)),))
    issues = {(i.kind, i.subject): i for i in d.environment}
    src = issues[("missing_module", "src")]
    assert src.stood_in and src.location == SourceLocation(cell=1, line=1) and src.followers == 2
    output = issues[("output", "../../out/m.keras")]
    assert output.followers == 1 and ("missing_file", "../../out/m.keras") not in issues
    assert own_errors(d.errors) == []


def test_reading_back_inside_an_unwritten_folder_or_loading_it_follows_from_the_write():
    denied = PermissionError(errno.EACCES, "Permission denied", "/nonexistent-ag-test/results")
    assert ag_outputs.output_path(denied) == "/nonexistent-ag-test/results"
    pandas = OSError("Cannot save file into a non-existent directory: '/content'")
    assert ag_outputs.output_path(pandas) == "/content"
    errors = (error("PermissionError", "[Errno 13] Permission denied: '../results'", 2, ("output", "../results")),
              error("FileNotFoundError", "[Errno 2] No such file or directory: '../results/figures'", 3),
              error("OSError", "Cannot save file into a non-existent directory: '/content'", 4, ("output", "/content")),
              error("ValueError", "File not found: filepath=/content/m.keras. Please ensure ...", 5))
    d = diagnose(errors)
    assert [(i.kind, i.subject, i.followers) for i in d.environment] == [("output", "../results", 1),
                                                                        ("output", "/content", 1)]
    assert own_errors(d.errors) == []
