"""The window's shortlist commands: File > New/Open/Save/Save As/recent, Edit > Undo/Redo and adding trusts,
the shortlist panel in a dock, the comparison, meeting mode, autosave and the offer to restore after a crash.

Kept out of main_window.py so that the window only builds it (`ShortlistMenu(window)`) and asks it before
closing (`may_close()`).  The open shortlist lives in the session (`session.shortlist`, topic SHORTLIST).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox, QPushButton, QSizePolicy, QToolBar

from trustmatch.app import shortlist as sl
from trustmatch.app.problems import UserError
from trustmatch.app.session import RANKING, SCHOOL, SELECTION, SHORTLIST
from trustmatch.ui.autosave import Autosave
from trustmatch.ui.compare import MAX_TRUSTS, CompareView
from trustmatch.ui.meeting import MeetingView, present
from trustmatch.ui.messages import INFO, WARNING
from trustmatch.ui.recovery import RecoveryDialog
from trustmatch.ui.shortlist_file import FILE_FILTER, ask_save_path, suggested_name
from trustmatch.ui.shortlist_panel import ShortlistPanel

RECENT_KEY = "shortlist/recent"
RECENT_COUNT = 8
WIDE_WINDOW = 1800  # px: from this width the shortlist sits beside the explorer, below it under the views


class ShortlistMenu(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.settings = window.settings
        self.autosave = Autosave(self)
        self.compare_view: CompareView | None = None
        self.meeting: MeetingView | None = None

        self.panel = ShortlistPanel()
        self.dock = QDockWidget("Shortlist", window)
        self.dock.setObjectName("shortlistDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        self.dock.hide()  # shown when there is a shortlist: until then the explorer keeps its width
        self.dock.dockLocationChanged.connect(self._dock_moved)
        self._placed = False  # the first showing picks the side; after that, where the user leaves it
        self.panel.trust_chosen.connect(self.session.select_trust)
        self.panel.compare_requested.connect(self.compare)
        self.panel.meeting_requested.connect(self.start_meeting)
        self._build_actions()
        self.session.subscribe(self._changed, {SHORTLIST, RANKING, SCHOOL, SELECTION})
        self._changed({SHORTLIST})

    # --- actions ---------------------------------------------------------------------

    def _add(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        w = self.window
        file = w.menus["file"]
        first = file.actions()[0]
        self.new_action = self._add(None, "&New shortlist", self.new, QKeySequence.New)
        self.open_action = self._add(None, "&Open shortlist...", self.choose_open, QKeySequence.Open)
        self.recent_menu = file.addMenu("Open &recent")
        self.save_action = self._add(None, "&Save shortlist", self.save, QKeySequence.Save)
        self.save_as_action = self._add(None, "Save shortlist &as...", self.save_as, QKeySequence.SaveAs)
        for action in (self.new_action, self.open_action):
            file.insertAction(first, action)
        file.insertMenu(first, self.recent_menu)
        self.recover_action = self._add(None, "Recover unsaved shortlists...", lambda: self.offer_recovery(False))
        file.insertAction(first, self.recover_action)
        for action in (self.save_action, self.save_as_action):
            file.insertAction(first, action)
        file.insertSeparator(first)
        self.recent_menu.aboutToShow.connect(self._fill_recent)

        edit = w.menuBar().addMenu("&Edit")
        w.menuBar().insertMenu(w.menus["view"].menuAction(), edit)
        w.menus["edit"] = edit
        self.undo_action = self._add(edit, "&Undo", self.undo, QKeySequence.Undo)
        self.redo_action = self._add(edit, "&Redo", self.redo, "Ctrl+Shift+Z")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addSeparator()
        self.add_action = self._add(edit, "A&dd trust to shortlist", self.add_selected, "Ctrl+D")
        self.remove_action = self._add(edit, "Re&move trust from shortlist", self.remove_selected, "Ctrl+Shift+D")

        view = w.menus["view"]
        view.addSeparator()
        self.show_action = self.dock.toggleViewAction()
        self.show_action.setText("&Shortlist")
        self.show_action.setShortcut(QKeySequence("Ctrl+5"))
        view.addAction(self.show_action)
        self.compare_action = self._add(view, "&Compare shortlisted trusts", self.compare_selected, "Ctrl+K")
        self.meeting_action = self._add(view, "Meeting mode", self.start_meeting, "F5")

        bar = QToolBar("Shortlist")
        bar.setObjectName("shortlistBar")
        bar.setMovable(False)
        bar.addAction(self.add_action)
        bar.addAction(self.compare_action)
        bar.addAction(self.meeting_action)
        self.add_action.setToolTip("Add the selected trust to the shortlist (Ctrl+D)")
        self.meeting_action.setToolTip("Present the shortlist full screen (F5)")
        w.addToolBarBreak()  # its own row: the find bar and the legend fill theirs
        w.addToolBar(bar)
        # the same command from the candidate table, the map and the trust details
        for view_widget in (w.table, w.map):
            view_widget.setContextMenuPolicy(Qt.ActionsContextMenu)
            view_widget.addAction(self.add_action)
            view_widget.addAction(self.remove_action)
        self.detail_button = QPushButton()
        self.detail_button.setObjectName("detailShortlistButton")
        self.detail_button.clicked.connect(self._detail_button_clicked)
        self.detail_button.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)  # never widens the panel
        w.right.insertWidget(1, self.detail_button)  # just above the trust details
        w.right.setCollapsible(1, False)

    # --- state -> widgets ------------------------------------------------------------

    def show_dock(self) -> None:
        """Show the shortlist where it leaves the candidate table its width.

        Beside the explorer the table would shrink to a column of elided names
        on a laptop screen (1440 px), so below WIDE_WINDOW it goes under the
        views, its list and its editor side by side; on a wide screen, beside.
        """
        if not self._placed:
            self._placed = True
            wide = self.window.width() >= WIDE_WINDOW
            area = Qt.RightDockWidgetArea if wide else Qt.BottomDockWidgetArea
            if self.window.dockWidgetArea(self.dock) != area:
                self.window.addDockWidget(area, self.dock)
            self.dock.show()
            if wide:
                self.window.resizeDocks([self.dock], [380], Qt.Horizontal)
            else:
                self.window.resizeDocks([self.dock], [max(200, self.window.height() // 4)], Qt.Vertical)
        self.dock.show()

    def _dock_moved(self, area) -> None:
        self.panel.set_wide(area in (Qt.BottomDockWidgetArea, Qt.TopDockWidgetArea))

    def _changed(self, changed: set[str]) -> None:
        s = self.session
        doc = s.shortlist
        if SHORTLIST in changed:
            if doc is not self.panel.document:
                self.panel.set_document(doc)
                self.panel.show_news(s.shortlist_news)
                self.autosave.watch(doc)
                if doc is not None and not self.dock.isVisible():
                    self.show_dock()
                elif doc is None:
                    self.dock.hide()
        self.panel.set_ranking(s.ranking if s.shortlist_is_for_school() else None)
        on_list = doc is not None and s.trust_code is not None and s.trust_code in doc.shortlist
        has_trusts = doc is not None and bool(doc.shortlist.entries)
        self.add_action.setEnabled(s.trust_code is not None and not on_list)
        self.remove_action.setEnabled(on_list)
        self.save_action.setEnabled(doc is not None)
        self.save_as_action.setEnabled(doc is not None)
        self.undo_action.setEnabled(doc is not None and doc.can_undo)
        self.redo_action.setEnabled(doc is not None and doc.can_redo)
        self.undo_action.setText(f"&Undo {doc.undo_label}" if doc is not None and doc.can_undo else "&Undo")
        self.redo_action.setText(f"&Redo {doc.redo_label}" if doc is not None and doc.can_redo else "&Redo")
        self.compare_action.setEnabled(has_trusts and len(doc.shortlist.entries) >= 2)
        self.meeting_action.setEnabled(has_trusts)
        trust = s.trust
        if trust is None:
            self.detail_button.setText("\u2606 Add to the shortlist (Ctrl+D)")
            self.detail_button.setAccessibleName("Add the selected trust to the shortlist")
            self.detail_button.setEnabled(False)
        else:
            self.detail_button.setEnabled(True)
            self.detail_button.setText(
                "\u2605 On the shortlist (click to remove)" if on_list else "\u2606 Add to the shortlist (Ctrl+D)"
            )
            self.detail_button.setAccessibleName(f"{'Remove' if on_list else 'Add'} {trust.name}")
        self._title()

    def _title(self) -> None:
        doc = self.session.shortlist
        self.window.setWindowTitle(f"{doc.title}[*] - TrustMatch" if doc is not None else "TrustMatch")
        self.window.setWindowModified(doc is not None and doc.modified)

    # --- commands --------------------------------------------------------------------

    def _tell(self, sentence: str, level=INFO) -> None:
        self.window.messages.show_message(sentence, level, key="shortlist", seconds=8 if level == INFO else 15)

    def new(self) -> None:
        if self.may_close():
            self.session.new_shortlist()

    def choose_open(self) -> None:
        if not self.may_close():
            return
        doc = self.session.shortlist
        start = str(doc.path.parent) if doc is not None and doc.path is not None else ""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open shortlist", start, FILE_FILTER)
        if path:
            self.open(path)

    def open(self, path) -> bool:
        """Open a shortlist file; a bad one is one sentence in the message bar and nothing changes."""
        try:
            self.session.open_shortlist(path)
        except sl.ShortlistProblem as problem:
            self._tell(str(problem), WARNING)
            return False
        self._remember(path)
        return True

    def save(self) -> bool:
        doc = self.session.shortlist
        if doc is None:
            return False
        if doc.path is None:
            return self.save_as()
        return self._save_to(doc.path)

    def save_as(self) -> bool:
        doc = self.session.shortlist
        if doc is None:
            return False
        path = ask_save_path(self.window, "Save shortlist", doc.path or suggested_name(doc.shortlist.school_name))
        return path is not None and self._save_to(path)

    def _save_to(self, path) -> bool:
        try:
            self.session.save_shortlist(path)
        except sl.ShortlistProblem as problem:
            self._tell(str(problem), WARNING)
            return False
        self._remember(path)
        self._tell(f"Saved {Path(path).name}.")
        return True

    def undo(self) -> None:
        if self.session.shortlist is not None:
            self.session.shortlist.undo()

    def redo(self) -> None:
        if self.session.shortlist is not None:
            self.session.shortlist.redo()

    def add_selected(self) -> None:
        try:
            if self.session.add_to_shortlist():
                self.show_dock()
                self._tell(f"Added {self.session.trust.name} to the shortlist (Ctrl+Z undoes).")
        except UserError as problem:
            self._tell(str(problem), WARNING)

    def remove_selected(self) -> None:
        doc, code = self.session.shortlist, self.session.trust_code
        if doc is not None and code is not None and code in doc.shortlist:
            doc.remove(code)

    def _detail_button_clicked(self) -> None:
        doc, code = self.session.shortlist, self.session.trust_code
        if doc is not None and code in doc.shortlist:
            self.remove_selected()
        else:
            self.add_selected()

    # --- compare and meeting -----------------------------------------------------------

    def compare_selected(self) -> None:
        doc = self.session.shortlist
        codes = self.panel.selected_codes()
        if len(codes) < 2:
            codes = doc.shortlist.codes[:MAX_TRUSTS] if doc is not None else []
        self.compare(codes)

    def compare(self, codes: list[str]) -> None:
        s = self.session
        if not 2 <= len(codes) <= MAX_TRUSTS:
            self._tell("Select two to four trusts on the shortlist to compare them.", WARNING)
            return
        evaluation = s.evaluation if s.shortlist_is_for_school() else None
        chosen = [s.shortlist.shortlist.entry(c) for c in codes]
        shortlist = replace(s.shortlist.shortlist, entries=tuple(chosen))
        trusts = sl.shortlisted_trusts(shortlist, s.dataset, evaluation)
        if self.compare_view is not None:
            self.compare_view.close()
            self.compare_view.deleteLater()
        school = s.school if evaluation is not None else None
        self.compare_view = CompareView(trusts, s.dataset, school, s.school_row if evaluation is not None else None)
        self.compare_view.resize(min(1500, 320 + 300 * len(trusts)), 900)
        self.compare_view.show()

    def start_meeting(self) -> MeetingView | None:
        s = self.session
        if s.shortlist is None or not s.shortlist.shortlist.entries:
            self._tell("Add trusts to the shortlist first: meeting mode presents them.", WARNING)
            return None
        self.meeting = self.meeting_view()
        present(self.meeting, self.window, self.settings)
        return self.meeting

    def meeting_view(self) -> MeetingView:
        s = self.session
        evaluation = s.evaluation if s.shortlist_is_for_school() else None
        view = MeetingView(
            s.shortlist, s.dataset, evaluation, autosave=self.autosave.now, save=self._save_after_meeting
        )
        view.setAttribute(Qt.WA_DeleteOnClose)
        view.closed.connect(self._meeting_closed)
        return view

    def _save_after_meeting(self) -> None:
        # decisions are in the recovery copy already; a shortlist with a file is saved to it too
        doc = self.session.shortlist
        if doc is not None and doc.path is not None and doc.modified:
            self._save_to(doc.path)

    def _meeting_closed(self) -> None:
        self.meeting = None
        self.window.activateWindow()

    # --- files, recovery and closing -------------------------------------------------

    def _recent(self) -> list[str]:
        if self.settings is None:
            return []
        value = self.settings.value(RECENT_KEY) or []
        return [value] if isinstance(value, str) else list(value)

    def _remember(self, path) -> None:
        if self.settings is None:
            return
        path = str(Path(path).resolve())
        recent = [path] + [p for p in self._recent() if p != path]
        self.settings.setValue(RECENT_KEY, recent[:RECENT_COUNT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self._recent()
        for i, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{i} {Path(path).name}  ({Path(path).parent})")
            action.triggered.connect(lambda checked=False, p=path: self.may_close() and self.open(p))
        if not recent:
            self.recent_menu.addAction("No recent shortlists").setEnabled(False)

    def offer_recovery(self, quiet: bool = True) -> None:
        """After a crash: every autosaved copy left behind, each with its file name and time (see ui/recovery.py).

        At start (`quiet`) nothing is said when there is none; from the File menu it says so.
        """
        doc = self.session.shortlist
        open_now = doc.recovered_from if doc is not None else None
        found = [r for r in sl.find_recoveries() if r.file != open_now]
        if not found:
            if not quiet:
                self._tell("There are no unsaved shortlists to recover.")
            return
        dialog = RecoveryDialog(found, self.window)
        dialog.exec()
        said = [f"Saved {path.name}." for path in dialog.kept]
        chosen = dialog.restored
        restored = chosen is not None and self.may_close()
        if restored:
            self.session.use_shortlist(sl.restore(chosen))
            said.append(f"Restored {chosen.name}, unsaved: save it to keep it.")
        others = len(dialog.recoveries) - restored
        if others:
            said.append(
                f"{others} {'other ' if restored else ''}unsaved shortlist{'s are' if others != 1 else ' is'} kept: "
                "File > Recover unsaved shortlists offers them again."
            )
        if said:
            self._tell(" ".join(said))

    def may_close(self) -> bool:
        """Ask about unsaved changes; True when the shortlist may be closed (saved or discarded)."""
        doc = self.session.shortlist
        if doc is None or not doc.modified:
            return True
        box = QMessageBox(
            QMessageBox.Warning,
            "Unsaved shortlist",
            f"Save the changes to {doc.title}?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
            self.window,
        )
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save()
        if answer == QMessageBox.Discard:
            self.autosave.discard()
            return True
        return False

    def shutdown(self) -> None:
        if self.meeting is not None:
            self.meeting.close()
        if self.compare_view is not None:
            self.compare_view.close()
            self.compare_view.deleteLater()
            self.compare_view = None
        self.autosave.close()
