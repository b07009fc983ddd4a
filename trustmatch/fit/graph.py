"""The hubs of a trust: compact groups of its schools, found on a graph of the links between them.

For each trust a graph holds its schools as nodes and a link between every two
of them within the hub radius (10 km), weighted by the distance.  A hub is a
clique of that graph, a group of schools all within 10 km of one
another, so a hub can never chain across a county the way connected
components of 10 km links did (a "Gravesend hub" reaching Dagenham across the
Thames).  The trust's schools are covered greedily: the largest clique first
(ties to the one with the shortest links), removed, and so on.

The graphs are small (the largest trust has ~100 schools), so they are plain
adjacency sets and the cliques are found in plain Python: networkx, which the
first version used for one graph of every school and trust, cost a quarter of
a second of every start for an import alone (docs/performance.md).

Hubs are read by the map (one ring per hub), the trust detail, the evidence
and the geography reason ("would join its Bexleyheath hub of 4 schools").  They
are built per trust on first use, so ranking a school from the command line
computes only the hubs of the trusts it prints.  Each hub is named after the
place (a postal town, placed at the centre of its schools in the register)
nearest the hub's centre.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

# 10 km straight line is roughly the "20 minutes' drive" within which sector
# guidance (R. Hill 2017; NGA 2015 "half a lunch break") expects a cluster's
# schools to sit: road distance runs ~1.3x straight line at 35-40 km/h.
DEFAULT_RADIUS_KM = 10.0
WITHOUT_KEPT = 256  # shapes of a school's own trust without it, kept (SchoolTrustGraph.shape_without)


@dataclass(frozen=True)
class Hub:
    trust_code: str
    members: tuple[int, ...]  # school rows
    name: str  # the place nearest its centre
    centre: tuple[float, float]  # BNG metres

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Shape:
    """How a trust's schools sit on the map."""

    hubs: tuple[Hub, ...]  # largest first
    largest_share: float  # share of the schools in the largest hub
    spread_km: float  # root-mean-square distance of its schools from their centre

    @property
    def hub_count(self) -> int:
        return len(self.hubs)


def links(xy: np.ndarray, rows, radius_km: float) -> tuple[dict[int, set[int]], dict[tuple[int, int], float]]:
    """The graph of schools `rows`: each school's neighbours within the radius, and each link's length in km."""
    rows = sorted(int(r) for r in rows)
    points = xy[rows]
    km = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1)) / 1000.0
    i, j = np.nonzero(np.triu(km <= radius_km, k=1))
    adjacent: dict[int, set[int]] = {r: set() for r in rows}
    length: dict[tuple[int, int], float] = {}
    for a, b, d in zip(i.tolist(), j.tolist(), km[i, j].tolist()):
        adjacent[rows[a]].add(rows[b])
        adjacent[rows[b]].add(rows[a])
        length[rows[a], rows[b]] = d
    return adjacent, length


def maximal_cliques(adjacent: dict[int, set[int]]) -> list[frozenset[int]]:
    """Every maximal clique (Bron-Kerbosch with a pivot): each trust's graph is small, so plain Python does."""
    found: list[frozenset[int]] = []

    def grow(clique: frozenset[int], candidates: set[int], excluded: set[int]) -> None:
        if not candidates and not excluded:
            found.append(clique)
            return
        pivot = max(candidates | excluded, key=lambda v: (len(adjacent[v] & candidates), -v))
        for v in sorted(candidates - adjacent[pivot]):
            grow(clique | {v}, candidates & adjacent[v], excluded & adjacent[v])
            candidates = candidates - {v}
            excluded = excluded | {v}

    grow(frozenset(), set(adjacent), set())
    return found


def hub_groups(graph) -> list[tuple[int, ...]]:
    """Cover the graph's schools with cliques, largest first (ties: shortest total link, then lowest row).

    Any clique left after some schools are taken is part of one of the graph's
    maximal cliques, so those are listed once and trimmed as schools are taken.
    """
    adjacent, length = graph
    left = [set(c) for c in maximal_cliques(adjacent)]
    groups = []
    while left:

        def key(clique):
            ordered = sorted(clique)
            total = sum(length[a, b] for k, a in enumerate(ordered) for b in ordered[k + 1 :])
            return (-len(clique), total, ordered[0])

        best = min(left, key=key)
        groups.append(tuple(sorted(best)))
        left = [rest for rest in (c - best for c in left) if rest]
    return groups


