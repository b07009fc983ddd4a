"""Meeting mode: the shortlist as a full-screen presentation governors can read from the back of the room.

A title page, one page per trust (map, scores with reasons, DfE benefits and
obstacles, notes, questions to ask with asked-ticks and answers, the decision)
and a closing summary.  Type is scaled to the screen; nothing needs a hover.

Keys: Right, Space, Page Down next; Left, Page Up previous; Home, End; number
keys jump to a page; Down and Up scroll the scores and evidence; Esc leaves
(from a text field, the first Esc leaves the field).  While the clerk types in
a field, the field keeps its keys; Page Up and Page Down (what a presenter
remote sends) always turn the page.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPixmap, QRegion
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from trustmatch.app import shortlist as sl
from trustmatch.data.dataset import long_date
from trustmatch.export import trust_html
from trustmatch.fit.criteria import CRITERIA
from trustmatch.ui.controls import EXPLAIN
from trustmatch.ui.trust_map import TrustMap, basemap_rings

INK = "#111111"
ACCENT = "#0B3D91"  # header bar and score bars: dark blue, high contrast on white
BENEFIT = "#00603F"
OBSTACLE = "#8A3B00"
DECISION_COLOURS = {"proceed": "#00603F", "more information": "#7A5A00", "decline": "#8A1C1C", "": "#444444"}

NEXT_KEYS = {Qt.Key_Right, Qt.Key_Space, Qt.Key_PageDown}
PREVIOUS_KEYS = {Qt.Key_Left, Qt.Key_PageUp}
REMOTE_KEYS = {Qt.Key_PageDown, Qt.Key_PageUp}  # turn the page even while typing


def _label(
    text: str = "",
    scale: float = 1.0,
    bold: bool = False,
    name: str | None = None,
    wrap: bool = True,
    rich: bool = True,
) -> QLabel:
    """A label sized by `scale` times the page's base type; plain text (`rich=False`) lays out much faster."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.RichText if rich else Qt.PlainText)
    label.setProperty("scale", scale)
    if bold:
        label.setProperty("bold", True)
    if name:
        label.setObjectName(name)
    return label


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setFocusPolicy(Qt.NoFocus)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # text wraps instead
    return area


def _bar(score: float, base: int) -> str:
    """A score bar in rich text: a filled and an empty part of a full-width table, half the type high."""
    filled = max(int(round(score)), 0)
    empty = 100 - filled
    cell = f"<span style='font-size:{max(base // 2, 7)}px'>&nbsp;</span>"
    cells = f"<td bgcolor='{ACCENT}' width='{filled}%'>{cell}</td>" if filled else ""
    cells += f"<td bgcolor='#D9DEE8' width='{empty}%'>{cell}</td>" if empty else ""
    return f"<table width='100%' cellspacing='0' cellpadding='0'><tr>{cells}</tr></table>"


def _span(text: str, size: float, base: int, style: str = "") -> str:
    return f"<span style='font-size:{round(size * base)}px;{style}'>{text}</span>"


def evidence_style(base: int) -> str:
    """The shared evidence template (export.trust_html) in the page's type: sizes follow `base`."""
    return (
        f"h2 {{ font-size: {round(0.8 * base)}px; font-weight: bold; margin-top: {base}px; margin-bottom: 2px; }}"
        f"h3 {{ font-size: {round(0.72 * base)}px; font-weight: bold; color: {ACCENT};"
        f" margin-top: {base // 2}px; margin-bottom: 0; }}"
        f"p {{ margin-top: {base // 4}px; margin-bottom: 0; }}"
        f".small {{ font-size: {round(0.6 * base)}px; color: #333333; }}"
        f".benefit {{ color: {BENEFIT}; }} .obstacle {{ color: {OBSTACLE}; }} .context {{ color: {INK}; }}"
    )


