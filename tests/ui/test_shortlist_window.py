"""The shortlist in the window: add with Ctrl+D, undo/redo, title and unsaved changes, save/open, bad files,
closing asks, recovery after a crash, meeting mode from F5, and the headless meeting screenshot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from trustmatch.app import shortlist as sl
from trustmatch.launch import main
from trustmatch.ui.recovery import RecoveryDialog

NEWMAN = 111456


@pytest.fixture(autouse=True)
def answers(monkeypatch):
    """What the next question boxes answer (Discard when nothing is queued, so no test can hang on one)."""
    queue: list = []
    asked: list[str] = []

    def exec_(box):
        asked.append(box.text())
        return queue.pop(0) if queue else QMessageBox.Discard

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return queue, asked


@pytest.fixture
def ranked(window, session, dataset):
    session.choose_school(dataset.index_of_urn(NEWMAN))
    return window


def test_ctrl_d_adds_and_undo_redo(qtbot, ranked, session, answers):
    window = ranked
    assert session.shortlist is None and not window.shortlists.dock.isVisible()
    first = session.trust_code
    qtbot.keyClick(window, Qt.Key_D, Qt.ControlModifier)
    doc = session.shortlist
    assert doc is not None and doc.shortlist.codes == [first]
    assert window.shortlists.dock.isVisible() and window.isWindowModified()
    assert window.windowTitle() == "Untitled shortlist[*] - TrustMatch"
    assert window.shortlists.detail_button.text().startswith("\u2605 On the shortlist")
    second = session.ranking.candidate(1).trust_code
    session.select_trust(second)
    window.shortlists.detail_button.click()  # from the detail panel
    assert doc.shortlist.codes == [first, second]
    assert window.shortlists.panel.model.rowCount() == 2
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert doc.shortlist.codes == [first]
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert doc.shortlist.codes == [first, second]
    assert window.shortlists.undo_action.text() == f"&Undo Add {session.trust.name}"


def test_a_trust_the_filters_hide_stays_on_with_its_scores(ranked, session):
    session.add_to_shortlist()
    code = session.trust_code
    session.set_filters(max_km=0.5)
    assert session.ranking.rank_index_of(code) is None
    panel = ranked.shortlists.panel
    assert panel.model.data(panel.model.index(0, 5)) == "hidden"
    assert panel.model.data(panel.model.index(0, 4)) == f"{session.ranking.candidate_for(code).total:.0f}"


def test_another_schools_shortlist_is_not_mixed(ranked, session, dataset, answers):
    session.add_to_shortlist()
    session.choose_school(dataset.index_of_urn(100000))
    ranked.shortlists.add_selected()
    assert len(session.shortlist.shortlist.entries) == 1
    assert any(
        "This shortlist is for Cardinal Newman Catholic High School" in text for _, text in ranked.messages.messages()
    )


def test_save_open_and_a_bad_file(ranked, session, tmp_path, answers):
    window = ranked
    session.add_to_shortlist()
    path = tmp_path / "newman.trustmatch"
    assert window.shortlists._save_to(path)
    assert not window.isWindowModified() and window.windowTitle() == "newman.trustmatch[*] - TrustMatch"
    assert sl.read(path).codes == session.shortlist.shortlist.codes
    bad = tmp_path / "bad.trustmatch"
    bad.write_text('{"format": "trustmatch-shortlist", "version": 99}')
    before = session.shortlist
    assert not window.shortlists.open(bad)
    assert session.shortlist is before
    assert any("saved by a newer TrustMatch" in text for _, text in window.messages.messages())
    assert bad.read_text() == '{"format": "trustmatch-shortlist", "version": 99}'
    assert window.shortlists.open(path) and session.shortlist.path == path
    assert window.shortlists._recent()[0] == str(path.resolve())


def test_opening_applies_the_shortlists_school_and_weights(window, session, dataset, engine, tmp_path):
    from trustmatch.fit.ranking import PRESETS, Filters

    row = dataset.index_of_urn(NEWMAN)
    ranking = engine.evaluate(row).rank(PRESETS["church school"], Filters(max_km=30.0))
    doc = sl.ShortlistDocument.new(
        dataset.school(row), dataset.data_date, PRESETS["church school"], Filters(max_km=30.0)
    )
    doc.add(ranking.candidate(0), dataset.data_date, PRESETS["church school"])
    path = tmp_path / "church.trustmatch"
    doc.save(path)
    assert window.shortlists.open(path)
    assert session.school.urn == NEWMAN and session.weights == PRESETS["church school"]
    assert session.filters.max_km == 30.0
    assert window.controls.filters.isVisible()


def test_closing_with_unsaved_changes_asks(qtbot, ranked, session, answers):
    queue, asked = answers
    session.add_to_shortlist()
    queue.append(QMessageBox.Cancel)
    ranked.close()
    assert ranked.isVisible() and asked and "Save the changes" in asked[-1]
    ranked.shortlists.autosave.now()
    ranked.shortlists.autosave.writer.flush()
    recovery = sl.recovery_path(session.shortlist)
    assert recovery.exists()
    queue.append(QMessageBox.Discard)
    ranked.close()
    assert not ranked.isVisible()
    assert not recovery.exists()  # discarded on purpose: nothing offered next time


def test_autosave_writes_a_recovery_copy_that_the_next_start_offers(qtbot, ranked, session, answers, monkeypatch):
    queue, asked = answers
    session.add_to_shortlist()
    session.shortlist.set_notes(session.trust_code, "typed before the crash")
    ranked.shortlists.autosave.timer.setInterval(50)
    ranked.shortlists.autosave.timer.start()
    recovery = sl.recovery_path(session.shortlist)
    qtbot.waitUntil(recovery.exists, timeout=5000)
    ranked.shortlists.autosave.writer.flush()
    # as if this process had died: the file names a process that is not running
    record = json.loads(recovery.read_bytes())
    record["recovery"]["pid"] = 2**22 + 12345
    recovery.write_text(json.dumps(record))
    session.use_shortlist(None)
    offered = []

    def restore_first(dialog):
        offered.append(dialog.intro.text())
        dialog.restore_selected()

    monkeypatch.setattr(RecoveryDialog, "exec", restore_first)
    ranked.shortlists.offer_recovery()
    assert "closed without saving 1 shortlist" in offered[-1]
    restored = session.shortlist
    assert restored is not None and restored.modified
    assert restored.shortlist.entries[0].notes == "typed before the crash"
    session.use_shortlist(None)


def left_by_a_crash(document) -> Path:
    """A recovery copy of `document` as a TrustMatch that died would leave it (its process no longer running)."""
    file = sl.write_recovery(document)
    record = json.loads(file.read_bytes())
    record["recovery"]["pid"] = 2**22 + 12345
    file.write_text(json.dumps(record), encoding="utf-8")
    return file


def test_every_recovery_copy_is_offered_with_its_name_and_time(
    qtbot, ranked, session, dataset, tmp_path, monkeypatch, answers
):
    """Several shortlists were open when TrustMatch stopped: each is offered, and none is lost."""
    queue, asked = answers
    ranking = session.ranking
    files, documents = [], []
    for i, name in enumerate(["governors", "head", None]):
        doc = sl.ShortlistDocument.new(session.school, dataset.data_date, session.weights, session.filters)
        doc.add(ranking.candidate(i + 1), dataset.data_date, session.weights)
        doc.set_notes(ranking.candidate(i + 1).trust_code, f"notes of copy {i}")
        if name:
            doc.save(tmp_path / f"{name}.trustmatch")
            doc.set_decision(ranking.candidate(i + 1).trust_code, "proceed")  # unsaved since
        files.append(left_by_a_crash(doc))
        documents.append(doc)
    saved_as = tmp_path / "kept.trustmatch"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved_as), ""))
    seen = []

    def choose(dialog):
        seen.extend(dialog.list.item(r).text() for r in range(dialog.list.count()))
        head = next(r for r, rec in enumerate(dialog.recoveries) if rec.name == "head.trustmatch")
        dialog.list.setCurrentRow(head)
        dialog.save_selected()  # kept as a file of its own
        assert dialog.list.count() == 2
        governors = next(r for r, rec in enumerate(dialog.recoveries) if rec.name == "governors.trustmatch")
        dialog.list.setCurrentRow(governors)
        dialog.restore_selected()

    monkeypatch.setattr(RecoveryDialog, "exec", choose)
    ranked.shortlists.offer_recovery()

    assert len(seen) == 3
    for name in ("governors.trustmatch", "head.trustmatch", "An unsaved shortlist"):
        assert sum(text.startswith(name) for text in seen) == 1
    assert all("autosaved " in text and " at " in text and "Cardinal Newman" in text for text in seen)
    assert str(tmp_path) in next(t for t in seen if t.startswith("governors"))
    # restored: the governors' copy, with the change made after its last save
    restored = session.shortlist
    assert restored.path == tmp_path / "governors.trustmatch" and restored.modified
    assert restored.shortlist.entries[0].decision == "proceed"
    # saved as its own file: the head's copy, and its original file untouched
    assert sl.read(saved_as).entries[0].decision == "proceed"
    assert sl.read(saved_as).entries[0].notes == "notes of copy 1"
    assert sl.read(tmp_path / "head.trustmatch").entries[0].decision == ""
    assert not files[1].exists()
    # the third, left for later, is still there and offered again
    assert files[2].exists() and files[0].exists()  # the restored one goes when it is saved
    told = " ".join(label.text() for label in ranked.messages.findChildren(QLabel))
    assert "Saved kept.trustmatch" in told and "1 other unsaved shortlist is kept" in told
    again = []
    monkeypatch.setattr(RecoveryDialog, "exec", lambda dialog: again.extend(dialog.recoveries))
    ranked.shortlists.offer_recovery()
    assert [r.file for r in again] == [files[2]]  # not the one open in the window
    restored.save()
    assert not files[0].exists()


def test_a_school_name_with_a_slash_is_suggested_as_one_file_name(
    qtbot, window, session, dataset, monkeypatch, answers
):
    """Save As, in the window or for a recovered copy, suggests a name every filesystem takes, not a folder path."""
    session.choose_school(dataset.index_of_urn(105211))  # Blackrod Anglican/Methodist Primary School
    session.add_to_shortlist()
    suggested = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _, title, name, f: suggested.append(name) or ("", ""))
    assert not window.shortlists.save_as()  # cancelled
    crashed = sl.ShortlistDocument.new(session.school, dataset.data_date, session.weights, session.filters)
    crashed.add(session.ranking.candidate(1), dataset.data_date, session.weights)
    file = left_by_a_crash(crashed)
    monkeypatch.setattr(RecoveryDialog, "exec", lambda dialog: dialog.save_selected())
    window.shortlists.offer_recovery()
    assert suggested == [
        "Blackrod Anglican Methodist Primary School.trustmatch",
        "Blackrod Anglican Methodist Primary School (recovered).trustmatch",
    ]
    assert file.exists()  # not saved: still offered next time


def test_discarding_a_recovery_copy_asks_first(qtbot, ranked, session, dataset, monkeypatch, answers):
    queue, asked = answers
    doc = sl.ShortlistDocument.new(session.school, dataset.data_date, session.weights, session.filters)
    doc.add(session.ranking.candidate(1), dataset.data_date, session.weights)
    file = left_by_a_crash(doc)

    def discard_twice(dialog):
        queue.append(QMessageBox.Cancel)
        dialog.discard_selected()
        assert file.exists() and dialog.list.count() == 1
        queue.append(QMessageBox.Discard)
        dialog.discard_selected()

    monkeypatch.setattr(RecoveryDialog, "exec", discard_twice)
    ranked.shortlists.offer_recovery()
    assert "Discard an unsaved shortlist for Cardinal Newman" in asked[-1]
    assert not file.exists() and session.shortlist is None


def test_f5_meeting_records_a_decision_and_saves(qtbot, ranked, session, tmp_path, answers):
    session.add_to_shortlist()
    path = tmp_path / "meeting.trustmatch"
    ranked.shortlists._save_to(path)
    qtbot.keyClick(ranked, Qt.Key_F5)
    meeting = ranked.shortlists.meeting
    assert meeting is not None and meeting.isFullScreen()
    qtbot.waitExposed(meeting)
    qtbot.keyClick(meeting, Qt.Key_5)  # the first trust's questions and decision
    proceed = next(
        b
        for b in meeting.stack.currentWidget().findChildren(type(ranked.shortlists.detail_button))
        if b.property("decision") == "proceed"
    )
    qtbot.mouseClick(proceed, Qt.LeftButton)
    with qtbot.waitSignal(meeting.closed):
        qtbot.keyClick(meeting, Qt.Key_Escape)
    assert sl.read(path).entries[0].decision == "proceed"
    assert not ranked.isWindowModified()


def test_meeting_page_screenshot_from_the_command_line(capsys, dataset, engine, tmp_path):
    from trustmatch.fit.ranking import PRESETS, Filters

    row = dataset.index_of_urn(NEWMAN)
    ranking = engine.evaluate(row).rank(PRESETS["balanced"])
    doc = sl.ShortlistDocument.new(dataset.school(row), dataset.data_date, PRESETS["balanced"], Filters())
    for candidate in ranking.rows(3):
        doc.add(candidate, dataset.data_date, PRESETS["balanced"])
    path = tmp_path / "newman.trustmatch"
    doc.save(path)
    png = tmp_path / "page.png"
    code = main(["--open", str(path), "--meeting-page", "2", "--screenshot", str(png), "--size", "1280x720"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "meeting page 2 of 14" in out  # a title, four pages a trust, a summary
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1280, 720)
    code = main(["--open", str(path), "--meeting-page", "15", "--screenshot", str(png), "--size", "1280x720"])
    assert code == 1 and "between 1 and 14" in capsys.readouterr().err
    bad = tmp_path / "bad.trustmatch"
    bad.write_bytes(b"")
    code = main(["--open", str(bad), "--meeting-page", "1", "--screenshot", str(png)])
    assert code == 1 and "is empty" in capsys.readouterr().err
    assert os.path.getsize(bad) == 0


@pytest.mark.parametrize("width", [1440, 1366])
def test_a_laptop_window_keeps_the_candidate_table_readable_with_the_shortlist_open(
    qtbot, window, session, dataset, tmp_path, width, answers
):
    """At 1440 px the dock beside the explorer squeezed the trust names to a few letters: it goes underneath."""
    window.resize(width, 900)
    session.choose_school(dataset.index_of_urn(NEWMAN))
    for rank in range(1, 6):
        session.select_trust(session.ranking.candidate(rank).trust_code)
        session.add_to_shortlist()
    window.shortlists.show_dock()
    QApplication.processEvents()
    image = window.grab()
    assert image.save(str(tmp_path / f"window-{width}-shortlist.png"))
    table = window.table
    names = max(range(table.model().columnCount()), key=table.columnWidth)  # the trust name stretches
    assert table.model().headerData(names, Qt.Horizontal) == "Trust"
    longest = max(table.fontMetrics().horizontalAdvance(c.trust_name) for c in session.ranking.rows(5))
    assert table.columnWidth(names) >= min(longest, 300)
    assert window.dockWidgetArea(window.shortlists.dock) == Qt.BottomDockWidgetArea
    panel = window.shortlists.panel
    assert panel.table.isVisible() and panel.notes.isVisible()
    assert panel.notes.mapTo(panel, panel.notes.rect().topLeft()).x() > panel.table.width()  # side by side
    assert window.map.height() >= 250 and panel.table.height() >= 100


def test_a_wide_window_keeps_the_shortlist_beside_the_explorer(qtbot, window, session, dataset, answers):
    window.resize(2000, 1100)
    QApplication.processEvents()
    session.choose_school(dataset.index_of_urn(NEWMAN))
    session.add_to_shortlist()
    window.shortlists.show_dock()
    QApplication.processEvents()
    assert window.dockWidgetArea(window.shortlists.dock) == Qt.RightDockWidgetArea
    panel = window.shortlists.panel
    assert panel.notes.mapTo(panel, panel.notes.rect().topLeft()).y() > panel.table.height()  # one above the other
