"""PyInstaller build of the TrustMatch desktop app: a folder (onedir) that runs without Python.

    .venv/bin/pip install -e ".[bundle]"
    .venv/bin/python build_spec.py            # or: python build_spec.py --distpath DIR --workpath DIR
    dist/TrustMatch/TrustMatch --self-test

This file is a PyInstaller spec that runs itself: PyInstaller takes only a file named *.spec as a spec
(`pyinstaller build_spec.py` would freeze this file as a program), so `python build_spec.py` hands it to
PyInstaller's spec builder.

Makes dist/TrustMatch/ (and dist/TrustMatch.app on macOS) holding two programs that share one
_internal/ folder: `TrustMatch`, the window (no console on Windows), and `trustmatch-cli`, the same
program with a console, for the command-line commands and `--self-test` on Windows, where a windowed
program has nowhere to print.

What goes in: the folders `trustmatch.data.paths.SHIPPED` names (the one list of what an install ships;
`app_root()` finds them at sys._MEIPASS), LICENSE, and the Linux menu entry beside the programs.  What stays
out: GDAL (geopandas, pyogrio: the maps are prepared JSON), shapely, other Qt bindings, QtWebEngine, QtQml,
QtNetwork, tkinter, the test tools, scipy/pandas/matplotlib, Qt's translations (the app speaks English) and
Qt plugins a desktop app never loads.  pyproj stays, with its PROJ data (its PyInstaller hook collects
proj.db): the GIAS importer converts grid references with it, and the self-test proves that works frozen.
"""

import os
import re
import shutil
import sys


def build_with_pyinstaller() -> None:
    """`python build_spec.py`: run PyInstaller's spec builder (what its command line does for a *.spec) on this file."""
    import argparse

    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="Build the TrustMatch desktop bundle with PyInstaller.")
    parser.add_argument("--distpath", default=os.path.join(here, "dist"), help="where the bundle goes (dist/)")
    parser.add_argument("--workpath", default=os.path.join(here, "build"), help="PyInstaller's work folder (build/)")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    args = parser.parse_args()
    from PyInstaller import compat
    from PyInstaller.building.build_main import main as build

    compat.check_requirements()
    spec = os.path.abspath(__file__)
    build(None, spec, noconfirm=True, distpath=args.distpath, workpath=args.workpath, clean_build=args.clean)


if "SPECPATH" not in globals():  # run as a script, not by PyInstaller
    build_with_pyinstaller()
    raise SystemExit(0)

# From here on PyInstaller runs this file, with SPECPATH, DISTPATH, Analysis, PYZ, EXE, COLLECT and BUNDLE defined.
ROOT = SPECPATH  # noqa: F821
sys.path.insert(0, ROOT)
from trustmatch import __version__  # noqa: E402
from trustmatch.data.paths import SHIPPED  # noqa: E402

NAME = "TrustMatch"
ICONS = os.path.join(ROOT, "resources", "icons")
ICON = {"darwin": os.path.join(ICONS, "trustmatch.icns"), "win32": os.path.join(ICONS, "trustmatch.ico")}

# (source, folder in the bundle): a shipped folder keeps its name, a shipped file goes into its folder.
datas = [
    (os.path.join(ROOT, item), item if os.path.isdir(os.path.join(ROOT, item)) else os.path.dirname(item))
    for item in SHIPPED
]
datas.append((os.path.join(ROOT, "LICENSE"), "."))

excludes = [
    # GDAL and the map-building extra: only tools/build_maps.py needs them.
    "geopandas", "pyogrio", "shapely", "fiona", "osgeo",
    # The test extra.
    "pytest", "_pytest", "pytestqt", "hypothesis", "pytest_benchmark", "pluggy", "iniconfig",
    # Heavy libraries the app does not use (they are installed in a development venv).
    "scipy", "pandas", "matplotlib", "IPython", "setuptools", "pkg_resources",
    # Other Qt bindings, and Qt modules the app never imports.
    "PyQt5", "PyQt6", "PySide2", "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebChannel", "PySide6.QtPdf",
    "PySide6.QtMultimedia", "PySide6.QtDesigner", "PySide6.QtUiTools", "PySide6.QtHelp", "PySide6.QtSql",
    "PySide6.QtXml", "PySide6.QtConcurrent",
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "pydoc_data",
]

