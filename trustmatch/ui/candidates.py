"""The candidate-trust table: a model over one ranking's arrays, score bars, sorting and a filter box.

The table repaints on every weight change, so each painted cell must cost little Python: the model
sorts and filters its own rows (a QSortFilterProxyModel doubled the calls into Python per cell), and
the score bar delegate does one fill per cell.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QTableView

from trustmatch.app.session import RANKING, SELECTION

SORT_ROLE = int(Qt.UserRole) + 1  # raw values, so numbers sort as numbers
CODE_ROLE = int(Qt.UserRole) + 2
DISPLAY, ALIGNMENT, FONT, TOOLTIP, ACCESSIBLE_TEXT = (
    int(role) for role in (Qt.DisplayRole, Qt.TextAlignmentRole, Qt.FontRole, Qt.ToolTipRole, Qt.AccessibleTextRole)
)
ROLES = frozenset({DISPLAY, SORT_ROLE, CODE_ROLE, ALIGNMENT, FONT, TOOLTIP, ACCESSIBLE_TEXT})  # those data() answers
ALIGN_LEFT = int(Qt.AlignLeft | Qt.AlignVCenter)
ALIGN_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)

COLUMNS = [
    "#", "Trust", "Total", "Ethos", "Geography", "Phase", "Capacity", "Robust", "Schools", "Pupils", "Nearest km"
]
SCORE_COLUMNS = {2, 3, 4, 5, 6}
FORMATS = {
    **{c: "{:.0f}".format for c in SCORE_COLUMNS},
    7: lambda v: f"{v * 100:.0f}%",
    9: "{:,}".format,
    10: "{:.1f}".format,
}
TOOLTIPS = {
    "Robust": (
        "Share of nearby weightings (each weight changed by up to about half or double) "
        "under which this trust stays in the top 5"
    ),
    "Nearest km": "Straight-line distance from the chosen school to the trust's nearest school",
    "Total": "Weighted mean of the four criteria, 0-100",
}


class ScoreBarDelegate(QStyledItemDelegate):
    """Draws a score as a bar behind its number, so the table reads at a glance.

    One fill per cell: this runs for every score cell on every repaint.  (A gradient
    background brush cannot do it: the style moves the brush origin to each cell.)
    """

    BAR = QColor(86, 180, 233, 115)  # #56B4E9 at 45%, over the row's own colour

    def paint(self, painter, option, index):
        value = index.data(SORT_ROLE)
        if value:
            r = option.rect
            painter.fillRect(QRectF(r.x() + 2, r.y() + 4, (r.width() - 4) * min(value, 100.0) / 100, r.height() - 8),
                             self.BAR)
        super().paint(painter, option, index)


class CandidateModel(QAbstractTableModel):
    """Rows are one immutable snapshot of a ranking; a new ranking resets the model in one go.

    The rows shown are the ranking's rows whose trust name holds the filter text, sorted
    by the column chosen (raw values, so numbers sort as numbers; ties keep rank order).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ranked: list[tuple] = []  # every row, best first
        self._rows: list[tuple] = []  # the rows shown
        self._current_code: str | None = None
        self._sort_column, self._sort_order = 0, Qt.AscendingOrder
        self._name_filter = ""
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_ranking(self, ranking, engine) -> None:
        self.beginResetModel()
        self._ranked = []
        self._current_code = None
        if ranking is not None:
            ev = ranking.evaluation
            order = ranking.order
            robustness = ranking.robustness
            scores = ev.scores[order]
            for i, k in enumerate(order):
                k = int(k)
                trust = engine.candidates[k]
                self._ranked.append(
                    (
                        i + 1, trust.name, float(ranking.totals[k]), *map(float, scores[i]),
                        float(robustness[i]), int(ev.n[k]), int(ev.pupils[k]), float(ev.nearest_km[k]), trust.code,
                    )
                )
            if ev.own_trust is not None:
                self._current_code = engine.codes[ev.own_trust]
        self._rows = self._arranged()
        self.endResetModel()

    def set_name_filter(self, text: str) -> None:
        """Show only the trusts whose name holds `text` (any case)."""
        self.beginResetModel()
        self._name_filter = text
        self._rows = self._arranged()
        self.endResetModel()

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort_column, self._sort_order = column, order
        before = self._rows
        self._rows = self._arranged()
        # the selection (persistent indexes) follows its trust to its new row
        new_row = {row[-1]: i for i, row in enumerate(self._rows)}
        moved = self.persistentIndexList()
        self.changePersistentIndexList(
            moved, [self.index(new_row[before[i.row()][-1]], i.column()) for i in moved]
        )
        self.layoutChanged.emit()

    def _arranged(self) -> list[tuple]:
        text = self._name_filter.casefold()
        rows = [row for row in self._ranked if text in row[1].casefold()]
        column = self._sort_column
        rows.sort(key=lambda row: row[column], reverse=self._sort_order == Qt.DescendingOrder)
        return rows

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def code_at(self, row: int) -> str:
        return self._rows[row][-1]

    def row_of(self, code: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r[-1] == code), None)

    def data(self, index, role=DISPLAY):
        # Called for every role of every visible cell on each repaint: plain ints, no enum arithmetic,
        # and the roles the table has nothing for (most of those asked) answered first.
        if role not in ROLES:
            return None
        r, column = index.row(), index.column()
        if not (0 <= r < len(self._rows) and 0 <= column < len(COLUMNS)):
            return None
        row = self._rows[r]
        if role == DISPLAY:
            return self._display(row, column)
        if role == SORT_ROLE:
            return row[column]
        if role == CODE_ROLE:
            return row[-1]
        if role == ALIGNMENT:
            return ALIGN_LEFT if column == 1 else ALIGN_RIGHT
        if role == FONT:
            return self._italic if row[-1] == self._current_code else None
        if role == TOOLTIP:
            if column == 1 and row[-1] == self._current_code:
                return "The school's current trust, scored without the school itself"
            return TOOLTIPS.get(COLUMNS[column])
        if role == ACCESSIBLE_TEXT:
            return f"{COLUMNS[column]}: {self._display(row, column)}"
        return None

    def _display(self, row: tuple, column: int) -> str:
        value = row[column]
        if column == 1:
            return value + ("  (current trust)" if row[-1] == self._current_code else "")
        return FORMATS.get(column, str)(value)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ToolTipRole:
                return TOOLTIPS.get(COLUMNS[section])
        return None


