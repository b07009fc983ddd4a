"""PySide6 6.12.0 on Python 3.11 aborts after a few thousand setPos/setObjectName calls
(Fatal Python error: none_dealloc).  The pin to 6.11.x must hold: make tens of thousands of them."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsScene


def test_pinned_qt_version():
    assert PySide6.__version__.startswith("6.11.")


def test_tens_of_thousands_of_set_pos_calls(qapp):
    scene = QGraphicsScene()
    item = QGraphicsEllipseItem(0, 0, 4, 4)
    scene.addItem(item)
    holder = QObject()
    for i in range(60_000):
        item.setPos(i % 500, i % 300)
        holder.setObjectName(f"n{i % 7}")
    assert item.pos().x() == 59_999 % 500
