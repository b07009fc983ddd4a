"""The layers hold: the import-linter contracts in pyproject.toml, and the rules they cannot express."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pyproject_deps import ROOT, runtime_dependencies


def tool(name: str) -> Path:
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        pytest.fail(f"{name} is missing: install the test extra again (pip install -e '.[test]')")
    return path


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    # --no-cache: a stale cache from another checkout must not hide a new import.
    return subprocess.run(
        [str(tool("lint-imports")), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(cwd), "PATH": ""},
    )


def test_ruff_finds_nothing():
    """The tree stays clean under the rules in pyproject.toml [tool.ruff]."""
    result = subprocess.run(
        [str(tool("ruff")), "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "bad_import"),
    [
        ("trustmatch/fit/graph.py", "import PySide6.QtCore"),
        ("trustmatch/app/session.py", "import trustmatch.cli.output"),
        ("trustmatch/ui/candidates.py", "from trustmatch.cli import output"),
        ("trustmatch/cli/rank.py", "import trustmatch.ui.map_view"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, bad_import):
    """The contracts bite: the same check fails on a copy of the tree with one forbidden import added."""
    shutil.copytree(ROOT / "trustmatch", tmp_path / "trustmatch", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(bad_import + "\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_export_draws_with_qtgui_never_with_widgets():
    """import-linter sees only top-level external packages, so the Qt-module rule for export is checked here."""
    for path in (ROOT / "trustmatch" / "export").rglob("*.py"):
        widgets = {name for name in imported_names(path) if name.startswith("PySide6.QtWidgets")}
        assert widgets == set(), f"{path.relative_to(ROOT)} imports {sorted(widgets)}"


def test_imported_names_reads_widget_imports():
    """The export check above would notice a widget import (it is vacuous while export/ is absent)."""
    sample = ROOT / "trustmatch" / "ui" / "candidates.py"
    assert any(name.startswith("PySide6.QtWidgets") for name in imported_names(sample))


def third_party_imports(paths) -> dict[str, str]:
    """Top-level modules imported by `paths` that are neither the standard library nor trustmatch, with a file."""
    found = {}
    for path in paths:
        for name in imported_names(path):
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names and top not in ("trustmatch", "__future__"):
                found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_module_the_app_imports_is_a_declared_dependency():
    """A dependency dropped from pyproject.toml while a module still imports it passes on any machine that had
    it installed, and fails on a fresh one: pyqtgraph was dropped while the meeting map still imported it."""
    declared = set().union(*runtime_dependencies().values())
    imports = third_party_imports((ROOT / "trustmatch").rglob("*.py"))
    undeclared = {module: path for module, path in imports.items() if module not in declared}
    assert undeclared == {}, f"imported but not in pyproject.toml's dependencies: {undeclared}"
