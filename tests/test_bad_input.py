"""Bad and hostile submissions each get a result row with score 0; the batch goes on; nothing is left running."""
import csv
import os
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, read_results, run_cli

pytestmark = pytest.mark.slow

FAKE_RESULT = '''
import json, os
fake = {"schema": "autograder.result/1", "id": "fake_result", "status": "graded", "score": 10.0, "max_score": 10.0,
        "checks": [{"id": c, "status": "pass"} for c in ["model_built", "hidden_layers", "l2_regularization",
                   "dropout", "output_layer", "compiled", "trains"]]}
for folder in (".", "..", "/tmp", os.path.expanduser("~")):
    try:
        with open(os.path.join(folder, "result.json"), "w") as fh:
            json.dump(fake, fh)
    except OSError as exc:
        print("no se pudo escribir en", folder, exc)
print("id,score,max_score,status")
print("fake_result,10,10,graded")
print("Nota: 10/10  ✔ model_built ✔ hidden_layers ✔ l2_regularization ✔ dropout ✔ output_layer ✔ compiled ✔ trains")
'''


def sandbox_processes():
    """Processes of the grader's sandbox still alive (zygotes, bwrap, the sandbox user's)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            uid = Path(f"/proc/{pid}/status").read_text().split("Uid:")[1].split()[0]
        except (OSError, IndexError):
            continue
        python = re.search(r"(\S+)/bin/python", cmd)
        if python and os.path.realpath(python.group(1)) != os.path.realpath(sys.prefix):
            continue  # another checkout's grader on this machine (a second worktree), not this batch's
        if "ag_zygote" in cmd or uid == "65534":
            found.append((pid, cmd))
    return found


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    src = tmp_path_factory.mktemp("bad")
    (src / "syntax_error.py").write_text("model = Sequential([\n    Dense(64)\n")
    (src / "corrupt.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "x = 1"')
    (src / "empty.py").write_text("")
    (src / "forever.py").write_text("while True:\n    pass\n")
    (src / "huge_alloc.py").write_text("import numpy as np\nx = np.ones(40 * 1024**3 // 8)\nprint(x.sum())\n")
    (src / "fake_result.py").write_text(FAKE_RESULT)
    (src / "zz_reference.py").write_text((ROOT / "solutions" / "reference.py").read_text())
    (src / "model_then_hang.py").write_text((ROOT / "solutions" / "reference.py").read_text()
                                             + "\nimport time\nwhile True:\n    time.sleep(1)\n")
    out = tmp_path_factory.mktemp("bad-out")
    before = sandbox_processes()
    proc = run_cli("grade", str(src), "--out", str(out), "--timeout", "15", "--jobs", "2")
    return proc, out, read_results(out), before, src


@pytest.mark.parametrize("sub_id,status,kind", [
    ("syntax_error", "error", "syntax_error"),
    ("corrupt", "error", "corrupt_notebook"),
    ("empty", "graded", None),  # the contract: an empty script is graded, model_built failed with its reason
    ("forever", "error", "timeout"),
    ("huge_alloc", "error", "memory_limit"),
    ("fake_result", "graded", None),
])
def test_bad_submission_gets_a_zero_row(hostile_batch, sub_id, status, kind):
    _, out, results, _, _ = hostile_batch
    r = results[sub_id]
    assert r["score"] == 0.0 and r["status"] == status
    assert (r["error"] or {}).get("kind") == kind
    assert [c["id"] for c in r["checks"]] == ["model_built", "hidden_layers", "l2_regularization", "dropout",
                                             "output_layer", "compiled", "trains"]
    if r["error"]:
        assert r["error"]["message"] and r["checks"][0]["message"] == r["error"]["message"]
    assert (out / sub_id / "report.html").exists()


def test_batch_goes_on_and_grades_the_good_one(hostile_batch):
    proc, out, results, _, _ = hostile_batch
    assert proc.returncode == 1
    assert results["zz_reference"]["score"] == 10.0
    with open(out / "grades.csv", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert len(rows) == 8 and rows["fake_result"]["score"] == "0" and rows["zz_reference"]["score"] == "10"


def test_printed_and_written_fakes_do_not_count(hostile_batch):
    _, out, results, _, src = hostile_batch
    r = results["fake_result"]
    assert r["checks"][0]["status"] == "fail"
    assert "fake_result,10,10" in "".join(open(out / "fake_result" / "report.md").read())  # shown, not believed
    assert not (src / "result.json").exists() and not (src.parent / "result.json").exists()


def test_timeout_message_names_the_limit(hostile_batch):
    _, _, results, _, _ = hostile_batch
    assert "15" in results["forever"]["error"]["message"]
    assert results["forever"]["elapsed_s"] < 60


def test_no_process_left_running(hostile_batch):
    _, _, _, before, _ = hostile_batch
    # Compared with the list taken before the batch, so other graders running on the machine do not count.
    assert [p for p in sandbox_processes() if p not in before] == []


def test_model_that_exists_at_the_time_limit_is_still_graded(hostile_batch):
    _, _, results, _, _ = hostile_batch
    r = results["model_then_hang"]
    assert r["status"] == "graded" and r["score"] == 10.0
    assert "15" in r["cut_short"]
