"""The desktop bundle: build it with build_spec.py, run its self-test and its window, and check what it holds.

Slow (one PyInstaller build, 1-3 minutes here); the README's test command runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trustmatch.data import paths

ROOT = Path(__file__).resolve().parents[1]
EXE = ".exe" if sys.platform == "win32" else ""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("pyinstaller")
    spec = str(ROOT / "build_spec.py")
    command = [sys.executable, spec, "--distpath", str(work / "dist"), "--workpath", str(work / "build")]
    result = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    return work / "dist" / "TrustMatch"


def run_frozen(program: Path, *args: str, env: dict | None = None, tmp_path: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    environment.update({"QT_QPA_PLATFORM": "offscreen", paths.DATA_DIR_ENV: str(tmp_path / "userdata")}, **(env or {}))
    command = [str(program), *args]
    return subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300)


def test_frozen_self_test_passes_every_step(bundle, tmp_path):
    result = run_frozen(bundle / f"trustmatch-cli{EXE}", "--self-test", tmp_path=tmp_path)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "frozen bundle" in lines[0]
    steps = [line.split()[:2] for line in lines[1:-1]]
    assert [name for _, name in steps] == ["data", "find", "rank", "grid-refs", "window", "csv", "xlsx", "pdf", "batch"]
    has_exports = (ROOT / "trustmatch" / "export").is_dir()  # then the bundle must carry and run them
    for status, name in steps:
        assert status == ("n/a" if name in ("csv", "xlsx", "pdf", "batch") and not has_exports else "ok"), lines
    assert str(bundle) in lines[1]  # the data came from inside the bundle (sys._MEIPASS), not this checkout
    assert lines[-1].startswith("self-test passed")


def test_frozen_window_opens_and_becomes_interactive(bundle, tmp_path):
    result = run_frozen(bundle / f"TrustMatch{EXE}", env={"TRUSTMATCH_QUIT_WHEN_READY": "1"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "ready"


def test_frozen_command_line_finds_a_school_and_reports_bad_input(bundle, tmp_path):
    found = run_frozen(bundle / f"trustmatch-cli{EXE}", "find", "143283", tmp_path=tmp_path)
    assert found.returncode == 0, found.stderr
    assert "St Mary's Church of England Primary School, Portbury" in found.stdout
    missing = run_frozen(bundle / f"trustmatch-cli{EXE}", "find", "999999", tmp_path=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "trustmatch: No school matches '999999'."


def test_bundle_holds_data_attribution_licence_and_icons(bundle):
    inside = bundle / "_internal"
    for item in paths.SHIPPED:
        assert (inside / item).exists(), item
    attribution = (inside / "resources" / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in attribution
    assert (bundle / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert (inside / "resources" / "icons" / "trustmatch-256.png").is_file()
    assert list(inside.rglob("proj.db")), "pyproj's PROJ data is missing: the importer cannot convert grid references"
    if sys.platform.startswith("linux"):
        assert (bundle / "trustmatch.desktop").is_file() and (bundle / "install.sh").is_file()


def test_bundle_leaves_out_gdal_other_qt_bindings_and_tools(bundle):
    parts = {part.lower() for p in bundle.rglob("*") for part in p.relative_to(bundle).parts}
    for package in ["geopandas", "pyogrio", "fiona", "scipy", "pandas", "matplotlib", "pyqt5", "pyqt6",
                    "pyside2", "tkinter", "pytest", "translations"]:
        assert package not in parts, package
    for prefix in ["libgdal", "gdal", "libqt6webengine", "qt6webengine", "libqt6qml", "_tkinter", "libtk", "libtcl"]:
        assert not [p for p in parts if p.startswith(prefix)], prefix
    assert not [p for p in parts if p.endswith(".gpkg")]
    listing = subprocess.run(
        [sys.executable, "-m", "PyInstaller.utils.cliutils.archive_viewer", "--list", "--recursive", "--brief",
         str(bundle / f"TrustMatch{EXE}")],
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    modules = {line.strip().split(".")[0] for line in listing.splitlines()}
    assert {"trustmatch", "pyproj", "shapely"} <= modules  # shapely: the PDF pack's maps
    assert not modules & {"geopandas", "pyogrio", "scipy", "pandas", "matplotlib", "tkinter", "pytest",
                          "hypothesis", "PyQt5", "PyQt6", "PySide2", "setuptools", "pyqtgraph"}


def test_bundle_is_under_300_mb(bundle):
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 300 * 1024**2, f"{size / 1024**2:.0f} MB"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="install.sh and the menu entry are for Linux")
def test_linux_install_puts_the_app_in_the_menu_with_its_icon(bundle, tmp_path):
    home = tmp_path / "home"
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    result = subprocess.run(["sh", str(bundle / "install.sh")], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    target = home / ".local" / "opt" / "TrustMatch"
    entry = (home / ".local" / "share" / "applications" / "trustmatch.desktop").read_text(encoding="utf-8")
    assert f"Exec={target / 'TrustMatch'}\n" in entry and "Icon=trustmatch\n" in entry
    assert (home / ".local" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "trustmatch.png").is_file()
    assert (home / ".local" / "bin" / "TrustMatch").resolve() == (target / "TrustMatch").resolve()
    installed = run_frozen(home / ".local" / "bin" / "TrustMatch", "--version", tmp_path=tmp_path)
    assert installed.returncode == 0 and installed.stdout.startswith("TrustMatch ")
