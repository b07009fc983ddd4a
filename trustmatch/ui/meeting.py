"""Meeting mode: the shortlist as a full-screen presentation governors can read from the back of the room.

A title page; for each trust four pages (at a glance, why it scores so, the
DfE's benefits and obstacles, questions and the decision: ui.meeting_pages);
and a closing summary.  Type is a 24th of the screen's height; text too long
for one screen continues on the next (ui.paged), so nothing needs a scroll bar,
a hover or a mouse.

Keys: Right, Space, Page Down next (the next screen of a long page first);
Left, Page Up previous; Down and Up the screens of a page only; Home, End;
number keys jump to a page; Esc leaves (from a text field, the first Esc leaves
the field).  On a tick box or decision button reached with Tab, Space and
Return press it.  While the clerk types in a field, the field keeps its keys; Page
Up and Page Down (what a presenter remote sends) always turn the page.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPixmap, QRegion
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from trustmatch.app import shortlist as sl
from trustmatch.ui import meeting_pages as pages
from trustmatch.ui.meeting_pages import ACCENT, INK, SECTIONS
from trustmatch.ui.paged import PagedRows, PagedText
from trustmatch.ui.trust_map import TrustMap, basemap_rings

NEXT_KEYS = {Qt.Key_Right, Qt.Key_Space, Qt.Key_PageDown}
PREVIOUS_KEYS = {Qt.Key_Left, Qt.Key_PageUp}
REMOTE_KEYS = {Qt.Key_PageDown, Qt.Key_PageUp}  # turn the page even while typing
PRESS_KEYS = {Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space}  # on a tick or a decision button, press it
TYPING = (QLineEdit, QPlainTextEdit)  # fields that keep their keys, but for the remote's
SCALES = (0.55, 0.65, 0.75, 0.8, 0.9, 0.95, 1.0, 1.1, 1.2, 1.3, 1.8)  # sizes the pages use, times the base type


class ElidedLabel(QLabel):
    """One line that ends in an ellipsis where it would run into its neighbour (a long school name)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.full = ""

    def set_full(self, text: str) -> None:
        self.full = text
        self.setAccessibleName(text)
        self._fit()

    def _fit(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.full, Qt.ElideRight, self.contentsRect().width()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            self._fit()


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
        self.base = 0
        self._pages: dict[int, QWidget] = {}
        self._flows: dict[int, PagedText | PagedRows] = {}  # a page's part that runs over several screens
        self._refreshers: dict[int, callable] = {}
        self._texts: list[PagedText] = []  # made afresh when the type changes size
        self._spacing: list[tuple[QObject, Callable[[int], None]]] = []  # set again when the type changes size
        self._laid_out: set[int] = set()  # pages built and laid out ahead of time
        # building the neighbouring pages waits for the event loop to be idle, so keys go first
        self._idle = QTimer(self, singleShot=True, interval=0, timeout=self._prepare_one)
        self._typed = ""
        self._typed_timer = QTimer(self, singleShot=True, interval=900, timeout=self._clear_typed)

        self.header = ElidedLabel(objectName="meetingHeader")
        self.header.setProperty("scale", 0.75)
        self.header.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # a long name is cut, not the "n of N"
        self.position = QLabel(objectName="meetingPosition")
        self.position.setProperty("scale", 0.9)
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
            button.setProperty("scale", 0.55)
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.leave_button.clicked.connect(self.leave)
        hint = QLabel(
            "\u2192 PgDn next \u00b7 \u2190 PgUp back \u00b7 \u2193 \u2191 this page \u00b7 Home End \u00b7 digits jump"
        )
        hint.setProperty("scale", 0.55)
        hint.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        hint.setAlignment(Qt.AlignCenter)
        bottom = QWidget(objectName="meetingBottom")
        bottom_row = QHBoxLayout(bottom)
        bottom_row.addWidget(self.previous_button)
        bottom_row.addWidget(hint, 1)
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
        return len(SECTIONS) * len(self.trusts) + 2

    def trust_and_section(self, index: int) -> tuple[int, int] | None:
        """(trust, section) of a trust's page, counted from 0; None for the title and summary pages."""
        if 0 < index < self.page_count - 1:
            return divmod(index - 1, len(SECTIONS))
        return None

    def first_page_of(self, trust: int) -> int:
        return 1 + trust * len(SECTIONS)

    def page_title(self, index: int) -> str:
        if index == 0:
            return "Introduction"
        if index == self.page_count - 1:
            return "Summary"
        trust, section = self.trust_and_section(index)
        return f"Trust {trust + 1} of {len(self.trusts)} \u00b7 {SECTIONS[section]}"

    def go(self, index: int, screen: int = 0) -> None:
        """Show a page at one of its screens (-1: the last, as when coming back to it)."""
        index = max(0, min(index, self.page_count - 1))
        built = index in self._pages
        page = self._page(index)
        if built:  # pages are refreshed on edits only while shown: catch up with the rest
            self._refreshers.get(index, lambda: None)()
        flow = self._flows.get(index)
        if flow is not None:
            flow.show_screen(screen)
        self.index = index
        self.stack.setCurrentWidget(page)
        self.position.setText(f"{index + 1} of {self.page_count}")
        self.header.set_full(f"{self.page_title(index)} \u00b7 {self.document.shortlist.school_name}")
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.page_count - 1)
        if (
            self.focusWidget() is None
            or not self.isAncestorOf(self.focusWidget())
            or isinstance(self.focusWidget(), TYPING)
        ):
            self.setFocus()
        self.page_changed.emit(index)
        self._idle.start()  # then build the pages the presenter may turn to next

    @property
    def flow(self) -> PagedText | PagedRows | None:
        """The shown page's part that may run over several screens."""
        return self._flows.get(self.index)

    def spaced(self, owner: QObject, apply: Callable[[int], None]) -> None:
        """Margins and spacing that `apply(base)` sets from the type size, now and whenever it changes: a page is
        built once, and the screen can change after (the laptop, then the projector)."""
        apply(self.base)
        self._spacing.append((owner, apply))

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

    def _build(self, index: int) -> QWidget:
        if index == 0:
            page, flow, refresh = pages.title_page(self)
        elif index == self.page_count - 1:
            page, flow, refresh = pages.summary_page(self)
        else:
            trust, section = self.trust_and_section(index)
            item = self.trusts[trust]
            if section == 0:
                page, flow, refresh = pages.glance_page(self, item)
            elif section == 1:
                weights = self.document.shortlist.weights
                page, flow, refresh = pages.text_page(
                    self, item, "reasons", lambda: pages.reasons_html(item, weights, self.base)
                )
            elif section == 2:
                page, flow, refresh = pages.text_page(
                    self, item, "evidence", lambda: pages.evidence_html(item, self.base), pages.BODY
                )
            else:
                page, flow, refresh = pages.decision_page(self, item)
        if flow is not None:
            self._flows[index] = flow
        if refresh is not None:
            self._refreshers[index] = refresh
        return page

    def paged_text(self, name: str, source, scale: float = pages.SMALL) -> PagedText:
        """Text that runs over as many screens as it needs, made by `source()` afresh when the type changes.

        Its own type (`scale`) is that of text without a size of its own: the
        smallest used, so that larger spans keep even line spacing, unless the
        text relies on it for its body.
        """
        text = PagedText(name, source)
        text.setProperty("scale", scale)
        text.setFocusPolicy(Qt.NoFocus)
        text.refresh()
        self._texts.append(text)
        return text

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
                if index in self._flows:
                    self._flows[index].prepare()  # split into screens at this size
                self._laid_out.add(index)
            self._idle.start()
            return

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._idle.start()

    def next(self) -> None:
        """The next screen of a long page, else the next page."""
        if self.flow is None or not self.flow.turn(+1):
            if self.index < self.page_count - 1:
                self.go(self.index + 1)

    def previous(self) -> None:
        """The screen before on a long page, else the previous page at its last screen."""
        if self.flow is None or not self.flow.turn(-1):
            if self.index > 0:
                self.go(self.index - 1, screen=-1)

    def more(self, step: int) -> None:
        """Down and Up: the screens of the shown page, never another page."""
        if self.flow is not None:
            self.flow.turn(step)

    def leave(self) -> None:
        if self.save is not None:
            self.save()
        self.close()

    # --- edits -------------------------------------------------------------------------

    def edit(self, change) -> None:
        change()
        if self.autosave is not None:
            self.autosave()

    def _document_changed(self) -> None:
        self._refreshers.get(self.index, lambda: None)()

    # --- keys --------------------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.KeyPress:
            typing = isinstance(obj, TYPING)
            if typing and event.key() == Qt.Key_Escape:
                self.setFocus()  # first Esc leaves the field, the next leaves the meeting
                return True
            if isinstance(obj, QAbstractButton) and event.key() in PRESS_KEYS:
                obj.click()  # the clerk ticks with Space, as everywhere else; the presenter turns with PgDn
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
            self.more(+1 if key == Qt.Key_Down else -1)
        elif Qt.Key_0 <= key <= Qt.Key_9:
            self._typed += chr(key)
            self._typed_timer.start()
            number = int(self._typed)
            if 1 <= number <= self.page_count:
                self.go(number - 1)
        else:
            return False
        return True

    def _clear_typed(self) -> None:
        self._typed = ""

    # --- look --------------------------------------------------------------------------

    def _style(self, height: int) -> None:
        """Type scaled to the screen: a 30 px base at 720 lines, 45 px at 1080 (narrower screens: by width)."""
        base = max(14, round(min(height / 24, self.width() / 42 if self.width() > 100 else 99)))
        if base == self.base:
            return
        self.base = base
        self._spacing = [(owner, apply) for owner, apply in self._spacing if shiboken6.isValid(owner)]
        for _, apply in self._spacing:
            apply(base)
        for text in self._texts:
            text.refresh()
        for refresh in self._refreshers.values():
            refresh()
        self._laid_out.clear()  # laid out for the old size
        sizes = "".join(f'*[scale="{s}"] {{ font-size: {round(base * s)}px; }}' for s in SCALES)
        self.setStyleSheet(
            f"MeetingView, QWidget#titlePage, QWidget#trustPage, QWidget#summaryPage"
            f" {{ background: white; color: {INK}; }}"
            f"QWidget {{ font-size: {round(base * 0.8)}px; color: {INK}; }}"
            f"QWidget#meetingTop, QWidget#meetingBottom {{ background: {ACCENT}; }}"
            f"QWidget#meetingTop QLabel, QWidget#meetingBottom QLabel {{ color: white; font-weight: bold; }}"
            f"QLabel#trustName {{ color: {ACCENT}; }}"
            f'QLabel[bold="true"] {{ font-weight: bold; }}'
            f"QLabel#more {{ font-weight: bold; }}"  # its colour is ui.paged's, as on text pages
            f"QCheckBox::indicator {{ width: {round(base * 0.7)}px; height: {round(base * 0.7)}px;"
            f" border: 3px solid #555555; background: white; }}"
            f"QCheckBox::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}"
            f"QPushButton {{ padding: {base // 5}px {base // 2}px; border: 2px solid {ACCENT}; border-radius: 4px; "
            f"background: white; color: {ACCENT}; }}"
            f"QPushButton:checked {{ background: {ACCENT}; color: white; }}"
            f"QPushButton:disabled {{ color: #8A8A8A; border-color: #8A8A8A; }}"
            f"QWidget#meetingBottom QPushButton {{ border-color: white; }}"
            f"QLineEdit, QPlainTextEdit {{ border: 2px solid #555555; padding: 2px; background: white; }}"
            f"QWidget#decisionBox {{ border-left: 3px solid {ACCENT}; }}" + sizes
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
