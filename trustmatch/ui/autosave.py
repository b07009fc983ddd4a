"""Autosave: a recovery copy of the open shortlist every minute while it has unsaved changes.

The copy is serialised here (about a millisecond) and written by the core's
RecoveryWriter on its own thread, so typing never waits for the disk.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from trustmatch.app import shortlist as sl

INTERVAL_MS = 60_000


class Autosave(QObject):
    def __init__(self, parent=None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.document: sl.ShortlistDocument | None = None
        self.writer = sl.RecoveryWriter()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.now)

    def watch(self, document: sl.ShortlistDocument | None) -> None:
        if self.document is not None:
            self.document.unsubscribe(self._changed)
        self.document = document
        if document is not None:
            document.subscribe(self._changed)
        self._changed()

    def _changed(self) -> None:
        if self.document is not None and self.document.modified:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()
            if self.document is not None:
                self.writer.flush()  # a write in flight must not bring back the file just discarded
                sl.discard_recovery(self.document)

    def now(self) -> None:
        """Write a recovery copy now if there is anything unsaved."""
        if self.document is not None and self.document.modified:
            self.writer.submit(self.document)

    def discard(self) -> None:
        """The user closed without saving, on purpose: no copy to offer next time."""
        self.timer.stop()
        if self.document is not None:
            self.writer.flush()
            sl.discard_recovery(self.document)

    def close(self) -> None:
        self.timer.stop()
        self.writer.close()
