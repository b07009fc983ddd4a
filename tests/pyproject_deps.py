"""The app's runtime dependencies as pyproject.toml declares them, for the tests that check them against imports."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Distribution -> the top-level modules it provides, where the names differ (shiboken6 comes with PySide6).
PROVIDES = {"PySide6-Essentials": {"PySide6", "shiboken6"}, "XlsxWriter": {"xlsxwriter"}}


def runtime_dependencies() -> dict[str, set[str]]:
    """Each distribution in [project] dependencies, with the top-level modules it provides."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[=~<>!\[ ;]", spec, maxsplit=1)[0] for spec in project["dependencies"]]
    return {name: PROVIDES.get(name, {name}) for name in names}