def scores_html(item: sl.ShortlistedTrust, base: int) -> str:
    """The middle of a trust page: each score with its bar and reason, then the DfE evidence tied to this trust.

    The scores are the meeting's own layout (a heading, a bar the column's
    width, the reason under it): the detail panel's table of criterion, score
    and reason would leave the reason a few words a line in a third of a
    projected screen.  The evidence is the detail panel's and the PDF's own
    template (export.trust_html), so all three say the same thing; only its
    type is sized to the page.
    """
    parts = [f"<html><head><style>{evidence_style(base)}</style></head><body>"]
    for name in CRITERIA:
        score = item.scores[name]
        parts.append(
            f"<p style='margin-top:{base // 2}px; margin-bottom:2px'>"
            f"{_span(f'<b>{name.capitalize()}</b> &nbsp;<b>{score:.0f}</b>', 0.9, base)}</p>{_bar(score, base)}"
            f"<p style='margin-top:2px'>{_span(escape(item.reasons[name]), 0.7, base)}</p>"
        )
    content = item.evidence_content
    if content is not None and content.items:
        # its type set on a division around it: a size in the style sheet's `p` would also shrink the bold
        # words of the score paragraphs above (Qt lets a block's size win over a span's for <b> inside it)
        parts.append(f"<div style='font-size:{round(0.64 * base)}px'>{trust_html.evidence(content)}</div>")
    parts.append("</body></html>")
    return "".join(parts)


