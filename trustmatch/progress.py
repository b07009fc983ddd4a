"""Progress reporting and cancellation for long work, free of any UI.

Long functions take a `Task` and call `task.step(fraction, message)`; the GUI
runs them off its thread and the command line draws a bar, both through the
same object.  `step` raises `Cancelled` once the user has asked to stop.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


class Cancelled(Exception):
    """The user cancelled the work; nothing it would have written was kept."""


class Task:
    def __init__(self, on_progress: Callable[[float, str], None] | None = None):
        self._on_progress = on_progress
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def step(self, fraction: float, message: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        if self._on_progress is not None:
            self._on_progress(min(max(fraction, 0.0), 1.0), message)


class TerminalBar:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal
    (so logs and test captures stay clean)."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, fraction: float, message: str) -> None:
        if not self.live:
            return
        filled = int(round(fraction * self.width))
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {fraction * 100:5.1f}% {message[:40]:<40}")
        if fraction >= 1.0:
            self.stream.write("\n")
        self.stream.flush()
