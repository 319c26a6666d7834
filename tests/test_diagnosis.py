"""The diagnosis: the student's own errors apart from the environment's, and followers folded under their root."""
from __future__ import annotations

import pytest

from autograder.diagnosis import (
    diagnose,
    diagnose_run,
    environment_cause,
    fold,
    is_environment_path,
    module_subject,
    own_errors,
    undefined_name,
    url_file,
)
from autograder.spec import student_errors
from autograder.types import (
    DownloadAttempt,
    ErrorFrame,
    ExecutionArtifact,
    SourceLocation,
    StoodInModule,
    StudentError,
)


def at(cell: int, line: int = 1) -> SourceLocation:
    return SourceLocation(cell=cell, line=line)


def name_error(name: str, cell: int, defines: tuple[str, ...] = (), given: bool = True) -> StudentError:
    """A NameError as the sandbox reports it (``name`` given), or as older reports did (message only)."""
    return StudentError("NameError", f"name '{name}' is not defined", at(cell), defines=defines,
                        name=name if given else None)


SEABORN = StudentError("ModuleNotFoundError", "No module named 'seaborn'", at(1, 3),
                       defines=("sns", "Sequential", "Dense", "Dropout", "l2"))


# --- folding ---------------------------------------------------------------------------------------------

def test_name_error_follows_the_failed_statement_that_would_have_defined_it():
    errors = (SEABORN, name_error("Sequential", 2, ("model",)))
    assert fold(errors) == (None, 0)


def test_folding_is_transitive_through_a_chain_of_followers():
    errors = (SEABORN,
              name_error("Sequential", 2, ("model",)),   # model = Sequential([...])
              name_error("model", 3),                     # model.compile(...)
              name_error("model", 4, ("history",)),       # history = model.fit(...)
              name_error("history", 5))                   # plt.plot(history.history['loss'])
    assert fold(errors) == (None, 0, 0, 0, 0)


def test_the_latest_failed_definition_is_the_root():
    first = StudentError("ValueError", "bad shape", at(2), defines=("model",))
    second = StudentError("TypeError", "bad argument", at(3), defines=("model",))
    assert fold((first, second, name_error("model", 4))) == (None, None, 1)


def test_a_name_never_defined_is_the_students_own_error():
    errors = (SEABORN, name_error("X_tren", 3))
    assert fold(errors) == (None, None)


def test_a_later_name_error_is_not_folded_under_a_later_error():
    errors = (name_error("model", 1), StudentError("ValueError", "x", at(2), defines=("model",)))
    assert fold(errors) == (None, None)


def test_name_taken_from_the_message_when_the_report_lacks_it():
    errors = (SEABORN, name_error("Dense", 2, given=False))
    assert undefined_name(errors[1]) == "Dense"
    assert fold(errors) == (None, 0)


def test_unbound_local_counts_as_an_undefined_name():
    err = StudentError("UnboundLocalError", "cannot access local variable 'total' where it is not associated with a value")
    assert undefined_name(err) == "total"
    assert undefined_name(StudentError("ValueError", "name 'x' is not defined")) is None


def test_other_errors_never_follow():
    errors = (SEABORN, StudentError("AttributeError", "'NoneType' object has no attribute 'fit'", at(2)))
    assert fold(errors) == (None, None)


def test_the_issue_case_one_import_and_eleven_followers():
    """A seaborn import stops a cell; a dozen NameErrors follow: one environment issue with 11 followers."""
    followers = tuple(name_error(n, 2 + i) for i, n in enumerate(
        ["Sequential", "Dense", "Dropout", "l2", "Sequential", "Dense", "Dropout", "l2", "Dense", "sns", "Dense"]))
    d = diagnose((SEABORN, *followers))
    assert [e.follows_from for e in d.errors] == [None] + [0] * 11
    assert {e.environment for e in d.errors} == {"missing_module"}
    assert own_errors(d.errors) == []
    (issue,) = d.environment
    assert (issue.kind, issue.subject, issue.followers, issue.stood_in) == ("missing_module", "seaborn", 11, False)
    assert issue.location == at(1, 3) and "seaborn" in issue.error


