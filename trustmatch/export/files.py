"""Writing an export file safely, and naming it so that every filesystem accepts the name.

Every export is written under a temporary name in the target folder, synced and
then renamed over the target: a cancel, a crash or a full disk leaves either the
old file or nothing, never half a file.  Whatever goes wrong becomes one
`ExportProblem` sentence naming the file.
"""

from __future__ import annotations

import errno
import glob
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from trustmatch.app.problems import UserError
from trustmatch.data import paths

# Names Windows keeps for devices, whatever the extension ("CON.pdf" cannot be created there).
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 100  # well under every filesystem's 255-byte limit, leaving room for the folder on Windows


class ExportProblem(UserError):
    """An export that could not be written, in one sentence; no partial file is left behind."""


def safe_filename(stem: str, suffix: str) -> str:
    """A file name from free text that Windows, macOS and Linux all accept: ASCII letters, digits and
    simple punctuation, no reserved device names, no trailing dots or spaces, at most MAX_STEM characters."""
    text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    text = text.replace("&", "and")
    text = re.sub(r"[^A-Za-z0-9 ._(),'-]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" .-")
    text = text[:MAX_STEM].rstrip(" .-")
    if not text or text.split(".")[0].upper() in WINDOWS_RESERVED:
        text = f"_{text}"
    return text + suffix


def school_filename(school, suffix: str) -> str:
    """'100000 St Mary's CofE Primary School.pdf': the URN first, so files sort and stay unique."""
    return safe_filename(f"{school.urn} {school.name}", suffix)


@contextmanager
def atomic_file(path: Path | str) -> Iterator[BinaryIO]:
    """A binary file that becomes `path` only once wholly written and synced (paths.atomic_write).

    On any error (or a cancel) the temporary file is removed and the old file,
    if any, is untouched.  OS errors become one ExportProblem sentence; a
    missing folder is one too (an export never makes folders on its own).
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportProblem(problem_sentence(path, FileNotFoundError(errno.ENOENT, "No such folder")))
    stage = {"now": "write"}

    def replacing() -> None:
        stage["now"] = "replace"

    try:
        with paths.atomic_write(path, before_replace=replacing) as out:
            yield out
    except OSError as err:
        raise ExportProblem(problem_sentence(path, err, stage["now"])) from None


def write_bytes(path: Path | str, data: bytes) -> None:
    with atomic_file(path) as out:
        out.write(data)


def problem_sentence(path: Path, err: OSError, stage: str = "write") -> str:
    """One sentence a user can act on, for an OS error while writing `path`."""
    folder = path.parent
    code = err.errno
    if code == errno.ENOENT:
        return f"{path.name} was not saved: there is no folder {folder}."
    if code == errno.ENOTDIR:
        return f"{path.name} was not saved: {folder} is not a folder."
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"{path.name} was not saved: the disk holding {folder} is full; free some space and export again."
    if code == errno.EROFS:
        return f"{path.name} was not saved: {folder} is on a read-only disk."
    if code == errno.EISDIR or path.is_dir():
        return f"{path.name} was not saved: a folder of that name is in the way."
    if code in (errno.EACCES, errno.EPERM, errno.EBUSY):
        if stage == "replace" and path.exists():
            # Windows refuses to replace a file another program holds open (Excel, a PDF viewer).
            return f"{path} is open in another program or read-only; close it and export again."
        return f"{path.name} was not saved: {folder} cannot be written to."
    if code == errno.ENAMETOOLONG:
        return f"{path.name} was not saved: the folder path {folder} is too long."
    return f"{path.name} was not saved to {folder} ({err.strerror or err})."


def ensure_folder(folder: Path | str) -> Path:
    """The output folder, made if its parent exists; one sentence if it cannot be."""
    folder = Path(folder)
    if folder.is_dir():
        return folder
    if folder.exists():
        raise ExportProblem(f"{folder} is a file, not a folder.")
    try:
        folder.mkdir()
    except FileNotFoundError:
        raise ExportProblem(f"There is no folder {folder.parent} to export into.") from None
    except OSError as err:
        raise ExportProblem(f"The folder {folder} could not be made ({err.strerror or err}).") from None
    return folder


def remove_parts(targets) -> None:
    """Remove what is left of these files' temporary copies (after worker processes were stopped mid-write)."""
    for path in map(Path, targets):
        for leftover in path.parent.glob(f"{glob.escape(path.name)}.*{paths.PART_SUFFIX}"):
            leftover.unlink(missing_ok=True)
