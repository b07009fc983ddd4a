"""Trusts derived from the school table: who belongs to each, and its figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustmatch.data.identifiers import is_group_uid

PHASE_GROUP_ORDER = [
    "primary", "secondary", "all-through", "special", "alternative provision", "nursery", "16 plus", "other",
]


@dataclass(frozen=True)
class Trust:
    index: int
    code: str
    name: str
    type: str  # MAT, SAT or Trust (an LA-maintained foundation trust)
    members: tuple[int, ...]  # school row indices
    schools_by_phase: dict[str, int]
    pupils: int
    capacity: int
    fsm_pct: float | None  # weighted by pupils
    religious_characters: dict[str, int]
    faiths: dict[str, int]
    dioceses: dict[str, int]
    las: dict[str, int]
    regions: dict[str, int]
    centroid: tuple[float, float]  # BNG metres

    @property
    def school_count(self) -> int:
        return len(self.members)

    def summary(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "school_count": self.school_count,
            "schools_by_phase": self.schools_by_phase,
            "pupils": self.pupils,
            "capacity": self.capacity,
            "fsm_pct": None if self.fsm_pct is None else round(self.fsm_pct, 1),
            "religious_characters": self.religious_characters,
            "dioceses": self.dioceses,
            "local_authorities": self.las,
            "regions": self.regions,
            "centroid_bng": [round(self.centroid[0]), round(self.centroid[1])],
        }


def group_starts(sizes: list[int]) -> np.ndarray:
    """Where each group begins when groups of these sizes are laid end to end."""
    return np.cumsum([0] + sizes[:-1]).astype(np.int64) if sizes else np.zeros(0, np.int64)


def group_reduce(ufunc, values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """`ufunc.reduceat` over groups laid end to end (along the first axis), which also copes with no groups."""
    if len(starts) == 0:
        return np.zeros((0, *np.shape(values)[1:]), dtype=np.result_type(values, np.float64))
    return ufunc.reduceat(values, starts)


def _code_key(code: str):
    # GIAS group UIDs are numbers; order them as numbers so ties break the same way everywhere.
    return (0, int(code), "") if is_group_uid(code) else (1, 0, code)


def _tallies(school_trust: np.ndarray, values: list[str], count: int, order=None) -> list[dict[str, int]]:
    """For each of `count` trusts, how many of its schools have each non-blank value.

    Most frequent first, ties by value, or in the order `order` gives.  The values are
    numbered and the (trust, value) pairs counted with numpy: a Counter per trust cost
    ten times as much, and this runs as the app starts.
    """
    names = list(order) if order else sorted(set(values))
    number = {name: i for i, name in enumerate(names)}
    ids = np.fromiter(map(number.__getitem__, values), dtype=np.int64, count=len(values))
    member = school_trust >= 0
    pairs, n = np.unique(school_trust[member].astype(np.int64) * len(names) + ids[member], return_counts=True)
    trust, value = np.divmod(pairs, len(names))
    if not order:  # unique() sorted by trust then value: put the most frequent first within each trust
        ranked = np.lexsort((value, -n, trust))
        trust, value, n = trust[ranked], value[ranked], n[ranked]
    tallies: list[dict[str, int]] = [{} for _ in range(count)]
    for t, v, k in zip(trust.tolist(), value.tolist(), n.tolist()):
        if names[v]:
            tallies[t][names[v]] = k
    return tallies


class TrustTable:
    def __init__(self, trusts: list[Trust], school_trust: np.ndarray):
        self.trusts = trusts
        self.school_trust = school_trust  # trust index per school row, -1 for none
        self._by_code = {t.code: t for t in trusts}

    def __len__(self) -> int:
        return len(self.trusts)

    def __iter__(self):
        return iter(self.trusts)

    def __getitem__(self, index: int) -> Trust:
        return self.trusts[index]

    def by_code(self, code: str) -> Trust | None:
        return self._by_code.get(str(code).strip())

    def of_type(self, trust_type: str) -> list[Trust]:
        return [t for t in self.trusts if t.type == trust_type]

    def find(self, text: str) -> list[Trust]:
        """Trusts whose code is `text`, or whose name contains all its words."""
        exact = self.by_code(text)
        if exact:
            return [exact]
        words = text.lower().split()
        hits = [t for t in self.trusts if all(w in t.name.lower() for w in words)]
        wanted = text.strip().lower()
        return sorted(hits, key=lambda t: (t.name.lower() != wanted, t.type != "MAT", -t.school_count, t.name))

    @classmethod
    def from_dataset(cls, dataset) -> TrustTable:
        cols = dataset.columns
        groups: dict[str, list[int]] = {}
        for row, code in enumerate(cols["trust_code"]):
            if code:
                groups.setdefault(code, []).append(row)
        codes = sorted(groups, key=_code_key)
        school_trust = np.full(len(dataset), -1, dtype=np.int32)
        members = [groups[code] for code in codes]
        order = np.fromiter((m for group in members for m in group), dtype=np.int64)
        sizes = [len(group) for group in members]
        starts = group_starts(sizes)
        school_trust[order] = np.repeat(np.arange(len(members), dtype=np.int32), sizes)

        # Sums per trust in one pass each: reduceat over the members laid end to end.
        pupils = dataset.pupils[order]
        fsm = dataset.fsm_pct[order]
        weighted = ~np.isnan(pupils) & ~np.isnan(fsm)
        pupil_sum = group_reduce(np.add, np.nan_to_num(pupils), starts)
        capacity_sum = group_reduce(np.add, np.nan_to_num(dataset.capacity[order]), starts)
        fsm_pupils = group_reduce(np.add, np.where(weighted, fsm * np.nan_to_num(pupils), 0.0), starts)
        fsm_weight = group_reduce(np.add, np.where(weighted, pupils, 0.0), starts)
        counts = np.array(sizes, dtype=np.float64)
        centroid = group_reduce(np.add, dataset.xy[order], starts) / counts[:, None]

        phases = _tallies(school_trust, cols["phase_group"], len(codes), order=PHASE_GROUP_ORDER)
        tallied = {
            column: _tallies(school_trust, cols[column], len(codes))
            for column in ("religious_character", "faith", "diocese", "la_name", "region")
        }
        trusts = []
        for index, (code, group) in enumerate(zip(codes, members)):
            first = group[0]
            trusts.append(
                Trust(
                    index=index,
                    code=code,
                    name=cols["trust_name"][first],
                    type=cols["trust_type"][first],
                    members=tuple(group),
                    schools_by_phase=phases[index],
                    pupils=int(pupil_sum[index]),
                    capacity=int(capacity_sum[index]),
                    fsm_pct=float(fsm_pupils[index] / fsm_weight[index]) if fsm_weight[index] > 0 else None,
                    religious_characters=tallied["religious_character"][index],
                    faiths=tallied["faith"][index],
                    dioceses=tallied["diocese"][index],
                    las=tallied["la_name"][index],
                    regions=tallied["region"][index],
                    centroid=(float(centroid[index, 0]), float(centroid[index, 1])),
                )
            )
        return cls(trusts, school_trust)
