"""File > Export: the ranked trusts (top N) or the shortlist as CSV, Excel or a PDF briefing pack.

The briefing is assembled on the GUI thread from the session as it is when the
user asks (so later clicks cannot change what is exported); the file is written
through the window's task runner, with progress and Cancel in the message bar.
The last folder used is remembered in the settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from trustmatch.app.problems import UserError
from trustmatch.app.session import SHORTLIST
from trustmatch.export import briefing as content
from trustmatch.export.files import school_filename

FORMATS = {  # suffix -> (file dialog filter, words for the message)
    ".xlsx": ("Excel workbook (*.xlsx)", "an Excel workbook"),
    ".pdf": ("PDF briefing pack (*.pdf)", "a briefing pack"),
    ".csv": ("CSV, UTF-8 (*.csv)", "a CSV file"),
}
FOLDER_KEY = "export/folder"
TOP_KEY = "export/top"


def write(path: Path, briefing, task) -> Path:
    """Write a briefing in the format its suffix names (runs on the worker thread)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from trustmatch.ui import pdf

        return pdf.write(path, briefing, task)
    if suffix == ".xlsx":
        from trustmatch.export import workbook

        return workbook.write(path, [briefing], task)
    if suffix == ".csv":
        from trustmatch.export import csvfile

        return csvfile.write(path, [briefing], task)
    raise UserError(f"TrustMatch exports .xlsx, .pdf and .csv files, not '{path.suffix or path.name}'.")


class ExportActions(QObject):
    def __init__(self, window: QWidget, session, tasks, settings: QSettings | None):
        super().__init__(window)
        self.window = window
        self.session = session
        self.tasks = tasks
        self.settings = settings

    # --- what to export --------------------------------------------------------------

    def top_briefing(self, top: int):
        s = self.session
        if s.school is None or s.ranking is None:
            raise UserError("Choose a school first: the export lists the trusts ranked for it.")
        if len(s.ranking) == 0:
            raise UserError(f"No trust passes the filters for {s.school.name}; loosen them before exporting.")
        return content.for_top(s.dataset, s.engine, s.school, s.weights, s.filters, top, s.ranking)

    def shortlist_briefing(self, document):
        if document is None or not document.shortlist.entries:
            raise UserError("The shortlist is empty: add trusts to it before exporting it.")
        s = self.session
        return content.for_shortlist(s.dataset, s.engine, document.shortlist)

    def watch(self, shortlist_action) -> None:
        """Keep File > Export shortlist enabled only while there is a shortlist with trusts and no other work."""
        self.shortlist_action = shortlist_action
        self.session.subscribe(lambda changed: self._enable(), {SHORTLIST})
        self.tasks.running_changed.connect(lambda running: self._enable())
        self._enable()

    def _enable(self) -> None:
        document = self.session.shortlist
        has_trusts = document is not None and bool(document.shortlist.entries)
        self.shortlist_action.setEnabled(has_trusts and not self.tasks.running)

    # --- asking ------------------------------------------------------------------------

    def export_open_shortlist(self) -> None:
        """File > Export shortlist: the open shortlist, whichever school is chosen now."""
        self.export_shortlist(self.session.shortlist)

    def export_shortlist(self, document) -> None:
        """Ask where, then export the shortlist as it is now (its order, notes, status and decisions)."""
        try:
            briefing = self.shortlist_briefing(document)
        except UserError as err:
            self.tasks.bar.show_message(str(err), key="export")
            return
        path = self.ask_path(briefing.school, "Export shortlist")
        if path is not None:
            self.export(path, lambda: briefing)

    def export_top(self) -> None:
        """Ask how many trusts and where, then export."""
        try:
            self.top_briefing(1)  # says why not before any dialog opens
        except UserError as err:
            self.tasks.bar.show_message(str(err), key="export")
            return
        last = int(self.settings.value(TOP_KEY, 10)) if self.settings is not None else 10
        top, ok = QInputDialog.getInt(self.window, "Export top trusts", "How many of the ranked trusts?", last, 1, 100)
        if not ok:
            return
        path = self.ask_path(self.session.school, "Export top trusts")
        if path is not None:
            if self.settings is not None:
                self.settings.setValue(TOP_KEY, top)
            self.export(path, lambda: self.top_briefing(top))

    def ask_path(self, school, title: str) -> Path | None:
        folder = self.settings.value(FOLDER_KEY, "") if self.settings is not None else ""
        suggested = str(Path(folder or Path.home()) / school_filename(school, ".xlsx"))
        filters = ";;".join(f for f, _ in FORMATS.values())
        path, chosen = QFileDialog.getSaveFileName(self.window, title, suggested, filters)
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() not in FORMATS:  # the user typed a name without the suffix
            path = path.with_name(path.name + next(s for s, (f, _) in FORMATS.items() if f == chosen))
        if self.settings is not None:
            self.settings.setValue(FOLDER_KEY, str(path.parent))
        return path

    # --- doing -------------------------------------------------------------------------

    def export(self, path: Path, make_briefing) -> bool:
        """Export to `path` through the task runner; False if it could not start."""
        try:
            briefing = make_briefing()
        except UserError as err:
            self.tasks.bar.show_message(str(err), key="export")
            return False
        what = FORMATS.get(path.suffix.lower(), ("", "a file"))[1]

        def done(written: Path) -> str:
            count = len(briefing.trusts)
            return f"Saved {what} of {count} trust{'s' if count != 1 else ''} for {briefing.school.name}: {written}"

        title = "Export " + what.split(" ", 1)[1]
        return self.tasks.run(title, lambda task: write(path, briefing, task), done, kept="No file was written.")