def module_error(kind: str, message: str, cell: int, code: str, defines: tuple[str, ...] = ()) -> StudentError:
    """An error raised by a top-level statement, with the statement's code in its outermost frame."""
    return StudentError(kind, message, at(cell), frames=(ErrorFrame(at(cell), name="<module>", code=code),),
                        defines=defines)


MISSING_CSV = StudentError("FileNotFoundError", "[Errno 2] No such file or directory: 'Churn_Modelling.csv'", at(1),
                           defines=("dataset",))
SPLIT = name_error("X", 3, ("X_train", "X_test", "y_train", "y_test"))  # X_train, ... = train_test_split(X, y)
SHAPE = "Input 0 of layer 'dense' is incompatible with the layer: expected axis -1 of input shape to have value 11"


def test_an_error_on_data_the_environment_left_stale_follows_from_the_environment():
    """The split failed because the CSV was missing, so fit got the assignment's predefined X_train."""
    fit = module_error("ValueError", SHAPE, 5, "history = model.fit(X_train, y_train, epochs=100, batch_size=10)",
                       defines=("history",))
    d = diagnose((MISSING_CSV, name_error("dataset", 2, ("X",)), SPLIT, fit, name_error("history", 6)))
    assert [e.follows_from for e in d.errors] == [None, 0, 0, 0, 0]  # history's NameError: under the root too
    assert own_errors(d.errors) == [] and d.errors[3].environment == "missing_file"
    assert d.environment[0].followers == 4


def test_a_stale_value_after_the_students_own_error_stays_the_students():
    typo = StudentError("TypeError", "train_test_split() got an unexpected keyword argument 'tes_size'", at(3),
                        defines=("X_train", "X_test", "y_train", "y_test"))
    fit = module_error("ValueError", SHAPE, 5, "model.fit(X_train, y_train)")
    assert [e.follows_from for e in diagnose((typo, fit)).errors] == [None, None]


def test_keyword_names_attributes_and_strings_are_not_read_names():
    stale = module_error("ValueError", SHAPE, 5, "model.fit(x, y, epochs=10, verbose='X_train') and self.X_train")
    errors = (MISSING_CSV, name_error("dataset", 2, ("X_train", "epochs")), stale)
    assert [e.follows_from for e in diagnose(errors).errors] == [None, 0, None]


def test_followers_of_the_students_own_error_are_folded_under_it():
    typo = StudentError("TypeError", "Dense.__init__() got an unexpected keyword argument 'activaton'", at(2),
                        defines=("model",))
    d = diagnose((typo, name_error("model", 3), name_error("model", 4), name_error("X_tren", 5)))
    own = own_errors(d.errors)
    assert [(e.type, len(f)) for e, f in own] == [("TypeError", 2), ("NameError", 0)]
    assert d.environment == ()
    assert [e.environment for e in d.errors] == [None] * 4


# --- what the environment caused --------------------------------------------------------------------------

