"""The map of England: boundaries, every school as a point, the chosen school and the selected trust.

A plain widget that paints itself, with no scene graph or plotting library: a
scene of 22,000 items, or a plotting library that imports all of Qt's classes,
cost more than the rest of starting the app.  The boundaries are paths with
1-pixel cosmetic pens (Qt strokes them ~4x faster than fractional widths), skipped
when out of view; the schools are stamped straight into the frame's pixels with
numpy, a dozen array writes per colour rather than a Qt call per school, so a
full repaint stays within a frame.  Coordinates are British National Grid metres;
the view keeps one scale for both axes.
"""

from __future__ import annotations

import functools
from html import escape
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from trustmatch.app.session import DATA, SCHOOL, SELECTION
from trustmatch.data.basemap import Basemap
from trustmatch.ui.shapes import polygon, star

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
GOVERNANCE_COLOURS = {
    "maintained": "#0072B2",
    "mat": "#E69F00",
    "sat": "#009E73",
    "other": "#CC79A7",
}
GOVERNANCE_LABELS = {
    "maintained": "Maintained by the LA",
    "mat": "In a multi-academy trust",
    "sat": "Single-academy trust",
    "other": "Other",
}
TRUST_COLOUR = "#D55E00"
TRUST_LAYER_COLOUR = "#4B2A86"
BOUNDARY_COLOURS = {"utla": "#d0d0d0", "regions": "#9a9a9a", "outline": "#555555"}  # drawn in this order
HOVER_PIXELS = 6
DOT_PIXELS = 4  # a school's dot, across
MEMBER_PIXELS = 9
CHOSEN_PIXELS = 22
DRAG_PIXELS = 3  # a press that moves further is a pan, not a click
WHEEL_STEP = 0.8  # one wheel notch zooms in to 80% of the width


class Hub(NamedTuple):
    """A ring of the trust layer: a hub of a trust's schools."""

    x: float
    y: float
    diameter: float  # pixels
    code: str


class Boundary(NamedTuple):
    path: QPainterPath  # BNG metres
    bounds: QRectF  # so areas out of view are skipped when zoomed in


def boundaries(basemap: Basemap) -> dict[str, list[Boundary]]:
    """One path per area and layer, as the map draws them."""
    layers = {}
    for layer in BOUNDARY_COLOURS:
        layers[layer] = []
        for area in basemap.layers[layer]:
            path = QPainterPath()
            for ring in area.rings:
                path.addPolygon(polygon(ring))
            layers[layer].append(Boundary(path, path.boundingRect()))
    return layers


@functools.cache
def _bundled() -> tuple[Basemap, dict[str, list[Boundary]]]:
    """The shipped basemap and its paths: a file in the install that never changes while the app runs."""
    basemap = Basemap.load()
    return basemap, boundaries(basemap)


