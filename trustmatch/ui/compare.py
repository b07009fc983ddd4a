"""Two to four shortlisted trusts side by side: facts, the four scores with reasons, the evidence, a map each.

The best value in each comparable row is marked with a star and the word
"best" (never by colour alone).  Print and Save as PDF render the same
widgets onto A4 landscape pages.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QMarginsF, QPoint, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter, QRegion
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from trustmatch.app import shortlist as sl
from trustmatch.fit.criteria import CRITERIA
from trustmatch.ui.trust_map import TrustMap

MAX_TRUSTS = 4
BEST_BACKGROUND = "#E3F1E6"


def best_columns(values: list[float | None], higher_is_better: bool = True) -> set[int]:
    """Which columns hold the best value (all of them on a tie); none when fewer than two values compare."""
    known = [(v, i) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return set()
    best = max(v for v, _ in known) if higher_is_better else min(v for v, _ in known)
    if all(abs(v - best) < 0.5 for v, _ in known):
        return set()  # all equal: nothing stands out
    return {i for v, i in known if abs(v - best) < 0.5}


def _counts(mapping: dict[str, int], limit: int = 4) -> str:
    items = list(mapping.items())
    text = ", ".join(f"{k} {v}" for k, v in items[:limit])
    return text + (f", +{len(items) - limit} more" if len(items) > limit else "")


class CompareView(QWidget):
    def __init__(self, trusts: list[sl.ShortlistedTrust], dataset, school, school_row: int | None, parent=None):
        super().__init__(parent)
        if not 2 <= len(trusts) <= MAX_TRUSTS:
            raise ValueError("compare two to four trusts")
        self.setObjectName("compare")
        self.setWindowTitle(f"Compare trusts for {school.name if school else 'the school'} - TrustMatch")
        self.trusts = trusts
        self.sheet = QWidget(objectName="compareSheet")
        self.sheet.setStyleSheet(
            "QWidget#compareSheet { background: white; } QLabel { color: #111111; padding: 3px; }"
            f'QLabel[best="true"] {{ background: {BEST_BACKGROUND}; }}'
            'QLabel[head="true"] { font-weight: bold; color: #0B3D91; }'
            'QFrame[rule="true"] { color: #C8C8C8; }'
        )
        grid = QGridLayout(self.sheet)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.grid = grid
        self._row = 0
        title = QLabel(f"<h2>Comparing {len(trusts)} trusts for {escape(school.name) if school else 'the school'}</h2>")
        grid.addWidget(title, self._next(), 0, 1, len(trusts) + 1)

        self._cells("", [f"<b style='font-size:13pt'>{escape(t.name)}</b>" for t in trusts], head=True)
        self.maps = []
        for column, item in enumerate(trusts, start=1):
            trust_map = TrustMap(dataset)
            trust_map.setMinimumWidth(220)
            trust_map.setFixedHeight(220 if len(trusts) > 2 else 320)  # two trusts get wider maps
            nearest = item.candidate.nearest_school_row if item.candidate is not None else None
            trust_map.show_trust(item.trust, item.shape, school_row, nearest)
            self.maps.append(trust_map)
            grid.addWidget(trust_map, self._row, column)
        grid.addWidget(
            QLabel("<span style='color:#D55E00'>\u25cf</span> trust school<br>\u2605 the school"), self._row, 0
        )
        self._next()

        self._section("Where it stands")
        self._cells("Status", [escape(t.entry.status) for t in trusts])
        self._cells("Decision", [escape(t.entry.decision_text) for t in trusts])
        self._compare(
            "Rank now", [t.rank for t in trusts], lambda v: f"{v}" if v else "hidden by filters", higher_is_better=False
        )
        self._compare("Total", [t.total for t in trusts], lambda v: f"<b>{v:.0f}</b> of 100")

        self._section("The four criteria (0-100)")
        for name in CRITERIA:
            self._compare(
                name.capitalize(),
                [t.scores[name] for t in trusts],
                lambda v: f"<b>{v:.0f}</b>",
                reasons=[escape(t.reasons[name]) for t in trusts],
            )

        self._section("Facts from the register")
        have = [t.trust is not None for t in trusts]
        self._cells(
            "Schools",
            [
                f"{t.trust.school_count} ({escape(_counts(t.trust.schools_by_phase))})" if t.trust else "-"
                for t in trusts
            ],
        )
        self._cells(
            "Pupils", [f"{t.trust.pupils:,} in places for {t.trust.capacity:,}" if t.trust else "-" for t in trusts]
        )
        self._compare(
            "Nearest school",
            [t.candidate.nearest_km if t.candidate else None for t in trusts],
            lambda v: f"{v:.1f} km",
            higher_is_better=False,
        )
        self._cells(
            "Hubs",
            [
                f"{t.shape.hub_count}, largest {t.shape.hubs[0].name} ({t.shape.hubs[0].size})"
                if t.shape and t.shape.hubs
                else "-"
                for t in trusts
            ],
        )
        self._cells(
            "Religious character", [escape(_counts(t.trust.religious_characters)) if t.trust else "-" for t in trusts]
        )
        self._cells("Regions", [escape(_counts(t.trust.regions)) if t.trust else "-" for t in trusts])
        if not all(have):
            self._cells(
                "", ["" if h else "<i>Not in the data in use: scores from when it was added.</i>" for h in have]
            )

        evidence = [t.evidence for t in trusts]
        if any(evidence):
            self._section("Benefits and obstacles heads named (DfE, 2021): what this trust's figures say")
            titles = [item.title for item in next(e for e in evidence if e)]
            for row, title in enumerate(titles):
                if not any(e and e[row].this_trust for e in evidence):
                    continue  # an item the register says nothing about for any of them
                kind = next(e[row].kind for e in evidence if e)
                label = f"{kind.capitalize()}: {title}" if kind in ("benefit", "obstacle") else title
                self._cells(escape(label), [escape(e[row].this_trust) if e else "-" for e in evidence])

        self._section("Notes")
        self._cells("", [escape(t.entry.notes).replace("\n", "<br>") or "<i>none</i>" for t in trusts])
        for column in range(1, len(trusts) + 1):
            grid.setColumnStretch(column, 1)
        grid.setColumnMinimumWidth(0, 150)
        grid.setRowStretch(self._row, 1)

        scroll = QScrollArea()
        scroll.setWidget(self.sheet)
        scroll.setWidgetResizable(True)
        self.print_button = QPushButton("&Print...")
        self.print_button.clicked.connect(self.print_sheet)
        self.pdf_button = QPushButton("Save as P&DF...")
        self.pdf_button.clicked.connect(self.choose_pdf)
        close = QPushButton("&Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("\u2605 best = the best value in its row"), 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    # --- rows ----------------------------------------------------------------------

    def _next(self) -> int:
        self._row += 1
        return self._row - 1

    def _label(self, html: str, best: bool = False, head: bool = False) -> QLabel:
        label = QLabel(html)
        label.setWordWrap(True)
        label.setTextFormat(Qt.RichText)
        label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        label.setProperty("best", best)
        label.setProperty("head", head)
        return label

    def _section(self, title: str) -> None:
        rule = QFrame()
        rule.setFrameShape(QFrame.HLine)
        rule.setProperty("rule", True)
        self.grid.addWidget(rule, self._next(), 0, 1, len(self.trusts) + 1)
        self.grid.addWidget(
            self._label(f"<b style='font-size:12pt'>{escape(title)}</b>"), self._next(), 0, 1, len(self.trusts) + 1
        )

    def _cells(self, name: str, cells: list[str], best: set[int] = frozenset(), head: bool = False) -> None:
        row = self._next()
        self.grid.addWidget(self._label(f"<b>{name}</b>", head=head), row, 0)
        for i, html in enumerate(cells):
            marked = i in best
            mark = "<b style='color:#00603F'>\u2605 best</b> " if marked else ""
            self.grid.addWidget(self._label(mark + html, best=marked, head=head), row, i + 1)

    def _compare(self, name, values, show, higher_is_better=True, reasons=None) -> None:
        best = best_columns(values, higher_is_better)
        cells = []
        for i, value in enumerate(values):
            text = show(value) if value is not None else "-"
            if reasons:
                text += f"<br><span style='font-size:9pt'>{reasons[i]}</span>"
            cells.append(text)
        self._cells(escape(name), cells, best)

    # --- printing ------------------------------------------------------------------

    def choose_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save comparison as PDF", "comparison.pdf", "PDF (*.pdf)")
        if path:
            try:
                self.save_pdf(path)
            except OSError as err:
                QMessageBox.warning(self, "Not saved", f"The comparison was not saved: {err.strerror}.")

    def save_pdf(self, path: str) -> int:
        """Write the sheet as A4 landscape pages; returns how many."""
        writer = QPdfWriter(path)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.A4), QPageLayout.Landscape, QMarginsF(10, 10, 10, 10), QPageLayout.Millimeter
            )
        )
        writer.setResolution(150)
        writer.setTitle(self.windowTitle())
        pages = self._paint(writer, writer.newPage)
        if not pages:
            raise OSError(5, "the PDF could not be written")
        return pages

    def print_sheet(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.HighResolution)
        printer.setPageOrientation(QPageLayout.Landscape)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.Accepted:
            self._paint(printer, printer.newPage)

    def _paint(self, device, new_page) -> int:
        """Scale the sheet to the page width and cut it into pages at row boundaries."""
        sheet = self.sheet
        width = max(sheet.width(), 900)
        sheet.resize(width, sheet.heightForWidth(width) if sheet.hasHeightForWidth() else sheet.sizeHint().height())
        sheet.layout().activate()
        page = device.pageLayout().paintRectPixels(device.resolution())
        scale = page.width() / width
        page_height = page.height() / scale
        painter = QPainter()
        if not painter.begin(device):
            return 0
        cuts = self._row_cuts(page_height)
        for i, (top, bottom) in enumerate(cuts):
            if i:
                new_page()
            painter.save()
            painter.scale(scale, scale)
            sheet.render(painter, QPoint(0, 0), QRegion(0, top, sheet.width(), bottom - top))
            painter.restore()
        painter.end()
        return len(cuts)

    def _row_cuts(self, page_height: float) -> list[tuple[int, int]]:
        """Page slices of the sheet, cut between rows (a row taller than a page is cut where it must be)."""
        grid = self.grid
        ends: dict[int, int] = {}  # row -> lowest pixel of anything in it
        for i in range(grid.count()):
            row, _, rows, _ = grid.getItemPosition(i)
            ends[row + rows - 1] = max(ends.get(row + rows - 1, 0), grid.itemAt(i).geometry().bottom() + 1)
        bottoms = sorted(set(ends.values()) | {self.sheet.height()})
        step = max(int(page_height), 1)
        cuts, top, fits = [], 0, 0
        for bottom in bottoms:
            if bottom - top <= step:
                fits = bottom
                continue
            if fits > top:
                cuts.append((top, fits))
                top = fits
            while bottom - top > step:
                cuts.append((top, top + step))
                top += step
            fits = bottom
        if fits > top:
            cuts.append((top, fits))
        return cuts
