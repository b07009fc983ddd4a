"""Shapes both maps draw: boundary rings as polygons, and the star that marks the chosen school."""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPolygonF


def polygon(ring: np.ndarray) -> QPolygonF:
    """A ring of (x, y) points as a QPolygonF, copied in one go."""
    result = QPolygonF()
    result.resize(len(ring))
    # Filled in place (Qt keeps the points as pairs of doubles): a QPointF per vertex took ~50x as long.
    points = np.frombuffer(shiboken6.VoidPtr(result.data(), 16 * len(ring), True), np.float64)
    points[:] = np.ascontiguousarray(ring, dtype=np.float64).ravel()
    return result


def star(centre: QPointF, radius: float) -> QPolygonF:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = np.pi / 2 + i * np.pi / 5
        points.append(QPointF(centre.x() + r * np.cos(angle), centre.y() - r * np.sin(angle)))
    return QPolygonF(points)
