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


def test_the_warm_up_and_ready_come_once_even_with_the_map_hidden(window, qtbot):
    # A map collapsed or hidden in the saved layout is never painted: the fallback timer starts the work.
    window.map.hide()
    calls = []
    after_first_paint(window.map, lambda: calls.append("ready"), at_latest_ms=100)
    qtbot.waitUntil(lambda: calls == ["ready"])
    window.map.show()  # drawn later: the work is not done a second time
    qtbot.waitUntil(lambda: window.map.visibleRegion().isEmpty() is False)
    window.map.repaint()
    qtbot.wait(200)
    assert calls == ["ready"]


def test_a_drawn_map_is_not_worked_on_again_when_the_fallback_time_comes(qtbot):
    label = QLabel("map")
    qtbot.addWidget(label)
    calls = []
    label.show()
    after_first_paint(label, lambda: calls.append("ready"), at_latest_ms=100)
    qtbot.waitUntil(lambda: calls == ["ready"])
    qtbot.wait(200)
    assert calls == ["ready"]
