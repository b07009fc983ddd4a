"""The map of England: boundaries, every school as a point, the chosen school and the selected trust.

One graphics item per layer, never one per school (a pyqtgraph scatter item
per governance colour, each with one brush), so a full repaint of 22,000
schools stays within a frame.  Coordinates are British National Grid metres, so the map is drawn in
metres with a locked aspect ratio.
"""

from __future__ import annotations

import functools
from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainterPath
from PySide6.QtWidgets import QFrame, QGraphicsPathItem, QLabel, QPushButton, QToolTip, QVBoxLayout

from trustmatch.app.session import DATA, SCHOOL, SELECTION
from trustmatch.data.basemap import Basemap

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
HOVER_PIXELS = 6


def _rings_path(areas) -> QPainterPath:
    rings = [ring for area in areas for ring in area.rings]
    xs = np.concatenate([r[:, 0] for r in rings])
    ys = np.concatenate([r[:, 1] for r in rings])
    connect = np.ones(len(xs), dtype=bool)
    connect[np.cumsum([len(r) for r in rings]) - 1] = False  # lift the pen at each ring's end
    return pg.arrayToQPath(xs, ys, connect=connect)


class UniformScatter(pg.ScatterPlotItem):
    """A scatter whose spots are all drawn alike (one symbol, size, pen and brush).

    pyqtgraph looks up each spot's style in its symbol atlas one by one in Python
    (~0.1 s for 22,000 schools); with one style for all, one lookup serves every spot.
    """

    def updateSpots(self, dataSet=None):
        if dataSet is None:
            dataSet = self.data
        new = dataSet["sourceRect"]["w"] == 0
        if new.any():
            style = (self.opts["symbol"], self.opts["size"], self.opts["pen"], self.opts["brush"])
            [coords] = self.fragmentAtlas[[style]]
            dataSet["sourceRect"][new] = coords
        self._updateMaxSpotSizes(data=dataSet)
        self.invalidate()


@functools.cache
def _bundled_basemap() -> Basemap:
    return Basemap.load()


_PATHS: dict[tuple[int, str], list[QPainterPath]] = {}


def _area_paths(basemap: Basemap, layer: str) -> list[QPainterPath]:
    """One path per area (so Qt skips the areas out of view), built once per basemap and layer."""
    key = (id(basemap), layer)
    if key not in _PATHS:
        _PATHS[key] = [_rings_path([area]) for area in basemap.layers[layer]]
    return _PATHS[key]


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


