"""The review store: versions, conflicts, attribution, the audit log, stale content, an old output folder."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from autograder.review.store import ReviewError, ReviewStore, VersionConflict
from tests.review.helpers import make_out


class Clock:
    def __init__(self):
        self.now = datetime(2026, 12, 5, 15, 0, tzinfo=timezone.utc)

    def __call__(self):
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def store(tmp_path):
    make_out(tmp_path)
    with ReviewStore.in_folder(tmp_path, clock=Clock()) as s:
        yield s


def test_override_is_attributed_timestamped_and_versioned(store):
    before = store.review("beto")
    assert (before.state, before.version, before.overrides) == ("none", 0, ())
    after = store.set_override("beto", "b" * 64, "dropout", 1.5, "rate 0.5 set by a variable", "prof", expected_version=0)
    assert after.state == "reviewed" and after.version == 1
    [o] = after.overrides
    assert (o.check_id, o.points, o.comment, o.by, o.at) == ("dropout", 1.5, "rate 0.5 set by a variable", "prof",
                                                             "2026-12-05T15:01:00+00:00")


def test_every_change_bumps_the_version_and_a_stale_version_is_refused(store):
    r = store.add_adjustment("ana", None, -1, "late by a day", "prof", expected_version=0)
    assert r.version == 1
    r = store.comment("ana", None, "Bien hecho", "ta", expected_version=1)
    assert r.version == 2 and [c.text for c in r.comments] == ["Bien hecho"]
    with pytest.raises(VersionConflict, match="changed by someone else"):
        store.set_override("ana", None, "trains", 0, "no", "ta2", expected_version=1)  # read before the comment
    assert store.review("ana").overrides == ()  # the refused change left nothing
    r = store.remove_adjustment("ana", None, r.adjustments[0].id, "prof", expected_version=2)
    assert r.adjustments == () and r.version == 3
    r = store.clear("ana", None, "prof", expected_version=3)
    assert r.version == 4 and r.state == "none" and r.comments == ()


def test_audit_log_keeps_every_change_with_who(store):
    store.set_override("beto", None, "dropout", 2, "ok", "ana.prof")
    store.set_override("beto", None, "dropout", 1, "half", "ben.ta")
    store.clear("beto", None, "carla", check_id="dropout")
    log = store.history("beto")
    assert [(e["action"], e["by"], e["version"]) for e in log] == [
        ("override", "ana.prof", 1), ("override", "ben.ta", 2), ("clear", "carla", 3)]
    assert log[0]["detail"] == {"check": "dropout", "points": 2.0, "comment": "ok"}
    assert store.review("beto").overrides == ()


@pytest.mark.parametrize("call, message", [
    (lambda s: s.set_override("nadie", None, "dropout", 1, "", "p"), "no submission 'nadie'"),
    (lambda s: s.set_override("ana", None, "dropuot", 1, "", "p"), "'dropuot' is not a check"),
    (lambda s: s.set_override("ana", None, "dropout", 3, "", "p"), "between 0 and 2, not 3"),
    (lambda s: s.set_override("ana", None, "dropout", -0.5, "", "p"), "between 0 and 2, not -0.5"),
    (lambda s: s.set_override("ana", None, "dropout", "mucho", "", "p"), "must be a number"),
    (lambda s: s.add_adjustment("ana", None, float("nan"), "x", "p"), "finite number"),
    (lambda s: s.add_adjustment("ana", None, -1, "  ", "p"), "reason must not be empty"),
    (lambda s: s.set_override("ana", None, "dropout", 1, "", " "), "name of who"),
    (lambda s: s.set_override("ana", None, "dropout", 1, "", "a\nb"), "on one line"),
    (lambda s: s.set_override("../ana", None, "dropout", 1, "", "p"), "no submission '../ana'"),
    (lambda s: s.set_override("ana", "f" * 64, "dropout", 1, "", "p"), "handed in again"),
    (lambda s: s.remove_adjustment("ana", None, 99, "p"), "no adjustment 99"),
])
def test_bad_changes_are_refused_with_one_sentence(store, call, message):
    with pytest.raises(ReviewError, match=message) as info:
        call(store)
    assert "\n" not in str(info.value)
    assert store.history() == []


def test_new_content_is_stale_until_confirmed_and_overrides_carry_over(tmp_path):
    make_out(tmp_path)
    with ReviewStore.in_folder(tmp_path) as store:
        store.set_override("beto", None, "dropout", 2, "ok", "prof")
        store.add_adjustment("beto", None, 0.5, "extra credit", "prof")
        store.comment("beto", None, "Buen trabajo", "prof")
    make_out(tmp_path, sha={"beto": "9" * 64})  # a new hand-in of beto
    with ReviewStore.in_folder(tmp_path) as store:
        stale = store.review("beto")
        assert stale.state == "stale" and stale.overrides == () and stale.sha256 == "9" * 64
        assert stale.previous.overrides[0].check_id == "dropout"
        confirmed = store.confirm("beto", None, "ta", expected_version=stale.version)
        assert confirmed.state == "reviewed"
        assert [(o.check_id, o.points, o.by) for o in confirmed.overrides] == [("dropout", 2.0, "prof")]
        assert [a.reason for a in confirmed.adjustments] == ["extra credit"]
        assert [c.text for c in confirmed.comments] == ["Buen trabajo"]
        assert store.history("beto")[-1]["detail"] == {"from": "b" * 64}


def test_clearing_a_stale_review_dismisses_it(tmp_path):
    make_out(tmp_path)
    with ReviewStore.in_folder(tmp_path) as store:
        store.set_override("caro", None, "trains", 1, "fit needed data", "prof")
    make_out(tmp_path, sha={"caro": "7" * 64})
    with ReviewStore.in_folder(tmp_path) as store:
        assert store.review("caro").state == "stale"
        cleared = store.clear("caro", None, "prof")
        assert cleared.state == "none" and cleared.previous is None and cleared.overrides == ()
    make_out(tmp_path)  # the old content comes back: its review was dismissed, nothing waits
    with ReviewStore.in_folder(tmp_path) as store:
        assert store.review("caro").overrides[0].check_id == "trains"  # its own rows are still there
        assert store.review("caro").state == "reviewed"  # same content, same review


def test_late_policy_adjustment_added_once_updated_and_removal_sticks(store):
    assert store.apply_late_penalty("ana", "a" * 64, -1.0, "late 1 day")
    assert not store.apply_late_penalty("ana", "a" * 64, -1.0, "late 1 day")  # same figure: nothing to do
    r = store.review("ana")
    assert r.state == "none" and [(a.points, a.kind, a.by) for a in r.adjustments] == [(-1.0, "late", "policy")]
    assert store.apply_late_penalty("ana", "a" * 64, -2.0, "late 2 days")  # the policy's figure changed
    r = store.review("ana")
    assert [a.points for a in r.adjustments] == [-2.0]
    store.remove_adjustment("ana", None, r.adjustments[0].id, "prof")
    assert not store.apply_late_penalty("ana", "a" * 64, -2.0, "late 2 days")
    assert store.review("ana").adjustments == ()


def test_an_old_output_folder_without_review_tables_just_works(tmp_path):
    make_out(tmp_path)
    db = sqlite3.connect(tmp_path / "results.sqlite")
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'review_%'").fetchall():
        db.execute(f"DROP TABLE {name}")
    db.commit()
    db.close()
    with ReviewStore.in_folder(tmp_path) as store:
        assert sorted(store.reviews()) == ["ana", "beto", "caro"]
        assert store.set_override("beto", None, "dropout", 2, "ok", "prof").state == "reviewed"