class CandidateTable(QTableView):
    def __init__(self, model: CandidateModel, parent=None):
        super().__init__(parent)
        self.setObjectName("candidates")
        self.setAccessibleName("Candidate trusts")
        self.source = model
        self.setModel(model)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        # Fixed starting widths: sizing to contents would read every cell on every re-rank.
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        em = self.fontMetrics().horizontalAdvance("M")
        for column, name in enumerate(COLUMNS):
            if column != 1:
                self.setColumnWidth(column, max(em * 4, self.fontMetrics().horizontalAdvance(name) + em * 2))
        self.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        delegate = ScoreBarDelegate(self)
        for column in SCORE_COLUMNS:
            self.setItemDelegateForColumn(column, delegate)
        self._trust_code = self.selected_code  # bind() makes it the session's

    def bind(self, session) -> None:
        """Rows from the session's ranking, the selection from its selected trust; a click selects a trust.

        Selecting the row the session already selected sends an intent that changes
        nothing, so showing the state never feeds back into it.
        """

        def show(changed: set[str]) -> None:
            if RANKING in changed:
                self.source.set_ranking(session.ranking, session.engine if session.ranking is not None else None)
            self.select_code(session.trust_code)

        def selected(*args) -> None:
            code = self.selected_code()
            if code:  # a reset or a name filter clears the selection: that selects no other trust
                session.select_trust(code)

        session.subscribe(show, {RANKING, SELECTION})
        self.selectionModel().selectionChanged.connect(selected)
        self._trust_code = lambda: session.trust_code

    def filter_names(self, text: str) -> None:
        """Show only the trusts whose name holds `text`; the selected trust is selected whenever it is shown."""
        code = self._trust_code()
        self.source.set_name_filter(text)
        self.select_code(code)

    def selected_code(self) -> str | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].data(CODE_ROLE) if rows else None

    def select_code(self, code: str | None) -> None:
        row = self.source.row_of(code) if code else None
        if row is None:
            self.clearSelection()
            return
        self.selectRow(row)
        self.scrollTo(self.source.index(row, 0))
