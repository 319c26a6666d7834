"""The runner's cell marks in the printed output: cut out by the supervisor, each cell's start remembered, the
output otherwise unchanged whatever the read boundaries; forged or broken marks stay plain output."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

INNER = Path(__file__).resolve().parents[2] / "autograder" / "sandbox" / "inner"
sys.path.insert(0, str(INNER))

from ag_supervise import OutputMarks  # noqa: E402
from autograder.grading import cell_outputs  # noqa: E402
from autograder.sandbox.worker import output_cells  # noqa: E402

NONCE = "0123456789abcdef"


def mark(cell: int, nonce: str = NONCE) -> bytes:
    return f"\x1eAGCELL:{nonce}:{cell}\x1e".encode()


STREAM = b"warming up\n" + mark(1) + b"cell one\n" + mark(2) + mark(3) + "tres \x1e ñ\n".encode() + mark(4)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 16, 1000])
def test_marks_are_cut_out_at_any_read_size(size):
    marks = OutputMarks(NONCE)
    out = b"".join(marks.feed(STREAM[i:i + size]) for i in range(0, len(STREAM), size)) + marks.finish()
    assert out == "warming up\ncell one\ntres \x1e ñ\n".encode()
    assert marks.starts == [(1, 11), (2, 20), (3, 20), (4, len(out))]
    assert marks.cells(bytearray(out)) == [[1, 11], [2, 20], [3, 20], [4, len(out.decode())]]


def test_a_forged_mark_with_another_nonce_is_plain_output():
    marks = OutputMarks(NONCE)
    forged = mark(9, "ffffffffffffffff")
    assert marks.feed(b"a" + forged + b"b") + marks.finish() == b"a" + forged + b"b"
    assert marks.starts == []


def test_an_unfinished_mark_at_the_end_is_plain_output():
    marks = OutputMarks(NONCE)
    assert marks.feed(b"x" + mark(5)[:-3]) + marks.finish() == b"x" + mark(5)[:-3]


def test_without_a_nonce_nothing_is_touched():
    assert OutputMarks(None).feed(STREAM) == STREAM


def test_offsets_past_the_kept_output_point_at_its_end():
    marks = OutputMarks(NONCE)
    marks.feed(b"0123456789" + mark(2) + b"more")
    assert marks.cells(bytearray(b"01234")) == [[2, 5]]


def test_each_cells_part_is_cleaned_and_its_offset_kept():
    text = "\x1b[1mstart\x1b[0m\n" + "epoch 1\repoch 2\n" + "done\n"
    starts = ((1, len("\x1b[1mstart\x1b[0m\n")), (2, len("\x1b[1mstart\x1b[0m\nepoch 1\repoch 2\n")))
    cleaned, cells = cell_outputs(text, starts)
    assert cleaned == "start\nepoch 2\ndone\n"
    assert [cleaned[at:] for _, at in cells] == ["epoch 2\ndone\n", "done\n"]


def test_the_workers_check_of_offsets():
    assert output_cells([[1, 0], [2, 5], [3, 4], ["x", 1], [4, -1], [5, 9]]) == ((1, 0), (2, 5), (5, 9))
    assert output_cells("nonsense") == ()


def test_many_separator_bytes_are_passed_on_whole():
    marks = OutputMarks(NONCE)
    flood = b"\x1e" * 300_000 + b"x"
    assert marks.feed(flood) + marks.finish() == flood and marks.starts == []
