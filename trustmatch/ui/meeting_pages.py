"""The pages of meeting mode: what each says, in type sized for the back of a room.

Each trust gets four pages, in the order a meeting takes them: at a glance
(the map and the four scores), why it scores so (the reasons), the DfE's
perceived benefits and obstacles tied to this trust, and the questions to ask
with the decision.  One trust on one page needed type a third of this size.
Text that does not fit continues on a further screen (ui.paged), never in a
scroll area.  Sizes are multiples of the page's base type (`base`, pixels).
"""

from __future__ import annotations

import re
from datetime import date
from html import escape

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from trustmatch.app import shortlist as sl
from trustmatch.data.dataset import long_date
from trustmatch.export import trust_html
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.words import plural
from trustmatch.ui.controls import EXPLAIN
from trustmatch.ui.paged import PagedRows
from trustmatch.ui.trust_map import TrustMap

INK = "#111111"
ACCENT = "#0B3D91"  # header bar and score bars: dark blue, high contrast on white
BENEFIT = "#00603F"
OBSTACLE = "#8A3B00"
DECISION_COLOURS = {"proceed": "#00603F", "more information": "#7A5A00", "decline": "#8A1C1C", "": "#444444"}
TIMES = "\u00d7"
SECTIONS = ("At a glance", "Why it scores so", "Benefits and obstacles", "Questions and decision")

# sizes, as multiples of the base type: nothing the room must read is under BODY
TITLE, HEADING, BODY, SMALL = 1.2, 0.95, 0.8, 0.65
# The title page's school name: in 1.8 times the base type a name over this long takes three lines and pushes
# the page onto a second screen, so it is set smaller.
LONG_NAME = 60
# Notes are shown in pieces of at most this many characters (whole sentences where they allow), each a row that
# goes to a screen whole: about six lines of the notes' column at any screen size, so even a long note never
# runs off a screen.
NOTE_PIECE = 300


def label(text: str = "", scale: float = BODY, bold: bool = False, name: str | None = None, rich: bool = True):
    """A wrapped label sized by `scale` times the base type (the view's style sheet reads the property)."""
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.RichText if rich else Qt.PlainText)
    widget.setProperty("scale", scale)
    if bold:
        widget.setProperty("bold", True)
    if name:
        widget.setObjectName(name)
    return widget


def span(text: str, size: float, base: int, style: str = "") -> str:
    return f"<span style='font-size:{round(size * base)}px;{style}'>{text}</span>"


def bar(score: float, base: int) -> str:
    """A score bar in rich text: a filled and an empty part of a full-width table, a third of the type high."""
    filled = max(int(round(score)), 0)
    empty = 100 - filled
    cell = f"<span style='font-size:{max(base // 3, 7)}px'>&nbsp;</span>"
    cells = f"<td bgcolor='{ACCENT}' width='{filled}%'>{cell}</td>" if filled else ""
    cells += f"<td bgcolor='#D9DEE8' width='{empty}%'>{cell}</td>" if empty else ""
    return f"<table width='100%' cellspacing='0' cellpadding='0'><tr>{cells}</tr></table>"


def facts_line(item: sl.ShortlistedTrust) -> str:
    facts = []
    if item.trust is not None:
        facts.append(f"{plural(item.trust.school_count, 'school')}, {item.trust.pupils:,} pupils")
    if item.candidate is not None:
        facts.append(f"nearest school {item.candidate.nearest_km:.1f} km")
        facts.append(f"rank {item.rank}" if item.rank else "hidden by the current filters")
    else:
        facts.append("not in the data in use: scores from when it was added")
    return " \u00b7 ".join(facts)


def document_style(base: int) -> str:
    """The shared evidence template's classes (export.trust_html) and headings in the page's type.

    Qt sizes headings from the text's own type (h2 1.5 times it, h3 1.2) and
    ignores a size given to them here.
    """
    return (
        f"h2 {{ font-weight: bold; margin-top: 0; margin-bottom: {base // 4}px; }}"
        f"h3 {{ font-weight: bold; color: {ACCENT}; margin-top: {base // 2}px; margin-bottom: 0; }}"
        f"p {{ margin-top: {base // 4}px; margin-bottom: 0; }}"
        f".small {{ font-size: {round(SMALL * base)}px; color: #333333; }}"
        # what the register says of this trust is read out, not small print
        f".tie {{ font-size: {round(BODY * base)}px; color: {INK}; }}"
        f".benefit {{ color: {BENEFIT}; }} .obstacle {{ color: {OBSTACLE}; }} .context {{ color: {INK}; }}"
    )


