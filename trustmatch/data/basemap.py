"""England's outline, regions and upper-tier local authorities for drawing under the schools.

Read from maps/england_bng.json (British National Grid metres), prepared at
build time by tools/build_maps.py so that no GDAL is needed here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustmatch.data import paths

LAYERS = ("outline", "regions", "utla")


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    rings: tuple[np.ndarray, ...]  # each an (n, 2) array of BNG metres, closed


class Basemap:
    def __init__(self, layers: dict[str, list[Area]]):
        self.layers = layers

    @classmethod
    def load(cls, path: Path | None = None) -> Basemap:
        document = json.loads(Path(path or paths.map_file("england_bng.json")).read_text(encoding="utf-8"))
        return cls(
            {
                name: [
                    Area(a["code"], a["name"], tuple(np.asarray(r, dtype=np.float64) for r in a["rings"]))
                    for a in document["layers"][name]
                ]
                for name in LAYERS
            }
        )

    def bounds(self) -> tuple[float, float, float, float]:
        points = np.concatenate([r for area in self.layers["outline"] for r in area.rings])
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)