class MeetingView(QWidget):
    """The presentation.  It reads the document and records edits through it (so they undo and autosave)."""

    closed = Signal()
    page_changed = Signal(int)

    def __init__(
        self,
        document: sl.ShortlistDocument,
        dataset,
        evaluation,
        autosave=None,
        save=None,
        parent=None,
    ):
        super().__init__(parent)
        self.setObjectName("meeting")
        self.setWindowTitle("TrustMatch meeting")
        self.setAccessibleName("Meeting presentation")
        self.setFocusPolicy(Qt.StrongFocus)
        self.document = document
        self.dataset = dataset
        self.evaluation = evaluation
        self.autosave = autosave  # called after every edit made here
        self.save = save  # called on Ctrl+S and on leaving
        self.trusts = sl.shortlisted_trusts(document.shortlist, dataset, evaluation)
        self.index = 0
        self._pages: dict[int, QWidget] = {}
        self._refreshers: dict[int, callable] = {}
        self._laid_out: set[int] = set()  # pages built and laid out ahead of time
        self._documents: list[tuple[QTextBrowser, sl.ShortlistedTrust]] = []  # re-sized with the type
        # building the neighbouring pages waits for the event loop to be idle, so keys go first
        self._idle = QTimer(self, singleShot=True, interval=0, timeout=self._prepare_one)
        self._base = 0
        self._typed = ""
        self._typed_timer = QTimer(self, singleShot=True, interval=900, timeout=self._clear_typed)

        self.header = _label("", 0.9, bold=True, name="meetingHeader", wrap=False, rich=False)
        self.position = _label("", 1.1, bold=True, name="meetingPosition", wrap=False, rich=False)
        self.position.setAccessibleName("Page")
        self.position.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        top = QWidget(objectName="meetingTop")
        top_row = QHBoxLayout(top)
        top_row.addWidget(self.header, 1)
        top_row.addWidget(self.position)

        self.stack = QStackedWidget()
        self.previous_button = QPushButton("\u2190 Previous")
        self.next_button = QPushButton("Next \u2192")
        self.leave_button = QPushButton("Leave meeting (Esc)")
        for button in (self.previous_button, self.next_button, self.leave_button):
            button.setFocusPolicy(Qt.NoFocus)  # keys belong to the pages; these are for the mouse
            button.setProperty("scale", 0.7)
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.leave_button.clicked.connect(self.leave)
        hint = _label(
            "Keys: \u2192 Space PgDn next \u00b7 \u2190 PgUp previous \u00b7 Home End \u00b7 "
            "number jumps \u00b7 \u2193 \u2191 scroll the evidence \u00b7 Esc leaves",
            0.6,
            wrap=False,
        )
        bottom = QWidget(objectName="meetingBottom")
        bottom_row = QHBoxLayout(bottom)
        bottom_row.addWidget(self.previous_button)
        bottom_row.addWidget(hint, 1, Qt.AlignCenter)
        bottom_row.addWidget(self.next_button)
        bottom_row.addWidget(self.leave_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(bottom)
        self._style(720)
        document.subscribe(self._document_changed)
        self.go(0)

    # --- pages -----------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self.trusts) + 2

    def page_title(self, index: int) -> str:
        if index == 0:
            return "Introduction"
        if index == self.page_count - 1:
            return "Summary"
        return f"Trust {index} of {len(self.trusts)}"

    def go(self, index: int) -> None:
        index = max(0, min(index, self.page_count - 1))
        built = index in self._pages
        page = self._page(index)
        if built:  # pages are refreshed on edits only while shown: catch up with the rest
            self._refreshers.get(index, lambda: None)()
        self.index = index
        self.stack.setCurrentWidget(page)
        self.position.setText(f"{index + 1} of {self.page_count}")
        self.header.setText(f"{self.document.shortlist.school_name} \u00b7 {self.page_title(index)}")
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.page_count - 1)
        if (
            self.focusWidget() is None
            or not self.isAncestorOf(self.focusWidget())
            or isinstance(self.focusWidget(), QLineEdit)
        ):
            self.setFocus()
        self.page_changed.emit(index)
        self._idle.start()  # then build the pages the presenter may turn to next

    def _page(self, index: int) -> QWidget:
        """The page, built on first use."""
        page = self._pages.get(index)
        if page is None:
            page = self._build(index)
            self._pages[index] = page
            self.stack.addWidget(page)
            # keys reach the widgets that can take focus; only those need watching
            for child in page.findChildren(QWidget):
                if child.focusPolicy() != Qt.NoFocus:
                    child.installEventFilter(self)
        return page

    def _upcoming(self) -> list[int]:
        """Pages in the order the presenter is likely to want them: next, previous, then outwards."""
        order = [self.index + 1, self.index - 1]
        for step in range(2, self.page_count):
            order += [self.index + step, self.index - step]
        return [i for i in order if 0 <= i < self.page_count]

    def _prepare_one(self) -> None:
        """In idle time, build a page, or lay out one built, at the stack's size: turning to it only shows it.

        One step per idle moment (a few tens of milliseconds), so a key pressed
        meanwhile waits at most for that one step.
        """
        if not self.isVisible():
            return  # sizes are not settled before the view is shown; showEvent starts this again
        if not basemap_rings.cache_info().currsize:
            basemap_rings()  # the maps' borders, read once, in a step of its own before the first map
            self._idle.start()
            return
        for index in self._upcoming():
            if index in self._laid_out:
                continue
            if index not in self._pages:
                self._page(index).ensurePolished()  # with the style sheet's fonts, which the layout depends on
            else:
                page = self._pages[index]
                page.setGeometry(self.stack.contentsRect())
                page.layout().activate()
                # the resize events a hidden page keeps for its first show (text laid out), and its map drawn
                page.render(QPixmap(1, 1), QPoint(), QRegion(0, 0, 1, 1))
                for trust_map in page.findChildren(TrustMap):
                    trust_map.prepare()
                self._laid_out.add(index)
            self._idle.start()
            return

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._idle.start()

    def next(self) -> None:
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def leave(self) -> None:
        if self.save is not None:
            self.save()
        self.close()

    def _build(self, index: int) -> QWidget:
        if index == 0:
            return self._title_page()
        if index == self.page_count - 1:
            page, refresh = self._summary_page()
        else:
            page, refresh = self._trust_page(self.trusts[index - 1])
        self._refreshers[index] = refresh
        return page

    def _title_page(self) -> QWidget:
        shortlist = self.document.shortlist
        page = QWidget(objectName="titlePage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(self._base * 2, self._base, self._base * 2, self._base)
        layout.addStretch(1)
        layout.addWidget(_label(escape(shortlist.school_name), 2.2, bold=True, name="titleSchool"))
        layout.addWidget(_label("Choosing a multi-academy trust: the shortlist", 1.3))
        when = f"{date.today().day} {date.today():%B %Y}"
        layout.addWidget(
            _label(
                f"Meeting of {when} \u00b7 register data of {escape(long_date(shortlist.data_date))} (DfE GIAS) \u00b7 "
                f"{len(self.trusts)} trust{'s' if len(self.trusts) != 1 else ''}",
                0.9,
            )
        )
        preset = shortlist.preset
        rows = "".join(
            f"<tr><td><b>{name.capitalize()}</b></td>"
            f"<td align='right'>&nbsp;\u00d7{shortlist.weights[name]:g}&nbsp;&nbsp;</td>"
            f"<td>{escape(EXPLAIN[name])}</td></tr>"
            for name in CRITERIA
        )
        layout.addSpacing(self._base)
        layout.addWidget(
            _label(
                f"<b>What counts, and how much</b> ({escape(preset.capitalize()) if preset else 'own weights'}):"
                f"<table cellspacing='4'>{rows}</table>",
                0.85,
            )
        )
        layout.addWidget(
            _label(
                "Each trust scores 0-100 on each criterion; the total is their weighted geometric mean "
                "(one very low score pulls it down). "
                "Scores come from the public register, not from visits: they say where to look, not what to decide.",
                0.7,
            )
        )
        layout.addStretch(2)
        return page

    def _trust_page(self, item: sl.ShortlistedTrust):
        code = item.entry.trust_code
        page = QWidget(objectName="trustPage")
        grid = QGridLayout(page)
        grid.setContentsMargins(self._base, self._base // 2, self._base, self._base // 2)
        grid.setHorizontalSpacing(self._base)

        facts = []
        if item.trust is not None:
            count = item.trust.school_count
            facts.append(f"{count} school{'s' if count != 1 else ''}, {item.trust.pupils:,} pupils")
        if item.candidate is not None:
            facts.append(f"nearest school {item.candidate.nearest_km:.1f} km")
            facts.append(f"rank {item.rank}" if item.rank else "hidden by the current filters")
        else:
            facts.append("not in the data in use: scores from when it was added")
        facts.append(f"total {item.total:.0f} of 100")
        grid.addWidget(_label(item.name, 1.5, bold=True, name="trustName", rich=False), 0, 0, 1, 3)
        grid.addWidget(_label(" \u00b7 ".join(facts), 0.8, rich=False), 1, 0, 1, 3)

        # map
        left = QVBoxLayout()
        trust_map = TrustMap(self.dataset, dot=1.2)
        school_row = self.evaluation.row if self.evaluation is not None else None
        nearest = item.candidate.nearest_school_row if item.candidate is not None else None
        trust_map.show_trust(item.trust, item.shape, school_row, nearest)
        trust_map.setMinimumSize(200, 150)
        left.addWidget(trust_map, 1)
        left.addWidget(
            _label(
                f"<span style='color:#D55E00'>\u25cf</span> trust school &nbsp; "
                f"\u2605 {escape(self.document.shortlist.school_name)}"
                " &nbsp; - - nearest",
                0.6,
            )
        )
        grid.addLayout(left, 2, 0)

        # scores and evidence: one document, laid out once (a label each would cost a page turn its speed)
        scores = QTextBrowser(objectName="scores")
        scores.setFrameShape(QFrame.NoFrame)
        scores.setFocusPolicy(Qt.NoFocus)
        scores.setOpenLinks(False)
        scores.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scores.setAccessibleName(f"Scores and evidence for {item.name}")
        scores.document().setDocumentMargin(0)
        scores.setProperty("scale", 0.6)  # the smallest size used: larger spans then keep even line spacing
        scores.setHtml(scores_html(item, self._base))
        self._documents.append((scores, item))
        grid.addWidget(scores, 2, 1)

        # notes, questions, decision
        # the decision stays in view below the questions, however many there are
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, self._base // 2, 0)
        decision_box = QWidget(objectName="decisionBox")
        decide = QVBoxLayout(decision_box)
        decide.setContentsMargins(0, self._base // 3, 0, 0)
        notes = _label("", 0.7, name="notes", rich=False)
        side.addWidget(_label("Notes so far", 0.8, bold=True, rich=False))
        side.addWidget(notes)
        side.addWidget(_label("Questions to ask this trust", 0.8, bold=True, rich=False))
        ticks: dict[str, QCheckBox] = {}
        answers: dict[str, QLineEdit] = {}
        for question in item.questions:
            row = QHBoxLayout()
            tick = QCheckBox()
            tick.setAccessibleName(f"Asked: {question.text}")
            text = _label(question.text, 0.7, rich=False)
            text.setBuddy(tick)
            row.addWidget(tick, 0, Qt.AlignTop)
            row.addWidget(text, 1)
            side.addLayout(row)
            answer = QLineEdit()
            answer.setPlaceholderText("Answer")
            answer.setAccessibleName(f"Answer: {question.text}")
            answer.setProperty("scale", 0.7)
            side.addWidget(answer)
            tick.toggled.connect(
                lambda on, q=question: self._edit(lambda: self.document.set_answer(code, q.key, q.text, asked=on))
            )
            answer.textEdited.connect(
                lambda t, q=question: self._edit(lambda: self.document.set_answer(code, q.key, q.text, answer=t))
            )
            answer.editingFinished.connect(self.document.end_merge)
            ticks[question.key], answers[question.key] = tick, answer
        if not item.questions:
            side.addWidget(_label("<i>No questions: the trust is not in the data in use.</i>", 0.7))
        side.addStretch(1)
        decide.addWidget(_label("Decision", 0.8, bold=True, rich=False))
        buttons = QGridLayout()
        group = QButtonGroup(decision_box)
        group.setExclusive(False)  # a second press clears the decision
        decision_buttons = {}
        for key, text in (
            ("proceed", "&Take forward"),
            ("more information", "Need more &info"),
            ("decline", "&Do not proceed"),
        ):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setProperty("decision", key)
            button.setProperty("scale", 0.7)
            button.clicked.connect(
                lambda on, k=key: self._edit(lambda: self.document.set_decision(code, k if on else ""))
            )
            group.addButton(button)
            buttons.addWidget(button, len(decision_buttons) // 2, len(decision_buttons) % 2)
            decision_buttons[key] = button
        decide.addLayout(buttons)
        decision_note = QLineEdit()
        decision_note.setPlaceholderText("Note with the decision")
        decision_note.setAccessibleName("Note with the decision")
        decision_note.setProperty("scale", 0.7)
        decision_note.textEdited.connect(lambda t: self._edit(lambda: self.document.set_decision_note(code, t)))
        decision_note.editingFinished.connect(self.document.end_merge)
        decide.addWidget(decision_note)
        status = _label("", 0.7, name="status")
        decide.addWidget(status)
        column_c = QVBoxLayout()
        column_c.addWidget(_scroll(right), 1)
        column_c.addWidget(decision_box)
        grid.addLayout(column_c, 2, 2)
        grid.setColumnStretch(0, 38)
        grid.setColumnStretch(1, 32)
        grid.setColumnStretch(2, 30)
        grid.setRowStretch(2, 1)

        def refresh() -> None:
            entry = self.document.shortlist.entry(code)
            if entry is None:
                return
            notes.setText(entry.notes or "None yet.")
            for key, tick in ticks.items():
                record = entry.answers.get(key)
                tick.blockSignals(True)
                tick.setChecked(bool(record and record.asked))
                tick.blockSignals(False)
                if record and answers[key].text() != record.answer:
                    answers[key].setText(record.answer)
            for key, button in decision_buttons.items():
                button.setChecked(entry.decision == key)
            if decision_note.text() != entry.decision_note:
                decision_note.setText(entry.decision_note)
            status.setText(
                f"Status: <b>{escape(entry.status)}</b> \u00b7 decision: "
                f"<b style='color:{DECISION_COLOURS[entry.decision]}'>{escape(entry.decision_text)}</b>"
            )

        refresh()
        return page, refresh

    def _summary_page(self):
        page = QWidget(objectName="summaryPage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(self._base, self._base // 2, self._base, self._base // 2)
        layout.addWidget(_label("Summary", 1.5, bold=True))
        table = _label("", 0.8, name="summaryTable")
        table.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        layout.addWidget(_scroll(table), 1)

        def refresh() -> None:
            rows = []
            for i, item in enumerate(self.trusts):
                entry = self.document.shortlist.entry(item.entry.trust_code) or item.entry
                colour = DECISION_COLOURS[entry.decision]
                asked = sum(1 for a in entry.answers.values() if a.asked)
                note = (
                    f"<br><span style='font-size:75%'>{escape(entry.decision_note)}</span>"
                    if entry.decision_note
                    else ""
                )
                rows.append(
                    f"<tr><td align='right'>{i + 1}.</td><td><b>{escape(entry.trust_name)}</b>{note}</td>"
                    f"<td align='right'>{item.total:.0f}</td><td>{escape(entry.status)}</td>"
                    f"<td style='color:{colour}'><b>{escape(entry.decision_text)}</b></td>"
                    f"<td align='right'>{asked} of {len(item.questions)}</td></tr>"
                )
            decided = sum(1 for e in self.document.shortlist.entries if e.decision)
            table.setText(
                "<table width='100%' cellspacing='0' cellpadding='6' border='0'>"
                "<tr><th></th><th align='left'>Trust</th><th align='right'>Total</th><th align='left'>Status</th>"
                "<th align='left'>Decision</th><th align='right'>Questions asked</th></tr>"
                + "".join(rows)
                + "</table>"
                + f"<p>{decided} of {len(self.trusts)} decided.</p>"
            )

        refresh()
        return page, refresh

    # --- edits -------------------------------------------------------------------------

    def _edit(self, change) -> None:
        change()
        if self.autosave is not None:
            self.autosave()

    def _document_changed(self) -> None:
        self._refreshers.get(self.index, lambda: None)()

    # --- keys --------------------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.KeyPress:
            typing = isinstance(obj, QLineEdit)
            if typing and event.key() == Qt.Key_Escape:
                self.setFocus()  # first Esc leaves the field, the next leaves the meeting
                return True
            if isinstance(obj, QAbstractButton) and event.key() in (Qt.Key_Return, Qt.Key_Enter):
                obj.click()
                return True
            if (not typing or event.key() in REMOTE_KEYS) and self._navigate(event):
                return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event) -> None:
        if not self._navigate(event):
            super().keyPressEvent(event)

    def _navigate(self, event) -> bool:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeypadModifier
        if event.matches(QKeySequence.Save) and self.save is not None:
            self.save()
            return True
        if event.matches(QKeySequence.Undo):
            self.document.undo()
            return True
        if event.matches(QKeySequence.Redo):
            self.document.redo()
            return True
        if modifiers not in (Qt.NoModifier, Qt.ShiftModifier):
            return False
        if key in NEXT_KEYS:
            self.next()
        elif key in PREVIOUS_KEYS:
            self.previous()
        elif key == Qt.Key_Home:
            self.go(0)
        elif key == Qt.Key_End:
            self.go(self.page_count - 1)
        elif key == Qt.Key_Escape:
            self.leave()
        elif key in (Qt.Key_Down, Qt.Key_Up):
            self.scroll_evidence(+1 if key == Qt.Key_Down else -1)
        elif Qt.Key_0 <= key <= Qt.Key_9:
            self._typed += chr(key)
            self._typed_timer.start()
            number = int(self._typed)
            if 1 <= number <= self.page_count:
                self.go(number - 1)
        else:
            return False
        return True

    def scroll_evidence(self, step: int) -> None:
        """Down and Up move the scores and evidence by most of a screen: no mouse needed to reach the end."""
        browser = self.stack.currentWidget().findChild(QTextBrowser, "scores")
        if browser is not None:
            bar = browser.verticalScrollBar()
            bar.setValue(bar.value() + step * round(browser.viewport().height() * 0.8))

    def _clear_typed(self) -> None:
        self._typed = ""

    # --- look --------------------------------------------------------------------------

    def _style(self, height: int) -> None:
        """Type scaled to the screen: a 20 px base at 720 lines, 30 px at 1080."""
        base = max(14, round(min(height / 36, self.width() / 64 if self.width() > 100 else 99)))
        if base == self._base:
            return
        self._base = base
        for browser, item in self._documents:
            browser.setHtml(scores_html(item, base))
        self._laid_out.clear()  # laid out for the old size
        sizes = "".join(
            f'QLabel[scale="{s}"], QPushButton[scale="{s}"], QLineEdit[scale="{s}"], QTextBrowser[scale="{s}"] '
            f"{{ font-size: {round(base * s)}px; }}"
            for s in (0.6, 0.66, 0.7, 0.8, 0.85, 0.9, 1.0, 1.1, 1.3, 1.5, 2.2)
        )
        self.setStyleSheet(
            f"MeetingView, QWidget#titlePage, QWidget#trustPage, QWidget#summaryPage, QScrollArea > QWidget > QWidget"
            f" {{ background: white; color: {INK}; }}"
            f"QWidget {{ font-size: {base}px; color: {INK}; }}"
            f"QWidget#meetingTop, QWidget#meetingBottom {{ background: {ACCENT}; }}"
            f"QWidget#meetingTop QLabel, QWidget#meetingBottom QLabel {{ color: white; }}"
            f"QLabel#trustName, QLabel#titleSchool {{ color: {ACCENT}; }}"
            f'QLabel[bold="true"] {{ font-weight: bold; }}'
            f"QCheckBox::indicator {{ width: {round(base * 0.9)}px; height: {round(base * 0.9)}px; }}"
            f"QPushButton {{ padding: {base // 4}px {base // 2}px; border: 2px solid {ACCENT}; border-radius: 4px; "
            f"background: white; color: {ACCENT}; }}"
            f"QPushButton:checked {{ background: {ACCENT}; color: white; }}"
            f"QPushButton:disabled {{ color: #8A8A8A; border-color: #8A8A8A; }}"
            f"QWidget#meetingBottom QPushButton {{ border-color: white; }}"
            f"QLineEdit {{ border: 2px solid #555555; padding: 2px; background: white; }}"
            f"QWidget#decisionBox {{ border-top: 3px solid {ACCENT}; }}"
            # scroll bars drawn plainly and wide enough to see from the room (and to grab)
            f"QScrollBar:vertical {{ width: {max(base // 2, 10)}px; background: #E4E4E4; }}"
            f"QScrollBar::handle:vertical {{ background: #6E6E6E; min-height: {base * 2}px; }}"
            "QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }" + sizes
        )

    def resizeEvent(self, event) -> None:
        self._style(event.size().height())
        super().resizeEvent(event)

    def closeEvent(self, event) -> None:
        self.document.unsubscribe(self._document_changed)
        self.closed.emit()
        super().closeEvent(event)


def present(view: MeetingView, near: QWidget | None = None, settings=None, ask=True) -> None:
    """Full screen on a second screen when there is one (asking which when there are several), else this one."""
    screens = QGuiApplication.screens()
    current = near.screen() if near is not None else QGuiApplication.primaryScreen()
    screen = current
    others = [s for s in screens if s is not current]
    if others:
        names = [f"{s.name()} ({s.size().width()}x{s.size().height()})" for s in others] + [
            f"{current.name()} (this screen)"
        ]
        remembered = settings.value("meeting/screen") if settings is not None else None
        default = next((i for i, s in enumerate(others) if s.name() == remembered), 0)
        choice = names[default]
        if ask:
            choice, accepted = QInputDialog.getItem(
                near, "Meeting mode", "Present on which screen?", names, default, False
            )
            if not accepted:
                return
        screen = (others + [current])[names.index(choice)]
        if settings is not None:
            settings.setValue("meeting/screen", screen.name())
    view.setScreen(screen)
    view.setGeometry(screen.geometry())
    view.showFullScreen()
    view.activateWindow()
    view.setFocus()