def _html(base: int, body: str) -> str:
    return f"<html><head><style>{document_style(base)}</style></head><body>{body}</body></html>"


def title_html(shortlist: sl.Shortlist, trusts: list, base: int) -> str:
    when = f"{date.today().day} {date.today():%B %Y}"
    preset = escape(shortlist.preset.capitalize()) if shortlist.preset else "own weights"
    rows = "".join(
        f"<tr><td>{span(f'<b>{name.capitalize()}</b>', BODY, base)}</td>"
        f"<td align='right'>{span(TIMES + format(shortlist.weights[name], 'g'), BODY, base)}&nbsp;&nbsp;</td>"
        f"<td>{span(escape(EXPLAIN[name]), BODY, base)}</td></tr>"
        for name in CRITERIA
    )
    meeting = (
        f"Meeting of {when} \u00b7 register data of {escape(long_date(shortlist.data_date))} (DfE GIAS) \u00b7 "
        + plural(len(trusts), "trust")
    )
    how = (
        "Each trust scores 0-100 on each criterion; the total is their weighted geometric mean (one very low score "
        "pulls it down). Scores come from the public register, not from visits: they say where to look, not what "
        "to decide."
    )
    order = "For each trust: " + ", ".join(s.lower() for s in SECTIONS) + "."
    name_size = 1.8 if len(shortlist.school_name) <= LONG_NAME else 1.3
    return _html(
        base,
        f"<p>{span(f'<b>{escape(shortlist.school_name)}</b>', name_size, base, f'color:{ACCENT}')}</p>"
        f"<p>{span('Choosing a multi-academy trust: the shortlist', 1.1, base)}</p>"
        f"<p>{span(meeting, BODY, base)}</p>"
        f"<h2 style='margin-top:{base}px'>What counts, and how much ({preset})</h2>"
        f"<table cellspacing='{base // 5}'>{rows}</table>"
        f"<p>{span(how, BODY, base)}</p><p>{span(order, BODY, base)}</p>",
    )


def reasons_html(item: sl.ShortlistedTrust, weights: dict[str, float], base: int) -> str:
    """Each score with its bar and reason, across the page."""
    parts = []
    for name in CRITERIA:
        score = item.scores[name]
        weight = span(f"&nbsp;&nbsp;weight {TIMES}{weights[name]:g}", SMALL, base, "color:#333333")
        parts.append(
            f"<p style='margin-top:{base // 2}px; margin-bottom:{base // 8}px'>"
            f"{span(f'<b>{name.capitalize()}&nbsp;&nbsp;{score:.0f}</b>', HEADING, base)}{weight}</p>"
            f"{bar(score, base)}<p style='margin-top:{base // 8}px'>{span(escape(item.reasons[name]), BODY, base)}</p>"
        )
    return _html(base, "".join(parts))


def evidence_html(item: sl.ShortlistedTrust, base: int) -> str:
    content = item.evidence_content
    if content is None or not content.items:
        return _html(base, "<p><i>No evidence tied to this trust: it is not in the data in use.</i></p>")
    return _html(base, trust_html.evidence(content))  # in the text's own type (BODY), which a division's would override


def summary_html(shortlist: sl.Shortlist, trusts: list, base: int) -> str:
    rows = []
    for i, item in enumerate(trusts):
        entry = shortlist.entry(item.entry.trust_code) or item.entry
        asked = sum(1 for a in entry.answers.values() if a.asked)
        note = f"<br>{span(escape(entry.decision_note), SMALL, base)}" if entry.decision_note else ""
        colour = DECISION_COLOURS[entry.decision]
        rows.append(
            f"<tr><td align='right'>{i + 1}.</td><td><b>{escape(entry.trust_name)}</b>{note}</td>"
            f"<td align='right'>{item.total:.0f}</td><td>{escape(entry.status)}</td>"
            f"<td style='color:{colour}'><b>{escape(entry.decision_text)}</b></td>"
            f"<td align='right'>{asked} of {len(item.questions)}</td></tr>"
        )
    decided = sum(1 for e in shortlist.entries if e.decision)
    return _html(
        base,
        f"<table width='100%' cellspacing='0' cellpadding='{base // 5}' border='0'>"
        "<thead><tr><th></th><th align='left'>Trust</th><th align='right'>Total</th><th align='left'>Status</th>"
        "<th align='left'>Decision</th><th align='right'>Asked</th></tr></thead>"
        + "".join(rows)
        + f"</table><p>{decided} of {len(trusts)} decided.</p>",
    )


