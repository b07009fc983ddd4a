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
import sys
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


def active_dataset() -> Path:
    """The user's imported dataset if there is one, else the bundled one."""
    imported = imported_dataset()
    return imported if imported.exists() else bundled_dataset()
