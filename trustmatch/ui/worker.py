"""Runs one piece of long work off the GUI thread, with progress and cancel.

The work is a plain core function taking a `Task`; the thread only relays its
progress and outcome as signals (delivered on the GUI thread).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QThread, Signal

from trustmatch.progress import Cancelled, Task

log = logging.getLogger(__name__)


class Worker(QThread):
    progress = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work, parent=None):
        super().__init__(parent)
        self._work = work
        self._task = Task(lambda fraction, message: self.progress.emit(fraction, message))

    def cancel(self) -> None:
        self._task.cancel()

    def run(self) -> None:
        from trustmatch.data.dataset import DatasetProblem
        from trustmatch.data.gias import ImportProblem

        try:
            self.succeeded.emit(self._work(self._task))
        except Cancelled:
            self.failed.emit("The work was cancelled; nothing was changed.")
        except (ImportProblem, DatasetProblem) as err:
            self.failed.emit(str(err))
        except PermissionError as err:
            self.failed.emit(f"TrustMatch cannot write to {err.filename or 'its data folder'}.")
        except OSError as err:
            self.failed.emit(f"Saving failed: {err.strerror or err}.")
        except Exception:  # noqa: BLE001 - the dialog must close whatever went wrong; the log keeps the detail
            log.exception("work failed")
            self.failed.emit("Something went wrong; the details are in the log file.")
