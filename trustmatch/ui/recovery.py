"""After a crash: every autosaved shortlist left behind, each with its file name and time, to restore, keep or drop.

Several copies are left when several shortlists were open (in several windows
or sessions) when TrustMatch stopped.  The window holds one shortlist, so one is
restored; any other can be saved as a file of its own, discarded after a
question, or left for later (File > Recover unsaved shortlists, and the next
start offer it again).  Nothing is deleted without the user saying so.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from trustmatch.app import shortlist as sl
from trustmatch.ui.shortlist_file import ask_save_path, suggested_name


def item_text(recovery: sl.Recovery) -> str:
    school = recovery.shortlist.school_name or "no school"
    count = len(recovery.shortlist.entries)
    where = f"\n{recovery.original.parent}" if recovery.original else ""
    name = recovery.name if recovery.original else "An unsaved shortlist"
    return f"{name}: {school}, {count} trust{'s' if count != 1 else ''}\nautosaved {recovery.when}{where}"


class RecoveryDialog(QDialog):
    """The list of recovery copies; `restored` is the one chosen to open in the window, if any."""

    def __init__(self, recoveries: list[sl.Recovery], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Restore unsaved shortlists?")
        self.recoveries = list(recoveries)
        self.restored: sl.Recovery | None = None
        self.kept: list[Path] = []  # files the user saved recovered shortlists as

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("recoveries")
        self.list.setAccessibleName("Unsaved shortlists")
        self.list.setSpacing(4)
        self.list.setAlternatingRowColors(True)
        self.list.itemDoubleClicked.connect(lambda _: self.restore_selected())
        self.list.currentRowChanged.connect(lambda _: self._enable())

        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setToolTip("Open the selected shortlist in this window, unsaved")
        self.save_button = QPushButton("&Save as...")
        self.save_button.setToolTip("Keep the selected shortlist as a file of its own")
        self.discard_button = QPushButton("&Discard...")
        self.later_button = QPushButton("&Not now")
        self.later_button.setToolTip("Keep them all: they are offered again at the next start")
        buttons.addButton(self.restore_button, QDialogButtonBox.AcceptRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.DestructiveRole)
        buttons.addButton(self.later_button, QDialogButtonBox.RejectRole)
        self.restore_button.clicked.connect(self.restore_selected)
        self.save_button.clicked.connect(self.save_selected)
        self.discard_button.clicked.connect(self.discard_selected)
        self.later_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(640, 360)
        self._fill()

    def _fill(self) -> None:
        count = len(self.recoveries)
        self.intro.setText(
            f"TrustMatch closed without saving {count} shortlist{'s' if count != 1 else ''}. "
            "Restore one to work on it here; save any of them as a file of its own; "
            "those left are offered again next time."
        )
        self.list.clear()
        for recovery in self.recoveries:
            item = QListWidgetItem(item_text(recovery))
            item.setData(Qt.UserRole, str(recovery.file))
            self.list.addItem(item)
        self.list.setCurrentRow(0 if self.recoveries else -1)
        self._enable()

    def _enable(self) -> None:
        chosen = self.selected() is not None
        for button in (self.restore_button, self.save_button, self.discard_button):
            button.setEnabled(chosen)

    def selected(self) -> sl.Recovery | None:
        row = self.list.currentRow()
        return self.recoveries[row] if 0 <= row < len(self.recoveries) else None

    def restore_selected(self) -> None:
        self.restored = self.selected()
        if self.restored is not None:
            self.accept()

    def save_selected(self) -> None:
        recovery = self.selected()
        if recovery is None:
            return
        if recovery.original is not None:  # never over the file it came from: that may hold other work
            suggested = recovery.original.with_name(f"{recovery.original.stem} (recovered){sl.SUFFIX}")
        else:
            suggested = suggested_name(recovery.shortlist.school_name, " (recovered)")
        path = ask_save_path(self, "Save recovered shortlist", suggested)
        if path is None:
            return
        try:
            sl.save_recovery_as(recovery, path)
        except (OSError, sl.ShortlistProblem) as problem:
            QMessageBox.warning(self, "Not saved", f"The shortlist could not be saved to {path}: {problem}")
            return
        self.kept.append(Path(path))
        self._drop(recovery)

    def discard_selected(self) -> None:
        recovery = self.selected()
        if recovery is None:
            return
        box = QMessageBox(
            QMessageBox.Warning,
            "Discard unsaved shortlist?",
            f"Discard {recovery.description}? Its unsaved changes cannot be brought back.",
            QMessageBox.Discard | QMessageBox.Cancel,
            self,
        )
        box.setTextFormat(Qt.PlainText)
        box.setDefaultButton(QMessageBox.Cancel)
        if box.exec() == QMessageBox.Discard:
            recovery.file.unlink(missing_ok=True)
            self._drop(recovery)

    def _drop(self, recovery: sl.Recovery) -> None:
        self.recoveries.remove(recovery)
        if self.recoveries:
            self._fill()
        else:
            self.accept()
