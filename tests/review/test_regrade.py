"""Real ``autograder grade`` runs keep reviews: same content keeps its overrides (a rerun, ``--force``), new
content is ``stale`` until confirmed; the late policy's adjustment is added by the run and a removal sticks.

The submissions fail to load (a syntax error, a corrupt notebook), so the runs need no TensorFlow; they are
still graded, stored and written by the real command line.
"""
from __future__ import annotations

import csv
import shutil

import pytest

from autograder.review.store import ReviewStore
from tests.bulk.conftest import write
from tests.conftest import ROOT, run_cli
from tests.review.helpers import result_json


def grades(out):
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def override(out, *args):
    proc = run_cli("override", str(out), *args, "--by", "prof")
    assert proc.returncode == 0, proc.stderr
    return proc


def test_reviews_survive_reruns_and_force_and_new_content_is_stale(tmp_path):
    folder, out = tmp_path / "clase", tmp_path / "out"
    write(folder / "ana.py", "def broken(:\n")
    write(folder / "bea.ipynb", "{not json")
    write(folder / "cai.py", "model = (\n")
    assert run_cli("grade", str(folder), "--out", str(out), "--no-insight").returncode == 1
    override(out, "bea", "--check", "model_built", "--points", "1", "--comment", "the notebook opens in Colab")
    override(out, "cai", "--adjust", "2", "--reason", "extra credit")
    expected = {"bea": ("1", "0", "reviewed", "1"), "cai": ("2", "0", "reviewed", "0"), "ana": ("0", "0", "none", "0")}

    def final():
        return {sid: (r["score"], r["auto_score"], r["review"], r["model_built"]) for sid, r in grades(out).items()}

    assert final() == expected
    for extra in ((), ("--force",)):  # the same content, reused from the store, then graded again
        proc = run_cli("grade", str(folder), "--out", str(out), "--no-insight", *extra)
        assert proc.returncode == 1, proc.stderr
        assert final() == expected, extra
        assert result_json(out, "bea")["review"]["overrides"][0]["comment"] == "the notebook opens in Colab"
        assert result_json(out, "bea")["score"] == 0.0  # the automatic result stays automatic

    write(folder / "bea.ipynb", "{still not json, but new}")  # a new hand-in
    run_cli("grade", str(folder), "--out", str(out), "--no-insight")
    assert final()["bea"] == ("0", "0", "stale", "0")
    assert result_json(out, "bea")["review"] == {"state": "stale", "score": 0.0, "overrides": [], "adjustments": []}
    assert final()["cai"] == expected["cai"]
    override(out, "bea", "--confirm")
    assert final()["bea"] == ("1", "0", "reviewed", "1")
    assert result_json(out, "bea")["review"]["overrides"][0]["by"] == "prof"


def test_a_change_made_while_a_run_writes_that_submission_is_not_undone(tmp_path, monkeypatch):
    """A reviewer adjusts ``cai`` after the run made cai's review object and before it wrote cai's files: the
    run's end settles result.json (and the reports) on what the store holds, as grades.csv already does."""
    from click.testing import CliRunner

    from autograder.cli import main
    from autograder.review.outputs import RunReviews

    folder, out = tmp_path / "clase", tmp_path / "out"
    write(folder / "bea.ipynb", "{not json")
    write(folder / "cai.py", "model = (\n")
    assert run_cli("grade", str(folder), "--out", str(out), "--no-insight").returncode == 1
    document = RunReviews.document

    def racing(self, result):
        made = document(self, result)
        if result.id == "cai":
            override(out, "cai", "--adjust", "2", "--reason", "extra credit")
        return made

    monkeypatch.setattr(RunReviews, "document", racing)
    ran = CliRunner().invoke(main, ["grade", str(folder), "--out", str(out), "--no-insight", "--force"])
    assert ran.exit_code == 1, ran.output
    assert grades(out)["cai"]["score"] == "2"
    assert result_json(out, "cai")["review"]["score"] == 2.0
    assert "extra credit" in (out / "cai" / "report.md").read_text(encoding="utf-8")


