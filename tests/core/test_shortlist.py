"""Shortlist documents: file round trip, every bad file, atomic save, undo/redo, recovery, newer data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from trustmatch.app import shortlist as sl
from trustmatch.data.dataset import Dataset
from trustmatch.fit.ranking import PRESETS, Filters, FitEngine

NEWMAN = 111456  # Cardinal Newman Catholic High School, Warrington


@pytest.fixture(scope="module")
def ranked(dataset, engine):
    row = dataset.index_of_urn(NEWMAN)
    return dataset.school(row), engine.evaluate(row).rank(PRESETS["balanced"])


def make_document(dataset, ranked, count=4) -> sl.ShortlistDocument:
    school, ranking = ranked
    doc = sl.ShortlistDocument.new(school, dataset.data_date, PRESETS["balanced"], Filters())
    for candidate in ranking.rows(count):
        assert doc.add(candidate, dataset.data_date, PRESETS["balanced"])
    return doc


def edited_document(dataset, ranked):
    doc = make_document(dataset, ranked)
    first, second = doc.shortlist.codes[:2]
    doc.set_notes(first, 'Met the CEO on 3 March; strong on SEND.\nSecond line, \u00e9t\u00e9 \u2013 quotes "ok"')
    doc.set_status(first, "to visit")
    doc.set_status(second, "not for us")
    doc.set_decision(first, "proceed")
    doc.set_decision_note(first, "Unanimous")
    doc.set_answer(first, "central-charge", "What is the central charge and what does it buy?", asked=True)
    doc.set_answer(first, "central-charge", "What is the central charge and what does it buy?", answer="5% of GAG")
    doc.move(second, 0)
    return doc


def test_round_trip_keeps_everything(dataset, ranked, tmp_path):
    doc = edited_document(dataset, ranked)
    path = tmp_path / "newman.trustmatch"
    doc.save(path)
    assert not doc.modified and doc.title == "newman.trustmatch"
    loaded = sl.read(path)
    assert loaded == doc.shortlist
    first = loaded.entries[1]
    assert first.notes.startswith("Met the CEO") and first.status == "to visit"
    assert first.decision == "proceed" and first.decision_note == "Unanimous"
    assert first.answers["central-charge"] == sl.Answer(
        "What is the central charge and what does it buy?", True, "5% of GAG"
    )
    assert loaded.entries[0].status == "not for us"  # moved to the top
    assert loaded.school_urn == NEWMAN and loaded.data_date == "2025-07-18"
    assert loaded.preset == "balanced"
    # the snapshot holds the real scores and reasons of the time
    _, ranking = ranked
    top = ranking.candidate(0)
    snap = loaded.entry(top.trust_code).snapshot
    assert snap.rank == 1 and snap.total == pytest.approx(top.total, abs=0.01)
    assert snap.reasons == top.reasons
    # saving what was read gives the same document again (apart from when it was saved)
    again = tmp_path / "again.trustmatch"
    sl.save(loaded, again)
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (path, again))
    a.pop("saved"), b.pop("saved")
    assert a == b


def test_fields_written_by_a_later_version_are_kept(dataset, ranked, tmp_path):
    path = tmp_path / "later.trustmatch"
    make_document(dataset, ranked, 2).save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["meeting_date"] = "2026-12-01"
    document["trusts"][0]["colour"] = "green"
    path.write_text(json.dumps(document), encoding="utf-8")
    doc = sl.ShortlistDocument.open(path)
    doc.set_notes(doc.shortlist.codes[0], "edited")
    doc.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["meeting_date"] == "2026-12-01" and saved["trusts"][0]["colour"] == "green"
    assert saved["trusts"][0]["notes"] == "edited"


# --- bad files ---------------------------------------------------------------


def good_bytes(dataset, ranked) -> bytes:
    return sl.to_bytes(edited_document(dataset, ranked).shortlist)


def _document(dataset, ranked) -> dict:
    return json.loads(good_bytes(dataset, ranked))


BAD_FILES = {
    "empty": (lambda d, r: b"", "is empty"),
    "blank": (lambda d, r: b"  \n", "is empty"),
    "truncated": (lambda d, r: good_bytes(d, r)[: len(good_bytes(d, r)) // 2], "is incomplete"),
    "truncated at the last brace": (lambda d, r: good_bytes(d, r)[:-1], "is incomplete"),
    "corrupt": (lambda d, r: good_bytes(d, r).replace(b'"status"', b'"sta\x00tus" ::', 1), "is damaged"),
    "binary": (lambda d, r: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not a TrustMatch shortlist"),
    "csv": (lambda d, r: b"URN,EstablishmentName\n111456,Cardinal Newman\n", "not a TrustMatch shortlist"),
    "foreign json": (lambda d, r: b'{"name": "package", "version": 3}', "not a TrustMatch shortlist"),
    "json list": (lambda d, r: b"[1, 2, 3]", "not a TrustMatch shortlist"),
    "newer schema": (
        lambda d, r: json.dumps(dict(_document(d, r), version=sl.VERSION + 1)).encode(),
        "saved by a newer TrustMatch",
    ),
    "no version": (lambda d, r: json.dumps({"format": sl.FORMAT}).encode(), "is damaged"),
    "unknown status": (
        lambda d, r: json.dumps(_document(d, r)).replace('"to visit"', '"maybe"').encode(),
        "unknown status 'maybe'",
    ),
    "trust without a code": (
        lambda d, r: json.dumps(
            dict(_document(d, r), trusts=[{k: v for k, v in _document(d, r)["trusts"][0].items() if k != "trust_code"}])
        ).encode(),
        "has no trust code",
    ),
    "score not a number": (
        lambda d, r: json.dumps(_document(d, r)).replace('"ethos": 100.0', '"ethos": "high"', 1).encode(),
        "is not a number",
    ),
    "duplicate trust": (
        lambda d, r: json.dumps(dict(_document(d, r), trusts=_document(d, r)["trusts"][:1] * 2)).encode(),
        "twice",
    ),
    "bad filter": (
        lambda d, r: json.dumps(dict(_document(d, r), filters={"max_km": "far"})).encode(),
        "is damaged",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_gets_one_sentence_and_is_left_alone(case, dataset, ranked, tmp_path):
    make, words = BAD_FILES[case]
    data = make(dataset, ranked)
    path = tmp_path / "bad.trustmatch"
    path.write_bytes(data)
    with pytest.raises(sl.ShortlistProblem) as caught:
        sl.ShortlistDocument.open(path)
    message = str(caught.value)
    assert words in message, message
    assert "'bad.trustmatch'" in message
    assert "\n" not in message and message.endswith(".") and "Traceback" not in message
    assert message.count(". ") == 0, f"more than one sentence: {message}"
    assert path.read_bytes() == data  # a failed load never changes the file
    assert list(tmp_path.iterdir()) == [path]


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(sl.ShortlistProblem, match="There is no file"):
        sl.read(tmp_path / "nowhere.trustmatch")
    with pytest.raises(sl.ShortlistProblem, match="is a folder"):
        sl.read(tmp_path)


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "locked.trustmatch"
    path.write_text("{}")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)  # chmod does not bind root, which runs CI here
    with pytest.raises(sl.ShortlistProblem, match="'locked.trustmatch' cannot be read: permission denied"):
        sl.read(path)


# --- atomic save -------------------------------------------------------------


def test_save_failing_mid_write_leaves_the_old_file_whole(dataset, ranked, tmp_path, monkeypatch):
    path = tmp_path / "keep.trustmatch"
    doc = make_document(dataset, ranked, 2)
    doc.save(path)
    before = path.read_bytes()
    doc.set_notes(doc.shortlist.codes[0], "new words")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sl.os, "fsync", full_disk)
    with pytest.raises(sl.ShortlistProblem, match="No space left on device"):
        doc.save()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.trustmatch"]  # no temporary file left
    assert doc.modified  # still unsaved: the user is not told it was saved


def test_save_to_an_unwritable_folder_is_one_sentence(dataset, ranked, tmp_path, monkeypatch):
    doc = make_document(dataset, ranked, 1)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sl.paths.tempfile, "mkstemp", refuse)  # chmod does not bind root, which runs CI here
    with pytest.raises(sl.ShortlistProblem, match="cannot be written to"):
        doc.save(tmp_path / "x.trustmatch")
    assert doc.path is None and doc.modified and not (tmp_path / "x.trustmatch").exists()


# --- undo and redo -----------------------------------------------------------


def test_every_edit_undoes_and_redoes(dataset, ranked):
    doc = sl.ShortlistDocument.new(ranked[0], dataset.data_date, PRESETS["balanced"], Filters())
    states = [doc.shortlist]
    edits = [
        lambda: doc.add(ranked[1].candidate(0), dataset.data_date, PRESETS["balanced"]),
        lambda: doc.add(ranked[1].candidate(1), dataset.data_date, PRESETS["balanced"]),
        lambda: doc.add(ranked[1].candidate(2), dataset.data_date, PRESETS["balanced"], position=0),
        lambda: doc.move(doc.shortlist.codes[2], 0),
        lambda: doc.set_status(doc.shortlist.codes[0], "shortlisted"),
        lambda: doc.set_notes(doc.shortlist.codes[1], "notes"),
        lambda: doc.set_decision(doc.shortlist.codes[1], "decline"),
        lambda: doc.set_decision_note(doc.shortlist.codes[1], "too far"),
        lambda: doc.set_answer(doc.shortlist.codes[1], "q", "Question?", asked=True),
        lambda: doc.set_answer(doc.shortlist.codes[1], "q", "Question?", answer="Yes"),
        lambda: doc.set_settings(PRESETS["church school"], Filters(max_km=30.0)),
        lambda: doc.remove(doc.shortlist.codes[0]),
    ]
    for edit in edits:
        edit()
        assert doc.shortlist != states[-1]
        states.append(doc.shortlist)
    assert doc.modified
    for state in reversed(states[:-1]):
        doc.undo()
        assert doc.shortlist == state
    assert not doc.can_undo and not doc.modified
    for state in states[1:]:
        doc.redo()
        assert doc.shortlist == state
    assert not doc.can_redo
    assert doc.undo_label == f"Remove {states[-2].entries[0].trust_name}"


def test_typing_a_note_undoes_as_one_step(dataset, ranked):
    doc = make_document(dataset, ranked, 2)
    code = doc.shortlist.codes[0]
    for i in range(1, 6):
        doc.set_notes(code, "hello"[:i])
    assert doc.shortlist.entry(code).notes == "hello"
    doc.undo()
    assert doc.shortlist.entry(code).notes == ""
    doc.redo()
    doc.end_merge()  # the user left the field and came back
    doc.set_notes(code, "hello again")
    doc.undo()
    assert doc.shortlist.entry(code).notes == "hello"


def test_a_new_edit_clears_redo_and_save_marks_clean(dataset, ranked, tmp_path):
    doc = make_document(dataset, ranked, 3)
    doc.save(tmp_path / "a.trustmatch")
    assert not doc.modified
    code = doc.shortlist.codes[0]
    doc.set_notes(code, "a")
    assert doc.modified
    doc.undo()
    assert not doc.modified  # back to what the file holds
    assert doc.can_redo
    doc.set_status(code, "to visit")
    assert not doc.can_redo
    doc.save()
    doc.set_notes(code, "b")  # typing after a save starts a new step, not merged into the saved one
    doc.undo()
    assert not doc.modified and doc.shortlist.entry(code).status == "to visit"


def test_adding_twice_and_unknown_values(dataset, ranked):
    doc = make_document(dataset, ranked, 1)
    assert doc.add(ranked[1].candidate(0), dataset.data_date, PRESETS["balanced"]) is False
    with pytest.raises(ValueError):
        doc.set_status(doc.shortlist.codes[0], "maybe")
    with pytest.raises(KeyError):
        doc.remove("nope")


def test_a_hidden_trust_stays_with_its_scores(dataset, ranked):
    """A trust the filters hide keeps its place and has scores, with no rank."""
    school, ranking = ranked
    far = next(
        c for c in ranking.evaluation.engine.codes if ranking.rank_index_of(c) is None and c != school.trust_code
    )
    candidate = ranking.candidate_for(far)
    doc = make_document(dataset, ranked, 1)
    doc.add(candidate, dataset.data_date, PRESETS["balanced"])
    entry = doc.shortlist.entry(far)
    assert entry.snapshot.rank is None and entry.snapshot.scores == {
        n: round(v, 2) for n, v in candidate.scores.items()
    }
    move = sl.movements(doc.shortlist, ranking.evaluation)[1]
    assert move.candidate.trust_code == far and move.candidate.rank is None and move.rank_change is None


# --- newer data and trusts no longer in it -----------------------------------


def newer_dataset(dataset, leaving_row: int) -> Dataset:
    """The real register with one school moved out of its trust, dated later (what a new GIAS import brings)."""
    columns = dict(dataset.columns)
    for name in ("trust_code", "trust_name", "trust_type", "governance"):
        columns[name] = list(columns[name])
    columns["trust_code"][leaving_row] = ""
    columns["trust_name"][leaving_row] = ""
    columns["trust_type"][leaving_row] = ""
    columns["governance"][leaving_row] = "other"
    return Dataset(columns, dict(dataset.meta, data_date="2025-09-05"))


@pytest.mark.slow
def test_opened_on_newer_data_shows_how_scores_and_rank_moved(dataset, ranked):
    school, ranking = ranked
    doc = make_document(dataset, ranked, 3)
    top = ranking.candidate(0)
    newer = newer_dataset(dataset, top.nearest_school_row)
    evaluation = FitEngine(newer).evaluate(newer.index_of_urn(NEWMAN))
    moves = sl.movements(doc.shortlist, evaluation)
    assert [m.entry.trust_code for m in moves] == doc.shortlist.codes
    first = moves[0]
    assert first.candidate.schools == top.schools - 1
    assert first.score_changes()["geography"] < 0  # its nearest school left
    assert first.total_change == pytest.approx(first.candidate.total - first.entry.snapshot.total)
    assert f"total {top.total:.0f} to {first.candidate.total:.0f}" in first.sentence()
    notes = sl.opening_notes(doc.shortlist, newer, set(evaluation.engine.codes))
    assert any("18 July 2025" in n and "newer" in n and "5 September 2025" in n for n in notes)


def test_trust_no_longer_in_the_data_is_kept_and_named(dataset, ranked, tmp_path, engine):
    doc = make_document(dataset, ranked, 3)
    path = tmp_path / "old.trustmatch"
    doc.save(path)
    text = path.read_text(encoding="utf-8").replace(f'"{doc.shortlist.codes[1]}"', '"99999999"')
    path.write_text(text, encoding="utf-8")
    reopened = sl.ShortlistDocument.open(path)
    gone = reopened.shortlist.entries[1]
    assert gone.trust_code == "99999999" and gone.notes == "" and gone.snapshot.total > 0
    notes = sl.opening_notes(reopened.shortlist, dataset, set(engine.codes))
    assert any(gone.trust_name in n and "not in the data" in n for n in notes)
    moves = sl.movements(reopened.shortlist, engine.evaluate(dataset.index_of_urn(NEWMAN)))
    assert moves[1].gone and "stays on the shortlist" in moves[1].sentence()
    reopened.set_notes("99999999", "asked the RSC about it")
    reopened.save()
    assert sl.read(path).entry("99999999").notes == "asked the RSC about it"


def test_school_no_longer_in_the_data_is_named(dataset, ranked, engine):
    doc = make_document(dataset, ranked, 1)
    shortlist = replace(doc.shortlist, school_urn=1, school_name="Closed School")
    notes = sl.opening_notes(shortlist, dataset, set(engine.codes))
    assert any("Closed School (URN 1) is not in the data" in n for n in notes)


# --- recovery after a crash --------------------------------------------------

CRASHING = """
import os, signal, sys
from trustmatch.app import shortlist as sl
from trustmatch.app.lookup import load_dataset
from trustmatch.fit.ranking import PRESETS, FitEngine, Filters
dataset = load_dataset()
row = dataset.index_of_urn(111456)
ranking = FitEngine(dataset).evaluate(row).rank(PRESETS["balanced"])
if len(sys.argv) > 1:
    doc = sl.ShortlistDocument.open(sys.argv[1])
