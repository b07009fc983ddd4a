"""Long work off the GUI thread: one small runner for importing, exporting, backtesting.

The work is a plain core function that takes a `trustmatch.progress.Task`,
calls ``task.step(fraction, message)`` as it goes (which raises `Cancelled`
once the user has asked to stop) and returns a result.  The runner runs it on
a worker thread, shows its progress and a Cancel button in the window's
message bar, and reports the outcome there too.  One piece of work at a time.

    def work(task):                                  # worker thread: no widgets here
        return import_register(path, task)

    def done(result):                                # GUI thread, only after success
        session.replace_data(*result)
        return f"Imported {len(result[0]):,} schools"  # shown as a note (or return None)

    runner.run("GIAS import", work, done, kept="The data you had is still in use.")

Failures become one sentence in the bar: a `UserError` (or one of the core's
problem exceptions, or a type passed in `problems`) shows its own text, a
permission or disk error says what could not be written, anything else is
logged and called "something went wrong".  `kept` ends every failure and
cancel message: what the user still has.  `running_changed(bool)` lets the
window disable the actions that would start more work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from trustmatch.app.problems import UserError
from trustmatch.data.dataset import DatasetProblem
from trustmatch.data.gias import ImportProblem
from trustmatch.fit.ranking import RankingProblem
from trustmatch.progress import Cancelled, Task
from trustmatch.ui.messages import ERROR, INFO, WARNING, MessageBar

log = logging.getLogger(__name__)

# Exceptions whose text is already a sentence for the user.
PROBLEMS: tuple[type[Exception], ...] = (UserError, ImportProblem, DatasetProblem, RankingProblem)


class _Thread(QThread):
    progress = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, work: Callable[[Task], Any], parent=None):
        super().__init__(parent)
        self._work = work
        self.task = Task(lambda fraction, message: self.progress.emit(fraction, message))

    def run(self) -> None:
        try:
            self.succeeded.emit(self._work(self.task))
        except Exception as err:  # noqa: BLE001 - every failure is reported on the GUI thread
            if not isinstance(err, (Cancelled, *PROBLEMS, OSError)):
                log.exception("work failed")
            self.failed.emit(err)


def failure_sentence(err: Exception, problems: tuple[type[Exception], ...] = ()) -> str:
    """One sentence for a failed piece of work."""
    if isinstance(err, (*PROBLEMS, *problems)):
        return str(err)
    if isinstance(err, PermissionError):
        return f"TrustMatch cannot write to {err.filename or 'its data folder'}."
    if isinstance(err, OSError):
        return f"Reading or writing a file failed ({err.strerror or err})."
    return "Something went wrong; the details are in the log file."


class TaskRunner(QObject):
    """Runs one piece of long work at a time, reporting in a `MessageBar`."""

    running_changed = Signal(bool)
    finished = Signal(bool)  # True after success (and after `done` has run)

    def __init__(self, bar: MessageBar, parent=None):
        super().__init__(parent)
        self.bar = bar
        self._thread: _Thread | None = None
        bar.cancel_requested.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def run(
        self,
        title: str,
        work: Callable[[Task], Any],
        done: Callable[[Any], str | None] | None = None,
        *,
        kept: str = "",
        problems: tuple[type[Exception], ...] = (),
    ) -> bool:
        """Start `work`; False (with a note in the bar) while other work is still running."""
        if self.running:
            self.bar.show_message(f"{title} has to wait: other work is still running.", WARNING, key="tasks")
            return False
        self.bar.clear(title)
        thread = _Thread(work, self)
        self._thread = thread
        thread.progress.connect(lambda fraction, message: self.bar.show_progress(fraction, f"{title}: {message}"))
        thread.succeeded.connect(lambda result: self._succeeded(title, done, result))
        thread.failed.connect(lambda err: self._failed(title, err, kept, problems))
        thread.finished.connect(thread.deleteLater)
        self.bar.start_progress(f"{title}...")
        self.running_changed.emit(True)
        thread.start()
        return True

    def cancel(self) -> None:
        if self._thread is not None:
            self._thread.task.cancel()
            self.bar.show_progress(self.bar.progress.bar.value() / 100, "Cancelling...")
            self.bar.progress.cancel.setEnabled(False)

    def wait(self, ms: int = 10_000) -> bool:
        """Cancel and wait for the work to stop (closing the window)."""
        thread = self._thread
        if thread is None:
            return True
        thread.task.cancel()
        return thread.wait(ms)

    def _end(self) -> None:
        self._thread.wait()  # its last signal is sent: it is returning, so this is brief
        self._thread = None
        self.bar.end_progress()
        self.running_changed.emit(False)

    def _succeeded(self, title: str, done, result) -> None:
        self._end()
        try:
            message = done(result) if done is not None else None
        except Exception as err:  # noqa: BLE001 - applying the result failed: say so in the bar
            log.exception("applying %s failed", title)
            self.bar.show_message(f"{title} failed. {failure_sentence(err)}", ERROR, key=title)
            self.finished.emit(False)
            return
        if message:
            self.bar.show_message(message, INFO, key=title, seconds=15)
        self.finished.emit(True)

    def _failed(self, title: str, err: Exception, kept: str, problems) -> None:
        self._end()
        if isinstance(err, Cancelled):
            self.bar.show_message(f"{title} cancelled. {kept}".strip(), INFO, key=title)
        else:
            self.bar.show_message(f"{title} failed. {failure_sentence(err, problems)} {kept}".strip(), ERROR, key=title)
        self.finished.emit(False)
