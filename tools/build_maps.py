"""Prepare maps/england_bng.json from maps/england_boundaries_bsc_bng.gpkg.

The app draws the outline, regions and upper-tier local authorities from the
JSON with the standard library alone, so GDAL (geopandas/pyogrio) is needed only
here, at build time, and never on the app's start-up path or in a frozen build.
Coordinates are British National Grid metres rounded to whole metres (the
shapes are ONS "super generalised", accurate to hundreds of metres).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "maps" / "england_boundaries_bsc_bng.gpkg"
TARGET = ROOT / "maps" / "england_bng.json"
LAYERS = {"outline": "england_outline", "regions": "regions", "utla": "utla_2025"}


def polygons(geometry):
    return list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]


def rings(geometry) -> list[list[list[int]]]:
    out = []
    for polygon in polygons(geometry):
        for ring in [polygon.exterior, *polygon.interiors]:
            out.append([[round(x), round(y)] for x, y in ring.coords])
    return out


def build() -> dict:
    import geopandas as gpd

    document = {
        "crs": "EPSG:27700",
        "source": "ONS boundaries (super generalised, 2025), Open Government Licence v3.0",
        "layers": {},
    }
    for name, layer in LAYERS.items():
        frame = gpd.read_file(SOURCE, layer=layer)
        if frame.crs is None or frame.crs.to_epsg() != 27700:
            sys.exit(f"{SOURCE.name} layer {layer} is not in British National Grid")
        document["layers"][name] = [
            {"code": row.areacd, "name": row.areanm, "rings": rings(row.geometry)}
            for row in frame.sort_values("areacd").itertuples()
        ]
    return document


def serialise(document: dict) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


if __name__ == "__main__":
    TARGET.write_text(serialise(build()), encoding="utf-8")
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes)")
