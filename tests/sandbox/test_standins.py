"""Stand-ins for missing modules (the runner's ag_standins, no TensorFlow): only the student's own
imports get one, the grader's stack never does, and every use of a stand-in does nothing."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))

import ag_sites  # noqa: E402
import ag_state  # noqa: E402
import ag_standins  # noqa: E402
from ag_standins import StandIn, is_standin  # noqa: E402

MISSING = "zz_missing_for_grader_test"


@pytest.fixture
def student(tmp_path):
    """Runs code as the student's cell 1 (or as a library file) with the finder installed last."""
    records = []
    sites = ag_sites.Sites({"<cell 1>": {"cell": 1}}, tmp_path)
    finder = ag_standins.install(sites, records)
    namespace = {"__name__": "__main__"}

    def run(source, filename="<cell 1>"):
        exec(compile(source, filename, "exec"), namespace)
        return namespace

    run.records = records
    run.finder = finder
    run.workdir = tmp_path
    yield run
    sys.meta_path.remove(finder)
    finder.scrub()


def test_a_student_import_of_a_missing_module_binds_a_stand_in_and_is_recorded(student):
    ns = student(f"import {MISSING} as sns\nsns.set(style='whitegrid')\nax = sns.heatmap([[1, 2]], annot=True)\n")
    assert is_standin(ns["sns"]) and is_standin(ns["ax"])
    assert student.records == [ag_state.new(ag_state.StandIn, module=MISSING, name=MISSING, missing=MISSING,
                                             location={"cell": 1, "line": 1})]


def test_from_a_missing_package_import_a_name_records_the_dotted_name_once(student):
    ns = student(f"x = 1\nfrom {MISSING}.plotting import plot_decision_regions\nplot_decision_regions(1, 2, clf=3)\n")
    assert is_standin(ns["plot_decision_regions"])
    assert student.records == [ag_state.new(ag_state.StandIn, module=MISSING, name=f"{MISSING}.plotting",
                                             missing=MISSING, location={"cell": 1, "line": 2})]


def test_a_missing_child_of_a_real_package_is_stood_in_and_named_by_its_full_name(student):
    # ``google`` exists here (protobuf's namespace package); ``google.colab`` does not
    pytest.importorskip("google.protobuf")
    ns = student("from google.colab import drive\ndrive.mount('/content/drive')\n")
    assert is_standin(ns["drive"])
    assert student.records[0]["name"] == "google.colab" and student.records[0]["missing"] == "google.colab"


def test_a_library_importing_a_missing_module_still_gets_import_error(student):
    with pytest.raises(ImportError):
        student(f"import {MISSING}\n", filename="/usr/lib/python3/dist-packages/some_library.py")
    assert student.records == []


def test_a_library_does_not_see_the_students_stand_in_after_the_statement(student):
    student(f"import {MISSING}\n")
    student.finder.scrub()  # the runner does this after every statement
    assert MISSING not in sys.modules
    with pytest.raises(ImportError):
        student(f"import {MISSING}\n", filename="/usr/lib/python3/site-packages/pandas_like.py")


def test_the_students_own_module_in_the_submission_folder_counts_as_student_code(student):
    helper = student.workdir / "helpers.py"
    helper.write_text(f"import {MISSING}.tracking as tracking\n")
    sys.path.insert(0, str(student.workdir))
    try:
        ns = student("import helpers\n")
    finally:
        sys.path.remove(str(student.workdir))
        sys.modules.pop("helpers", None)
    assert is_standin(ns["helpers"].tracking)
    assert student.records[0]["location"] == {"file": "helpers.py", "line": 1}


@pytest.mark.parametrize("name", ["tensorflow.contrib", "tensorflow_core.python", "keras.no_such_module",
                                  "numpy.no_such_module", "autograder.no_such_module", "ag_no_such_runner_module",
                                  "tf_keras"])
def test_the_graders_own_stack_is_never_stood_in(student, name):
    # Asked from the student's own cell (so only the protection can refuse); the parents are not imported.
    namespace = {"finder": student.finder}
    exec(compile(f"refused = finder.find_spec({name!r})\nanswered = finder.find_spec({MISSING + '_2'!r})\n",
                 "<cell 1>", "exec"), namespace)
    assert namespace["refused"] is None
    assert namespace["answered"] is not None  # the same frame is answered for a name not protected
    assert [r["name"] for r in student.records] == [MISSING + "_2"]


def test_a_stand_in_does_nothing_for_every_common_use(student):
    ns = student(f"""
import {MISSING} as wandb
run = wandb.init(project='p', config={{'lr': 0.1}})
config = wandb.config
config.epochs = 50
config['batch'] = 32
with wandb.init() as r, open(__file__ if False else '/dev/null') as fh:
    r.log({{'a': 1}})
items = [x for x in wandb.Api().runs()]
total = wandb.x + 1 - 2 * 3 / 4
text = f"{{wandb.run.name}}|{{wandb.summary:.2f}}|{{str(wandb.y)}}"
flag = bool(wandb.run) or len(wandb.history) or (1 in wandb.keys)
num = int(wandb.a) + float(wandb.b) + [0, 1][wandb.c]

@wandb.decorate
def f():
    return 'kept'

@wandb.decorate(option=True)
def g():
    return 'also kept'

class Callback(wandb.keras.WandbCallback):
    def extra(self):
        return self.anything_missing

same = wandb.config is config
""")
    assert ns["items"] == [] and ns["text"] == "||" and ns["flag"] is False and ns["num"] == 0.0
    assert ns["config"].epochs == 50 and ns["config"]["batch"] == 32
    assert ns["f"]() == "kept" and ns["g"]() == "also kept"
    assert is_standin(ns["Callback"]()) and is_standin(ns["Callback"]().extra())
    assert ns["same"] is True
    assert is_standin(ns["total"]) and isinstance(repr(ns["run"]), str)
    assert not isinstance(1, ns["wandb"].SomeClass)


def test_a_class_built_on_a_stand_in_and_a_real_base_still_initialises_the_real_base(student):
    ns = student(f"""
import {MISSING} as tracker
class Real:
    def __init__(self, value):
        self.value = value
class Both(tracker.Mixin, Real):
    pass
both = Both(7)
""")
    assert ns["both"].value == 7


def test_dunder_probes_are_attribute_errors_so_libraries_treat_a_stand_in_as_a_plain_object():
    value = StandIn("x")
    for name in ("__array_interface__", "__fspath__", "__wrapped__", "__length_hint__"):
        assert not hasattr(value, name)
    assert value.__version__ == "0.0"
