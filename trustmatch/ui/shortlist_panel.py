"""The shortlist panel: the trusts in the user's order with status, decision and notes.

Reorder by dragging a row or with Ctrl+Up / Ctrl+Down; Delete removes; every
change goes through the document, so it can be undone.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QAbstractTableModel, QByteArray, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from trustmatch.app import shortlist as sl

MIME = "application/x-trustmatch-trust-code"
COLUMNS = ["#", "Trust", "Status", "Decision", "Total", "Rank"]
TOOLTIPS = {
    "Total": "Total now, with the weights and filters in use (the total when added if the trust is not in the data)",
    "Rank": "Rank now among the candidate trusts; 'hidden' when the filters in use leave it out",
}

TEXT_ROLES = frozenset({Qt.DisplayRole, Qt.AccessibleTextRole})
ALIGNMENT_ROLE = Qt.TextAlignmentRole
NUMBER_COLUMNS = frozenset({0, 4, 5})
RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
HORIZONTAL, DISPLAY_ROLE, TOOLTIP_ROLE = Qt.Horizontal, Qt.DisplayRole, Qt.ToolTipRole


class ShortlistModel(QAbstractTableModel):
    """Rows are the document's entries, in its order, with the scores now when a ranking is given."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.document: sl.ShortlistDocument | None = None
        self.ranking = None
        self._rows: list[tuple] = []

    def refresh(self, document, ranking) -> None:
        self.beginResetModel()
        self.document, self.ranking = document, ranking
        self._rows = []
        for i, entry in enumerate(document.shortlist.entries if document else ()):
            total, rank = entry.snapshot.total, "was " + (str(entry.snapshot.rank) if entry.snapshot.rank else "hidden")
            if ranking is not None:
                try:
                    candidate = ranking.candidate_for(entry.trust_code)
                    total, rank = candidate.total, candidate.rank or "hidden"
                except KeyError:
                    rank = "not in data"
            self._rows.append(
                (
                    i + 1,
                    entry.trust_name,
                    entry.status,
                    entry.decision_text,
                    f"{total:.0f}",
                    str(rank),
                    entry.trust_code,
                )
            )
        self.endResetModel()

    def code_at(self, row: int) -> str:
        return self._rows[row][-1]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.DisplayRole):
        # asked thousands of times as the header sizes its columns: the roles are looked up once, below
        if role in TEXT_ROLES:
            row = index.row()
            return self._rows[row][index.column()] if 0 <= row < len(self._rows) else None
        if role == ALIGNMENT_ROLE and index.column() in NUMBER_COLUMNS:
            return RIGHT
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == HORIZONTAL:
            if role == DISPLAY_ROLE:
                return COLUMNS[section]
            if role == TOOLTIP_ROLE:
                return TOOLTIPS.get(COLUMNS[section])
        return None

    # --- drag to reorder -------------------------------------------------------------

    def flags(self, index):
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        return base | Qt.ItemIsDragEnabled if index.isValid() else Qt.ItemIsDropEnabled

    def supportedDropActions(self):
        return Qt.MoveAction

    def mimeTypes(self):
        return [MIME]

    def mimeData(self, indexes):
        data = QMimeData()
        rows = sorted({i.row() for i in indexes})
        if rows:
            data.setData(MIME, QByteArray(self.code_at(rows[0]).encode("utf-8")))
        return data

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if self.document is None or not data.hasFormat(MIME):
            return False
        code = bytes(data.data(MIME)).decode("utf-8")
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._rows)
        old = self.document.shortlist.index_of(code)
        self.document.move(code, row - 1 if row > old else row)
        return False  # the document has moved it: the view must not remove a row itself


