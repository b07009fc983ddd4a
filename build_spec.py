"""PyInstaller build for TrustMatch (placeholder until the packaging issue: not yet built or tested).

    pyinstaller build_spec.py

Ships the same folders `trustmatch.data.paths` looks for at the bundle root (sys._MEIPASS): resources/ (dataset,
LA lookup, evidence) and maps/ (only the prepared JSON: GDAL is not needed at run time).
"""

# PyInstaller runs spec files with Analysis, PYZ, EXE and COLLECT already defined.
datas = [
    ("resources", "resources"),
    ("maps/england_bng.json", "maps"),
    ("maps/README.md", "maps"),
    ("data/PROVENANCE.md", "data"),
]

a = Analysis(["trustmatch/__main__.py"], datas=datas, excludes=["geopandas", "pyogrio", "scipy", "pandas"])  # noqa: F821
pyz = PYZ(a.pure)  # noqa: F821
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name="TrustMatch", console=False)  # noqa: F821
coll = COLLECT(exe, a.binaries, a.datas, name="TrustMatch")  # noqa: F821