else:
    doc = sl.ShortlistDocument.new(dataset.school(row), dataset.data_date, PRESETS["balanced"], Filters())
doc.add(ranking.candidate(5), dataset.data_date, PRESETS["balanced"])
doc.set_notes(ranking.candidate(5).trust_code, "typed just before the crash")
writer = sl.RecoveryWriter()
writer.submit(doc)
writer.flush()
os.kill(os.getpid(), signal.SIGKILL)
"""


def crash(*args):
    result = subprocess.run(
        [sys.executable, "-c", CRASHING, *map(str, args)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0, result.stderr


@pytest.mark.slow
def test_recovery_after_a_crash(dataset, ranked, tmp_path):
    path = tmp_path / "saved.trustmatch"
    make_document(dataset, ranked, 2).save(path)
    on_disk = path.read_bytes()
    crash(path)
    found = sl.find_recoveries()
    assert len(found) == 1
    recovery = found[0]
    assert recovery.original == path and "saved.trustmatch" in recovery.description
    doc = sl.restore(recovery)
    assert doc.modified and doc.path == path
    assert len(doc.shortlist.entries) == 3
    assert doc.shortlist.entries[2].notes == "typed just before the crash"
    assert "recovery" not in doc.shortlist.extra
    assert path.read_bytes() == on_disk  # restoring does not touch the saved file
    doc.save()
    assert sl.find_recoveries() == [] and not recovery.file.exists()
    assert sl.read(path).entries[2].notes == "typed just before the crash"


@pytest.mark.slow
def test_recovery_of_an_unsaved_shortlist(dataset):
    crash()
    (recovery,) = sl.find_recoveries()
    assert recovery.original is None and "an unsaved shortlist" in recovery.description
    doc = sl.restore(recovery)
    assert doc.path is None and doc.modified and len(doc.shortlist.entries) == 1


def test_a_running_window_keeps_its_recovery_file_and_damaged_ones_are_skipped(dataset, ranked):
    doc = make_document(dataset, ranked, 1)
    doc.set_notes(doc.shortlist.codes[0], "x")
    written = sl.write_recovery(doc)
    assert written.exists()
    assert sl.find_recoveries() == []  # this process is alive: its own file is not offered
    (sl.recovery_folder() / f"junk{sl.RECOVERY_SUFFIX}").write_bytes(b"{not json")
    assert sl.find_recoveries() == []
    sl.discard_recovery(doc)
    assert not written.exists()


def test_recovery_writer_runs_off_the_calling_thread(dataset, ranked):
    doc = make_document(dataset, ranked, 3)
    writer = sl.RecoveryWriter()
    try:
        for i in range(20):
            doc.set_notes(doc.shortlist.codes[0], "x" * i)
            writer.submit(doc)
        writer.flush()
        record = json.loads(sl.recovery_path(doc).read_bytes())
        assert record["trusts"][0]["notes"] == "x" * 19 and record["recovery"]["pid"] == os.getpid()
        assert writer.errors == []
    finally:
        writer.close()
    assert not writer._thread.is_alive()


def test_shortlisted_trusts_carry_scores_evidence_and_questions(dataset, ranked, engine):
    doc = make_document(dataset, ranked, 3)
    shortlist = replace(
        doc.shortlist, entries=doc.shortlist.entries[:2] + (replace(doc.shortlist.entries[2], trust_code="99999999"),)
    )
    evaluation = engine.evaluate(dataset.index_of_urn(NEWMAN))
    items = sl.shortlisted_trusts(shortlist, dataset, evaluation)
    _, ranking = ranked
    for item, candidate in zip(items[:2], ranking.rows(2)):
        assert item.candidate.trust_code == candidate.trust_code and item.rank == candidate.rank
        assert item.scores == candidate.scores and item.trust.code == candidate.trust_code
        assert item.evidence and item.questions and item.shape is not None
    gone = items[2]
    assert gone.candidate is None and gone.trust is None and gone.evidence == () and gone.questions == ()
    assert gone.scores == gone.entry.snapshot.scores and gone.total == gone.entry.snapshot.total