class ShortlistPanel(QWidget):
    trust_chosen = Signal(str)
    compare_requested = Signal(list)
    meeting_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("shortlistPanel")
        self.document: sl.ShortlistDocument | None = None
        self._ranking = None
        self._showing: str | None = None

        self.title = QLabel()
        self.title.setObjectName("shortlistTitle")
        self.news = QLabel()
        self.news.setObjectName("shortlistNews")
        self.news.setWordWrap(True)
        self.news.setStyleSheet("QLabel { background: #FFF4D6; padding: 4px; }")
        self.news.hide()
        self.model = ShortlistModel(self)
        self.table = QTableView()
        self.table.setObjectName("shortlistTable")
        self.table.setAccessibleName("Shortlisted trusts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setDragDropMode(QAbstractItemView.InternalMove)
        self.table.setDragEnabled(True)
        self.table.setDropIndicatorShown(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.installEventFilter(self)

        self.status = QComboBox()
        self.status.addItems(list(sl.STATUSES))
        self.status.setAccessibleName("Status")
        self.status.activated.connect(lambda i: self._edit(lambda c: self.document.set_status(c, sl.STATUSES[i])))
        self.decision = QComboBox()
        self.decision.addItems(list(sl.DECISIONS.values()))
        self.decision.setAccessibleName("Decision")
        keys = list(sl.DECISIONS)
        self.decision.activated.connect(lambda i: self._edit(lambda c: self.document.set_decision(c, keys[i])))
        self.decision_note = QLineEdit()
        self.decision_note.setAccessibleName("Note with the decision")
        self.decision_note.textEdited.connect(lambda t: self._edit(lambda c: self.document.set_decision_note(c, t)))
        self.decision_note.editingFinished.connect(self._end_typing)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("shortlistNotes")
        self.notes.setAccessibleName("Notes on this trust")
        self.notes.setPlaceholderText("Notes on this trust")
        self.notes.textChanged.connect(self._notes_typed)
        self.notes.installEventFilter(self)

        self.up = QPushButton("\u2191")
        self.down = QPushButton("\u2193")
        self.up.setAccessibleName("Move up")
        self.down.setAccessibleName("Move down")
        self.remove = QPushButton("Remove")
        self.compare = QPushButton("Compare")
        self.meeting = QPushButton("Meeting")
        self.up.setToolTip("Move up (Ctrl+Up)")
        self.down.setToolTip("Move down (Ctrl+Down)")
        self.remove.setToolTip("Remove from the shortlist (Delete)")
        self.compare.setToolTip("Compare two to four selected trusts side by side")
        self.up.clicked.connect(lambda: self.move_selected(-1))
        self.down.clicked.connect(lambda: self.move_selected(+1))
        self.remove.clicked.connect(self.remove_selected)
        self.compare.clicked.connect(self._compare)
        self.meeting.clicked.connect(self.meeting_requested)
        self.meeting.setToolTip("Present the shortlist full screen (F5)")

        buttons = QHBoxLayout()
        for button in (self.up, self.down, self.remove, self.compare, self.meeting):
            buttons.addWidget(button)
        form = QFormLayout()
        form.addRow("&Status", self.status)
        form.addRow("&Decision", self.decision)
        form.addRow("Decision &note", self.decision_note)
        listing = QVBoxLayout()
        listing.addWidget(self.title)
        listing.addWidget(self.news)
        listing.addWidget(self.table, 1)
        listing.addLayout(buttons)
        editing = QVBoxLayout()
        editing.addLayout(form)
        editing.addWidget(self.notes, 1)
        # one above the other in a tall dock (beside the views), side by side in a wide one (under them)
        self.columns = QBoxLayout(QBoxLayout.TopToBottom, self)
        self.columns.setContentsMargins(0, 0, 0, 0)
        self.columns.addLayout(listing, 3)
        self.columns.addLayout(editing, 2)
        self._show_entry()

    def set_wide(self, wide: bool) -> None:
        """Side by side (under the explorer, where height is short) or one above the other (beside it)."""
        self.columns.setDirection(QBoxLayout.LeftToRight if wide else QBoxLayout.TopToBottom)

    # --- document -> widgets ------------------------------------------------------------

    def set_document(self, document: sl.ShortlistDocument | None) -> None:
        if self.document is not None:
            self.document.unsubscribe(self.refresh)
        self.document = document
        self._showing = None
        if document is not None:
            document.subscribe(self.refresh)
        self.show_news([])
        self.refresh()

    def set_ranking(self, ranking) -> None:
        if ranking is self._ranking:
            return  # told on every selection too: nothing to redraw
        self._ranking = ranking
        self.refresh()

    def show_news(self, notes: list[str]) -> None:
        self.news.setText("<br>".join(escape(n) for n in notes))
        self.news.setVisible(bool(notes))

    def refresh(self) -> None:
        selected = self.selected_codes()
        self.model.refresh(self.document, self._ranking)
        doc = self.document
        if doc is None:
            self.title.setText("No shortlist open")
        else:
            s = doc.shortlist
            count = len(s.entries)
            self.title.setText(
                f"<b>Shortlist</b> for {escape(s.school_name or 'no school yet')}: "
                f"{count} trust{'s' if count != 1 else ''}"
            )
        self.select_codes(selected)
        self._show_entry()

    def _show_entry(self) -> None:
        code = self.current_code()
        entry = self.document.shortlist.entry(code) if self.document and code else None
        for widget in (self.status, self.decision, self.decision_note, self.notes, self.up, self.down, self.remove):
            widget.setEnabled(entry is not None)
        self.compare.setEnabled(
            2 <= len(self.selected_codes()) <= 4
            or (self.document is not None and 2 <= len(self.document.shortlist.entries) <= 4)
        )
        self.meeting.setEnabled(self.document is not None and bool(self.document.shortlist.entries))
        if entry is None:
            self._showing = None
            self.notes.blockSignals(True)
            self.notes.setPlainText("")
            self.notes.blockSignals(False)
            self.decision_note.setText("")
            return
        self.status.setCurrentIndex(sl.STATUSES.index(entry.status))
        self.decision.setCurrentIndex(list(sl.DECISIONS).index(entry.decision))
        if self.decision_note.text() != entry.decision_note:
            self.decision_note.setText(entry.decision_note)
        if self.notes.toPlainText() != entry.notes:
            self.notes.blockSignals(True)
            self.notes.setPlainText(entry.notes)
            self.notes.blockSignals(False)
        if code != self._showing and self.document is not None:
            self.document.end_merge()
        self._showing = code

    # --- selection ----------------------------------------------------------------------

    def selected_codes(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.code_at(r) for r in rows if r < self.model.rowCount()]

    def current_code(self) -> str | None:
        codes = self.selected_codes()
        return codes[0] if len(codes) == 1 else None

    def select_codes(self, codes: list[str]) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        selection.clearSelection()
        for row in range(self.model.rowCount()):
            if self.model.code_at(row) in codes:
                selection.select(
                    self.model.index(row, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows
                )
                if len(codes) == 1:
                    selection.setCurrentIndex(self.model.index(row, 1), selection.SelectionFlag.NoUpdate)
        selection.blockSignals(False)
        self.table.viewport().update()

    def _selected(self, *args) -> None:
        self._show_entry()
        code = self.current_code()
        if code:
            self.trust_chosen.emit(code)

    # --- edits ---------------------------------------------------------------------------

    def _edit(self, change) -> None:
        code = self.current_code()
        if code and self.document is not None:
            change(code)

    def _notes_typed(self) -> None:
        self._edit(lambda c: self.document.set_notes(c, self.notes.toPlainText()))

    def _end_typing(self) -> None:
        if self.document is not None:
            self.document.end_merge()

    def move_selected(self, step: int) -> None:
        code = self.current_code()
        if code is None or self.document is None:
            return
        self.document.move(code, self.document.shortlist.index_of(code) + step)
        self.select_codes([code])

    def remove_selected(self) -> None:
        if self.document is None:
            return
        for code in self.selected_codes():
            self.document.remove(code)

    def _compare(self) -> None:
        codes = self.selected_codes()
        if len(codes) < 2 and self.document is not None:
            codes = self.document.shortlist.codes
        if 2 <= len(codes) <= 4:
            self.compare_requested.emit(codes)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == event.Type.KeyPress:
            if obj is self.table:
                if event.key() == Qt.Key_Up and event.modifiers() & Qt.ControlModifier:
                    self.move_selected(-1)
                    return True
                if event.key() == Qt.Key_Down and event.modifiers() & Qt.ControlModifier:
                    self.move_selected(+1)
                    return True
                if event.matches(QKeySequence.Delete) or event.key() == Qt.Key_Backspace:
                    self.remove_selected()
                    return True
        elif event.type() == event.Type.FocusOut and obj is self.notes:
            self._end_typing()
        return super().eventFilter(obj, event)
