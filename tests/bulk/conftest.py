"""Fixtures for the bulk-grading tests: small class downloads named as Canvas and Moodle name them."""
from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_NB = ROOT / "solutions" / "reference_notebook.ipynb"
REFERENCE_PY = ROOT / "solutions" / "reference.py"


def notebook(code: str) -> str:
    """A minimal nbformat-4 notebook holding one code cell."""
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": None,
                                  "outputs": [], "source": code}]})


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def zip_folder(folder: Path, archive: Path, prefix: str = "") -> Path:
    """Zip every file under ``folder`` (names relative to it, under ``prefix``)."""
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return archive


@pytest.fixture
def canvas_download(tmp_path) -> Path:
    """A Canvas "Download Submissions" folder: flat files ``lastfirst_[LATE_]userid_attachmentid_name``."""
    folder = tmp_path / "submissions"
    write(folder / "doejane_1234_556677_tarea_l2.ipynb", notebook("print('jane')"))
    write(folder / "doejane_1234_556678_datos.csv", "a,b\n1,2\n")
    write(folder / "smithbob_LATE_5678_556690_Tarea-1.ipynb", notebook("print('bob, resubmitted late')"))
    write(folder / "leeann_91011_556700_cuaderno.ipynb", notebook("print('ann')"))
    write(folder / "leeann_91011_556701_modelo.py", "print('helper')\n")
    inner = tmp_path / "juan"
    write(inner / "proyecto" / "main.ipynb", notebook("print('juan, zipped')"))
    zip_folder(inner, folder / "perezjuan_121314_556710_entrega.zip")
    return folder


@pytest.fixture
def moodle_download(tmp_path) -> Path:
    """A Moodle "Download all submissions" folder: one folder per student and plugin (Moodle >= 3.1),
    plus one flat file as older Moodle (or "download in folders" off) writes them."""
    folder = tmp_path / "L2-Dropout-12345"
    write(folder / "Jane Doe_101_assignsubmission_file_" / "tarea.ipynb", notebook("print('jane')"))
    write(folder / "Jane Doe_101_assignsubmission_onlinetext_" / "onlinetext.html", "<p>ver cuaderno</p>")
    write(folder / "José Núñez_102_assignsubmission_file_" / "entrega.ipynb", notebook("print('jose')"))
    write(folder / "José Núñez_102_assignsubmission_file_" / "src" / "utils.py", "X = 1\n")
    write(folder / "Ann Lee_103_assignsubmission_file_practica.ipynb", notebook("print('ann')"))
    write(folder / "Bo Chen_104_assignsubmission_onlinetext_" / "onlinetext.html", "<p>no file</p>")
    return folder


def store_rows(out: Path) -> list[tuple]:
    """(submission id, sha256, run id, graded at) of every stored result."""
    with sqlite3.connect(out / "results.sqlite") as db:
        return db.execute("SELECT submission_id, sha256, run_id, graded_at FROM results ORDER BY submission_id").fetchall()


def store_runs(out: Path) -> list[tuple]:
    """(run id, submissions, cached, graded) of every run, oldest first."""
    with sqlite3.connect(out / "results.sqlite") as db:
        return db.execute("SELECT run_id, submissions, cached, graded FROM runs ORDER BY started_at").fetchall()