def _disc(diameter: int) -> list[tuple[int, int]]:
    """The pixel offsets of a dot `diameter` pixels across: a square with its corners cut."""
    centre = (diameter - 1) / 2
    limit = (diameter / 2) ** 2
    offsets = [(dx, dy) for dy in range(diameter) for dx in range(diameter)
               if (dx - centre) ** 2 + (dy - centre) ** 2 <= limit]
    return [(dx - diameter // 2, dy - diameter // 2) for dx, dy in offsets]


class SchoolCard(QFrame):
    """The small card a click on a school shows, with the one action that matters."""

    rank_requested = Signal(int)

    def __init__(self, parent):
        super().__init__(parent)
        self.setObjectName("schoolCard")
        self.setFrameShape(QFrame.StyledPanel)
        self.setAutoFillBackground(True)
        self.setAccessibleName("School card")
        layout = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.RichText)
        self.button = QPushButton("&Rank trusts for this school")
        self.button.setAccessibleName("Rank trusts for this school")
        self.button.clicked.connect(lambda: self.rank_requested.emit(self.row))
        layout.addWidget(self.text)
        layout.addWidget(self.button)
        self.row = -1
        self.setFixedWidth(300)
        self.hide()

    def show_school(self, row: int, html: str, at) -> None:
        self.row = row
        self.text.setText(html)
        self.adjustSize()
        parent = self.parentWidget()
        x = min(max(at.x() + 12, 0), parent.width() - self.width())
        y = min(max(at.y() + 12, 0), parent.height() - self.height())
        self.move(int(x), int(y))
        self.show()
        self.raise_()
        self.button.setFocus()

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape:
            self.hide()
            self.parentWidget().setFocus()
            return
        super().keyPressEvent(event)


class MapView(QWidget):
    school_chosen = Signal(int)  # rank trusts for this school
    trust_clicked = Signal(str)

    def __init__(self, dataset, basemap: Basemap | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("map")
        self.setAccessibleName("Map of England's schools")
        self.setAccessibleDescription("Arrow keys pan, plus and minus zoom, Home shows all of England.")
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMouseTracking(True)  # the hover names the school under the pointer
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(200, 150)
        if basemap is None:
            self.basemap, self.boundaries = _bundled()
        else:
            self.basemap, self.boundaries = basemap, boundaries(basemap)
        # The view: this rectangle of BNG metres (x0, y0, x1, y1) is kept in sight, centred, whatever the size.
        self._target = self.basemap.bounds()

        self.schools: dict[str, np.ndarray] = {}  # xy of the schools drawn in each governance colour
        self.member_xy = np.zeros((0, 2))  # the selected trust's schools
        self.links = np.zeros((0, 2, 2))  # member -> its hub's centre
        self.nearest: tuple[np.ndarray, np.ndarray, str] | None = None  # from, to, label
        self.nearest_label_box = None  # where the distance was last drawn (a QRect)
        self.chosen_xy: np.ndarray | None = None
        self.hubs: list[Hub] = []  # the trust layer, built when first shown
        self.trust_layer_visible = False

        self._hub_shapes = lambda: {}  # bind() gives the session's
        self._press: QPointF | None = None
        self._dragged = False
        self._double = False
        self.card = SchoolCard(self)
        self.card.rank_requested.connect(self._card_rank)
        self.set_dataset(dataset)
        self.zoom_to_england()

    def sizeHint(self) -> QSize:
        return QSize(600, 480)  # the window's splitters give the map most of the width

    def bind(self, session) -> None:
        """Draw the session's data, chosen school and selected trust; send the schools and trusts clicked."""

        def show(changed: set[str]) -> None:
            if DATA in changed:
                self.set_dataset(session.dataset)
            if SCHOOL in changed:
                self.show_chosen(session.school_row)
            if SELECTION in changed:
                self.show_selection(session.selection)

        session.subscribe(show, {DATA, SCHOOL, SELECTION})
        self._hub_shapes = lambda: session.engine.graph.shapes
        self.school_chosen.connect(session.choose_school)
        self.trust_clicked.connect(session.select_trust)

    # --- data ------------------------------------------------------------------

    def set_dataset(self, dataset) -> None:
        self.dataset = dataset
        governance = np.asarray(dataset.columns["governance"])
        self.schools = {name: dataset.xy[governance == name] for name in GOVERNANCE_COLOURS}
        self._chosen_row = None
        self.chosen_xy = None
        self.show_trust(None)
        self.hubs = []
        if self.trust_layer_visible:
            self.set_trust_layer_visible(True)
        self.update()

    def _build_trust_layer(self, shapes) -> None:
        self.hubs = [
            Hub(float(hub.centre[0]), float(hub.centre[1]), 4 + 2 * float(np.sqrt(hub.size)), trust.code)
            for trust in self.dataset.trusts.of_type("MAT")
            for hub in shapes[trust.code].hubs
        ]

    # --- what is shown ---------------------------------------------------------------

    def show_chosen(self, row: int | None, centre: bool = True) -> None:
        self._chosen_row = row
        self.chosen_xy = None if row is None else self.dataset.xy[row]
        if row is not None and centre:
            self.zoom_to_school()
        self.update()

    def show_selection(self, selection) -> None:
        self.show_trust(selection.trust, selection.shape, selection.nearest_row, selection.school_row)

    def show_trust(self, trust, shape=None, nearest_row: int | None = None, chosen_row: int | None = None) -> None:
        """Draw a trust's schools on top, each linked to the centre of its hub, and the nearest distance."""
        xy = self.dataset.xy
        members = [m for m in trust.members if m != chosen_row] if trust is not None else []
        self.member_xy = xy[members] if members else np.zeros((0, 2))
        links = [(xy[m], hub.centre) for hub in (shape.hubs if trust is not None and shape else ())
                 if hub.size > 1 for m in hub.members]
        self.links = np.array(links, dtype=np.float64).reshape(-1, 2, 2)
        self.nearest = None
        # (a trust of no school but the chosen one has no nearest school: no line from the school to itself)
        if trust is not None and nearest_row is not None and chosen_row is not None and nearest_row != chosen_row:
            a, b = xy[chosen_row], xy[nearest_row]
            self.nearest = (a, b, f"{np.hypot(*(a - b)) / 1000.0:.1f} km")
        self.update()

    def set_trust_layer_visible(self, visible: bool) -> None:
        """Every trust's hubs as rings; built when first shown (it needs the fit engine's hubs)."""
        if visible and not self.hubs:
            self._build_trust_layer(self._hub_shapes())
        self.trust_layer_visible = visible
        self.update()

    # --- the view: metres <-> pixels ----------------------------------------------------

    def _scale(self) -> float:
        """Metres per pixel: the target rectangle fits the widget."""
        x0, y0, x1, y1 = self._target
        return max((x1 - x0) / max(self.width(), 1), (y1 - y0) / max(self.height(), 1))

    def _transform(self) -> QTransform:
        """From BNG metres to widget pixels (north up)."""
        x0, y0, x1, y1 = self._target
        s = self._scale()
        dx, dy = self.width() / 2 - (x0 + x1) / 2 / s, self.height() / 2 + (y0 + y1) / 2 / s
        return QTransform(1 / s, 0, 0, -1 / s, dx, dy)

    def _pixels(self, xy: np.ndarray) -> np.ndarray:
        x0, y0, x1, y1 = self._target
        s = self._scale()
        return np.column_stack([
            (xy[:, 0] - (x0 + x1) / 2) / s + self.width() / 2, self.height() / 2 - (xy[:, 1] - (y0 + y1) / 2) / s
        ])

    def _metres(self, pos) -> tuple[float, float]:
        x0, y0, x1, y1 = self._target
        s = self._scale()
        return (x0 + x1) / 2 + (pos.x() - self.width() / 2) * s, (y0 + y1) / 2 - (pos.y() - self.height() / 2) * s

    def view_range(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The metres in sight: ((west, east), (south, north))."""
        (west, north), (east, south) = self._metres(QPointF(0, 0)), self._metres(QPointF(self.width(), self.height()))
        return (west, east), (south, north)

    def set_range(self, x0: float, x1: float, y0: float, y1: float, padding: float = 0.0) -> None:
        pad_x, pad_y = (x1 - x0) * padding, (y1 - y0) * padding
        self._target = (x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y)
        self.update()

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by (dx, dy) metres."""
        x0, y0, x1, y1 = self._target
        self.set_range(x0 + dx, x1 + dx, y0 + dy, y1 + dy)

    def zoom(self, factor: float, about=None) -> None:
        """Show `factor` times the width, keeping the point `about` (widget pixels; the centre by default) still."""
        x0, y0, x1, y1 = self._target
        cx, cy = self._metres(about) if about is not None else ((x0 + x1) / 2, (y0 + y1) / 2)
        self.set_range(cx + (x0 - cx) * factor, cx + (x1 - cx) * factor, cy + (y0 - cy) * factor,
                       cy + (y1 - cy) * factor)

    # --- drawing -----------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        ratio = self.devicePixelRatioF()
        frame = QImage(self.size() * ratio, QImage.Format_ARGB32_Premultiplied)
        frame.setDevicePixelRatio(ratio)
        frame.fill(Qt.white)
        painter = QPainter(frame)
        self._draw_boundaries(painter)
        painter.end()
        self._stamp_schools(frame, ratio)
        painter = QPainter(self)
        painter.drawImage(0, 0, frame)
        painter.setRenderHint(QPainter.Antialiasing)
        self._draw_trust_layer(painter)
        self._draw_selection(painter)
        painter.end()

    def _draw_boundaries(self, painter: QPainter) -> None:
        painter.setTransform(self._transform())
        (west, east), (south, north) = self.view_range()
        in_sight = QRectF(west, south, east - west, north - south)
        for layer, colour in BOUNDARY_COLOURS.items():
            pen = QPen(QColor(colour), 1)
            pen.setCosmetic(True)
            painter.setPen(pen)
            for boundary in self.boundaries[layer]:
                if boundary.bounds.intersects(in_sight):
                    painter.drawPath(boundary.path)
        painter.resetTransform()

    def _stamp_schools(self, frame: QImage, ratio: float) -> None:
        """Each school a dot in its colour, written into the frame's pixels; later colours on top."""
        width, height = frame.width(), frame.height()
        pixels = np.frombuffer(frame.bits(), np.uint32).reshape(height, frame.bytesPerLine() // 4)
        disc = _disc(max(1, round(DOT_PIXELS * ratio)))
        reach = max(max(abs(dx), abs(dy)) for dx, dy in disc)
        for name, colour in GOVERNANCE_COLOURS.items():
            at = np.rint(self._pixels(self.schools[name]) * ratio).astype(np.int64)
            # a dot that would cross the frame's edge is left out: it is out of sight but for a pixel or two
            inside = (np.abs(at - (width // 2, height // 2)) < (width // 2 - reach, height // 2 - reach)).all(axis=1)
            x, y = at[inside, 0], at[inside, 1]
            value = np.uint32(QColor(colour).rgba())
            for dx, dy in disc:
                pixels[y + dy, x + dx] = value

    def _draw_trust_layer(self, painter: QPainter) -> None:
        if not self.trust_layer_visible or not self.hubs:
            return
        painter.setPen(QPen(QColor(TRUST_LAYER_COLOUR), 1))
        painter.setBrush(Qt.NoBrush)
        centres = self._pixels(np.array([(h.x, h.y) for h in self.hubs]))
        margin = 50
        for (x, y), hub in zip(centres.tolist(), self.hubs):
            if -margin < x < self.width() + margin and -margin < y < self.height() + margin:
                painter.drawEllipse(QPointF(x, y), hub.diameter / 2, hub.diameter / 2)

    def _draw_selection(self, painter: QPainter) -> None:
        if len(self.links):
            ends = self._pixels(self.links.reshape(-1, 2)).reshape(-1, 4).tolist()
            painter.setPen(QPen(QColor(TRUST_COLOUR), 1.2))
            painter.drawLines([QLineF(*line) for line in ends])
        if len(self.member_xy):
            painter.setPen(QPen(Qt.black, 1))
            painter.setBrush(QColor(TRUST_COLOUR))
            radius = MEMBER_PIXELS / 2
            for x, y in self._pixels(self.member_xy).tolist():
                painter.drawEllipse(QPointF(x, y), radius, radius)
        if self.nearest is not None:
            a, b, label = self.nearest
            (ax, ay), (bx, by) = self._pixels(np.array([a, b])).tolist()
            painter.setPen(QPen(Qt.black, 1.5, Qt.DashLine))
            painter.drawLine(QLineF(ax, ay, bx, by))
            # beside the member on the side away from the chosen school, so its star never covers the figure
            # (below and to the right of the member, a school 2.7 km off sat on "2.7 km")
            box = painter.fontMetrics().boundingRect(label).adjusted(-3, -1, 3, 1)
            x = round(bx) + 4 if bx >= ax else round(bx) - 4 - box.width()
            y = round(by) + 4 if by >= ay else round(by) - 4 - box.height()
            box.moveTopLeft(QPoint(x, y))
            self.nearest_label_box = box  # where it was drawn, for the tests
            painter.fillRect(box, QColor(255, 255, 255, 210))
            painter.setPen(Qt.black)
            painter.drawText(box, Qt.AlignCenter, label)
        if self.chosen_xy is not None:
            [(x, y)] = self._pixels(self.chosen_xy[None, :]).tolist()
            painter.setPen(QPen(Qt.white, 1.5))
            painter.setBrush(Qt.black)
            painter.drawPolygon(star(QPointF(x, y), CHOSEN_PIXELS / 2))

    # --- navigation ------------------------------------------------------------------

    def zoom_to_england(self) -> None:
        x0, y0, x1, y1 = self.basemap.bounds()
        self.set_range(x0, x1, y0, y1, padding=0.02)

    def zoom_to_school(self, half_width_m: float = 25_000) -> None:
        if self._chosen_row is None:
            return
        x, y = self.dataset.xy[self._chosen_row]
        self.set_range(x - half_width_m, x + half_width_m, y - half_width_m, y + half_width_m)

    def keyPressEvent(self, event):
        key = event.key()
        (x0, x1), (y0, y1) = self.view_range()
        step_x, step_y = (x1 - x0) * 0.1, (y1 - y0) * 0.1
        moves = {
            Qt.Key_Left: (-step_x, 0), Qt.Key_Right: (step_x, 0), Qt.Key_Up: (0, step_y), Qt.Key_Down: (0, -step_y)
        }
        if key in moves:
            self.pan(*moves[key])
        elif key in (Qt.Key_Plus, Qt.Key_Equal) or event.matches(QKeySequence.ZoomIn):
            self.zoom(0.8)
        elif key == Qt.Key_Minus or event.matches(QKeySequence.ZoomOut):
            self.zoom(1.25)
        elif key == Qt.Key_Home:
            self.zoom_to_england()
        else:
            super().keyPressEvent(event)

    def event(self, event):
        # Touchpad pinch arrives as a native zoom gesture (macOS, Wayland): zoom about the fingers.
        if event.type() == QEvent.NativeGesture and event.gestureType() == Qt.ZoomNativeGesture:
            self.pinch(event.value(), event.position())
            return True
        return super().event(event)

    def pinch(self, value: float, pos) -> None:
        """Zoom in by `value` (0.1 = 10% closer), keeping the point under the fingers still."""
        self.zoom(1.0 / (1.0 + max(min(value, 0.9), -0.9)), about=pos)

    def wheelEvent(self, event):
        self.zoom(WHEEL_STEP ** (event.angleDelta().y() / 120), about=event.position())
        event.accept()

    # --- pointer ---------------------------------------------------------------------

    def school_at(self, pos) -> int | None:
        """The school drawn under `pos` (widget pixels), if any."""
        x, y = self._metres(pos)
        tolerance = HOVER_PIXELS * self._scale()
        # a scan of every school costs ~0.1 ms, less than building a spatial index
        squared = ((self.dataset.xy - (x, y)) ** 2).sum(axis=1)
        row = int(np.argmin(squared))
        return row if squared[row] <= tolerance**2 else None

    def hub_at(self, pos) -> Hub | None:
        """The trust layer's ring under `pos`, if the layer is shown."""
        if not self.trust_layer_visible or not self.hubs:
            return None
        centres = self._pixels(np.array([(h.x, h.y) for h in self.hubs]))
        distance = np.hypot(centres[:, 0] - pos.x(), centres[:, 1] - pos.y())
        reach = np.array([h.diameter / 2 for h in self.hubs]) + 2
        index = int(np.argmin(distance - reach))
        return self.hubs[index] if distance[index] <= reach[index] else None

    def _describe(self, row: int) -> str:
        s = self.dataset.school(row)
        trust = s.trust_name or {"maintained": "maintained by the LA"}.get(s.governance, "no trust")
        # Rich text: every name is escaped, or a name with <img src=...> would make Qt read a file.
        text = lambda value: escape(value, quote=False)  # noqa: E731 - element text: & < > are enough
        return f"<b>{text(s.name)}</b><br>{text(s.phase)}, {text(s.la_name)}<br>{text(trust)}"

    def _hover(self, pos) -> None:
        row = self.school_at(pos)
        if row is None:
            QToolTip.hideText()
            return
        QToolTip.showText(self.mapToGlobal(QPointF(pos).toPoint()), self._describe(row), self)

    def _clicked(self, pos) -> None:
        hub = self.hub_at(pos)
        if hub is not None:
            self.trust_clicked.emit(hub.code)
        row = self.school_at(pos)
        if row is None:
            self.card.hide()
            return
        self.card.show_school(row, self._describe(row), pos)

    def mousePressEvent(self, event):
        if event.button() == Qt.LeftButton:
            # A double click may arrive without its press (QTest's does), so the flag it set is cleared here too.
            self._press, self._dragged, self._double = event.position(), False, False
            self.setFocus()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        if self._press is not None and event.buttons() & Qt.LeftButton:
            moved = event.position() - self._press
            if self._dragged or moved.manhattanLength() > DRAG_PIXELS:
                self._dragged = True
                s = self._scale()
                self.pan(-moved.x() * s, moved.y() * s)
                self._press = event.position()
            return
        self._hover(event.position())

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.LeftButton and self._press is not None:
            clicked = not self._dragged and not self._double
            self._press, self._dragged, self._double = None, False, False
            if clicked:
                self._clicked(event.position())
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event):
        row = self.school_at(event.position())
        if row is None or event.button() != Qt.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        self._double = True  # the release that ends a double click is not a click
        self.card.hide()
        self.school_chosen.emit(row)

    def _card_rank(self, row: int) -> None:
        self.card.hide()
        self.school_chosen.emit(row)

    def map_point(self, row: int) -> QPoint:
        """Where a school is drawn, in widget coordinates (for tests and the card)."""
        [(x, y)] = self._pixels(self.dataset.xy[row][None, :]).tolist()
        return QPoint(round(x), round(y))
