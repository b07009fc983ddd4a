"""The explorer window: map, search, candidate table, weights and filters, and the trust detail.

The window builds the views and binds each to the session (`view.bind(session)`):
a view sends intents and redraws from the topics it subscribed to, so the window
holds no state of its own about the school or trust.  Long work goes through
`self.tasks` (ui/tasks.py) and reports in `self.messages` (ui/messages.py).

To add a panel: build it in `_build_views`, place it in `_build_layout`, bind it.
To add a menu action: `self._action(self.menus["file"], "&Text...", slot, "Ctrl+E")`.
"""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from trustmatch import __version__
from trustmatch.app.session import DATA, NOTICE, RANKING, SCHOOL, SELECTION, Session
from trustmatch.data.dataset import attribution
from trustmatch.data.identifiers import parse_urn
from trustmatch.ui.candidates import CandidateModel, CandidateTable
from trustmatch.ui.controls import ControlsPanel
from trustmatch.ui.detail import DetailPanel
from trustmatch.ui.exports import ExportActions
from trustmatch.ui.map_view import GOVERNANCE_COLOURS, GOVERNANCE_LABELS, MapView
from trustmatch.ui.messages import WARNING, MessageBar
from trustmatch.ui.search_box import SchoolSearch
from trustmatch.ui.shortlist_menu import ShortlistMenu
from trustmatch.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
DETAIL_DELAY_MS = 120


