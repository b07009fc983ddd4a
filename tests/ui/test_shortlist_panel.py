"""The shortlist panel: order, status, decision and notes, reordering by keys and by drag, all undoable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from trustmatch.app import shortlist as sl
from trustmatch.fit.ranking import PRESETS, Filters
from trustmatch.ui.shortlist_panel import ShortlistPanel

NEWMAN = 111456


@pytest.fixture
def ranking(dataset, engine):
    return engine.evaluate(dataset.index_of_urn(NEWMAN)).rank(PRESETS["balanced"])


@pytest.fixture
def panel(qtbot, dataset, ranking):
    school = dataset.school(ranking.evaluation.row)
    doc = sl.ShortlistDocument.new(school, dataset.data_date, PRESETS["balanced"], Filters())
    for candidate in ranking.rows(4):
        doc.add(candidate, dataset.data_date, PRESETS["balanced"])
    widget = ShortlistPanel()
    qtbot.addWidget(widget)
    widget.set_document(doc)
    widget.set_ranking(ranking)
    widget.resize(500, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cell(panel, row, column):
    return panel.model.data(panel.model.index(row, column))


def test_shows_the_trusts_in_order_with_scores_now(panel, ranking):
    assert panel.model.rowCount() == 4
    for row in range(4):
        candidate = ranking.candidate(row)
        assert cell(panel, row, 1) == candidate.trust_name
        assert cell(panel, row, 4) == f"{candidate.total:.0f}" and cell(panel, row, 5) == str(row + 1)
        assert cell(panel, row, 2) == "to explore" and cell(panel, row, 3) == "Undecided"
    assert "4 trusts" in panel.title.text()


def test_a_trust_the_filters_hide_shows_as_hidden_with_its_scores(panel, ranking, dataset, engine):
    tight = ranking.evaluation.rank(PRESETS["balanced"], Filters(max_km=2.0))
    panel.set_ranking(tight)
    hidden = [row for row in range(4) if cell(panel, row, 5) == "hidden"]
    assert hidden and all(cell(panel, row, 4) == f"{ranking.candidate(row).total:.0f}" for row in hidden)


def test_keys_reorder_and_remove_and_undo_restores(qtbot, panel):
    doc = panel.document
    first, second = doc.shortlist.codes[:2]
    panel.select_codes([first])
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key_Down, Qt.ControlModifier)
    assert doc.shortlist.codes[:2] == [second, first]
    assert panel.selected_codes() == [first]  # the moved trust stays selected
    qtbot.keyClick(panel.table, Qt.Key_Up, Qt.ControlModifier)
    assert doc.shortlist.codes[:2] == [first, second]
    qtbot.keyClick(panel.table, Qt.Key_Delete)
    assert first not in doc.shortlist and panel.model.rowCount() == 3
    doc.undo()
    assert doc.shortlist.codes[0] == first and panel.model.rowCount() == 4
    doc.redo()
    assert first not in doc.shortlist


def test_drag_and_drop_moves_through_the_document(panel):
    doc = panel.document
    codes = doc.shortlist.codes
    model = panel.model
    data = model.mimeData([model.index(0, 1)])
    model.dropMimeData(data, Qt.MoveAction, 3, 0, QModelIndex())  # dropped above the last row
    assert doc.shortlist.codes == [codes[1], codes[2], codes[0], codes[3]]
    data = model.mimeData([model.index(3, 1)])
    model.dropMimeData(data, Qt.MoveAction, 0, 0, QModelIndex())
    assert doc.shortlist.codes == [codes[3], codes[1], codes[2], codes[0]]
    doc.undo()
    doc.undo()
    assert doc.shortlist.codes == codes


def test_status_decision_and_notes_edit_the_document(qtbot, panel):
    doc = panel.document
    code = doc.shortlist.codes[1]
    chosen = []
    panel.trust_chosen.connect(chosen.append)
    panel.table.selectRow(1)
    assert chosen == [code]
    panel.status.activated.emit(sl.STATUSES.index("to visit"))
    panel.decision.activated.emit(list(sl.DECISIONS).index("more information"))
    panel.notes.setFocus()
    qtbot.keyClicks(panel.notes, "Ring the CEO")
    entry = doc.shortlist.entry(code)
    assert entry.status == "to visit" and entry.decision == "more information" and entry.notes == "Ring the CEO"
    assert cell(panel, 1, 2) == "to visit" and cell(panel, 1, 3) == "Need more information"
    doc.undo()  # the typing is one step
    assert doc.shortlist.entry(code).notes == "" and panel.notes.toPlainText() == ""
    doc.undo()
    assert doc.shortlist.entry(code).decision == ""


def test_compare_and_meeting_requests(qtbot, panel):
    codes = panel.document.shortlist.codes
    panel.select_codes(codes[:3])
    with qtbot.waitSignal(panel.compare_requested) as signal:
        panel.compare.click()
    assert signal.args == [codes[:3]]
    with qtbot.waitSignal(panel.meeting_requested):
        panel.meeting.click()


def test_no_document(qtbot):
    widget = ShortlistPanel()
    qtbot.addWidget(widget)
    widget.set_document(None)
    assert widget.model.rowCount() == 0 and not widget.meeting.isEnabled() and "No shortlist" in widget.title.text()
