"""The task runner: a plain function given a Task, run off the GUI thread, reported in the message bar."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import Qt

from trustmatch.app.problems import UserError
from trustmatch.ui.messages import MessageBar
from trustmatch.ui.tasks import TaskRunner


@pytest.fixture
def bar(qtbot):
    widget = MessageBar()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def runner(bar):
    runner = TaskRunner(bar)
    yield runner
    assert runner.wait(10_000)


def test_work_runs_off_the_gui_thread_and_its_result_comes_back(runner, bar, qtbot):
    seen, states = {}, []
    runner.running_changed.connect(states.append)

    def work(task):
        seen["thread"] = threading.current_thread()
        for i in range(5):
            task.step(i / 5, f"part {i + 1} of 5")
        return 42

    def done(result):
        seen["result"] = result
        seen["done thread"] = threading.current_thread()
        return "Counted to 42."

    assert runner.run("Counting", work, done)
    with qtbot.waitSignal(runner.finished, timeout=10_000) as finished:
        pass
    assert finished.args == [True]
    assert seen["result"] == 42 and seen["thread"] is not threading.main_thread()
    assert seen["done thread"] is threading.main_thread()
    assert states == [True, False]
    assert bar.messages() == [("info", "Counted to 42.")] and not bar.progress.isVisible()


def test_progress_shows_in_the_bar_and_cancel_stops_the_work(runner, bar, qtbot):
    started = threading.Event()

    def work(task):
        while True:  # until cancelled: step raises Cancelled
            task.step(0.5, "halfway")
            started.set()
            threading.Event().wait(0.01)

    runner.run("Long work", work, kept="Nothing was changed.")
    qtbot.waitUntil(lambda: bar.progress.bar.value() == 50, timeout=10_000)
    assert bar.isVisible() and bar.progress.label.text() == "Long work: halfway"
    qtbot.mouseClick(bar.progress.cancel, Qt.LeftButton)
    qtbot.waitUntil(lambda: not runner.running, timeout=10_000)
    assert bar.messages() == [("info", "Long work cancelled. Nothing was changed.")]


def test_a_user_problem_is_its_own_sentence(runner, bar, qtbot):
    def work(task):
        raise UserError("The folder is full.")

    with qtbot.waitSignal(runner.finished, timeout=10_000) as finished:
        runner.run("Export", work, kept="Nothing was written.")
    assert finished.args == [False]
    assert bar.messages() == [("error", "Export failed. The folder is full. Nothing was written.")]


def test_an_unexpected_error_is_logged_not_shown_as_a_traceback(runner, bar, qtbot, caplog):
    def work(task):
        raise ZeroDivisionError("division by zero")

    with caplog.at_level(logging.ERROR), qtbot.waitSignal(runner.finished, timeout=10_000):
        runner.run("Backtest", work)
    assert bar.messages() == [("error", "Backtest failed. Something went wrong; the details are in the log file.")]
    assert "ZeroDivisionError" in caplog.text


def test_one_piece_of_work_at_a_time(runner, bar, qtbot):
    release = threading.Event()
    runner.run("First", lambda task: release.wait(10))
    assert not runner.run("Second", lambda task: None)
    assert ("warning", "Second has to wait: other work is still running.") in bar.messages()
    release.set()
    qtbot.waitUntil(lambda: not runner.running, timeout=10_000)
    assert runner.run("Second", lambda task: None)
    qtbot.waitUntil(lambda: not runner.running, timeout=10_000)


def test_messages_replace_by_key_and_dismiss(bar, qtbot):
    bar.show_message("first", key="k")
    bar.show_message("second", "warning", key="k")
    assert bar.messages() == [("warning", "second")]
    row = bar._rows["k"]
    qtbot.mouseClick(row.close_button, Qt.LeftButton)
    assert bar.messages() == [] and not bar.isVisible()