def test_late_policy_from_the_roster_and_a_removal_that_sticks(tmp_path):
    assignment = tmp_path / "tarea"
    shutil.copytree(ROOT / "assignments" / "l2-dropout", assignment)
    with open(assignment / "assignment.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[policy]\ndue = 2026-03-01T23:59:00+01:00\nlate_penalty_per_day = 0.1\nmax_late_days = 3\n')
    folder, out = tmp_path / "clase", tmp_path / "out"
    write(folder / "ana.py", "def broken(:\n")
    write(folder / "beto.py", "def broken(:\n")
    write(folder / "caro.py", "def broken(:\n")
    roster = write(tmp_path / "roster.csv", "id,name,submitted_at,extension_days\n"
                                            "ana,Ana Gil,2026-03-02T10:00:00+01:00,\n"
                                            "beto,Beto Ruiz,2026-03-02T10:00:00+01:00,1\n"
                                            "caro,Caro Paz,2026-03-01T20:00:00+01:00,\n")
    args = ("grade", str(folder), "--out", str(out), "--no-insight", "--assignment", str(assignment),
            "--roster", str(roster))
    assert run_cli(*args).returncode == 1
    override(out, "ana", "--check", "model_built", "--points", "1", "--comment", "x")
    run_cli(*args)
    rows = grades(out)
    assert (rows["ana"]["score"], rows["ana"]["review"]) == ("0", "reviewed")  # 1 point - 1 day late (0.1 * 10)
    [late] = result_json(out, "ana")["review"]["adjustments"]
    assert late["points"] == -1.0 and late["by"] == "policy" and "1 día(s) de retraso" in late["reason"]
    report = (out / "ana" / "report.md").read_text(encoding="utf-8")
    assert "Nota final: 0/10" in report and "1 día(s) de retraso" in report  # what the student reads agrees
    assert result_json(out, "beto")["review"]["adjustments"] == []  # within the extension
    assert result_json(out, "caro")["review"]["adjustments"] == []  # on time
    with ReviewStore.in_folder(out) as store:
        [adjustment] = store.review("ana").adjustments
        store.remove_adjustment("ana", None, adjustment.id, "prof")
    run_cli(*args, "--force")
    assert grades(out)["ana"]["score"] == "1"
    assert result_json(out, "ana")["review"]["adjustments"] == []


def test_a_wrong_policy_is_a_usage_error(tmp_path):
    assignment = tmp_path / "tarea"
    shutil.copytree(ROOT / "assignments" / "l2-dropout", assignment)
    with open(assignment / "assignment.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[policy]\ndue = "mañana"\n')
    write(tmp_path / "a.py", "x = 1\n")
    proc = run_cli("grade", str(tmp_path / "a.py"), "--out", str(tmp_path / "o"), "--assignment", str(assignment))
    assert proc.returncode == 2 and "[policy] due must be an ISO 8601" in proc.stderr


TINY = """
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.regularizers import l2

model = Sequential([Dense(8, activation='relu', kernel_regularizer=l2(0.01), input_shape=(input_dim,)),
                    Dropout(0.5),
                    Dense(8, activation='relu', kernel_regularizer=l2(0.01)),
                    Dense(1, activation='sigmoid')])
model.compile(optimizer='adam', loss='binary_crossentropy')
model.fit(X_train, y_train, epochs=1, verbose=0)
"""


@pytest.mark.slow
def test_a_real_graded_submission_keeps_its_override_through_a_rerun_and_force(tmp_path):
    """One real TensorFlow grading (the second Dropout is missing), then a rerun from the store and --force."""
    folder, out = tmp_path / "clase", tmp_path / "out"
    write(folder / "dora.py", TINY)
    assert run_cli("grade", str(folder / "dora.py"), "--out", str(out), "--no-insight",
                   "--no-similarity").returncode == 1
    assert grades(out)["dora"]["dropout"] == "0" and grades(out)["dora"]["score"] == "8"
    override(out, "dora", "--check", "dropout", "--points", "1", "--comment", "one of the two Dropout layers")
    for extra in ((), ("--force",)):
        proc = run_cli("grade", str(folder / "dora.py"), "--out", str(out), "--no-insight", "--no-similarity", *extra)
        assert proc.returncode == 1, proc.stderr
        row = grades(out)["dora"]
        assert (row["score"], row["dropout"], row["auto_score"], row["review"]) == ("9", "1", "8", "reviewed")
    doc = result_json(out, "dora")
    assert doc["status"] == "graded" and doc["score"] == 8.0 and doc["review"]["score"] == 9.0


def policy_assignment(tmp_path):
    assignment = tmp_path / "tarea"
    shutil.copytree(ROOT / "assignments" / "l2-dropout", assignment)
    with open(assignment / "assignment.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[policy]\ndue = 2026-03-01T23:59:00+01:00\nlate_penalty_per_day = 0.1\nmax_late_days = 3\n')
    return assignment


def test_canvas_late_mark_in_a_real_run(tmp_path):
    folder, out = tmp_path / "submissions", tmp_path / "out"
    write(folder / "smithbob_LATE_5678_556690_tarea.ipynb", "{not json")
    write(folder / "doejane_1234_556677_tarea.ipynb", "{not json")
    run_cli("grade", str(folder), "--out", str(out), "--assignment", str(policy_assignment(tmp_path)))
    override(out, "smithbob_5678", "--check", "model_built", "--points", "1", "--comment", "opens in Jupyter")
    [late] = result_json(out, "smithbob_5678")["review"]["adjustments"]
    assert late["points"] == -1.0 and "LATE" in late["reason"]
    assert grades(out)["smithbob_5678"]["score"] == "0"  # 1 point, 1 day late (a tenth of 10)
    assert result_json(out, "doejane_1234")["review"]["adjustments"] == []


def test_moodle_download_worksheet_late_work_and_release_round_trip(tmp_path):
    """A Moodle download and its grading worksheet in, the feedback zip and worksheet out, names matching."""
    download, out = tmp_path / "L2-Dropout-12345", tmp_path / "out"
    write(download / "Ana Gil_101_assignsubmission_file_" / "tarea.ipynb", "{not json")
    write(download / "Beto Ruiz_102_assignsubmission_file_" / "tarea.ipynb", "{not json")
    sheet = write(tmp_path / "worksheet.csv",
                  "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
                  "Last modified (submission),Last modified (grade),Feedback comments\n"
                  'Participant 101,Ana Gil,ana@uni.es,Submitted,,10,Yes,"Tuesday, 3 March 2026, 9:30 AM",-,\n'
                  'Participant 102,Beto Ruiz,beto@uni.es,Submitted,,10,Yes,"Sunday, 1 March 2026, 11:00 PM",-,\n')
    run_cli("grade", str(download), "--out", str(out), "--roster", str(sheet),
            "--assignment", str(policy_assignment(tmp_path)))
    assert sorted(grades(out)) == ["ana-gil_101", "beto-ruiz_102"]
    [late] = result_json(out, "ana-gil_101")["review"]["adjustments"]
    assert late["points"] == -2.0  # 33.5 hours late: 2 days
    override(out, "beto-ruiz_102", "--check", "model_built", "--points", "1", "--comment", "abre bien")
    proc = run_cli("release", str(out), "--to", "moodle", "--reviewed-only")
    assert proc.returncode == 0 and "1 students" in proc.stdout and "1 left out" in proc.stdout, proc.stderr
    import zipfile

    with zipfile.ZipFile(out / "release-moodle" / "feedback.zip") as archive:
        folders = {name.split("/")[0] for name in archive.namelist()}
    assert folders == {"Beto Ruiz_102_assignsubmission_file_"}  # the download's own folder name
    with open(out / "release-moodle" / "grading-worksheet.csv", newline="", encoding="utf-8") as fh:
        [row] = list(csv.DictReader(fh))
    assert (row["Identifier"], row["Grade"]) == ("Participant 102", "1") and "abre bien" in row["Feedback comments"]
