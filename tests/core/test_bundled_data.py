"""What ships in the repository matches what its sources build, and the repository stands alone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trustmatch.data import paths
from trustmatch.data.basemap import Basemap
from trustmatch.data.dataset import Dataset, load
from trustmatch.data.gias import import_gias

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_shipped_dataset_is_what_the_raw_extract_builds():
    rebuilt = Dataset.from_import(import_gias(paths.bundled_raw_extract()))
    shipped = load(paths.bundled_dataset())
    assert json.dumps(rebuilt.to_document(), sort_keys=True) == json.dumps(shipped.to_document(), sort_keys=True)


@pytest.mark.slow
def test_shipped_maps_are_what_the_geopackage_builds():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_maps
    finally:
        sys.path.pop(0)
    assert build_maps.serialise(build_maps.build()) == (ROOT / "maps" / "england_bng.json").read_text(encoding="utf-8")


def test_basemap_layers_and_every_school_joins_an_area(dataset):
    basemap = Basemap.load()
    assert len(basemap.layers["outline"]) == 1
    assert len(basemap.layers["regions"]) == 9
    assert len(basemap.layers["utla"]) == 153
    utla_codes = {a.code for a in basemap.layers["utla"]}
    region_codes = {a.code for a in basemap.layers["regions"]}
    # Schools join areas by their DfE LA code through the lookup, never by point-in-polygon.
    assert set(dataset.columns["utla_code"]) <= utla_codes
    assert set(dataset.columns["region_code"]) <= region_codes
    assert len(set(dataset.columns["utla_code"])) == 153
    x0, y0, x1, y1 = basemap.bounds()
    assert x0 < dataset.xy[:, 0].min() and dataset.xy[:, 0].max() < x1
    assert y0 < dataset.xy[:, 1].min() and dataset.xy[:, 1].max() < y1


def test_nothing_reads_the_shared_folder():
    pattern = re.compile(r"\.\./shared|/shared/")
    offenders = []
    for folder in ("trustmatch", "tests", "tools", "bench", ".ci"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in (".py", "") and path != Path(__file__):
                if pattern.search(path.read_text(encoding="utf-8", errors="replace")):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.slow
def test_core_imports_without_qt():
    """The core never imports PySide6: run it with Qt made unimportable."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt is blocked in this test')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from trustmatch.data import dataset, paths, search, trusts, basemap, gias\n"
        "from trustmatch.fit import graph, ranking, criteria, evidence\n"
        "from trustmatch.app import session, lookup\n"
        "from trustmatch.cli import main, rank\n"
        "d = dataset.load(paths.bundled_dataset())\n"
        "e = ranking.FitEngine(d)\n"
        "print(len(e.evaluate(0).rank(ranking.PRESETS['balanced']).rows(3)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3"


@pytest.mark.slow
def test_a_version_1_dataset_still_loads_with_its_status_column_renamed(tmp_path):
    import gzip
    import json

    from trustmatch.data import dataset as ds

    with gzip.open(paths.bundled_dataset(), "rb") as f:
        document = json.loads(f.read())
    document["version"] = 1
    document["columns"]["status"] = document["columns"].pop("governance")
    old = tmp_path / "old.json.gz"
    old.write_bytes(gzip.compress(json.dumps(document).encode()))
    loaded = ds.load(old)
    assert loaded.school_by_urn(100000).governance == "maintained"
