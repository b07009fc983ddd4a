"""The window's message bar: what is running and what happened, in the window rather than in pop-ups.

After Orange3's widget messages: a strip above the work area, empty and hidden
when there is nothing to say.  Each message has a level (info, warning, error)
and a key; showing a message with a key already shown replaces it, so a repeated
problem never piles up.  Long work shows one progress row with a Cancel button.

    bar.show_message("Imported 22,010 schools", INFO, key="import")
    bar.show_message("Nothing was imported: ...", ERROR, key="import")
    bar.clear("import")
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QToolButton, QVBoxLayout, QWidget

INFO, WARNING, ERROR = "info", "warning", "error"
# Background and the word a screen reader says first: colour is never the only signal.
LEVELS = {INFO: ("#e8f1fb", "Note"), WARNING: ("#fff4d6", "Warning"), ERROR: ("#fde7e4", "Problem")}


class MessageRow(QFrame):
    def __init__(self, key: str, text: str, level: str, parent=None):
        super().__init__(parent)
        self.key, self.level = key, level
        self.setObjectName(f"message-{level}")
        background, word = LEVELS[level]
        self.setStyleSheet(f"MessageRow {{ background: {background}; border-bottom: 1px solid #c8c8c8; }}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        self.label = QLabel(text)
        self.label.setTextFormat(Qt.PlainText)  # messages quote file and school names, which may hold anything
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.label.setAccessibleName(f"{word}: {text}")
        layout.addWidget(self.label, 1)
        self.close_button = QToolButton()
        self.close_button.setText("\u2715")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.setToolTip("Dismiss")
        layout.addWidget(self.close_button)

    def text(self) -> str:
        return self.label.text()


class ProgressRow(QFrame):
    cancel_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("progress")
        self.setStyleSheet(f"ProgressRow {{ background: {LEVELS[INFO][0]}; border-bottom: 1px solid #c8c8c8; }}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setMaximumWidth(240)
        self.bar.setAccessibleName("Progress")
        self.cancel = QPushButton("Cancel")
        self.cancel.setAccessibleName("Cancel the running work")
        self.cancel.clicked.connect(self.cancel_requested)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)

    def show_progress(self, fraction: float, text: str) -> None:
        self.bar.setValue(int(round(fraction * 100)))
        self.label.setText(text)


class MessageBar(QWidget):
    """Messages and the progress of long work, above the window's work area."""

    cancel_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAccessibleName("Messages")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.progress = ProgressRow()
        self.progress.cancel_requested.connect(self.cancel_requested)
        self.progress.hide()
        self._layout.addWidget(self.progress)
        self._rows: dict[str, MessageRow] = {}
        self._timers: dict[str, QTimer] = {}
        self.hide()

    # --- messages --------------------------------------------------------------------

    def show_message(self, text: str, level: str = INFO, key: str | None = None, seconds: float | None = None) -> None:
        """Show `text` until dismissed (or for `seconds`), replacing the message with the same key."""
        key = key or text
        self.clear(key)
        row = MessageRow(key, text, level)
        row.close_button.clicked.connect(lambda: self.clear(key))
        self._rows[key] = row
        self._layout.addWidget(row)
        if seconds is not None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda: self.clear(key))
            timer.start(int(seconds * 1000))
            self._timers[key] = timer
        self._fit()

    def clear(self, key: str | None = None) -> None:
        """Remove one message, or all of them."""
        for k in list(self._rows) if key is None else [key]:
            row = self._rows.pop(k, None)
            if row is not None:
                row.hide()
                row.deleteLater()
            timer = self._timers.pop(k, None)
            if timer is not None:
                timer.stop()
        self._fit()

    def messages(self) -> list[tuple[str, str]]:
        """(level, text) of each message shown, oldest first."""
        return [(row.level, row.text()) for row in self._rows.values()]

    # --- progress --------------------------------------------------------------------

    def start_progress(self, text: str) -> None:
        self.progress.show_progress(0.0, text)
        self.progress.cancel.setEnabled(True)
        self.progress.show()
        self._fit()

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.show_progress(fraction, text)

    def end_progress(self) -> None:
        self.progress.hide()
        self._fit()

    def _fit(self) -> None:
        self.setVisible(bool(self._rows) or not self.progress.isHidden())
