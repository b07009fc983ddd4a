"""Content shown a screen at a time, as slides are: no scroll bars, no line cut in two, turned with keys.

A projector in a meeting room has no room for small type, so a trust's reasons,
evidence and questions rarely fit one screen.  Scrolling would need a mouse and
cut lines at the edges; a presenter remote only sends Page Up and Page Down.
So each of these widgets splits its content into whole screens and shows one:
`turn(+1)` moves to the next screen and says False at the last one (the meeting
then turns the page).  A strip at the foot says when there is more.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QPainter, QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from trustmatch.ui.page_breaks import keep_together

MORE_COLOUR = "#0B3D91"  # "continued on the next screen": the meeting's blue
END_COLOUR = "#555555"  # "end (3 of 3)": quieter, still dark enough to read on a projector (7.5:1 on white)


def screens(heights: list[int], available: int, spacing: int = 0) -> list[range]:
    """Consecutive items grouped into screens of at most `available` pixels (an item taller than a screen
    gets one to itself)."""
    groups, start, used = [], 0, 0
    for i, height in enumerate(heights):
        need = height + (spacing if i > start else 0)
        if i > start and used + need > available:
            groups.append(range(start, i))
            start, used = i, height
        else:
            used += need
    groups.append(range(start, len(heights)))
    return groups


def more_text(screen: int, count: int) -> str:
    if screen < count - 1:
        return f"\u25bc continued on the next screen ({screen + 1} of {count})"
    return f"end ({count} of {count})" if count > 1 else ""


def more_colour(screen: int, count: int) -> str:
    """The strip's colour, one for both kinds of paged content."""
    return MORE_COLOUR if screen < count - 1 else END_COLOUR


class Screens:
    """What both kinds share: one of `screen_count` screens shown, turned in order; laid out when first
    needed at the widget's size (`_layout` sets `_count`)."""

    screen = 0
    _count = 1

    def _layout(self) -> None:
        raise NotImplementedError

    def prepare(self) -> None:
        self._layout()

    @property
    def screen_count(self) -> int:
        self._layout()
        return self._count

    def _clamped(self, screen: int) -> int:
        return self._count - 1 if screen < 0 else max(0, min(screen, self._count - 1))

    def turn(self, step: int) -> bool:
        target = self.screen + step
        if not 0 <= target < self.screen_count:
            return False
        self.show_screen(target)
        return True


class PagedText(Screens, QWidget):
    """Rich text laid out as pages of the widget's height (Qt's own pagination; headings kept with what
    follows them and paragraphs whole), one page painted at a time."""

    def __init__(self, name: str = "", source=None, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.source = source  # makes the HTML afresh: on edits and when the type changes size
        self.document = QTextDocument(self)
        self.document.setDocumentMargin(0)
        self.document.setUndoRedoEnabled(False)
        self._html = ""
        self._laid_out: tuple[int, int] | None = None

    def set_html(self, html: str) -> None:
        if html != self._html:
            self._html = html
            self._laid_out = None
            self.update()

    def refresh(self) -> None:
        if self.source is not None:
            self.set_html(self.source())

    def toPlainText(self) -> str:
        self._layout()
        return self.document.toPlainText()

    def _strip(self) -> int:
        return round(self.fontMetrics().height() * 1.2)

    def page_height(self) -> int:
        return max(self.height() - self._strip(), 1)

    def _layout(self) -> None:
        size = (self.width(), self.height())
        if self._laid_out == size:
            return
        self.document.setDefaultFont(self.font())
        self.document.setHtml(self._html)
        height = self.page_height()
        self.document.setPageSize(QSizeF(max(self.width(), 1), height))
        keep_together(self.document, height, whole_blocks=True)
        self._count = max(self.document.pageCount(), 1)
        self.screen = self._clamped(self.screen)
        self._laid_out = size
        self.setAccessibleDescription(self.document.toPlainText())

    def show_screen(self, screen: int) -> None:
        """Show that screen (-1: the last; kept until the text is laid out at its size)."""
        self.screen = screen if self._laid_out is None else self._clamped(screen)
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._laid_out = None

    def paintEvent(self, event) -> None:
        self._layout()
        painter = QPainter(self)
        height = self.page_height()
        painter.setPen(self.palette().text().color())
        painter.translate(0, -self.screen * height)
        self.document.drawContents(painter, QRectF(0, self.screen * height, self.width(), height))
        painter.resetTransform()
        note = more_text(self.screen, self._count)
        if note:
            font = painter.font()
            font.setPixelSize(max(round(self.font().pixelSize() * 0.8), 10))
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor(more_colour(self.screen, self._count)))
            painter.drawText(QRectF(0, height, self.width(), self._strip()), Qt.AlignRight | Qt.AlignVCenter, note)


