"""Every runtime dependency in pyproject.toml is imported by the app: an unused one must not stay (issue 7)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Distribution name -> the module the code imports, where they differ.
MODULE = {"PySide6-Essentials": "PySide6", "XlsxWriter": "xlsxwriter"}


def test_every_runtime_dependency_is_imported_by_the_app():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[=~<>!\[ ;]", spec, maxsplit=1)[0] for spec in project["dependencies"]]
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "trustmatch").rglob("*.py"))
    unused = [
        name
        for name in names
        if not re.search(rf"^\s*(import|from)\s+{re.escape(MODULE.get(name, name))}\b", source, re.MULTILINE)
    ]
    assert unused == [], f"listed in pyproject.toml but imported nowhere in trustmatch/: {unused}"