def page_margins(view, layout) -> None:
    """Every page's margins, a fraction of the type size."""
    view.spaced(layout, lambda base: layout.setContentsMargins(base, base // 3, base, base // 4))


def _trust_page(view, item: sl.ShortlistedTrust, facts: bool = False) -> tuple[QWidget, QGridLayout]:
    page = QWidget(objectName="trustPage")
    grid = QGridLayout(page)

    page_margins(view, grid)

    def space(base: int) -> None:
        grid.setHorizontalSpacing(base)
        grid.setVerticalSpacing(base // 4)

    view.spaced(grid, space)
    grid.addWidget(label(escape(item.name), TITLE, bold=True, name="trustName"), 0, 0, 1, 2)
    if facts:
        grid.addWidget(label(facts_line(item), BODY, name="facts", rich=False), 1, 0, 1, 2)
    return page, grid


def glance_page(view, item: sl.ShortlistedTrust):
    """The map of the trust's schools and the school, beside the total and the four scores as bars."""
    page, grid = _trust_page(view, item, facts=True)
    trust_map = TrustMap(view.dataset, dot=1.4)
    school_row = view.evaluation.row if view.evaluation is not None else None
    nearest = item.candidate.nearest_school_row if item.candidate is not None else None
    trust_map.show_trust(item.trust, item.shape, school_row, nearest)
    trust_map.setMinimumSize(200, 150)
    map_column = QVBoxLayout()
    map_column.addWidget(trust_map, 1)
    map_column.addWidget(
        label(
            f"<span style='color:#D55E00'>\u25cf</span> the trust's schools &nbsp; "
            f"\u2605 {escape(view.document.shortlist.school_name)}",
            SMALL,
        )
    )
    grid.addLayout(map_column, 2, 0)
    scores = label("", BODY, name="glance")
    scores.setAlignment(Qt.AlignTop | Qt.AlignLeft)
    status = label("", BODY, name="status")
    column = QVBoxLayout()
    column.addWidget(scores)
    column.addStretch(1)
    column.addWidget(status)
    grid.addLayout(column, 2, 1)
    grid.setColumnStretch(0, 55)
    grid.setColumnStretch(1, 45)
    grid.setRowStretch(2, 1)

    def refresh() -> None:
        base = view.base
        rows = "".join(
            f"<p style='margin-top:{base // 3}px; margin-bottom:{base // 8}px'>"
            f"{span(f'<b>{name.capitalize()}</b>', HEADING, base)}"
            f"{span(f'&nbsp;&nbsp;<b>{item.scores[name]:.0f}</b>', HEADING, base)}</p>{bar(item.scores[name], base)}"
            for name in CRITERIA
        )
        scores.setText(f"{span(f'Total <b>{item.total:.0f}</b> of 100', 1.3, base, f'color:{ACCENT}')}{rows}")
        entry = view.document.shortlist.entry(item.entry.trust_code) or item.entry
        status.setText(decision_text(entry))

    refresh()
    return page, None, refresh


def note_pieces(notes: str, limit: int = NOTE_PIECE) -> list[str]:
    """The notes in pieces of at most `limit` characters, cut at paragraph ends, else between sentences, else
    between words."""
    pieces = []
    for paragraph in notes.splitlines():
        units = []
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph.strip()):
            units += [sentence] if len(sentence) <= limit else sentence.split()
        piece = ""
        for unit in filter(None, units):
            if piece and len(piece) + 1 + len(unit) > limit:
                pieces.append(piece)
                piece = unit
            else:
                piece = f"{piece} {unit}" if piece else unit
        if piece:
            pieces.append(piece)
    return pieces or ["None yet."]


def decision_text(entry: sl.Entry) -> str:
    return (
        f"Status: <b>{escape(entry.status)}</b> \u00b7 decision: "
        f"<b style='color:{DECISION_COLOURS[entry.decision]}'>{escape(entry.decision_text)}</b>"
    )


def text_page(view, item: sl.ShortlistedTrust, name: str, html, scale: float = SMALL):
    """A trust's name over text that continues on further screens when it is long (`html()` makes it, its
    plain text in `scale`)."""
    page, grid = _trust_page(view, item)
    text = view.paged_text(name, html, scale)
    grid.addWidget(text, 1, 0, 1, 2)
    grid.setRowStretch(1, 1)
    return page, text, None


class AnswerField(QPlainTextEdit):
    """An answer the room reads whole: it wraps and grows a line at a time (a one-line field showed only the
    part around the cursor).  Tab leaves it, as it leaves a one-line field."""

    edited = Signal(str)  # typed by the clerk, not set from the document
    finished = Signal()  # focus left it: the next edit is a new undo step
    grown = Signal()  # its height changed: the rows below it move

    def __init__(self, placeholder: str, name: str):
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setProperty("scale", BODY)
        self.textChanged.connect(lambda: self.edited.emit(self.toPlainText()))
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        """From the document: shown from its start, and not an edit."""
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)
        self._fit()

    def _fit(self) -> None:
        lines = max(round(self.document().size().height()), 1)  # a plain text layout measures lines
        margins = self.contentsMargins().top() + self.contentsMargins().bottom()
        height = lines * self.fontMetrics().lineSpacing() + round(2 * self.document().documentMargin()) + margins
        if height != self.height():
            self.setFixedHeight(height)
            self.grown.emit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)  # a new width wraps the lines anew
        self._fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fit()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.finished.emit()