class PagedRows(Screens, QWidget):
    """Widgets (a question with its tick and answer field, say) shown as many whole rows as fit a screen.

    The rows are laid out once on a sheet as tall as all of them; a screen is
    the sheet moved up behind a window cut to its rows' height.  Turning moves
    the sheet and lays nothing out again (showing and hiding rows instead made
    a turn take 80-100 ms of word-wrapping).
    """

    def __init__(self, name: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.rows: list[QWidget] = []
        self._groups: list[range] = [range(0)]
        self._laid_out: tuple[int, int] | None = None
        self.window = QWidget(self)  # clips the sheet to the rows of one screen
        self.sheet = QWidget(self.window)
        self._box = QVBoxLayout(self.sheet)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.addStretch(1)
        self.more = QLabel(self, objectName="more")
        self.more.setAlignment(Qt.AlignRight | Qt.AlignVCenter)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, 0)  # whatever the height, the rows go over as many screens as they need

    def sizeHint(self) -> QSize:
        return QSize(400, 300)

    def add(self, row: QWidget, position: int | None = None) -> None:
        position = len(self.rows) if position is None else position
        self._box.insertWidget(position, row)
        self.rows.insert(position, row)
        self._laid_out = None
        if self.isVisible():  # added to a page on show: measured now, in the page's type, not after the next event
            row.show()
            row.ensurePolished()
        for child in [row, *row.findChildren(QWidget)]:
            if child.focusPolicy() != Qt.NoFocus:
                child.installEventFilter(self)

    def remove(self, row: QWidget) -> None:
        self.rows.remove(row)
        self._box.removeWidget(row)
        row.hide()
        row.setParent(None)  # off the page now; deleted once the event loop is back
        row.deleteLater()
        self._laid_out = None

    def eventFilter(self, obj, event) -> bool:
        """A field reached with Tab brings its screen into view."""
        if event.type() == QEvent.FocusIn and self._laid_out is not None:
            self._show_screen_of(obj)
        return super().eventFilter(obj, event)

    def _show_screen_of(self, widget: QWidget) -> None:
        for screen, group in enumerate(self._groups):
            if any(self.rows[i] is widget or self.rows[i].isAncestorOf(widget) for i in group):
                if screen != self.screen:
                    self.show_screen(screen)
                return

    def relayout(self) -> None:
        """Lay the rows out again (one grew or shrank), keeping the field being typed in on screen."""
        for row in self.rows:
            row.updateGeometry()  # its size as the sheet knows it, else updated only after the next event
        self._laid_out = None
        self._layout()
        focus = self.focusWidget()
        if focus is not None and self._laid_out is not None and self.isAncestorOf(focus):
            self._show_screen_of(focus)

    def _layout(self) -> None:
        size = (self.width(), self.height())
        if self._laid_out == size or self.width() <= 1:
            return
        width, strip = self.width(), self.more.sizeHint().height()
        self.more.setGeometry(0, self.height() - strip, width, strip)
        tall = self.sheet.heightForWidth(width) if self.sheet.hasHeightForWidth() else self.sheet.sizeHint().height()
        self.sheet.setGeometry(0, 0, width, max(tall, self.height()))
        self._box.activate()
        heights = [row.height() for row in self.rows]
        self._groups = screens(heights, self.height() - strip, self._box.spacing())
        self._count = len(self._groups)
        self._laid_out = size
        self.show_screen(self.screen)

    def shown(self) -> list[QWidget]:
        """The rows on the screen shown."""
        return [self.rows[i] for i in self._groups[self.screen]] if self._laid_out else []

    def show_screen(self, screen: int) -> None:
        if self._laid_out is None:
            self.screen = screen  # resolved when laid out (-1: the last)
            return
        self.screen = self._clamped(screen)
        rows = self.shown()
        top = rows[0].y() if rows else 0
        bottom = rows[-1].geometry().bottom() + 1 if rows else 0
        self.sheet.move(0, -top)
        self.window.setGeometry(0, 0, self.width(), bottom - top)
        self.more.setText(more_text(self.screen, self._count))
        colour = f"color: {more_colour(self.screen, self._count)};"  # its own sheet: over any the page sets
        if self.more.styleSheet() != colour:
            self.more.setStyleSheet(colour)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._laid_out = None
        self._layout()