class MapView(pg.PlotWidget):
    school_chosen = Signal(int)  # rank trusts for this school
    trust_clicked = Signal(str)

    def __init__(self, dataset, basemap: Basemap | None = None, parent=None):
        super().__init__(parent, background="w")
        self.setObjectName("map")
        self.setAccessibleName("Map of England's schools")
        self.setAccessibleDescription("Arrow keys pan, plus and minus zoom, Home shows all of England.")
        self.setFocusPolicy(Qt.StrongFocus)
        self.basemap = basemap or _bundled_basemap()
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.view = plot.getViewBox()
        self.view.setAspectLocked(True)
        self.view.setMouseEnabled(True, True)
        self.view.disableAutoRange()  # the range is always set: measuring every item's bounds costs ~0.2 s

        # One path item per area, so that when zoomed in Qt skips the areas out of
        # view.  1-pixel cosmetic pens: Qt strokes them ~4x faster than fractional widths.
        self._layers = []
        for name, colour, z in [("utla", "#d0d0d0", -10), ("regions", "#9a9a9a", -9), ("outline", "#555555", -8)]:
            pen = pg.mkPen(colour, width=1)
            for path in _area_paths(self.basemap, name):
                item = QGraphicsPathItem(path)
                item.setPen(pen)
                item.setZValue(z)
                self.addItem(item)
                self._layers.append(item)

        # one item per colour, all its spots alike: ~20x faster to load than a brush per school
        self.schools = {}
        for governance, colour in GOVERNANCE_COLOURS.items():
            item = UniformScatter(pxMode=True, size=4, pen=None, brush=pg.mkBrush(colour))
            item.setZValue(0)
            self.addItem(item)
            self.schools[governance] = item
        # hollow rings, so the schools stay visible beneath ~3,000 hubs
        self.trust_layer = pg.ScatterPlotItem(
            pxMode=True, pen=pg.mkPen(TRUST_LAYER_COLOUR, width=1), brush=pg.mkBrush(0, 0, 0, 0)
        )
        self.trust_layer.setZValue(1)
        self.trust_layer.sigClicked.connect(self._trust_layer_clicked)
        self.trust_layer.setVisible(False)
        self.addItem(self.trust_layer)
        self.links = pg.PlotDataItem(pen=pg.mkPen(TRUST_COLOUR, width=1.2), connect="pairs")
        self.links.setZValue(2)
        self.addItem(self.links)
        self.members = pg.ScatterPlotItem(
            pxMode=True, size=9, pen=pg.mkPen("k", width=1), brush=pg.mkBrush(TRUST_COLOUR)
        )
        self.members.setZValue(3)
        self.addItem(self.members)
        self.nearest_line = pg.PlotDataItem(pen=pg.mkPen("k", width=1.5, style=Qt.DashLine))
        self.nearest_line.setZValue(4)
        self.addItem(self.nearest_line)
        self.nearest_label = pg.TextItem(color="k", anchor=(-0.15, -0.15), fill=pg.mkBrush(255, 255, 255, 210))
        self.nearest_label.setZValue(4.5)
        self.addItem(self.nearest_label)
        self.chosen = pg.ScatterPlotItem(
            pxMode=True, size=22, symbol="star", pen=pg.mkPen("w", width=1.5), brush=pg.mkBrush("k")
        )
        self.chosen.setZValue(5)
        self.addItem(self.chosen)

        self._hub_shapes = lambda: {}  # bind() gives the session's
        self._trust_layer_built = False
        self.card = SchoolCard(self)
        self.card.rank_requested.connect(self._card_rank)
        self.scene().sigMouseMoved.connect(self._hover)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.set_dataset(dataset)
        self.zoom_to_england()

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
        for name, item in self.schools.items():
            item.setData(pos=dataset.xy[governance == name])
        self._chosen_row = None
        self.chosen.setData([], [])
        self.show_trust(None)
        self.trust_layer.setData([])
        self._trust_layer_built = False
        if self.trust_layer.isVisible():
            self.set_trust_layer_visible(True)

    def _build_trust_layer(self, shapes) -> None:
        spots = []
        for trust in self.dataset.trusts.of_type("MAT"):
            for hub in shapes[trust.code].hubs:
                spots.append({"pos": hub.centre, "size": 4 + 2 * np.sqrt(hub.size), "data": trust.code})
        self.trust_layer.setData(spots)
        self._trust_layer_built = True

    # --- what is shown ---------------------------------------------------------------

    def show_chosen(self, row: int | None, centre: bool = True) -> None:
        self._chosen_row = row
        if row is None:
            self.chosen.setData([], [])
            return
        x, y = self.dataset.xy[row]
        self.chosen.setData([x], [y])
        if centre:
            self.zoom_to_school()

    def show_selection(self, selection) -> None:
        self.show_trust(selection.trust, selection.shape, selection.nearest_row, selection.school_row)

    def show_trust(self, trust, shape=None, nearest_row: int | None = None, chosen_row: int | None = None) -> None:
        """Draw a trust's schools on top, each linked to the centre of its hub, and the nearest distance."""
        if trust is None:
            for item in (self.members, self.links, self.nearest_line):
                item.setData([], [])
            self.nearest_label.setText("")
            return
        members = [m for m in trust.members if m != chosen_row]
        xy = self.dataset.xy[members] if members else np.zeros((0, 2))
        self.members.setData(pos=xy)
        pairs = []
        for hub in shape.hubs if shape else ():
            if hub.size > 1:
                for m in hub.members:
                    pairs += [self.dataset.xy[m], hub.centre]
        pairs = np.array(pairs) if pairs else np.zeros((0, 2))
        self.links.setData(pairs[:, 0], pairs[:, 1])
        if nearest_row is not None and chosen_row is not None:
            a, b = self.dataset.xy[chosen_row], self.dataset.xy[nearest_row]
            self.nearest_line.setData([a[0], b[0]], [a[1], b[1]])
            km = np.hypot(*(a - b)) / 1000.0
            self.nearest_label.setText(f"{km:.1f} km")
            self.nearest_label.setPos(b[0], b[1])  # beside the member, clear of the chosen school's star
        else:
            self.nearest_line.setData([], [])
            self.nearest_label.setText("")

    def set_trust_layer_visible(self, visible: bool) -> None:
        """Every trust's hubs as rings; built when first shown (it needs the fit engine's hubs)."""
        if visible and not self._trust_layer_built:
            self._build_trust_layer(self._hub_shapes())
        self.trust_layer.setVisible(visible)

    # --- navigation ------------------------------------------------------------------

    def zoom_to_england(self) -> None:
        x0, y0, x1, y1 = self.basemap.bounds()
        self.view.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)

    def zoom_to_school(self, half_width_m: float = 25_000) -> None:
        if self._chosen_row is None:
            return
        x, y = self.dataset.xy[self._chosen_row]
        self.view.setRange(
            xRange=(x - half_width_m, x + half_width_m), yRange=(y - half_width_m, y + half_width_m), padding=0
        )

    def keyPressEvent(self, event):
        key = event.key()
        (x0, x1), (y0, y1) = self.view.viewRange()
        step_x, step_y = (x1 - x0) * 0.1, (y1 - y0) * 0.1
        moves = {
            Qt.Key_Left: (-step_x, 0), Qt.Key_Right: (step_x, 0), Qt.Key_Up: (0, step_y), Qt.Key_Down: (0, -step_y)
        }
        if key in moves:
            self.view.translateBy(x=moves[key][0], y=moves[key][1])
        elif key in (Qt.Key_Plus, Qt.Key_Equal) or event.matches(QKeySequence.ZoomIn):
            self.view.scaleBy((0.8, 0.8))
        elif key == Qt.Key_Minus or event.matches(QKeySequence.ZoomOut):
            self.view.scaleBy((1.25, 1.25))
        elif key == Qt.Key_Home:
            self.zoom_to_england()
        else:
            super().keyPressEvent(event)

    def event(self, event):
        # Touchpad pinch arrives as a native zoom gesture (macOS, Wayland): zoom about the fingers.
        if event.type() == QEvent.NativeGesture and event.gestureType() == Qt.ZoomNativeGesture:
            self.pinch(event.value(), self.mapToScene(event.position().toPoint()))
            return True
        return super().event(event)

    def pinch(self, value: float, scene_pos) -> None:
        """Zoom in by `value` (0.1 = 10% closer), keeping the point under the fingers still."""
        factor = 1.0 / (1.0 + max(min(value, 0.9), -0.9))
        self.view.scaleBy((factor, factor), center=self.view.mapSceneToView(scene_pos))

    # --- pointer ---------------------------------------------------------------------

    def school_at(self, scene_pos) -> int | None:
        point = self.view.mapSceneToView(scene_pos)
        pixel = self.view.viewPixelSize()
        tolerance = HOVER_PIXELS * max(pixel[0], pixel[1])
        # a scan of every school costs ~0.1 ms, less than building a spatial index
        squared = ((self.dataset.xy - (point.x(), point.y())) ** 2).sum(axis=1)
        row = int(np.argmin(squared))
        return row if squared[row] <= tolerance**2 else None

    def _describe(self, row: int) -> str:
        s = self.dataset.school(row)
        trust = s.trust_name or {"maintained": "maintained by the LA"}.get(s.governance, "no trust")
        # Rich text: every name is escaped, or a name with <img src=...> would make Qt read a file.
        text = lambda value: escape(value, quote=False)  # noqa: E731 - element text: & < > are enough
        return f"<b>{text(s.name)}</b><br>{text(s.phase)}, {text(s.la_name)}<br>{text(trust)}"

    def _hover(self, scene_pos) -> None:
        row = self.school_at(scene_pos)
        if row is None:
            QToolTip.hideText()
            return
        global_pos = self.mapToGlobal(self.mapFromScene(scene_pos))
        QToolTip.showText(global_pos, self._describe(row), self)

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        row = self.school_at(event.scenePos())
        if row is None:
            self.card.hide()
            return
        if event.double():
            return  # handled by mouseDoubleClickEvent
        self.card.show_school(row, self._describe(row), self.mapFromScene(event.scenePos()))

    def mouseDoubleClickEvent(self, event):
        row = self.school_at(self.mapToScene(event.position().toPoint()))
        if row is None or event.button() != Qt.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        self.card.hide()
        self.school_chosen.emit(row)

    def _card_rank(self, row: int) -> None:
        self.card.hide()
        self.school_chosen.emit(row)

    def _trust_layer_clicked(self, item, points, *args) -> None:
        if len(points):
            self.trust_clicked.emit(points[0].data())

    def map_point(self, row: int):
        """Where a school is drawn, in widget coordinates (for tests and the card)."""
        x, y = self.dataset.xy[row]
        return self.mapFromScene(self.view.mapViewToScene(QPointF(x, y)))
