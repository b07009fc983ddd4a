"""Starting the window: work that can wait for the first frame waits for it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from trustmatch.ui.app import after_first_paint


def test_after_first_paint_runs_once_the_widget_is_drawn_and_only_once(qtbot):
    label = QLabel("map")
    qtbot.addWidget(label)
    calls = []
    after_first_paint(label, lambda: calls.append(label.isVisible()))
    qtbot.wait(50)
    assert calls == []  # not shown, never drawn: nothing yet
    label.show()
    qtbot.waitUntil(lambda: calls == [True])
    label.repaint()
    label.update()
    qtbot.wait(50)
    assert calls == [True]
