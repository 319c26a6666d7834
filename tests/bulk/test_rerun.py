"""Reruns grade only what changed: the real CLI on submissions that fail to load (no TensorFlow needed)."""
from __future__ import annotations

import csv
import shutil

from tests.bulk.conftest import store_rows, store_runs, write
from tests.conftest import run_cli


def grades(out):
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh)]


def class_folder(tmp_path):
    folder = tmp_path / "clase"
    write(folder / "ana.ipynb", "{not json")
    write(folder / "bea.ipynb", b"\x00\x01binary")
    write(folder / "cai.py", "def broken(:\n")
    return folder


def test_rerun_reuses_results_and_regrades_only_changed(tmp_path):
    folder, out = class_folder(tmp_path), tmp_path / "out"
    first = run_cli("grade", str(folder), "--out", str(out))
    assert first.returncode == 1, first.stderr
    rows1 = {r[0]: r for r in store_rows(out)}
    assert sorted(rows1) == ["ana", "bea", "cai"] and grades(out) == ["ana", "bea", "cai"]

    again = run_cli("grade", str(folder), "--out", str(out))
    assert again.returncode == 1 and "3 unchanged" in again.stdout
    assert {r[0]: r for r in store_rows(out)} == rows1  # nothing graded again
    assert store_runs(out)[-1][1:] == (3, 3, 0)
    assert grades(out) == ["ana", "bea", "cai"]

    write(folder / "bea.ipynb", b"\x00\x02other binary")
    shutil.rmtree(out / "cai")  # reports of stored results are written again when missing
    changed = run_cli("grade", str(folder), "--out", str(out))
    assert changed.returncode == 1 and "2 unchanged" in changed.stdout
    rows3 = store_rows(out)
    assert [r[0] for r in rows3] == ["ana", "bea", "bea", "cai"]  # bea's old version stays in the history
    latest_run = store_runs(out)[-1][0]
    assert {r[0]: r[2] for r in rows3 if r[2] == latest_run} == {"bea": latest_run}
    assert grades(out) == ["ana", "bea", "cai"]  # each submission exactly once
    assert (out / "cai" / "result.json").is_file() and (out / "cai" / "report.html").is_file()


def test_force_and_changed_settings_regrade_everything(tmp_path):
    folder, out = class_folder(tmp_path), tmp_path / "out"
    run_cli("grade", str(folder), "--out", str(out))
    forced = run_cli("grade", str(folder), "--out", str(out), "--force")
    assert "unchanged" not in forced.stdout and store_runs(out)[-1][1:] == (3, 0, 3)
    english = run_cli("grade", str(folder), "--out", str(out), "--lang", "en")
    assert "unchanged" not in english.stdout and store_runs(out)[-1][1:] == (3, 0, 3)
    assert grades(out) == ["ana", "bea", "cai"]


def test_run_writes_the_gradebook_exports(tmp_path, canvas_download):
    for path in canvas_download.glob("*.ipynb"):
        path.write_text("{broken")  # fast: nothing to run
    next(canvas_download.glob("*.zip")).unlink()
    out = tmp_path / "out"
    proc = run_cli("grade", str(canvas_download), "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    with open(out / "canvas-gradebook.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert sorted(r[1] for r in rows[2:]) == ["1234", "5678", "91011"]
    with open(out / "moodle-grading-worksheet.csv", newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh))[:5] == ["Identifier", "Full name", "Email address", "Status", "Grade"]
