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


@pytest.fixture
def unsaved_answers(monkeypatch):
    """Answers the window's own 'Save the changes?' question with Discard when the test window closes.

    The prompt itself is untouched: the questions asked are recorded, so a test can see it was asked.
    """
    from PySide6.QtWidgets import QMessageBox

    asked = []

    def answer(box):
        asked.append(box.text())
        return QMessageBox.Discard

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return asked


@pytest.fixture
def shortlisting(unsaved_answers, chosen):
    """The window with a school chosen, for tests that leave a shortlist unsaved.

    The answer is patched before the window is made, so it is still in place when the window closes at teardown.
    """
    return chosen


def test_file_export_shortlist_is_enabled_only_for_a_shortlist_with_trusts(shortlisting):
    chosen = shortlisting
    action = chosen.export_shortlist_action
    assert action.shortcut().toString() == "Ctrl+Shift+E" and action in chosen.menus["file"].actions()
    assert not action.isEnabled()
    s = chosen.session
    s.new_shortlist()
    assert not action.isEnabled()  # a shortlist, but nothing on it
    s.add_to_shortlist(s.ranking.candidate(1).trust_code)
    assert action.isEnabled()
    s.shortlist.remove(s.ranking.candidate(1).trust_code)
    assert not action.isEnabled()
    s.shortlist.undo()
    assert action.isEnabled()


def test_file_export_shortlist_writes_a_pdf_with_progress_then_a_csv_in_the_same_folder(
    shortlisting, unsaved_answers, qtbot, tmp_path, monkeypatch, settings
):
    chosen = shortlisting
    import subprocess

    s = chosen.session
    codes = [s.ranking.candidate(i).trust_code for i in (3, 0)]
    for code in codes:
        s.add_to_shortlist(code)
    s.shortlist.set_notes(codes[0], "Ask about the finance director")
    names = [s.ranking.candidate_for(code).trust_name for code in codes]
    suggested = []

    def save_dialog(parent, title, where, filters):
        suggested.append(where)
        return where.replace(".xlsx", ".pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    settings.setValue(FOLDER_KEY, str(tmp_path))
    progress = []
    chosen.messages.progress.bar.valueChanged.connect(progress.append)
    with qtbot.waitSignal(chosen.tasks.finished, timeout=60_000) as finished:
        chosen.export_shortlist_action.trigger()
        assert not chosen.export_shortlist_action.isEnabled()  # no second export while this one runs
    assert finished.args == [True] and progress
    assert chosen.export_shortlist_action.isEnabled()
    pdf = tmp_path / "113105 Ottery St Mary Primary School.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Shortlisted trusts for Ottery St Mary Primary School" in flat
    assert all(name in flat for name in names)
    assert flat.index(names[0]) < flat.index(names[1])  # the shortlist's order, not the ranking's
    assert "Ask about the finance director" in flat
    assert "Saved a briefing pack of 2 trusts for Ottery St Mary Primary School" in texts(chosen)

    # the next export starts in the folder just used
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda p, t, where, f: (where.replace(".xlsx", ".csv"), ""))
    with qtbot.waitSignal(chosen.tasks.finished, timeout=60_000):
        chosen.export_shortlist_action.trigger()
    rows = list(csv.DictReader(io.StringIO(pdf.with_suffix(".csv").read_text(encoding="utf-8-sig"))))
    assert [r["Trust"] for r in rows] == names
    assert rows[0]["Notes"] == "Ask about the finance director"
    assert suggested[0].startswith(str(tmp_path))

    chosen.close()
    assert unsaved_answers == ["Save the changes to " + s.shortlist.title + "?"]  # the app still asks


def test_the_detail_panel_says_what_the_briefing_pack_says(chosen):
    """One template: the panel's facts, scores and evidence are the pack's, line for line."""
    from PySide6.QtGui import QTextDocument

    from trustmatch.export import pack

    s = chosen.session
    s.select_trust(s.ranking.candidate(1).trust_code)
    chosen._show_detail()
    panel = chosen.detail.toPlainText().splitlines()
    body = [line.replace(" [source]", "") for line in panel[panel.index("The trust") :] if line.strip()]
    briefing = chosen.exports.top_briefing(2)
    document = QTextDocument()
    document.setHtml(pack.trust_section(briefing, briefing.trusts[1]))
    in_pack = set(document.toPlainText().splitlines())
    assert len(body) > 40 and [line for line in body if line not in in_pack] == []
    assert "Perceived benefits and obstacles of joining a trust" in body and "Robustness" in body