class TickBox(QCheckBox):
    """A tick box that shows a tick when ticked.  The view's style sheet draws the box and fills it when
    checked; a fill alone reads as a dark square from the back of a room (an empty box looks much the same
    on a washed-out projector), so a white tick is painted across the fill."""

    # the tick's three points, as fractions of the box
    TICK = ((0.2, 0.52), (0.42, 0.74), (0.8, 0.28))

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self.isChecked():
            return
        option = QStyleOptionButton()
        self.initStyleOption(option)
        box = QRectF(self.style().subElementRect(QStyle.SE_CheckBoxIndicator, option, self))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        pen = QPen(QColor("white"), max(box.width() / 7, 2.0))
        pen.setCapStyle(Qt.RoundCap)
        pen.setJoinStyle(Qt.RoundJoin)
        painter.setPen(pen)
        painter.drawPolyline([QPointF(box.x() + x * box.width(), box.y() + y * box.height()) for x, y in self.TICK])
        painter.end()


def _question_row(view, code: str, question, heading: str | None, ticks: dict, answers: dict) -> QWidget:
    row = QWidget()
    grid = QGridLayout(row)

    def space(base: int) -> None:
        grid.setContentsMargins(0, 0, 0, base // 4)
        grid.setVerticalSpacing(base // 8)

    view.spaced(grid, space)
    if heading:
        grid.addWidget(label(heading, HEADING, bold=True, rich=False), 0, 0, 1, 2)
    tick = TickBox()
    tick.setAccessibleName(f"Asked: {question.text}")
    text = label(question.text, BODY, rich=False)
    text.setBuddy(tick)
    answer = AnswerField("Answer", f"Answer: {question.text}")
    grid.addWidget(tick, 1, 0, Qt.AlignTop)
    grid.addWidget(text, 1, 1)
    grid.addWidget(answer, 2, 1)
    grid.setColumnStretch(1, 1)
    tick.toggled.connect(
        lambda on: view.edit(lambda: view.document.set_answer(code, question.key, question.text, asked=on))
    )
    answer.edited.connect(
        lambda t: view.edit(lambda: view.document.set_answer(code, question.key, question.text, answer=t))
    )
    answer.finished.connect(view.document.end_merge)
    ticks[question.key], answers[question.key] = tick, answer
    return row


def decision_page(view, item: sl.ShortlistedTrust):
    """Notes so far and the questions to ask (as many screens as they need), beside the decision, always in view."""
    code = item.entry.trust_code
    page, grid = _trust_page(view, item)
    rows = PagedRows("questions")
    shown_notes: list[str] = []  # the notes as the rows below show them
    note_rows: list[QWidget] = []

    def show_notes(notes: str) -> None:
        """A row per piece of the notes, the heading kept with the first, before the questions."""
        for row in note_rows:
            rows.remove(row)
        note_rows[:] = [label(piece, BODY, name="notes", rich=False) for piece in note_pieces(notes)]
        first = QWidget()
        box = QVBoxLayout(first)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(label("Notes so far", HEADING, bold=True, rich=False))
        box.addWidget(note_rows[0])
        note_rows[0] = first
        last = note_rows[-1]
        view.spaced(last, lambda base: last.setContentsMargins(0, 0, 0, base // 4))
        for i, row in enumerate(note_rows):
            rows.add(row, i)
        rows.relayout()
        shown_notes[:] = [notes]

    show_notes(item.entry.notes)
    ticks: dict[str, QCheckBox] = {}
    answers: dict[str, AnswerField] = {}
    for i, question in enumerate(item.questions):
        heading = "Questions to ask this trust" if i == 0 else None
        rows.add(_question_row(view, code, question, heading, ticks, answers))
    if not item.questions:
        rows.add(label("<i>No questions: the trust is not in the data in use.</i>", BODY))
    for answer in answers.values():
        answer.grown.connect(rows.relayout)  # a line more or less moves the questions between screens
    rows.more.setProperty("scale", SMALL)
    grid.addWidget(rows, 1, 0)

    decision_box = QWidget(objectName="decisionBox")
    decide = QVBoxLayout(decision_box)
    view.spaced(decide, lambda base: decide.setContentsMargins(base // 2, 0, 0, 0))  # level with the notes' heading
    decide.addWidget(label("Decision", HEADING, bold=True, rich=False))
    buttons = {}  # not a QButtonGroup: Tab would reach only its first button (a second press clears a decision)
    for key, text in (
        ("proceed", "&Take forward"),
        ("more information", "Need more &info"),
        ("decline", "&Do not proceed"),
    ):
        button = QPushButton(text)
        button.setCheckable(True)
        button.setProperty("decision", key)
        button.setProperty("scale", BODY)
        button.clicked.connect(lambda on, k=key: view.edit(lambda: view.document.set_decision(code, k if on else "")))
        decide.addWidget(button)
        buttons[key] = button
    decision_note = QLineEdit()
    decision_note.setPlaceholderText("Note with the decision")
    decision_note.setAccessibleName("Note with the decision")
    decision_note.setProperty("scale", BODY)
    decision_note.textEdited.connect(lambda t: view.edit(lambda: view.document.set_decision_note(code, t)))
    decision_note.editingFinished.connect(view.document.end_merge)
    decide.addWidget(decision_note)
    status = label("", BODY, name="status")
    decide.addWidget(status)
    decide.addStretch(1)
    grid.addWidget(decision_box, 1, 1)
    grid.setColumnStretch(0, 62)
    grid.setColumnStretch(1, 38)
    grid.setRowStretch(1, 1)

    def refresh() -> None:
        entry = view.document.shortlist.entry(code)
        if entry is None:
            return
        if shown_notes != [entry.notes]:
            show_notes(entry.notes)  # longer or shorter notes move the questions between screens
        for key, tick in ticks.items():
            record = entry.answers.get(key)
            tick.blockSignals(True)
            tick.setChecked(bool(record and record.asked))
            tick.blockSignals(False)
            if record and answers[key].text() != record.answer:
                answers[key].set_text(record.answer)
        for key, button in buttons.items():
            button.setChecked(entry.decision == key)
        if decision_note.text() != entry.decision_note:
            decision_note.setText(entry.decision_note)
            decision_note.setCursorPosition(0)
        status.setText(decision_text(entry))

    refresh()
    return page, rows, refresh


def title_page(view):
    page = QWidget(objectName="titlePage")
    layout = QVBoxLayout(page)
    page_margins(view, layout)  # wider margins ran the title page over two screens at 1280x720
    text = view.paged_text("title", lambda: title_html(view.document.shortlist, view.trusts, view.base))
    layout.addWidget(text)
    return page, text, None


def summary_page(view):
    page = QWidget(objectName="summaryPage")
    layout = QVBoxLayout(page)
    page_margins(view, layout)
    layout.addWidget(label("Summary", TITLE, bold=True, name="trustName", rich=False))
    table = view.paged_text("summaryTable", lambda: summary_html(view.document.shortlist, view.trusts, view.base))
    layout.addWidget(table, 1)
    return page, table, table.refresh