# Qt files collected with the modules we use but never loaded by a desktop app.  Matched against the path
# inside the bundle, so a name that exists only on one platform simply matches nothing elsewhere.
UNUSED_QT = re.compile(
    r"PySide6[/\\]Qt[/\\]translations[/\\]"  # the app is English only
    r"|[/\\]platforms[/\\]\w*(eglfs|linuxfb|minimalegl|vnc|vkkhrdisplay)"  # embedded-device platforms
    r"|[/\\](egldeviceintegrations|generic|networkinformation|tls)[/\\]"
    r"|libQt6(EglFSDeviceIntegration|EglFsKmsSupport)"
    r"|[/\\]imageformats[/\\]\w*q(tiff|webp|tga|wbmp|pdf)"
)


def kept(toc):
    return [entry for entry in toc if not UNUSED_QT.search(entry[0])]


a = Analysis(  # noqa: F821
    [os.path.join(ROOT, "trustmatch", "__main__.py")],
    pathex=[ROOT],
    datas=datas,
    excludes=excludes,
    noarchive=False,
)
a.binaries = kept(a.binaries)
a.datas = kept(a.datas)
pyz = PYZ(a.pure)  # noqa: F821


def version_resource(name):
    """Windows file properties (name, version, licence) from trustmatch.__version__."""
    from PyInstaller.utils.win32.versioninfo import (
        FixedFileInfo,
        StringFileInfo,
        StringStruct,
        StringTable,
        VarFileInfo,
        VarStruct,
        VSVersionInfo,
    )

    numbers = tuple(int(n) for n in re.findall(r"\d+", __version__)[:4])
    numbers += (0,) * (4 - len(numbers))
    strings = {
        "CompanyName": "TrustMatch",
        "FileDescription": "TrustMatch: choose a multi-academy trust",
        "FileVersion": __version__,
        "InternalName": name,
        "LegalCopyright": "MIT licence; bundled data OGL v3.0",
        "OriginalFilename": f"{name}.exe",
        "ProductName": NAME,
        "ProductVersion": __version__,
    }
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            StringFileInfo([StringTable("080904B0", [StringStruct(k, v) for k, v in strings.items()])]),
            VarFileInfo([VarStruct("Translation", [0x0809, 1200])]),  # English (UK), Unicode
        ],
    )


def program(name, console):
    return EXE(  # noqa: F821
        pyz,
        a.scripts,
        [],
        exclude_binaries=True,
        name=name,
        console=console,
        icon=ICON.get(sys.platform),  # Linux has no icon in its executables: the .desktop entry names one
        version=version_resource(name) if sys.platform == "win32" else None,
        upx=False,
    )


# The window first: on macOS the app bundle's main executable is the first one collected.
window, cli = program(NAME, console=False), program("trustmatch-cli", console=True)
coll = COLLECT(window, cli, a.binaries, a.datas, name=NAME, upx=False)  # noqa: F821

if sys.platform == "darwin":
    app = BUNDLE(  # noqa: F821
        coll,
        name=f"{NAME}.app",
        icon=ICON["darwin"],
        bundle_identifier="org.trustmatch.TrustMatch",
        version=__version__,
        info_plist={
            "CFBundleDisplayName": NAME,
            "CFBundleVersion": __version__,
            "NSHumanReadableCopyright": "MIT licence; bundled data under the Open Government Licence v3.0",
            "NSHighResolutionCapable": True,
            "LSApplicationCategoryType": "public.app-category.education",
        },
    )

# Beside the programs, where a person unpacking the folder sees them: the licence and, on Linux, the menu entry.
bundle_dir = os.path.join(DISTPATH, NAME)  # noqa: F821
shutil.copy2(os.path.join(ROOT, "LICENSE"), bundle_dir)
if sys.platform.startswith("linux"):
    for name in ("trustmatch.desktop", "install.sh"):
        shutil.copy2(os.path.join(ROOT, "packaging", "linux", name), bundle_dir)
