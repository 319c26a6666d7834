"""Terminal summary: a compact table; plain text (no escape codes) whenever the output is not a terminal."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from autograder.render.terminal import make_console, print_line, print_result

from . import helpers as h
from .conftest import ROOT, SOLUTIONS

ESC = "\x1b"


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_piped_output_is_plain_text_even_with_force_color(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    buffer = io.StringIO()
    console = make_console(buffer)
    print_result(h.missing_dropout_result(), console)
    print_line(h.missing_dropout_result(), console)
    text = buffer.getvalue()
    assert ESC not in text
    assert "sin_dropout: 8/10" in text and "✘ no superada" in text and "0/2" in text
    assert "→ Añade una capa Dropout" in text
    assert "8/10 sin_dropout [dropout]" in text


def test_terminal_gets_colour_and_no_color_turns_it_off(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    tty = FakeTTY()
    print_result(h.missing_dropout_result(), make_console(tty))
    assert f"{ESC}[" in tty.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    tty = FakeTTY()
    print_result(h.missing_dropout_result(), make_console(tty))
    assert ESC not in tty.getvalue()


def test_brackets_in_ids_and_messages_are_not_taken_as_markup():
    buffer = io.StringIO()
    console = Console(file=buffer, width=200)
    r = h.result({"compiled": "fail"}, messages={"compiled": "[bold]x[/] model = Sequential([...])"}, id="[red]eve")
    print_result(r, console)
    print_line(r, console)
    text = buffer.getvalue()
    assert "[bold]x[/] model = Sequential([...])" in text
    assert "[red]eve: 9/10" in text and "9/10 [red]eve [compiled]" in text


def test_error_result_line_and_detail():
    buffer = io.StringIO()
    console = make_console(buffer)
    print_result(h.error_result(), console)
    print_line(h.error_result(), console)
    text = buffer.getvalue()
    assert "Error: El cuaderno está dañado" in text and "0/10 roto (corrupt_notebook)" in text


def test_every_check_is_a_row_in_english():
    buffer = io.StringIO()
    print_result(replace(h.result(), lang="en"), make_console(buffer))
    text = buffer.getvalue()
    assert all(cid in text for cid in h.CHECK_IDS) and text.count("✔ passed") == 7


@pytest.mark.slow
def test_cli_piped_to_a_file_has_no_escape_codes(tmp_path):
    exe = Path(sys.executable).with_name("autograder")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "CLICOLOR_FORCE")}
    proc = subprocess.run([str(exe), "grade", str(SOLUTIONS / "variants" / "missing_dropout.py"), "--out",
                           str(tmp_path), "--jobs", "1"], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert ESC not in proc.stdout and ESC not in proc.stderr
    assert "missing_dropout: 8/10" in proc.stdout and "dropout" in proc.stdout
    assert (tmp_path / "summary.html").exists() and (tmp_path / "summary.md").exists()
