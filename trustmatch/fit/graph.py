"""The school-trust graph, and the hubs each trust's schools form in it.

Nodes are schools ("school", row) and trusts ("trust", code).  Membership edges
join a school to its trust; proximity edges join two schools of the same trust
that lie within the travel radius, weighted by their distance in km.

Why proximity edges only within a trust: at the default 10 km, England's
22,011 schools make 1.9 million pairs, which networkx would take seconds and
gigabytes to hold, while every question the app asks of "any school nearby"
(how far is the nearest member, which same-phase schools are within reach) is
answered in microseconds by vectorised distances over the member arrays.  The
edges inside trusts (about 25,000) are exactly what defines the hubs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

# 10 km straight line is roughly the "20 minutes' drive" within which sector
# guidance (R. Hill 2017; NGA 2015 "half a lunch break") expects a cluster's
# schools to sit: road distance runs ~1.3x straight line at 35-40 km/h.
DEFAULT_RADIUS_KM = 10.0


@dataclass(frozen=True)
class Hub:
    trust_code: str
    members: tuple[int, ...]  # school rows
    name: str  # the town most of its schools are in
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


def _pairs_within(xy: np.ndarray, groups, radius_km: float):
    """Every pair of schools in the same group closer than the radius, with their distance in km.

    Trusts are small (the largest has a few hundred schools), so all pairs inside
    each one cost less than any spatial index, and need no extra library.
    """
    firsts, seconds, lengths = [], [], []
    for members in groups:
        if len(members) < 2:
            continue
        rows = np.asarray(members)
        points = xy[rows]
        km = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1)) / 1000.0
        i, j = np.nonzero(np.triu(km <= radius_km, k=1))
        firsts.append(rows[i])
        seconds.append(rows[j])
        lengths.append(km[i, j])
    if not firsts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(lengths)


def school_node(row: int) -> tuple[str, int]:
    return ("school", row)


def trust_node(code: str) -> tuple[str, str]:
    return ("trust", code)


def _connected_components(graph):
    import networkx as nx

    return nx.connected_components(graph)


class SchoolTrustGraph:
    def __init__(self, dataset, radius_km: float = DEFAULT_RADIUS_KM):
        self.dataset = dataset
        self.radius_km = radius_km
        import networkx as nx  # imported here, not at the top: 0.2 s the window need not wait for at start

        trusts = dataset.trusts
        graph = nx.Graph()
        graph.add_nodes_from(school_node(i) for i in range(len(dataset)))
        graph.add_nodes_from((trust_node(t.code) for t in trusts), kind="trust")
        graph.add_edges_from(
            ((school_node(m), trust_node(t.code)) for t in trusts for m in t.members), kind="member"
        )
        members = np.flatnonzero(trusts.school_trust >= 0)
        a, b, km = _pairs_within(dataset.xy, [t.members for t in trusts], radius_km)
        graph.add_edges_from(
            (school_node(int(i)), school_node(int(j)), {"kind": "near", "km": float(d)})
            for i, j, d in zip(a, b, km)
        )
        self.graph = graph
        self._near = nx.Graph()
        self._near.add_nodes_from(members.tolist())
        self._near.add_edges_from(zip(a.tolist(), b.tolist()))
        # Proximity edges never cross trusts, so each connected component of
        # the proximity graph is one hub of one trust.
        self.shapes = self._all_shapes(members)

    def _all_shapes(self, members: np.ndarray) -> dict[str, Shape]:
        dataset, trusts = self.dataset, self.dataset.trusts
        hubs_of: dict[str, list[Hub]] = {t.code: [] for t in trusts}
        for part in _connected_components(self._near):
            rows = tuple(sorted(part))
            code = trusts[int(trusts.school_trust[rows[0]])].code
            hubs_of[code].append(self._hub(code, rows))
        owner = trusts.school_trust[members]
        centres = np.array([t.centroid for t in trusts]).reshape(-1, 2)  # (0, 2) when there are no trusts
        squared = ((dataset.xy[members] - centres[owner]) ** 2).sum(axis=1)
        counts = np.bincount(owner, minlength=len(trusts))
        spread = np.sqrt(np.bincount(owner, weights=squared, minlength=len(trusts)) / counts) / 1000.0
        shapes = {}
        for trust in trusts:
            hubs = sorted(hubs_of[trust.code], key=lambda h: (-h.size, h.members[0]))
            shapes[trust.code] = Shape(tuple(hubs), hubs[0].size / trust.school_count, float(spread[trust.index]))
        return shapes

    def _hub(self, code: str, rows: tuple[int, ...]) -> Hub:
        cols = self.dataset.columns
        towns = Counter(cols["town"][r] or cols["la_name"][r] for r in rows)
        town = min(towns, key=lambda k: (-towns[k], k))
        xs, ys = zip(*(self.dataset.xy[r] for r in rows))
        return Hub(code, rows, town, (sum(xs) / len(rows), sum(ys) / len(rows)))

    def members_of(self, code: str) -> list[int]:
        return sorted(row for kind, row in self.graph.neighbors(trust_node(code)) if kind == "school")

    def near_neighbours(self, row: int) -> list[tuple[int, float]]:
        """Schools of the same trust within the radius, with their distance in km."""
        edges = self.graph[school_node(row)]
        return sorted((n[1], e["km"]) for n, e in edges.items() if e.get("kind") == "near")

    def _shape(self, code: str, members: list[int]) -> Shape:
        parts = _connected_components(self._near.subgraph(members))
        hubs = [self._hub(code, tuple(sorted(part))) for part in parts]
        hubs.sort(key=lambda h: (-h.size, h.members[0]))
        if not hubs:
            return Shape((), 0.0, 0.0)
        xy = self.dataset.xy[members]
        spread = float(np.sqrt(((xy - xy.mean(axis=0)) ** 2).sum(axis=1).mean()) / 1000.0)
        return Shape(tuple(hubs), hubs[0].size / len(members), spread)

    def shape_without(self, code: str, row: int) -> Shape:
        """The trust's shape with one school left out (the school being scored)."""
        members = [m for m in self.dataset.trusts.by_code(code).members if m != row]
        return self._shape(code, members)
