"""The explorer window: map, search, candidate table, weights and filters, and the trust detail."""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from trustmatch import __version__
from trustmatch.app.session import DATA, RANKING, SCHOOL, TRUST, Session
from trustmatch.data import paths
from trustmatch.data.dataset import attribution
from trustmatch.ui.candidates import CandidateModel, CandidateTable
from trustmatch.ui.controls import ControlsPanel
from trustmatch.ui.detail import DetailPanel
from trustmatch.ui.map_view import GOVERNANCE_COLOURS, GOVERNANCE_LABELS, MapView
from trustmatch.ui.search_box import SchoolSearch
from trustmatch.ui.worker import Worker

log = logging.getLogger(__name__)

class MainWindow(QMainWindow):
    def __init__(self, session: Session, settings: QSettings | None = None):
        super().__init__()
        self.session = session
        self.settings = settings
        self.setWindowTitle("TrustMatch")
        self._syncing = False
        self._worker: Worker | None = None
        self._drawn_on_map = None
        self._trust_layer_built = False

        dataset = session.dataset
        self.map = MapView(dataset)
        self.search = SchoolSearch(dataset)
        self.model = CandidateModel(self)
        self.table = CandidateTable(self.model)
        self.table_filter = QLineEdit()
        self.table_filter.setObjectName("trustFilter")
        self.table_filter.setAccessibleName("Filter candidate trusts by name")
        self.table_filter.setPlaceholderText("Filter trusts by name")
        self.table_filter.setClearButtonEnabled(True)
        self.table_filter.textChanged.connect(self.table.proxy.setFilterFixedString)
        self.table_title = QLabel("Choose a school to rank the trusts")
        self.table_title.setObjectName("tableTitle")
        self.controls = ControlsPanel(sorted(set(dataset.columns["region"])))
        self.detail = DetailPanel()

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
        self.setCentralWidget(self.main)

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
        self._build_menus()
        self.data_label = QLabel()
        self.statusBar().addPermanentWidget(self.data_label)
        self._show_data_source()

        self.search.school_chosen.connect(session.choose_school)
        self.map.school_chosen.connect(session.choose_school)
        self.map.trust_clicked.connect(session.select_trust)
        self.table.selectionModel().selectionChanged.connect(self._table_selected)
        weights = self.controls.weights
        weights.weight_changed.connect(session.set_weight)
        weights.preset_chosen.connect(session.apply_preset)
        self.controls.filters.filters_changed.connect(lambda f: session.set_filters(**f))
        weights.show_weights(session.weights)
        self.controls.filters.show_filters(session.filters)
        session.subscribe(self._changed)
        self.restore_layout()

    # --- menus -----------------------------------------------------------------------

    def _action(self, menu, text, slot, shortcut=None, checkable=False) -> QAction:
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
        self.import_action = self._action(file, "&Import GIAS extract...", self.choose_import_file, "Ctrl+I")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.Quit)
        view = bar.addMenu("&View")
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
        self._action(help_menu, "&About TrustMatch", self.about, QKeySequence.HelpContents)

    def show_trust_layer(self, visible: bool) -> None:
        if visible and not self._trust_layer_built:
            self.map.set_hub_shapes(self.session.engine.graph.shapes)
            self._trust_layer_built = True
        self.map.set_trust_layer_visible(visible)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- state -> widgets ------------------------------------------------------------

    def _changed(self, changed: set[str]) -> None:
        s = self.session
        if DATA in changed:
            self._drawn_on_map = None
            self.map.set_dataset(s.dataset)
            self._trust_layer_built = False
            self.show_trust_layer(self.trust_layer_action.isChecked())
            self.search.set_dataset(s.dataset)
            self._show_data_source()
        if SCHOOL in changed:
            self.map.show_chosen(s.school_row)
            if s.school is not None:
                self.search.setText(self.search.label(s.school_row))
                self.search.setCursorPosition(0)
        if RANKING in changed:
            self.controls.weights.show_weights(s.weights)
            self.controls.filters.show_filters(s.filters)
            self._syncing = True
            self.model.set_ranking(s.ranking, s.engine if s.ranking is not None else None)
            self._syncing = False
            self._title()
        if RANKING in changed or TRUST in changed:
            self._show_trust()

    def _title(self) -> None:
        s = self.session
        if s.school is None:
            self.table_title.setText("Choose a school to rank the trusts")
        elif s.ranking is not None and len(s.ranking) == 0:
            self.table_title.setText(f"No trust passes the filters for <b>{escape(s.school.name)}</b>: loosen them")
        else:
            self.table_title.setText(f"<b>{len(s.ranking)}</b> candidate trusts for <b>{escape(s.school.name)}</b>")

    def _show_trust(self) -> None:
        s = self.session
        self._syncing = True
        self.table.select_code(s.trust_code)
        self._syncing = False
        trust = s.trust
        candidate = s.selected_candidate()
        shape = None
        if trust is not None:
            shape = s.evaluation.shape_of(trust.code) if s.evaluation is not None else s.engine.graph.shapes[trust.code]
        nearest = candidate.nearest_school_row if candidate is not None else None
        drawn = (s.trust_code, s.school_row, nearest)
        if drawn != self._drawn_on_map:  # a re-rank alone leaves the map as it is
            self._drawn_on_map = drawn
            self.map.show_trust(trust, shape, nearest, s.school_row)
        self.detail.show_trust(s.school, trust, candidate, shape)

    def _table_selected(self, *args) -> None:
        if not self._syncing:
            code = self.table.selected_code()
            if code:
                self.session.select_trust(code)

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

    def import_file(self, path: str) -> None:
        from trustmatch.data.dataset import import_into
        from trustmatch.fit.ranking import FitEngine

        def work(task):
            dataset = import_into(path, paths.imported_dataset(), task)
            return dataset, FitEngine(dataset)

        dialog = QProgressDialog("Importing GIAS extract...", "Cancel", 0, 100, self)
        dialog.setWindowTitle("Import")
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(0)
        self._progress = dialog
        worker = Worker(work, self)
        self._worker = worker
        worker.progress.connect(lambda f, m: (dialog.setValue(int(f * 100)), dialog.setLabelText(m)))
        dialog.canceled.connect(worker.cancel)
        worker.succeeded.connect(self._imported)
        worker.failed.connect(self._import_failed)
        worker.finished.connect(dialog.reset)
        self.import_action.setEnabled(False)
        worker.start()

    def _imported(self, result) -> None:
        dataset, engine = result
        self.import_action.setEnabled(True)
        self.session.replace_data(dataset, engine)
        self.statusBar().showMessage(f"Imported {len(dataset):,} schools from {dataset.source_name}", 10_000)

    def _import_failed(self, message: str) -> None:
        self.import_action.setEnabled(True)
        self.statusBar().showMessage(message, 15_000)
        self.message = QMessageBox(QMessageBox.Warning, "Nothing was imported",
                                   message + "\n\nThe data you had is still in use.", QMessageBox.Close, self)
        self.message.open()

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
        urn = self.settings.value("school/urn") if self.settings is not None else None
        row = self.session.dataset.index_of_urn(int(urn)) if urn and str(urn).isdigit() else None
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
        if self._worker is not None and self._worker.isRunning():
            self._worker.cancel()
            self._worker.wait(10_000)
        self.save_layout()
        super().closeEvent(event)