def place_name(town: str, la_name: str) -> str:
    """The place a school is in: its postal town, or its borough when the town is "London" (in any case) or not
    recorded.

    Taken within the local authority wherever a place is compared (hub names, the school's town), so that two
    towns of one name (Gillingham in Kent and in Dorset) stay apart.
    """
    return la_name if town.strip().casefold() in ("", "london") else town


def shown_place(name: str) -> str:
    """A place name as shown: some towns are recorded in capitals ("BRISTOL"), shown as the others are."""
    return name.title() if name.isupper() else name


class SchoolTrustGraph:
    """Hubs and shapes of every trust, computed per trust when first asked for."""

    def __init__(self, dataset, radius_km: float = DEFAULT_RADIUS_KM):
        self.dataset = dataset
        self.radius_km = radius_km
        self.shapes = Shapes(self)
        self._without: dict[tuple[str, int], Shape] = {}

    @cached_property
    def _places(self) -> tuple[list[str], np.ndarray]:
        """Every postal town in the register, placed at the centre of its schools.

        A town is taken per local authority, so that two towns of one name
        (Gillingham in Kent and in Dorset) stay apart; schools with the postal
        town "London" are placed by their borough instead.
        """
        cols = self.dataset.columns
        names = [place_name(t, n) for t, n in zip(cols["town"], cols["la_name"])]
        index: dict[tuple[str, str], int] = {}
        keys = zip(names, cols["la_code"])
        inverse = np.fromiter((index.setdefault(k, len(index)) for k in keys), dtype=np.int64, count=len(names))
        unique = list(index)
        counts = np.bincount(inverse, minlength=len(unique))
        centres = (
            np.column_stack(
                [np.bincount(inverse, weights=self.dataset.xy[:, axis], minlength=len(unique)) for axis in (0, 1)]
            )
            / counts[:, None]
        )
        return [shown_place(name) for name, _ in unique], centres

    def places_nearest(self, points: np.ndarray) -> list[str]:
        names, centres = self._places
        nearest = np.argmin(((centres[None, :, :] - points[:, None, :]) ** 2).sum(axis=2), axis=1)
        return [names[k] for k in nearest]

    def shape(self, code: str, members) -> Shape:
        members = sorted(members)
        if not members:
            return Shape((), 0.0, 0.0)
        # a lone school is its own hub: no graph needed
        groups = [tuple(members)] if len(members) == 1 else hub_groups(links(self.dataset.xy, members, self.radius_km))
        centres = np.array([self.dataset.xy[list(g)].mean(axis=0) for g in groups])
        hubs = [
            Hub(code, g, name, (float(c[0]), float(c[1])))
            for g, name, c in zip(groups, self.places_nearest(centres), centres)
        ]
        hubs.sort(key=lambda h: (-h.size, h.members[0]))
        xy = self.dataset.xy[members]
        spread = float(np.sqrt(((xy - xy.mean(axis=0)) ** 2).sum(axis=1).mean()) / 1000.0)
        return Shape(tuple(hubs), hubs[0].size / len(members), spread)

    def shape_without(self, code: str, row: int) -> Shape:
        """The trust's shape with one school left out (the school being scored), kept for the schools last asked
        about: the window and the benchmarks evaluate the same school again and again, and a large trust's hubs
        take milliseconds."""
        shape = self._without.get((code, row))
        if shape is None:
            if len(self._without) >= WITHOUT_KEPT:
                self._without.clear()
            shape = self._without[code, row] = self.shape(
                code, [m for m in self.dataset.trusts.by_code(code).members if m != row]
            )
        return shape


class Shapes(dict):
    """Trust code -> Shape, each computed on first use (the map asks for all; a ranking for a few).

    A dict of the shapes computed so far: indexing, `get` and `in` work for any
    trust of the dataset, computing its shape when first asked.
    """

    def __init__(self, graph: SchoolTrustGraph):
        super().__init__()
        self._graph = graph

    def __missing__(self, code: str) -> Shape:
        trust = self._graph.dataset.trusts.by_code(code)
        if trust is None:
            raise KeyError(code)
        shape = self[code] = self._graph.shape(code, trust.members)
        return shape

    def get(self, code: str, default=None):
        try:
            return self[code]
        except KeyError:
            return default

    def __contains__(self, code) -> bool:
        return self._graph.dataset.trusts.by_code(code) is not None
