"""Asking where to save a shortlist: the window's Save As and the recovery dialog's share one dialog and naming."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from trustmatch.app import shortlist as sl
from trustmatch.export.files import safe_filename

FILE_FILTER = "TrustMatch shortlists (*.trustmatch);;All files (*)"


def suggested_name(school_name: str, tail: str = "") -> str:
    """'Blackrod Anglican Methodist Primary School (recovered).trustmatch': a school's name may hold a '/' or ':'
    that the dialog would take for a folder, so it is made a name every filesystem accepts."""
    return safe_filename(school_name or "shortlist", f"{tail}{sl.SUFFIX}")


def ask_save_path(parent, title: str, suggested) -> str | None:
    """The file the user chose (with the .trustmatch suffix), or None if they cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), FILE_FILTER)
    if not path:
        return None
    return path if path.endswith(sl.SUFFIX) else path + sl.SUFFIX