@pytest.mark.parametrize("error,kind,subject", [
    (StudentError("ModuleNotFoundError", "No module named 'wandb'"), "missing_module", "wandb"),
    (StudentError("ModuleNotFoundError", "No module named 'mlxtend.plotting'"), "missing_module", "mlxtend"),
    (StudentError("ModuleNotFoundError", "No module named 'keras.layers.core'"), "missing_module", "keras.layers.core"),
    (StudentError("ImportError", "No module named 'tensorflow_docs'"), "missing_module", "tensorflow_docs"),
    (StudentError("ModuleNotFoundError", "No module named 'google.colab'"), "colab", "google.colab"),
    (StudentError("ImportError", "cannot import name 'drive' from 'google.colab' (unknown location)"), "colab", "google.colab"),
    (StudentError("FileNotFoundError", "[Errno 2] No such file or directory: 'datos.csv'"), "missing_file", "datos.csv"),
    (StudentError("FileNotFoundError", "[Errno 2] No such file or directory: 'data/train.csv'"), "missing_file", "data/train.csv"),
    (StudentError("FileNotFoundError", "[Errno 2] No such file or directory: '/content/drive/MyDrive/heart.csv'"),
     "missing_file", "/content/drive/MyDrive/heart.csv"),
    (StudentError("FileNotFoundError", "/home/ana/Descargas/diabetes.csv not found."), "missing_file",
     "/home/ana/Descargas/diabetes.csv"),
    (StudentError("OSError", "datos.txt not found."), "missing_file", "datos.txt"),
    (StudentError("URLError", "<urlopen error [Errno -3] Temporary failure in name resolution>"), "download", ""),
    (StudentError("Exception", "URL fetch failure on https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz: "
                  "None -- [Errno 111] Connection refused"), "download", "mnist.npz"),
    (StudentError("ConnectionError", "HTTPSConnectionPool(host='raw.githubusercontent.com', port=443): Max retries exceeded "
                  "with url: /datos/heart.csv"), "download", ""),
    (StudentError("gaierror", "[Errno -2] Name or service not known"), "download", ""),
    (StudentError("PermissionError", "[Errno 13] Permission denied: '/tmp/.keras/datasets'"), "download", ""),
])
def test_environment_causes(error, kind, subject):
    cause = environment_cause(error)
    assert cause is not None and cause[:2] == (kind, subject)


@pytest.mark.parametrize("error", [
    StudentError("NameError", "name 'X_tren' is not defined"),
    StudentError("ValueError", "Input 0 of layer 'dense' is incompatible with the layer"),
    StudentError("ImportError", "cannot import name 'Dens' from 'keras.layers'"),
    StudentError("FileNotFoundError", "[Errno 2] No such file or directory: '/usr/lib/python3/secret_helper.py'"),
    StudentError("KeyError", "'target'"),
    StudentError("OSError", "[Errno 28] No space left on device"),
])
def test_the_students_own_errors_are_not_blamed_on_the_environment(error):
    assert environment_cause(error) is None


def test_the_graders_download_refusal_names_file_and_origin():
    refusal = StudentError("RuntimeError", "no network while grading", at(2, 4), defines=("x_train", "y_train"),
                           download=DownloadAttempt(file="mnist.npz", origin="https://example.org/mnist.npz"))
    d = diagnose((refusal, name_error("x_train", 3)),
                 downloads=(DownloadAttempt("mnist.npz", "https://example.org/mnist.npz", location=at(2, 4)),))
    (issue,) = d.environment
    assert (issue.kind, issue.subject, issue.detail, issue.followers, issue.count, issue.through_keras) == \
        ("download", "mnist.npz", "https://example.org/mnist.npz", 1, 1, True)


def test_url_of_a_download_found_in_the_frames_code():
    err = StudentError("URLError", "<urlopen error [Errno -3] Temporary failure in name resolution>", at(2),
                       frames=(ErrorFrame(at(2), "<module>", "df = pd.read_csv('https://example.org/d/heart.csv')"),))
    assert environment_cause(err) == ("download", "heart.csv", "https://example.org/d/heart.csv")
    assert not diagnose((err,)).environment[0].through_keras  # pandas, not Keras: --datasets cannot serve it
    assert url_file("https://example.org/") == "example.org"


def test_served_downloads_are_not_issues():
    d = diagnose((), downloads=(DownloadAttempt("mnist.npz", "https://x/mnist.npz", served=True, dataset="mnist"),))
    assert d.environment == ()


def test_stand_ins_are_issues_that_let_the_code_go_on():
    """The sandbox records the top-level package and the full module of each import statement."""
    d = diagnose((), standins=(StoodInModule("wandb", "wandb", at(1, 5)), StoodInModule("google", "google.colab", at(1, 6)),
                               StoodInModule("wandb", "wandb.integration.keras", at(1, 7)),
                               StoodInModule("mlxtend", "mlxtend.plotting", at(4, 1))))
    assert [(i.kind, i.subject, i.stood_in, i.count, i.location) for i in d.environment] == [
        ("missing_module", "wandb", True, 1, at(1, 5)), ("missing_module", "mlxtend", True, 1, at(4, 1)),
        ("colab", "google.colab", True, 1, at(1, 6))]


