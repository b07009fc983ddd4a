"""Starting the window: Qt application, logging, the error dialog, settings, and --screenshot."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import traceback

from PySide6.QtCore import QEvent, QObject, QTimer

from trustmatch.data import paths

log = logging.getLogger(__name__)
QUIT_WHEN_READY_ENV = "TRUSTMATCH_QUIT_WHEN_READY"


def setup_logging() -> None:
    folder = paths.data_dir() / "logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / "trustmatch.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def install_excepthook(parent_getter) -> None:
    """An unexpected error is logged and shown in a dialog whose text can be copied into a report."""
    from PySide6.QtWidgets import QMessageBox

    def hook(kind, value, tb):
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("unexpected error\n%s", text)
        box = QMessageBox(QMessageBox.Critical, "TrustMatch: unexpected error",
                          "Something went wrong. Your data is unchanged. The details below are also in the log file.",
                          QMessageBox.Close, parent_getter())
        box.setDetailedText(text)
        box.exec()

    sys.excepthook = hook


def app_icon():
    """The TrustMatch icon at every drawn size (resources/icons), for title bars, task bars and docks."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for path in paths.resource("icons").glob("trustmatch-*.png"):
        icon.addFile(str(path))
    return icon


def parse_size(text: str) -> tuple[int, int]:
    from trustmatch.app.problems import UserError

    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UserError(f"--size must look like 1440x900, not '{text}'.") from None
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise UserError("--size must be between 320x240 and 8000x8000.")
    return width, height


def run(args) -> int:
    from trustmatch.app.lookup import load_dataset_or_bundled, resolve_school, resolve_trust
    from trustmatch.app.problems import UserError

    headless = bool(args.screenshot)
    if headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        size = parse_size(args.size)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from trustmatch.app.session import Session
    from trustmatch.ui.main_window import MainWindow
    from trustmatch.ui.messages import WARNING

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("TrustMatch")
    app.setOrganizationName("TrustMatch")
    app.setWindowIcon(app_icon())
    if not headless:
        setup_logging()
    dataset, problem = load_dataset_or_bundled()
    settings = None if headless else QSettings(str(paths.data_dir() / "settings.ini"), QSettings.IniFormat)
    session = Session(dataset)
    window = MainWindow(session, settings)
    if not headless:
        install_excepthook(lambda: window)

    if args.school:
        session.choose_school(resolve_school(dataset, args.school).index)
    else:
        window.restore_school()
    if args.open:
        session.open_shortlist(args.open)  # a bad file: one sentence (ShortlistProblem is a UserError)
        window.shortlists.autosave.watch(session.shortlist)
        window.shortlists._remember(args.open)
    if args.trust:
        session.select_trust(resolve_trust(dataset, args.trust)[0].code)

    if headless and args.meeting_page is not None:
        return meeting_screenshot(app, window, args.meeting_page, size, args.screenshot)
    if headless:
        window.resize(*size)
        window.show()
        app.processEvents()
        window.map.show_chosen(session.school_row)  # centre again now the map has its real size
        app.processEvents()
        image = window.grab()
        if not image.save(args.screenshot):
            raise UserError(f"The screenshot could not be written to {args.screenshot}.")
        print(f"Saved {args.screenshot} ({image.width()}x{image.height()})")
        window.close()
        return 0
    if settings.value("window/geometry") is None:
        window.resize(1440, 900)
    window.show()
    # The search index and the fit engine take ~0.3 s each: build them while the user looks at the map,
    # once it is drawn (or a second after, if the saved layout hides it); started earlier, the thread would take
    # turns with the first frame for the GIL.
    warm_up = threading.Thread(target=lambda: (dataset.finder, session.engine), name="warm-up", daemon=True)
    after_first_paint(window.map, warm_up.start)
    if problem:
        window.messages.show_message(problem, WARNING, key="data")
    if os.environ.get(QUIT_WHEN_READY_ENV):
        # For the start-up benchmark: the window is drawn (its map last of all) and the event loop takes input.
        after_first_paint(window.map, lambda: (print("ready", flush=True), app.quit()))
    elif not args.open:
        QTimer.singleShot(0, window.shortlists.offer_recovery)  # after a crash: once the window is up
    return app.exec()


class _FirstPaint(QObject):
    """Calls `action` once, on the event loop's turn after `widget` is first painted, then forgets the widget.

    A widget that is hidden or collapsed in the saved layout is never painted: after `at_latest_ms` the action
    runs anyway, so the warm-up and the start-up benchmark's "ready" do not wait for a map nobody shows.
    """

    def __init__(self, widget, action, at_latest_ms: int):
        super().__init__(widget)
        self.action = action
        widget.installEventFilter(self)
        self.fallback = QTimer(self)
        self.fallback.setSingleShot(True)
        self.fallback.timeout.connect(self._run)
        self.fallback.start(at_latest_ms)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Paint:
            self._run()
        return False

    def _run(self) -> None:
        if self.action is None:
            return
        action, self.action = self.action, None
        self.fallback.stop()
        self.parent().removeEventFilter(self)
        QTimer.singleShot(0, action)  # after this paint, and the rest of the frame, are done


def after_first_paint(widget, action, at_latest_ms: int = 1000) -> None:
    """Run `action` once `widget` has been drawn for the first time, or after `at_latest_ms` if it never is."""
    _FirstPaint(widget, action, at_latest_ms)


def meeting_screenshot(app, window, page: int, size: tuple[int, int], target: str) -> int:
    """Render one page of meeting mode (1 = the title page) to a PNG, as on a projector of `size`."""
    from trustmatch.app.problems import UserError

    session = window.session
    if session.shortlist is None or not session.shortlist.shortlist.entries:
        raise UserError("--meeting-page needs --open with a shortlist that has trusts on it.")
    view = window.shortlists.meeting_view()
    if not 1 <= page <= view.page_count:
        raise UserError(f"--meeting-page must be between 1 and {view.page_count} for this shortlist.")
    view.resize(*size)
    view.show()
    view.go(page - 1)
    app.processEvents()
    image = view.grab()
    view.close()
    window.close()
    if not image.save(target):
        raise UserError(f"The screenshot could not be written to {target}.")
    print(f"Saved {target} (meeting page {page} of {view.page_count}, {image.width()}x{image.height()})")
    return 0
