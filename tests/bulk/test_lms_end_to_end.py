"""A Canvas download graded for real: files beside the notebook reach its working folder, a zip handed in
is unpacked, and the gradebooks carry the roster's names and Canvas ids."""
from __future__ import annotations

import csv
import json

import pytest

from tests.bulk.conftest import REFERENCE_NB, write, zip_folder
from tests.bulk.test_roster import CANVAS_GRADEBOOK
from tests.conftest import run_cli


@pytest.mark.slow
def test_canvas_zip_with_roster_graded_end_to_end(tmp_path):
    nb = json.loads(REFERENCE_NB.read_text())
    nb["cells"].append({"cell_type": "code", "id": "datos", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": "import pandas as pd\nprint(len(pd.read_csv('datos.csv')))"})
    download = tmp_path / "submissions"
    write(download / "doejane_1234_556677_tarea.ipynb", json.dumps(nb))
    write(download / "doejane_1234_556678_datos.csv", "a,b\n1,2\n3,4\n")
    write(tmp_path / "juan" / "proyecto" / "main.ipynb", REFERENCE_NB.read_text())
    zip_folder(tmp_path / "juan", download / "perezjuan_121314_556710_entrega.zip")
    archive = zip_folder(download, tmp_path / "submissions.zip")
    roster = write(tmp_path / "gradebook.csv", CANVAS_GRADEBOOK)
    out = tmp_path / "out"

    proc = run_cli("grade", str(archive), "--out", str(out), "--jobs", "2", "--roster", str(roster))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    jane = json.loads((out / "doejane_1234" / "result.json").read_text())
    assert jane["score"] == 10 and jane["student_errors"] == []  # datos.csv was next to the notebook
    assert jane["source"] == f"{archive}!/doejane_1234_556677_tarea.ipynb"
    juan = json.loads((out / "perezjuan_121314" / "result.json").read_text())
    assert juan["score"] == 10
    with open(out / "canvas-gradebook.csv", newline="", encoding="utf-8") as fh:
        rows = {r[1]: r for r in list(csv.reader(fh))[2:]}
    assert rows["1234"] == ["Doe, Jane", "1234", "A001", "jdoe", "Sección 1", "10"]
    assert rows["121314"][0] == "Pérez, Juan"
    assert "Gone, Nobody" in proc.stdout  # the roster's student without a submission is named