def test_stand_in_named_by_its_full_module():
    d = diagnose((), standins=(StoodInModule("google.colab", "drive", at(1, 1)),
                               StoodInModule("tensorflow_docs", "tensorflow_docs.plots", at(1, 2))))
    assert [(i.kind, i.subject) for i in d.environment] == [("missing_module", "tensorflow_docs"),
                                                            ("colab", "google.colab")]


def test_issues_are_grouped_by_subject_and_counted():
    missing = StudentError("FileNotFoundError", "[Errno 2] No such file or directory: 'datos.csv'", at(2), defines=("df",))
    d = diagnose((missing, name_error("df", 3), missing, name_error("df", 5)))
    (issue,) = d.environment
    assert (issue.subject, issue.count, issue.followers, issue.location) == ("datos.csv", 2, 2, at(2))


def test_environment_is_listed_by_kind_then_place():
    errors = (StudentError("FileNotFoundError", "[Errno 2] No such file or directory: 'a.csv'", at(5)),
              StudentError("ModuleNotFoundError", "No module named 'seaborn'", at(3)))
    d = diagnose(errors, standins=(StoodInModule("wandb", "wandb", at(1)),))
    assert [i.subject for i in d.environment] == ["wandb", "seaborn", "a.csv"]


def test_data_file_paths():
    assert is_environment_path("datos.csv") and is_environment_path("../data/x")
    assert is_environment_path("/kaggle/input/titanic/train.csv") and is_environment_path("/srv/x/heart.xlsx")
    assert not is_environment_path("/etc/passwd")
    assert module_subject("sklearn.model_selection") == "sklearn"
    assert module_subject("google.colab.drive") == "google.colab"


# --- from the sandbox's untrusted JSON -------------------------------------------------------------------

def test_diagnose_run_reads_the_sandbox_report_and_survives_junk():
    state = {
        "errors": [
            {"type": "ModuleNotFoundError", "message": "No module named 'seaborn'", "location": {"cell": 1, "line": 3},
             "frames": [{"cell": 1, "line": 3, "name": "<module>", "code": "import seaborn as sns"}],
             "defines": ["sns", "not an identifier", 7], "name": None, "download": None},
            {"type": "NameError", "message": "name 'sns' is not defined", "location": {"cell": 2, "line": 1},
             "frames": "junk", "defines": [], "name": "sns"},
            "junk", {"type": ["x"], "message": None},
        ],
        "standins": [{"module": "wandb", "name": "wandb", "location": {"cell": 1, "line": 4}}, {"module": 3}, "x"],
        "downloads": [{"file": "mnist.npz", "origin": "https://x/mnist.npz", "served": "yes"}, {}],
        "keras2": "junk",
    }
    d = diagnose_run(ExecutionArtifact(outcome="completed", state=state))
    assert [e.type for e in d.errors] == ["ModuleNotFoundError", "NameError", "Error"]
    assert d.errors[0].defines == ("sns",) and d.errors[0].frames[0].code == "import seaborn as sns"
    assert d.errors[1].follows_from == 0 and d.errors[2].follows_from is None
    assert [(i.kind, i.subject) for i in d.environment] == [
        ("missing_module", "seaborn"), ("missing_module", "wandb"), ("download", "mnist.npz")]


def test_a_long_report_is_bounded():
    state = {"errors": [{"type": "NameError", "message": "x", "frames": [{"cell": 1, "line": i} for i in range(100)],
                         "defines": [f"n{i}" for i in range(500)]}] * 80}
    errors = student_errors(ExecutionArtifact(outcome="completed", state=state))
    assert len(errors) == 50 and len(errors[0].frames) == 15 and len(errors[0].defines) == 50