class MainWindow(QMainWindow):
    def __init__(self, session: Session, settings: QSettings | None = None):
        super().__init__()
        self.session = session
        self.settings = settings
        self.setWindowTitle("TrustMatch")
        self._build_views()
        self._build_layout()
        self._build_menus()
        self._bind()
        self.shortlists = ShortlistMenu(self)  # File > New/Open/Save, Edit > Undo, the shortlist dock, F5
        self.restore_layout()

    # --- building ----------------------------------------------------------------------

    def _build_views(self) -> None:
        dataset = self.session.dataset
        self.messages = MessageBar()
        self.tasks = TaskRunner(self.messages, self)
        self.map = MapView(dataset)
        self.search = SchoolSearch(dataset)
        self.model = CandidateModel(self)
        self.table = CandidateTable(self.model)
        self.table_filter = QLineEdit()
        self.table_filter.setObjectName("trustFilter")
        self.table_filter.setAccessibleName("Filter candidate trusts by name")
        self.table_filter.setPlaceholderText("Filter trusts by name")
        self.table_filter.setClearButtonEnabled(True)
        self.table_filter.textChanged.connect(self.table.filter_names)
        self.table_title = QLabel("Choose a school to rank the trusts")
        self.table_title.setObjectName("tableTitle")
        self.table_title.setWordWrap(True)  # the core's notices can run to two lines
        self.controls = ControlsPanel(sorted(set(dataset.columns["region"])))
        self.detail = DetailPanel()

    def _build_layout(self) -> None:
        table_box = QWidget()
        box = QVBoxLayout(table_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.table_title)
        box.addWidget(self.table_filter)
        box.addWidget(self.table)

        self.left = QSplitter(Qt.Vertical)
        self.left.setObjectName("leftSplitter")
        self.left.addWidget(self.map)
        self.left.addWidget(table_box)
        self.left.setSizes([520, 380])
        self.right = QSplitter(Qt.Vertical)
        self.right.setObjectName("rightSplitter")
        self.right.addWidget(self.controls)
        self.right.addWidget(self.detail)
        self.right.setSizes([330, 570])
        self.main = QSplitter(Qt.Horizontal)
        self.main.setObjectName("mainSplitter")
        self.main.addWidget(self.left)
        self.main.addWidget(self.right)
        self.main.setStretchFactor(0, 3)
        self.main.setStretchFactor(1, 2)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.messages)
        column.addWidget(self.main, 1)
        self.setCentralWidget(central)

        toolbar = QToolBar("Find")
        toolbar.setObjectName("findBar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.search)
        self.legend = QLabel(
            "  ".join(
                f"<span style='color:{c}; font-size:14pt'>&#9679;</span> {GOVERNANCE_LABELS[s]}"
                for s, c in GOVERNANCE_COLOURS.items()
            )
            + "  <span style='font-size:14pt'>&#9733;</span> chosen school"
            + "  <span style='color:#D55E00; font-size:14pt'>&#9679;</span> selected trust"
            + "  <span style='color:#4B2A86; font-size:14pt'>&#9675;</span> trust hub (Ctrl+T)"
        )
        self.legend.setObjectName("legend")
        self.legend.setAccessibleName("Map legend")
        toolbar.addWidget(self.legend)
        self.addToolBar(toolbar)
        self.data_label = QLabel()
        self.data_label.setTextFormat(Qt.PlainText)  # the source name comes from a file
        self.statusBar().addPermanentWidget(self.data_label)

    def _bind(self) -> None:
        s = self.session
        for view in (self.search, self.map, self.table, self.controls):
            view.bind(s)
        s.subscribe(self._detail_changed, {SELECTION, RANKING})
        s.subscribe(lambda changed: self._title(), {SCHOOL, RANKING})
        s.subscribe(lambda changed: self._show_data_source(), {DATA})
        s.subscribe(lambda changed: self.messages.show_message(s.notice, WARNING, key="notice", seconds=8), {NOTICE})
        self.tasks.running_changed.connect(lambda running: self.import_action.setEnabled(not running))
        self.tasks.running_changed.connect(lambda running: self.restore_action.setEnabled(not running))
        self.tasks.running_changed.connect(lambda running: self.export_top_action.setEnabled(not running))
        self._shown_in_detail = None
        # While a slider moves, the table and map follow at once; the detail (rich text: the slowest view)
        # follows when the weights rest, so a drag never waits for it.
        self._detail_timer = QTimer(self, singleShot=True, interval=DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._show_detail)
        self._show_detail()
        self._show_data_source()

    # --- menus -----------------------------------------------------------------------

    def _action(self, menu: QMenu, text, slot, shortcut=None, checkable=False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.menus: dict[str, QMenu] = {"file": file}
        self.import_action = self._action(file, "&Import GIAS extract...", self.choose_import_file, "Ctrl+I")
        self.restore_action = self._action(file, "&Restore previous data", self.restore_previous)
        file.addSeparator()
        self.exports = ExportActions(self, self.session, self.tasks, self.settings)
        self.export_top_action = self._action(
            file, "&Export top trusts (CSV, Excel, PDF)...", self.exports.export_top, "Ctrl+E"
        )
        self.export_shortlist_action = self._action(
            file, "Export &shortlist (CSV, Excel, PDF)...", self.exports.export_open_shortlist, "Ctrl+Shift+E"
        )
        self.exports.watch(self.export_shortlist_action)
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.Quit)
        view = bar.addMenu("&View")
        self.menus["view"] = view
        self._action(view, "&Find school", self.focus_search, QKeySequence.Find)
        self._action(view, "Zoom to &England", self.map.zoom_to_england, "Ctrl+0")
        self._action(view, "Zoom to &my school", self.map.zoom_to_school, "Ctrl+M")
        self.trust_layer_action = self._action(
            view, "Show &trusts on the map", self.show_trust_layer, "Ctrl+T", checkable=True
        )
        view.addSeparator()
        self._action(view, "Go to the &map", self.map.setFocus, "Ctrl+1")
        self._action(view, "Go to the candidate &table", self.table.setFocus, "Ctrl+2")
        self._action(view, "Go to the &weights", lambda: self.controls.weights.preset.setFocus(), "Ctrl+3")
        self._action(view, "Go to the trust &details", self.detail.setFocus, "Ctrl+4")
        help_menu = bar.addMenu("&Help")
        self.menus["help"] = help_menu
        self._action(help_menu, "&About TrustMatch", self.about, QKeySequence.HelpContents)

    def show_trust_layer(self, visible: bool) -> None:
        self.map.set_trust_layer_visible(visible)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- state -> the window's own labels -------------------------------------------------

    def _title(self) -> None:
        s = self.session
        if s.school is None:
            self.table_title.setText("Choose a school to rank the trusts")
        elif s.ranking is not None and s.ranking.notice:  # the core's sentence: nothing in reach, a nursery school
            self.table_title.setText(escape(s.ranking.notice))
        else:
            self.table_title.setText(f"<b>{len(s.ranking)}</b> candidate trusts for <b>{escape(s.school.name)}</b>")

    def _detail_changed(self, changed: set[str]) -> None:
        if SELECTION in changed:
            self._detail_timer.stop()
            self._show_detail()
        else:
            self._detail_timer.start()

    def _show_detail(self) -> None:
        selection = self.session.selection
        if selection != self._shown_in_detail:  # a re-rank that leaves the trust's row as it was draws nothing
            self._shown_in_detail = selection
            self.detail.show_trust(selection.school, selection.trust, selection.candidate, selection.shape)

    def _show_data_source(self) -> None:
        d = self.session.dataset
        self.data_label.setText(f"Data: GIAS of {d.data_date} ({d.source_name}), {len(d):,} schools")

    # --- import ----------------------------------------------------------------------

    def choose_import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import GIAS extract", "", "GIAS downloads (*.csv *.csv.gz *.zip);;All files (*)"
        )
        if path:
            self.import_file(path)

    def import_file(self, path: str, force: bool = False) -> None:
        from trustmatch.app.register import SmallerRegister, import_register

        def work(task):
            try:
                return import_register(path, task, force=force)
            except SmallerRegister as question:
                return question  # asked on the GUI thread

        def done(result) -> str | None:
            if isinstance(result, SmallerRegister):
                self._ask_to_import_smaller(path, result)
                return None
            dataset, engine = result
            self.session.replace_data(dataset, engine)
            return (f"Imported {len(dataset):,} schools from {dataset.source_name}. "
                    "File > Restore previous data goes back to the data you had.")

        self.tasks.run("GIAS import", work, done, kept="The data you had is still in use.")

    def _ask_to_import_smaller(self, path: str, problem) -> None:
        """A valid file far smaller than the data in use: the user decides."""
        self.question = QMessageBox(
            QMessageBox.Question, "Import a much smaller register?",
            f"{problem}\n\nImport it anyway? The data you have now is kept as the previous data "
            "(File > Restore previous data).",
            QMessageBox.Yes | QMessageBox.No, self,
        )
        self.question.setTextFormat(Qt.PlainText)  # the sentence names a file, which may hold anything
        self.question.setDefaultButton(QMessageBox.No)
        self.question.finished.connect(
            lambda answer: self.import_file(path, force=True) if answer == QMessageBox.Yes else None
        )
        self.question.open()

    def restore_previous(self) -> None:
        from trustmatch.app.register import restore_previous_register

        def done(result) -> str:
            dataset, engine, sentence = result
            self.session.replace_data(dataset, engine)
            return sentence

        self.tasks.run("Restoring the previous data", restore_previous_register, done,
                       kept="The data you had is still in use.")

    # --- about and layout --------------------------------------------------------------

    def about(self) -> None:
        d = self.session.dataset
        text = (
            f"<h3>TrustMatch {__version__}</h3>"
            "<p>Helps a school in England find a multi-academy trust that fits it.</p>"
            f"<p>Data: GIAS of {escape(d.data_date)} ({escape(d.source_name)}).</p>"
            + "".join(f"<p><small>{escape(line)}</small></p>" for line in attribution(d))
            + "<p><small>Benefits and obstacles: Department for Education (17 November 2021), Schools' views on the "
            "perceived benefits and obstacles to joining a multi-academy trust, as reported by Education Business UK, "
            "Keystone Knowledge and Tes.</small></p>"
        )
        box = QMessageBox(QMessageBox.Information, "About TrustMatch", text, QMessageBox.Close, self)
        box.setTextFormat(Qt.RichText)
        box.setTextInteractionFlags(Qt.TextBrowserInteraction)
        box.open()
        self._about = box

    def restore_layout(self) -> None:
        if self.settings is None:
            return
        for key, restore in [
            ("window/geometry", self.restoreGeometry), ("window/main", self.main.restoreState),
            ("window/left", self.left.restoreState), ("window/right", self.right.restoreState),
        ]:
            value = self.settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)

    def restore_school(self) -> bool:
        """Open on the school chosen last time, if it is still in the data."""
        urn = parse_urn(self.settings.value("school/urn")) if self.settings is not None else None
        row = self.session.dataset.index_of_urn(urn) if urn is not None else None
        if row is not None:
            self.session.choose_school(row)
        return row is not None

    def save_layout(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/main", self.main.saveState())
        self.settings.setValue("window/left", self.left.saveState())
        self.settings.setValue("window/right", self.right.saveState())
        if self.session.school is not None:
            self.settings.setValue("school/urn", self.session.school.urn)
        self.settings.sync()

    def closeEvent(self, event) -> None:
        if not self.shortlists.may_close():
            event.ignore()
            return
        self.shortlists.shutdown()
        self.tasks.wait()
        self.save_layout()
        super().closeEvent(event)
