"""Where TrustMatch finds its shipped files and keeps the user's own.

Shipped files (resources/, maps/) sit at the top of a checkout, inside the
installed package in a wheel (pyproject.toml maps them there), and at the
bundle root in a PyInstaller build (sys._MEIPASS; build_spec.py ships the same
folders).  `app_root` is the one place that knows which.  The user's files (imported dataset, settings, recovery files)
live in the platform's user data folder unless --data-dir or
TRUSTMATCH_DATA_DIR says otherwise.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import platformdirs

# Everything an install ships, relative to app_root(): the wheel maps these into the package
# (pyproject.toml) and build_spec.py bundles exactly this list.  GDAL's maps/*.gpkg stays behind.
SHIPPED = ("resources", "maps/england_bng.json", "maps/README.md")

DATA_DIR_ENV = "TRUSTMATCH_DATA_DIR"
_data_dir_override: Path | None = None


def app_root() -> Path:
    """The folder holding resources/ and maps/ in this install."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    package = Path(__file__).resolve().parents[1]
    if (package / "resources").is_dir():  # installed from a wheel
        return package
    return package.parent  # a checkout (also an editable install)


def resource(*parts: str) -> Path:
    return app_root().joinpath("resources", *parts)


def map_file(name: str) -> Path:
    return app_root() / "maps" / name


def bundled_dataset() -> Path:
    return resource("data", "dataset.json.gz")


def bundled_raw_extract() -> Path:
    return app_root() / "data" / "raw" / "gias_edubasealldata_20250718.csv.gz"


def set_data_dir(path: str | os.PathLike | None) -> None:
    global _data_dir_override
    _data_dir_override = Path(path) if path else None


def data_dir() -> Path:
    if _data_dir_override is not None:
        return _data_dir_override
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("TrustMatch", appauthor=False))


def imported_dataset() -> Path:
    return data_dir() / "dataset.json.gz"


def previous_dataset() -> Path:
    """The dataset in use before the last import (or restore), kept for one step back."""
    return previous_of(imported_dataset())


def previous_of(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name.replace(".json.gz", "") + ".previous.json.gz")


def active_dataset() -> Path:
    """The user's imported dataset if there is one, else the bundled one."""
    imported = imported_dataset()
    return imported if imported.exists() else bundled_dataset()


# --- writing the user's files --------------------------------------------------

PART_SUFFIX = ".part"
# A temporary file names the process writing it: name.PID.random.part
_PART_NAME = re.compile(r"\.(\d+)\.[^.]*\.part$")
# Where it cannot be told whether that process still runs (Windows), a day-old temporary file is an orphan.
ORPHAN_AGE_S = 24 * 3600


@contextmanager
def atomic_write(path: Path, before_replace=None):
    """A binary file that replaces `path` only once wholly written and on disk.

    A failure, a full disk or a kill at any moment leaves the old file as it was;
    a kill can leave a temporary `.part` file, which `remove_orphans` clears later.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f"{path.name}.{os.getpid()}.", suffix=PART_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; nothing here is secret
        if before_replace is not None:
            before_replace()
        os.replace(temporary, path)
        sync_folder(path.parent)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _running(pid: int) -> bool | None:
    if os.name != "posix":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_orphans(folder: Path | None = None) -> list[Path]:
    """Delete temporary files left by a write that was killed (their process no longer runs)."""
    folder = Path(folder or data_dir())
    removed = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.endswith(PART_SUFFIX)]
    except OSError:
        return removed
    for part in candidates:
        match = _PART_NAME.search(part.name)
        alive = _running(int(match.group(1))) if match else None
        try:
            if alive is False or (alive is None and time.time() - part.stat().st_mtime > ORPHAN_AGE_S):
                part.unlink()
                removed.append(part)
        except OSError:
            pass  # in use or already gone: the next start tries again
    return removed
