"""Qt fixtures: one window per test over the shared real-data engine, checked for leaks afterwards."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication


@pytest.fixture
def session(dataset, engine):
    from trustmatch.app.session import Session

    return Session(dataset, engine)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def window(qtbot, session, settings):
    from trustmatch.ui.main_window import MainWindow

    before = set(QApplication.topLevelWidgets())
    win = MainWindow(session, settings)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    assert not win.tasks.running, "work was left running"
    win.deleteLater()
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w not in before and w.isVisible()]
    assert leaked == [], f"widgets left open: {leaked}"
