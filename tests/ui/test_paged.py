"""Content shown a screen at a time: grouped into whole screens, no line cut at a screen's edge, turned in order."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from trustmatch.export import trust_html
from trustmatch.fit import evidence
from trustmatch.ui.paged import PagedRows, PagedText, more_text, screens

NEWMAN = 111456


def lines_cut(text: PagedText) -> list[str]:
    """Lines of the text that a screen's edge would cut (the page height is the screen's)."""
    document, height = text.document, text.page_height()
    cut = []
    block = document.begin()
    while block.isValid():
        top = document.documentLayout().blockBoundingRect(block).top()
        for i in range(block.layout().lineCount()):
            line = block.layout().lineAt(i)
            first, last = top + line.y(), top + line.y() + line.height() - 1
            if int(first // height) != int(last // height):
                cut.append(block.text()[line.textStart() : line.textStart() + line.textLength()])
        block = block.next()
    return cut


def test_screens_group_whole_items():
    assert screens([100, 100, 100], 250) == [range(0, 2), range(2, 3)]
    assert screens([100, 100, 100], 250, spacing=60) == [range(0, 1), range(1, 2), range(2, 3)]
    assert screens([100, 400, 50, 50], 300) == [range(0, 1), range(1, 2), range(2, 4)]  # too tall: alone
    assert screens([], 300) == [range(0, 0)]
    assert more_text(0, 3) == "\u25bc continued on the next screen (1 of 3)"
    assert more_text(2, 3) == "end (3 of 3)" and more_text(0, 1) == ""


def real_evidence_html(dataset, engine) -> str:
    row = dataset.index_of_urn(NEWMAN)
    evaluation = engine.evaluate(row)
    top = evaluation.rank({"ethos": 1, "geography": 1, "phase": 1, "capacity": 1}).rows(1)[0]
    trust = dataset.trusts.by_code(top.trust_code)
    content = evidence.evidence_for(dataset.school(row), trust, top, evaluation.shape_of(top.trust_code))
    return trust_html.evidence(content)


def test_long_text_runs_over_whole_screens(qtbot, dataset, engine):
    text = PagedText("evidence")
    qtbot.addWidget(text)
    text.set_html(real_evidence_html(dataset, engine))
    text.resize(700, 300)
    text.show()
    qtbot.waitExposed(text)
    count = text.screen_count
    assert count >= 3
    assert lines_cut(text) == []
    # a heading never ends a screen: what follows it comes on the same screen
    heading = text.document.find("Perceived benefits").block()
    below = text.document.documentLayout().blockBoundingRect(heading.next())
    height = text.page_height()
    assert int(text.document.documentLayout().blockBoundingRect(heading).top() // height) == int(below.top() // height)
    turns = [text.turn(+1) for _ in range(count)]
    assert turns == [True] * (count - 1) + [False] and text.screen == count - 1
    assert not text.turn(+1) and text.turn(-1) and text.screen == count - 2
    text.show_screen(-1)
    assert text.screen == count - 1
    # larger: fewer screens, still none cut
    text.resize(700, 900)
    assert text.screen_count < count and lines_cut(text) == []
    assert text.screen < text.screen_count


def test_rows_show_what_fits_and_the_rest_on_later_screens(qtbot):
    rows = PagedRows("rows")
    qtbot.addWidget(rows)
    labels = [QLabel(f"Question {i}: " + "words " * 30) for i in range(6)]
    field = QLineEdit()
    for label in labels:
        label.setWordWrap(True)
        rows.add(label)
    rows.add(field)
    rows.resize(300, 260)
    rows.show()
    qtbot.waitExposed(rows)
    count = rows.screen_count
    assert count > 1
    seen = []
    for screen in range(count):
        shown = rows.shown()
        assert shown, screen
        # the window onto the sheet shows these rows whole, above the strip, and no part of another row
        window = rows.window.geometry()
        assert window.bottom() < rows.more.geometry().top()
        for label in shown:
            if label is field:
                continue
            top_left = label.mapTo(rows, label.rect().topLeft())
            bottom = label.mapTo(rows, label.rect().bottomLeft())
            assert window.top() <= top_left.y() and bottom.y() <= window.bottom(), (screen, labels.index(label))
        for label in set(labels) - set(shown):
            outside = label.mapTo(rows, label.rect().bottomLeft()).y() < window.top()
            assert outside or label.mapTo(rows, label.rect().topLeft()).y() > window.bottom()
        seen += [labels.index(label) for label in shown if label in labels]
        assert rows.more.text() == more_text(screen, count)
        assert rows.turn(+1) == (screen < count - 1)
    assert seen == list(range(6))  # each row once, in order
    rows.show_screen(0)
    rows.activateWindow()
    qtbot.waitUntil(rows.isActiveWindow)
    field.setFocus()  # reached with Tab: its screen comes into view
    assert field in rows.shown() and rows.screen == rows.screen_count - 1
    assert rows.minimumSizeHint().height() == 0  # six rows at once must not stretch the page
