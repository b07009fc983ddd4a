"""A still map of one trust's schools around the chosen school, for the comparison and the meeting pages.

Painted directly with QPainter (no graphics scene): a few hundred points and the boundary
paths, redrawn only on resize, cheap enough for a page turn and identical on
screen, in a screenshot and on paper.  Nothing on it needs a hover.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPaintEngine, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from trustmatch.data.basemap import Basemap
from trustmatch.ui.shapes import polygon, star

TRUST_COLOUR = QColor("#D55E00")  # the explorer map's selected-trust colour
AREA_PEN = QColor("#c8c8c8")
OUTLINE_PEN = QColor("#6e6e6e")
MIN_SPAN_M = 30_000.0  # never zoom closer than 30 km across: the school needs its surroundings


@lru_cache(maxsize=1)
def basemap_rings() -> tuple[tuple[tuple[QRectF, QPolygonF], ...], tuple[tuple[QRectF, QPolygonF], ...]]:
    """Local authority borders and England's outline as rings in BNG metres, each with its bounds, built once.

    A map shows a few tens of kilometres: drawing only the rings whose bounds
    meet it keeps a paint (and so a meeting page turn) to a few milliseconds.
    Call it early from idle time to keep the first map's paint short too.
    """
    basemap = Basemap.load()
    layers = []
    for layer in ("utla", "outline"):
        rings = []
        for area in basemap.layers[layer]:
            for ring in area.rings:
                shape = polygon(ring)
                rings.append((shape.boundingRect(), shape))
        layers.append(tuple(rings))
    return layers[0], layers[1]


def _scale_km(span_km: float) -> float:
    """A round length near a fifth of the map's width."""
    target = span_km / 5
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200):
        if step >= target:
            return step
    return 200


