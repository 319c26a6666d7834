"""Late work: the [policy] section, submission times from each source, extensions, the penalty's arithmetic."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from autograder.inputs import read_inputs
from autograder.inputs.roster import RosterError, Student, read_roster
from autograder.review.late import days_late, late_penalty, parse_policy, parse_time
from tests.bulk.conftest import notebook, write

POLICY = parse_policy({"due": "2026-03-01T23:59:00+01:00", "late_penalty_per_day": 0.1, "max_late_days": 3})
DUE = POLICY.due


@pytest.mark.parametrize("raw, message", [
    ({"due": "2026-03-01T23:59:00"}, "with an offset"),
    ({"due": "el lunes"}, "ISO 8601"),
    ({"due": "2026-03-01T23:59:00+01:00", "late_penalty_per_day": 2}, "between 0 and 1"),
    ({"due": "2026-03-01T23:59:00+01:00", "max_late_days": -1}, "whole number of days"),
])
def test_a_wrong_policy_is_refused_with_one_sentence(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_policy(raw)


def test_no_due_date_no_policy_and_toml_datetimes_work():
    assert parse_policy({}) is None and parse_policy(None) is None
    assert parse_policy({"due": datetime(2026, 3, 1, 23, 59, tzinfo=timezone.utc)}).due.tzinfo is not None


@pytest.mark.parametrize("after, days", [
    (timedelta(0), 0), (timedelta(seconds=-1), 0), (timedelta(minutes=1), 1), (timedelta(hours=24), 1),
    (timedelta(hours=24, seconds=1), 2), (timedelta(days=3), 3)])
def test_days_late_round_partial_days_up(after, days):
    assert days_late(POLICY, DUE + after) == days


def test_an_extension_moves_the_due_date():
    assert days_late(POLICY, DUE + timedelta(hours=30), extension_days=1) == 1
    assert days_late(POLICY, DUE + timedelta(hours=30), extension_days=2) == 0


def test_penalty_is_a_share_of_max_score_per_day_and_zero_past_the_limit():
    def penalty(after, **fields):
        return late_penalty(POLICY, 10.0, Student(submitted_at=(DUE + after).isoformat(), **fields), "en")

    assert penalty(timedelta(hours=-2)).points == 0.0
    two = penalty(timedelta(hours=25))
    assert (two.points, two.days) == (-2.0, 2) and "late 2 day(s)" in two.reason
    assert penalty(timedelta(days=3)).points == -3.0
    past = penalty(timedelta(days=3, minutes=1))
    assert past.points == -10.0 and "score 0" in past.reason
    assert penalty(timedelta(hours=25), extension_days=2).points == 0.0
    assert late_penalty(POLICY, 10.0, Student()) is None  # nothing says when: no adjustment
    assert late_penalty(POLICY, 10.0, None) is None


def test_canvas_late_mark_without_a_time_counts_one_day(tmp_path):
    folder = tmp_path / "submissions"
    write(folder / "smithbob_LATE_5678_556690_tarea.ipynb", notebook("print(1)"))
    write(folder / "doejane_1234_556677_tarea.ipynb", notebook("print(2)"))
    students = read_inputs([folder]).students
    bob, jane = students["smithbob_5678"], students["doejane_1234"]
    assert bob.late and not jane.late
    assert late_penalty(POLICY, 10.0, bob).points == -1.0
    assert "marked LATE by Canvas" in late_penalty(POLICY, 10.0, bob, "en").reason
    assert "marcado LATE por Canvas" in late_penalty(POLICY, 10.0, bob).reason  # the assignment's Spanish
    assert late_penalty(POLICY, 10.0, jane) is None
    assert late_penalty(POLICY, 10.0, Student(late=True, extension_days=1)).points == 0.0


def test_moodle_worksheet_last_modified_submission(tmp_path):
    """Moodle's worksheet writes local times without an offset (read in the due date's offset), '-' for none."""
    sheet = write(tmp_path / "worksheet.csv",
                  "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
                  "Last modified (submission),Last modified (grade),Feedback comments\n"
                  'Participant 101,Ana Gil,ana@uni.es,Submitted,,10,Yes,"Monday, 2 March 2026, 9:30 AM",-,\n'
                  'Participant 102,Beto Ruiz,beto@uni.es,Submitted,,10,Yes,"Sunday, 1 March 2026, 11:00 PM",-,\n'
                  "Participant 103,Caro Paz,caro@uni.es,No submission,,10,Yes,-,-,\n")
    entries = {e.student.name: e.student for e in read_roster(sheet)}
    assert entries["Ana Gil"].submitted_at == "Monday, 2 March 2026, 9:30 AM"
    assert late_penalty(POLICY, 10.0, entries["Ana Gil"]).points == -1.0   # 9.5 h late: one day
    assert late_penalty(POLICY, 10.0, entries["Beto Ruiz"]).points == 0.0  # on time
    assert late_penalty(POLICY, 10.0, entries["Caro Paz"]) is None


def test_spanish_moodle_worksheet_and_time_formats(tmp_path):
    sheet = write(tmp_path / "hoja.csv", "Identificador,Nombre completo,Última modificación (entrega),prórroga\n"
                                         'Participante 7,Ana Gil,"lunes, 2 de marzo de 2026, 09:30",1\n')
    [entry] = read_roster(sheet)
    assert entry.student.extension_days == 1.0
    assert parse_time(entry.student.submitted_at, DUE) == datetime(2026, 3, 2, 9, 30, tzinfo=DUE.tzinfo)
    assert late_penalty(POLICY, 10.0, entry.student).points == 0.0  # within the extension
    assert parse_time("2026-03-02T08:00:00Z", DUE) == datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    assert parse_time("-", DUE) is None and parse_time("no sé", DUE) is None


def test_roster_submitted_at_and_extension_days(tmp_path):
    roster = write(tmp_path / "roster.csv", "id,name,submitted_at,extension_days\n"
                                            "ana,Ana,2026-03-03T10:00:00+01:00,1\nbeto,Beto,,\n")
    by_id = {e.student.name: e.student for e in read_roster(roster)}
    assert late_penalty(POLICY, 10.0, by_id["Ana"]).points == -1.0  # 34 h late, 1 day of extension: 1 day
    assert late_penalty(POLICY, 10.0, by_id["Beto"]) is None
    bad = write(tmp_path / "bad.csv", "id,extension_days\nana,mucho\n")
    with pytest.raises(RosterError, match="extension_days must be a number"):
        read_roster(bad)
