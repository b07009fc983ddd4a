"""File > Export from the window: top N as CSV, Excel or PDF, in the background, with cancel and the last folder."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from trustmatch.ui.exports import FOLDER_KEY, TOP_KEY

OTTERY = 113105


@pytest.fixture
def chosen(window, dataset):
    window.session.choose_school(dataset.index_of_urn(OTTERY))
    return window


def texts(window) -> str:
    return " ".join(text for _, text in window.messages.messages())


def test_the_file_menu_has_the_export(window):
    actions = {a.text(): a for a in window.menus["file"].actions()}
    action = actions["&Export top trusts (CSV, Excel, PDF)..."]
    assert action.shortcut().toString() == "Ctrl+E"


def test_without_a_school_it_says_so_and_asks_nothing(window, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: pytest.fail("no dialog without a school"))
    window.exports.export_top()
    assert "Choose a school first" in texts(window)


def test_export_top_asks_n_and_a_file_then_writes_it_in_the_background(chosen, qtbot, tmp_path, monkeypatch, settings):
    asked = {}

    def save_dialog(parent, title, suggested, filters):
        asked["suggested"] = suggested
        return str(tmp_path / "pack"), "CSV, UTF-8 (*.csv)"  # typed without a suffix: the chosen type adds it

    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (4, True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    with qtbot.waitSignal(chosen.tasks.finished, timeout=60_000) as finished:
        chosen.exports.export_top()
    assert finished.args == [True]
    assert asked["suggested"].endswith("113105 Ottery St Mary Primary School.xlsx")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "pack.csv").read_text(encoding="utf-8-sig"))))
    assert [r["Rank"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["Trust"] == chosen.session.ranking.candidate(0).trust_name
    assert "Saved a CSV file of 4 trusts for Ottery St Mary Primary School" in texts(chosen)
    # remembered for next time
    assert settings.value(FOLDER_KEY) == str(tmp_path) and int(settings.value(TOP_KEY)) == 4


def test_pdf_with_progress_and_the_weights_in_use(chosen, qtbot, tmp_path):
    chosen.session.apply_preset("rural primary")
    path = tmp_path / "pack.pdf"
    progress = []
    chosen.messages.progress.bar.valueChanged.connect(progress.append)
    with qtbot.waitSignal(chosen.tasks.finished, timeout=60_000) as finished:
        assert chosen.exports.export(path, lambda: chosen.exports.top_briefing(3))
    assert finished.args == [True]
    assert path.read_bytes().startswith(b"%PDF") and progress
    assert "Saved a briefing pack of 3 trusts" in texts(chosen)


def test_cancel_leaves_no_file(chosen, qtbot, tmp_path):
    path = tmp_path / "pack.pdf"
    with qtbot.waitSignal(chosen.tasks.finished, timeout=60_000) as finished:
        chosen.exports.export(path, lambda: chosen.exports.top_briefing(10))
        chosen.tasks.cancel()
    assert finished.args == [False]
    assert list(tmp_path.iterdir()) == [] or not path.exists()
    assert not any(p.name.endswith(".part") for p in tmp_path.iterdir())
    assert "No file was written" in texts(chosen)


def test_an_unwritable_place_is_one_sentence(chosen, qtbot, tmp_path):
    path = tmp_path / "gone" / "pack.xlsx"
    with qtbot.waitSignal(chosen.tasks.finished, timeout=60_000) as finished:
        chosen.exports.export(path, lambda: chosen.exports.top_briefing(3))
    assert finished.args == [False]
    assert "pack.xlsx was not saved: there is no folder" in texts(chosen)


def test_export_shortlist_keeps_its_order_notes_and_decisions(chosen, qtbot, tmp_path, monkeypatch):
    import openpyxl

    from trustmatch.app.shortlist import ShortlistDocument

    s = chosen.session
    document = ShortlistDocument.new(s.school, s.dataset.data_date, s.weights, s.filters)
    for i in (2, 0):
        document.add(s.ranking.candidate(i), s.dataset.data_date, s.weights)
    code = s.ranking.candidate(2).trust_code
    document.set_notes(code, "Visit in May")
    document.set_decision(code, "proceed")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "short.xlsx"), ""))
    with qtbot.waitSignal(chosen.tasks.finished, timeout=60_000) as finished:
        chosen.exports.export_shortlist(document)
    assert finished.args == [True]
    sheet = openpyxl.load_workbook(tmp_path / "short.xlsx")["Trusts"]
    headers = [c.value for c in sheet[4]]
    rows = [dict(zip(headers, (c.value for c in row))) for row in sheet.iter_rows(min_row=5)]
    assert [r["Rank"] for r in rows] == [3, 1]
    assert rows[0]["Notes"] == "Visit in May" and rows[0]["Decision"] == "Take forward"
    assert "Saved an Excel workbook of 2 trusts for Ottery St Mary Primary School" in texts(chosen)


def test_an_empty_shortlist_says_so(chosen, monkeypatch):
    from trustmatch.app.shortlist import ShortlistDocument

    s = chosen.session
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: pytest.fail("no dialog for an empty shortlist"))
    chosen.exports.export_shortlist(ShortlistDocument.new(s.school, s.dataset.data_date, s.weights, s.filters))
    assert "The shortlist is empty" in texts(chosen)