class TrustMap(QWidget):
    def __init__(self, dataset, parent=None, dot: float = 1.0):
        super().__init__(parent)
        self.setObjectName("trustMap")
        self.dataset = dataset
        self.dot = dot  # scales the dots with the page's type
        self.members = np.zeros((0, 2))
        self.links = np.zeros((0, 2))
        self.school_xy: np.ndarray | None = None
        self.nearest_xy: np.ndarray | None = None
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAccessibleName("Map of the trust's schools and the chosen school")
        self._drawn: QPixmap | None = None  # the map as last painted on screen, reused until it changes

    def prepare(self) -> None:
        """Draw the map ahead of time (a meeting page is prepared before the presenter turns to it)."""
        if self._drawn is None or self._drawn.size() != self.size() * self.devicePixelRatioF():
            self._drawn = QPixmap(self.size() * self.devicePixelRatioF())
            self._drawn.setDevicePixelRatio(self.devicePixelRatioF())
            painter = QPainter(self._drawn)
            self.draw(painter)
            painter.end()

    def sizeHint(self) -> QSize:
        return QSize(320, 240)

    def show_trust(self, trust, shape, school_row: int | None, nearest_row: int | None = None) -> None:
        xy = self.dataset.xy
        members = [m for m in (trust.members if trust else ()) if m != school_row]
        self.members = xy[members] if members else np.zeros((0, 2))
        pairs = []
        for hub in shape.hubs if shape is not None else ():
            if hub.size > 1:
                for m in hub.members:
                    if m != school_row:
                        pairs += [xy[m], hub.centre]
        self.links = np.array(pairs) if pairs else np.zeros((0, 2))
        self.school_xy = xy[school_row] if school_row is not None else None
        self.nearest_xy = xy[nearest_row] if nearest_row is not None and school_row is not None else None
        accessible = f"{len(members)} schools of {trust.name}" if trust else "No trust"
        self.setAccessibleDescription(accessible)
        self._drawn = None
        self.update()

    def _extent(self) -> tuple[float, float, float, float]:
        points = [self.members] + ([self.school_xy[None, :]] if self.school_xy is not None else [])
        points = np.concatenate(points) if any(len(p) for p in points) else np.array([[450_000.0, 300_000.0]])
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        span_x = max(x1 - x0, MIN_SPAN_M) * 1.18
        span_y = max(y1 - y0, MIN_SPAN_M) * 1.18
        # keep the aspect ratio of the widget: metres are square
        width, height = max(self.width(), 1), max(self.height(), 1)
        if span_x / width < span_y / height:
            span_x = span_y * width / height
        else:
            span_y = span_x * height / width
        return cx - span_x / 2, cy - span_y / 2, span_x, span_y

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        if painter.paintEngine().type() == QPaintEngine.Raster:  # on screen the drawing kept; on paper, vectors
            self.prepare()
            painter.drawPixmap(0, 0, self._drawn)
        else:
            self.draw(painter)
        painter.end()

    def draw(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setClipRect(self.rect())  # rendering to paper does not clip to the widget by itself
        painter.fillRect(self.rect(), QColor("white"))
        x0, y0, span_x, span_y = self._extent()
        width, height = self.width(), self.height()
        scale = width / span_x

        def to_px(points: np.ndarray) -> np.ndarray:
            return np.column_stack([(points[:, 0] - x0) * scale, height - (points[:, 1] - y0) * scale])

        painter.save()
        painter.translate(-x0 * scale, height + y0 * scale)
        painter.scale(scale, -scale)
        view = QRectF(x0, y0, span_x, span_y)
        for rings, colour in zip(basemap_rings(), (AREA_PEN, OUTLINE_PEN)):
            pen = QPen(colour, 1)
            pen.setCosmetic(True)
            painter.setPen(pen)
            for bounds, ring in rings:
                if bounds.intersects(view):
                    painter.drawPolyline(ring)
        painter.restore()

        unit = max(min(width, height) / 90, 3.0) * self.dot
        if len(self.links):
            link_pen = QPen(TRUST_COLOUR, max(unit / 4, 1))
            painter.setPen(link_pen)
            px = to_px(self.links)
            for a, b in zip(px[0::2], px[1::2]):
                painter.drawLine(QPointF(*a), QPointF(*b))
        if self.nearest_xy is not None:
            a, b = to_px(np.array([self.school_xy, self.nearest_xy]))
            painter.setPen(QPen(QColor("black"), max(unit / 3, 1.5), Qt.DashLine))
            painter.drawLine(QPointF(*a), QPointF(*b))
        painter.setPen(QPen(QColor("black"), max(unit / 4, 1)))
        painter.setBrush(QBrush(TRUST_COLOUR))
        for x, y in to_px(self.members):
            painter.drawEllipse(QPointF(x, y), unit, unit)
        if self.school_xy is not None:
            ((x, y),) = to_px(self.school_xy[None, :])
            painter.setPen(QPen(QColor("white"), max(unit / 3, 1.5)))
            painter.setBrush(QBrush(QColor("black")))
            painter.drawPolygon(star(QPointF(x, y), unit * 2.6))
        self._scale_bar(painter, span_x / 1000, scale, unit)

    def _scale_bar(self, painter: QPainter, span_km: float, scale: float, unit: float) -> None:
        km = _scale_km(span_km)
        length = km * 1000 * scale
        margin = unit * 2
        y = self.height() - margin
        font = QFont(self.font())
        font.setPixelSize(int(max(unit * 2.4, 10)))
        painter.setFont(font)
        label = f"{km:g} km"
        text_width = painter.fontMetrics().horizontalAdvance(label)
        box = QRectF(
            margin / 2,
            y - font.pixelSize() - unit * 1.5,
            length + text_width + margin * 1.5,
            font.pixelSize() + unit * 2.5,
        )
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(255, 255, 255, 220))
        painter.drawRect(box)
        painter.setPen(QPen(QColor("black"), max(unit / 3, 1.5)))
        painter.drawLine(QPointF(margin, y), QPointF(margin + length, y))
        for x in (margin, margin + length):
            painter.drawLine(QPointF(x, y), QPointF(x, y - unit))
        painter.drawText(QPointF(margin + length + unit, y), label)
