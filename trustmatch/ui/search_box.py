"""'Find your school': a search box whose suggestions follow each keystroke."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit

from trustmatch.app.session import DATA, SCHOOL

SUGGESTIONS = 12


class SchoolSearch(QLineEdit):
    school_chosen = Signal(int)

    def __init__(self, dataset, parent=None):
        super().__init__(parent)
        self.setObjectName("schoolSearch")
        self.setAccessibleName("Find your school")
        self.setPlaceholderText("Find your school: name, URN, postcode or town  (Ctrl+F)")
        self.setClearButtonEnabled(True)
        self._rows: list[int] = []
        self._labels = QStringListModel(self)
        completer = QCompleter(self._labels, self)
        # the finder already chose and ordered the matches; the completer only shows them
        completer.setCompletionMode(QCompleter.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setMaxVisibleItems(SUGGESTIONS)
        completer.activated.connect(self._activated_text)
        self.setCompleter(completer)
        self._completer = completer
        self.textEdited.connect(self._suggest)
        self.returnPressed.connect(self._choose_best)
        self.set_dataset(dataset)

    def bind(self, session) -> None:
        def show(changed: set[str]) -> None:
            if DATA in changed:
                self.set_dataset(session.dataset)
            if SCHOOL in changed and session.school_row is not None:
                self.setText(self.label(session.school_row))
                self.setCursorPosition(0)

        session.subscribe(show, {DATA, SCHOOL})
        self.school_chosen.connect(session.choose_school)

    def set_dataset(self, dataset) -> None:
        self.dataset = dataset
        self._rows = []
        self._labels.setStringList([])

    def label(self, row: int) -> str:
        s = self.dataset.school(row)
        return f"{s.name} - {s.town or s.la_name} {s.postcode} (URN {s.urn})"

    def _suggest(self, text: str) -> None:
        self._rows = self.dataset.finder.search(text, limit=SUGGESTIONS) if len(text.strip()) >= 2 else []
        self._labels.setStringList([self.label(r) for r in self._rows])
        if self._rows:
            self._completer.complete()
        else:
            self._completer.popup().hide()

    def _row_for_label(self, text: str) -> int | None:
        labels = self._labels.stringList()
        return self._rows[labels.index(text)] if text in labels else None

    def _activated_text(self, text: str) -> None:
        row = self._row_for_label(text)
        if row is not None:
            self._choose(row)

    def _choose_best(self) -> None:
        if self._completer.popup().isVisible():
            return  # the popup's own Enter picks the highlighted suggestion
        row = self._row_for_label(self.text())
        if row is None:
            rows = self.dataset.finder.search(self.text(), limit=1)
            row = rows[0] if rows else None
        if row is not None:
            self._choose(row)

    def _choose(self, row: int) -> None:
        self.setText(self.label(row))
        self.school_chosen.emit(row)
