"""Meeting mode: keys, decisions and answers recorded and saved, every page rendered at projector sizes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QPushButton, QTextBrowser

from trustmatch.app import shortlist as sl
from trustmatch.export import trust_html
from trustmatch.fit.ranking import PRESETS, Filters
from trustmatch.ui.meeting import MeetingView

NEWMAN = 111456


@pytest.fixture
def shortlist_file(dataset, engine, tmp_path):
    row = dataset.index_of_urn(NEWMAN)
    ranking = engine.evaluate(row).rank(PRESETS["balanced"])
    doc = sl.ShortlistDocument.new(dataset.school(row), dataset.data_date, PRESETS["balanced"], Filters())
    for candidate in ranking.rows(5):
        doc.add(candidate, dataset.data_date, PRESETS["balanced"])
    doc.set_notes(doc.shortlist.codes[0], "Met the CEO in March; strong on SEND.")
    path = tmp_path / "newman.trustmatch"
    doc.save(path)
    return path


@pytest.fixture
def meeting(qtbot, dataset, engine, shortlist_file):
    doc = sl.ShortlistDocument.open(shortlist_file)
    evaluation = engine.evaluate(dataset.index_of_urn(NEWMAN))
    autosaves = []
    view = MeetingView(doc, dataset, evaluation, autosave=lambda: autosaves.append(1), save=doc.save)
    view.autosaves = autosaves
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    qtbot.waitExposed(view)
    view.setFocus()
    return view


def page_widgets(view, kind):
    return [w for w in view.stack.currentWidget().findChildren(kind) if w.isVisibleTo(view)]


def test_keys_turn_pages(qtbot, meeting):
    assert meeting.page_count == 7 and meeting.position.text() == "1 of 7"
    steps = [
        (Qt.Key_Right, 1),
        (Qt.Key_Space, 2),
        (Qt.Key_PageDown, 3),
        (Qt.Key_Left, 2),
        (Qt.Key_PageUp, 1),
        (Qt.Key_End, 6),
        (Qt.Key_Right, 6),
        (Qt.Key_Home, 0),
        (Qt.Key_Left, 0),
        (Qt.Key_4, 3),
        (Qt.Key_9, 3),
    ]
    for key, page in steps:
        qtbot.keyClick(meeting, key)
        assert meeting.index == page, (key, meeting.index)
        assert meeting.position.text() == f"{page + 1} of 7"
    assert "Trust 3 of 5" in meeting.header.text()


def test_down_and_up_scroll_the_evidence_without_a_mouse(qtbot, meeting):
    """The evidence runs far below a projected screen; the scroll bar was the only way down to it."""
    qtbot.keyClick(meeting, Qt.Key_2)
    bar = meeting.stack.currentWidget().findChild(QTextBrowser, "scores").verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    qtbot.keyClick(meeting, Qt.Key_Down)
    assert bar.value() > 0 and meeting.index == 1  # scrolled, still on the page
    for _ in range(30):
        qtbot.keyClick(meeting, Qt.Key_Down)
    assert bar.value() == bar.maximum()  # the caveat at the end is reachable
    qtbot.keyClick(meeting, Qt.Key_Up)
    assert 0 < bar.value() < bar.maximum()


def test_remote_keys_turn_pages_while_typing_and_others_type(qtbot, meeting):
    qtbot.keyClick(meeting, Qt.Key_2)
    answer = page_widgets(meeting, QLineEdit)[0]
    answer.setFocus()
    qtbot.keyClicks(answer, "12 3")
    qtbot.keyClick(answer, Qt.Key_Left)
    qtbot.keyClick(answer, Qt.Key_Right)
    assert answer.text() == "12 3" and meeting.index == 1  # digits, Space and arrows stayed in the field
    qtbot.keyClick(answer, Qt.Key_PageDown)
    assert meeting.index == 2
    qtbot.keyClick(meeting, Qt.Key_PageUp)
    assert meeting.index == 1


def test_decision_answers_and_ticks_are_recorded_and_saved(qtbot, meeting, shortlist_file):
    doc = meeting.document
    qtbot.keyClick(meeting, Qt.Key_Right)
    code = doc.shortlist.codes[0]
    entry = doc.shortlist.entry(code)
    assert "Met the CEO" in meeting.stack.currentWidget().findChild(QLabel, "notes").text()
    take_forward = next(b for b in page_widgets(meeting, QPushButton) if b.property("decision") == "proceed")
    qtbot.mouseClick(take_forward, Qt.LeftButton)
    note = next(e for e in page_widgets(meeting, QLineEdit) if e.accessibleName() == "Note with the decision")
    note.setFocus()
    qtbot.keyClicks(note, "Unanimous; visit in January")
    tick = page_widgets(meeting, QCheckBox)[0]
    qtbot.mouseClick(tick, Qt.LeftButton, pos=tick.rect().center())
    answer = page_widgets(meeting, QLineEdit)[0]
    answer.setFocus()
    qtbot.keyClicks(answer, "About 5% of GAG")
    entry = doc.shortlist.entry(code)
    assert entry.decision == "proceed" and entry.decision_note == "Unanimous; visit in January"
    assert entry.status == "to explore"
    first_question = meeting.trusts[0].questions[0]
    assert entry.answers[first_question.key].asked
    second = next(a for a in entry.answers.values() if a.answer)
    assert second.answer == "About 5% of GAG" and second.asked  # an answer means it was asked
    assert "Take forward" in meeting.stack.currentWidget().findChild(QLabel, "status").text()
    assert len(meeting.autosaves) >= 4  # every edit asked for a recovery copy
    assert doc.modified

    # the next trust: decline it with the keyboard (Tab to the button, Return presses it)
    qtbot.keyClick(answer, Qt.Key_PageDown)
    decline = next(b for b in page_widgets(meeting, QPushButton) if b.property("decision") == "decline")
    decline.setFocus()
    qtbot.keyClick(decline, Qt.Key_Return)
    assert doc.shortlist.entries[1].decision == "decline"

    qtbot.keyClick(meeting, Qt.Key_End)
    summary = meeting.stack.currentWidget().findChild(QLabel, "summaryTable").text()
    assert "Take forward" in summary and "Do not proceed" in summary and "2 of 5 decided" in summary

    with qtbot.waitSignal(meeting.closed):
        qtbot.keyClick(meeting, Qt.Key_Escape)
    saved = sl.read(shortlist_file)
    assert saved.entries[0].decision == "proceed" and saved.entries[0].decision_note == "Unanimous; visit in January"
    assert saved.entries[1].decision == "decline"
    assert any(a.answer == "About 5% of GAG" for a in saved.entries[0].answers.values())
    assert not doc.modified


def test_escape_in_a_field_leaves_the_field_first(qtbot, meeting):
    qtbot.keyClick(meeting, Qt.Key_Right)
    answer = page_widgets(meeting, QLineEdit)[0]
    answer.setFocus()
    qtbot.keyClick(answer, Qt.Key_Escape)
    assert meeting.isVisible() and not answer.hasFocus()
    with qtbot.waitSignal(meeting.closed):
        qtbot.keyClick(meeting, Qt.Key_Escape)


def test_undo_in_the_meeting_updates_the_page(qtbot, meeting):
    qtbot.keyClick(meeting, Qt.Key_Right)
    take_forward = next(b for b in page_widgets(meeting, QPushButton) if b.property("decision") == "proceed")
    qtbot.mouseClick(take_forward, Qt.LeftButton)
    assert take_forward.isChecked()
    qtbot.keyClick(meeting, Qt.Key_Z, Qt.ControlModifier)
    assert meeting.document.shortlist.entries[0].decision == ""
    assert not take_forward.isChecked()
    qtbot.mouseClick(take_forward, Qt.LeftButton)
    qtbot.mouseClick(take_forward, Qt.LeftButton)  # a second press clears the decision
    assert meeting.document.shortlist.entries[0].decision == ""


def test_questions_come_from_the_trusts_own_figures(meeting):
    for item in meeting.trusts:
        assert 4 <= len(item.questions) <= 8
        assert len({q.key for q in item.questions}) == len(item.questions)
    # the questions differ where the trusts differ
    assert len({tuple(q.key for q in t.questions) for t in meeting.trusts}) > 1


def test_a_trust_no_longer_in_the_data_keeps_its_page(qtbot, dataset, engine, shortlist_file, tmp_path):
    text = shortlist_file.read_text(encoding="utf-8")
    doc = sl.ShortlistDocument.open(shortlist_file)
    gone = doc.shortlist.entries[2]
    path = tmp_path / "old.trustmatch"
    path.write_text(text.replace(f'"{gone.trust_code}"', '"99999999"'), encoding="utf-8")
    doc = sl.ShortlistDocument.open(path)
    view = MeetingView(doc, dataset, engine.evaluate(dataset.index_of_urn(NEWMAN)))
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    view.go(3)
    texts = " ".join(label.text() for label in page_widgets(view, QLabel))
    assert gone.trust_name in texts and "not in the data in use" in texts
    scores = view.stack.currentWidget().findChild(QTextBrowser, "scores").toPlainText()
    assert f"Ethos  {gone.snapshot.scores['ethos']:.0f}" in scores.replace("\xa0", " ")
    assert gone.snapshot.reasons["ethos"] in scores
    assert "This trust:" not in scores  # no evidence tied to a trust the data no longer holds


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_every_page_renders_large_and_inside_the_screen(qtbot, meeting, size, tmp_path):
    meeting.resize(*size)
    QApplication.processEvents()
    base = meeting._base
    assert base == round(size[1] / 36)  # 20 px at 720 lines, 30 px at 1080
    for page in range(meeting.page_count):
        meeting.go(page)
        QApplication.processEvents()
        image = meeting.grab()
        assert (image.width(), image.height()) == size
        assert image.save(str(tmp_path / f"meeting-{size[0]}-{page}.png"))
        assert meeting.position.isVisible() and meeting.position.text() == f"{page + 1} of {meeting.page_count}"
        position = meeting.position.geometry()
        assert position.right() <= size[0] and position.width() >= meeting.position.sizeHint().width()
        # nothing smaller than 60% of the base type, nothing wider than the screen
        for label in page_widgets(meeting, QLabel) + page_widgets(meeting, QTextBrowser):
            assert label.font().pixelSize() >= round(base * 0.6) or label.font().pixelSize() == -1, label
            assert label.mapTo(meeting, label.rect().topRight()).x() <= size[0]


def test_trust_pages_show_every_figure_and_no_empty_tie_in(meeting):
    several = 0
    for page, item in enumerate(meeting.trusts, start=1):
        meeting.go(page)
        text = meeting.stack.currentWidget().findChild(QTextBrowser, "scores").toPlainText()
        items = item.evidence_content.items
        assert items and items == item.evidence
        for ev in items:
            assert ev.title in text
            for figure in ev.figures:
                assert f"{figure.percent}% {figure.text} ({figure.phase} schools)" in text
            several += len(ev.figures) > 1
        tied = [ev for ev in items if ev.this_trust]
        assert 0 < len(tied) < len(items)  # some items have no indicator: they must not get a label
        assert text.count("This trust:") == len(tied)
        assert "This trust:\n" not in text and not text.rstrip().endswith("This trust:")
        assert item.evidence_content.caveat in text and item.evidence_content.disclaimer in text
    assert several  # an item with more than one figure was on the pages


def test_the_evidence_is_the_detail_panels_and_the_packs_own(meeting):
    """One template (export.trust_html) for the detail panel, the PDF pack and the meeting: the same items, sources,
    heading notes, caveat and disclaimer, in the same words and order (the meeting had a copy of its own)."""
    for page, item in enumerate(meeting.trusts, start=1):
        meeting.go(page)
        browser = meeting.stack.currentWidget().findChild(QTextBrowser, "scores")
        shared = QTextDocument()
        shared.setHtml(trust_html.evidence(item.evidence_content))
        assert shared.toPlainText().strip() in browser.toPlainText()
        # in the page's type: the study's headings at 72% of the base size, not the detail panel's
        html = browser.document().toHtml()
        assert f"font-size:{round(0.72 * meeting._base)}px" in html
        # and the style sheet leaves the meeting's own score headings at their size
        assert f'font-size:{round(0.9 * meeting._base)}px; font-weight:700;">Ethos<' in html


def test_a_one_school_trust_is_one_school(qtbot, dataset, engine):
    """The example shortlist's South Cheshire trust has a single school: its page said "1 schools"."""
    from pathlib import Path

    doc = sl.ShortlistDocument.open(Path(__file__).parents[2] / "docs" / "examples" / "cardinal-newman.trustmatch")
    view = MeetingView(doc, dataset, engine.evaluate(dataset.index_of_urn(NEWMAN)))
    qtbot.addWidget(view)
    page = next(i for i, item in enumerate(view.trusts, start=1) if item.trust.school_count == 1)
    view.go(page)
    facts = [label.text() for label in view.stack.currentWidget().findChildren(QLabel) if "pupils" in label.text()]
    assert facts and facts[0].startswith("1 school, ")


def test_neighbouring_pages_are_built_while_idle_and_kept_current(qtbot, meeting, monkeypatch):
    others = set(range(meeting.page_count)) - {meeting.index}
    qtbot.waitUntil(lambda: others <= meeting._laid_out, timeout=20000)
    built = []
    monkeypatch.setattr(meeting, "_build", lambda index: built.append(index))
    qtbot.keyClick(meeting, Qt.Key_Right)
    qtbot.keyClick(meeting, Qt.Key_End)
    qtbot.keyClick(meeting, Qt.Key_3)
    assert meeting.index == 2 and built == []  # every turn landed on a page built beforehand
    # an edit made on one page shows on a page built before it was made
    take_forward = next(b for b in page_widgets(meeting, QPushButton) if b.property("decision") == "proceed")
    qtbot.mouseClick(take_forward, Qt.LeftButton)
    qtbot.keyClick(meeting, Qt.Key_End)
    summary = meeting.stack.currentWidget().findChild(QLabel, "summaryTable").text()
    assert "Take forward" in summary and "1 of 5 decided" in summary
