"""Scoring every multi-academy trust for one school, ranking them, and saying why.

`FitEngine` is built once per dataset.  `evaluate(school)` computes the facts and
the four criterion scores for every candidate trust at once (vectorised over
the trusts' member schools); `Evaluation.rank(weights, filters)` turns those
into an ordered list and is cheap enough to call on every slider move.  Reasons
are written only for the rows someone will read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustmatch.data.trusts import group_reduce, group_starts
from trustmatch.fit import criteria
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.graph import DEFAULT_RADIUS_KM, SchoolTrustGraph, Shape

PRESETS: dict[str, dict[str, float]] = {
    "balanced": {"ethos": 1, "geography": 1, "phase": 1, "capacity": 1},
    "church school": {"ethos": 3, "geography": 2, "phase": 1, "capacity": 1},
    "rural primary": {"ethos": 1, "geography": 3, "phase": 2, "capacity": 1},
    "local collaboration": {"ethos": 1, "geography": 3, "phase": 3, "capacity": 1},
    "strong trust": {"ethos": 1, "geography": 1, "phase": 1, "capacity": 3},
}

PHASE_GROUPS = [
    "primary", "secondary", "all-through", "special", "alternative provision", "nursery", "16 plus", "other"
]
# How much a trust school of one phase group (columns) counts as experience for
# a school of another (rows): all-through schools teach both primary and
# secondary; nursery and sixth-form phases sit beside primary and secondary.
PHASE_AFFINITY = {
    "primary": {"primary": 1, "all-through": 0.5, "nursery": 0.3},
    "secondary": {"secondary": 1, "all-through": 0.5, "16 plus": 0.3},
    "all-through": {"all-through": 1, "primary": 0.5, "secondary": 0.5},
    "special": {"special": 1, "alternative provision": 0.3},
    "alternative provision": {"alternative provision": 1, "special": 0.3},
    "nursery": {"nursery": 1, "primary": 0.5},
    "16 plus": {"16 plus": 1, "secondary": 0.5},
    "other": {"other": 1},
}
_AFFINITY = np.array([[PHASE_AFFINITY[a].get(b, 0.0) for b in PHASE_GROUPS] for a in PHASE_GROUPS])

ROBUSTNESS_SAMPLES = 100
ROBUSTNESS_SPREAD = 0.35  # sd of the log of each weight's change: most draws within x0.5-x2
ROBUSTNESS_TOP = 5


# Drawn once with a fixed seed: the same input always gives the same robustness.
_ROBUSTNESS_FACTORS = np.exp(
    np.random.default_rng(20211117).normal(0.0, ROBUSTNESS_SPREAD, size=(ROBUSTNESS_SAMPLES, len(CRITERIA)))
)


class RankingProblem(Exception):
    """Bad weights or filters, in one sentence."""


def parse_weights(text: str | None, preset: str | None = None) -> dict[str, float]:
    """Weights from a preset name and/or 'ethos=2,geography=3' (unnamed criteria keep the preset's value)."""
    if preset is not None and preset not in PRESETS:
        raise RankingProblem(f"There is no preset '{preset}'; choose one of: {', '.join(PRESETS)}.")
    weights = dict(PRESETS[preset or "balanced"])
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        name, _, value = part.partition("=")
        name = name.strip().lower()
        if name not in CRITERIA:
            raise RankingProblem(f"'{name}' is not a criterion; use {', '.join(CRITERIA)}.")
        try:
            weights[name] = float(value)
        except ValueError:
            raise RankingProblem(f"The weight for {name} must be a number, not '{value.strip()}'.") from None
    return check_weights(weights)


# Weights are relative; past this their sum overflows in the robustness draws and every total becomes 0.
MAX_WEIGHT = 1000.0


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    for name in CRITERIA:
        value = float(weights.get(name, 0.0))
        if not np.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
            raise RankingProblem(f"The weight for {name} must be zero or more, and at most {MAX_WEIGHT:g}.")
    if sum(float(weights.get(n, 0.0)) for n in CRITERIA) <= 0:
        raise RankingProblem("At least one criterion needs a weight above zero.")
    return {n: float(weights.get(n, 0.0)) for n in CRITERIA}


# A trust whose nearest school is further than this is no practical partner:
# ~50 km straight line is ~90 minutes' drive on rural roads, the distance beyond
# which sector advice asks what local support a school would get.
DEFAULT_MAX_KM = 50.0


def _words(name: str) -> list[str]:
    return name.casefold().replace("-", " ").split()


@dataclass(frozen=True)
class Filters:
    max_km: float | None = DEFAULT_MAX_KM
    compatible_only: bool = True  # church schools need diocesan consent: see docs/scoring.md
    min_schools: int | None = None
    max_schools: int | None = None
    region: str | None = None


@dataclass
class Candidate:
    """One trust with its scores and the facts behind them (rank and robustness None when filtered out)."""

    rank: int | None
    trust_code: str
    trust_name: str
    total: float
    scores: dict[str, float]
    reasons: dict[str, str]
    nearest_km: float
    nearest_school: str
    nearest_school_row: int
    nearest_same_phase_km: float | None
    same_phase_nearby: int  # trust schools of the same or a related phase within the radius
    hub: str | None
    robustness: float | None
    schools: int
    pupils: int
    is_current_trust: bool
    compatible: bool

    def to_json(self) -> dict:
        return {
            "rank": self.rank,
            "trust_code": self.trust_code,
            "trust_name": self.trust_name,
            "total": round(self.total, 1),
            "criteria": {n: {"score": round(self.scores[n], 1), "reason": self.reasons[n]} for n in CRITERIA},
            "nearest_km": round(self.nearest_km, 1),
            "nearest_school": self.nearest_school,
            "nearest_same_phase_km": (
                None if self.nearest_same_phase_km is None else round(self.nearest_same_phase_km, 1)
            ),
            "hub": self.hub,
            "robustness": None if self.robustness is None else round(self.robustness, 2),
            "schools": self.schools,
            "pupils": self.pupils,
            "is_current_trust": self.is_current_trust,
            "religious_character_compatible": self.compatible,
        }


class FitEngine:
    def __init__(self, dataset, radius_km: float = DEFAULT_RADIUS_KM):
        self.dataset = dataset
        self.radius_km = radius_km
        self.graph = SchoolTrustGraph(dataset, radius_km)
        trusts = dataset.trusts
        cols = dataset.columns
        self.candidates = trusts.of_type("MAT")  # in trust-code order, so ties break by code
        self.codes = [t.code for t in self.candidates]
        self.position = {t.code: k for k, t in enumerate(self.candidates)}
        rows = [m for t in self.candidates for m in t.members]
        self.member_rows = np.asarray(rows, dtype=np.int64)
        self.starts = group_starts([t.school_count for t in self.candidates])
        self.member_xy = dataset.xy[self.member_rows]
        self.member_phase = np.array([PHASE_GROUPS.index(cols["phase_group"][r]) for r in rows], dtype=np.int64)
        # Faiths and dioceses as small integers: comparing ints is ~10x faster than strings.
        self.faith_code = _codes(cols["faith"])
        self.diocese_code = _codes(cols["diocese"])
        self.member_faith = np.array([self.faith_code[cols["faith"][r]] for r in rows], dtype=np.int64)
        self.member_diocese = np.array([self.diocese_code[cols["diocese"][r]] for r in rows], dtype=np.int64)
        self.member_pupils = np.nan_to_num(dataset.pupils[self.member_rows])
        self.member_capacity = np.nan_to_num(dataset.capacity[self.member_rows])
        self.pupils = group_reduce(np.add, self.member_pupils, self.starts)
        self.places = group_reduce(np.add, self.member_capacity, self.starts)
        self.largest_share = np.array([self.graph.shapes[c].largest_share for c in self.codes])
        self.spread_km = np.array([self.graph.shapes[c].spread_km for c in self.codes])
        regions = sorted({r for t in self.candidates for r in t.regions})
        self.region_names = regions
        self.in_region = {
            region: np.array([region in t.regions for t in self.candidates]) for region in regions
        }

    def evaluate(self, row: int) -> Evaluation:
        return Evaluation(self, row)


def _codes(values: list[str]) -> dict[str, int]:
    return {value: i for i, value in enumerate(sorted(set(values)))}


class Evaluation:
    """Every candidate trust measured against one school."""

    def __init__(self, engine: FitEngine, row: int):
        self.engine = engine
        self.row = row
        e, dataset = engine, engine.dataset
        self.school = dataset.school(row)
        school = self.school
        radius = e.radius_km
        starts = e.starts

        own = e.position.get(school.trust_code) if school.trust_type == "MAT" else None
        self.own_trust = own
        valid = e.member_rows != row  # the school never counts as a member of any trust
        km = np.hypot(*(e.member_xy - dataset.xy[row]).T) / 1000.0
        km_valid = np.where(valid, km, np.inf)
        self.member_km = km_valid

        n = group_reduce(np.add, valid.astype(float), starts)
        pupils = e.pupils.copy()
        places = e.places.copy()
        largest_share = e.largest_share.copy()
        spread = e.spread_km.copy()
        self.own_shape: Shape | None = None
        if own is not None:
            pupils[own] -= np.nan_to_num(dataset.pupils[row])
            places[own] -= np.nan_to_num(dataset.capacity[row])
            self.own_shape = e.graph.shape_without(school.trust_code, row)
            largest_share[own] = self.own_shape.largest_share
            spread[own] = self.own_shape.spread_km

        affinity = _AFFINITY[PHASE_GROUPS.index(school.phase_group)][e.member_phase] * valid
        same_faith = (e.member_faith == e.faith_code[school.faith]) & valid
        catholic = (e.member_faith == e.faith_code.get("catholic", -1)) & valid
        if school.diocese:
            # a joint CofE/Catholic school shares a diocese name but not the faith: count only the faith's own
            same_diocese = (e.member_diocese == e.diocese_code[school.diocese]) & same_faith
        else:
            same_diocese = np.zeros_like(valid)
        self.nearest_km = group_reduce(np.minimum, km_valid, starts)
        self.nearest_same_phase_km = group_reduce(np.minimum, np.where(affinity >= 1, km_valid, np.inf), starts)
        self.relevant = group_reduce(np.add, affinity, starts)
        self.relevant_near = group_reduce(np.add, affinity * (km_valid <= radius), starts)
        self.same_faith = group_reduce(np.add, same_faith.astype(float), starts)
        self.same_diocese = group_reduce(np.add, same_diocese.astype(float), starts)
        self.catholic = group_reduce(np.add, catholic.astype(float), starts)
        self.n, self.pupils, self.places = n, pupils, places
        self.largest_share, self.spread_km = largest_share, spread
        self.exists = n > 0  # a trust whose only school is this one is no candidate

        share = lambda count: count / np.maximum(n, 1)  # noqa: E731
        school_pupils = float(np.nan_to_num(dataset.pupils[row]))
        self.scores = np.column_stack(
            [
                criteria.ethos(school.faith, bool(school.diocese), share(self.same_faith), share(self.same_diocese)),
                criteria.geography(self.nearest_km, largest_share, spread, radius),
                criteria.phase(self.relevant, n, self.relevant_near),
                criteria.capacity(n, pupils, places, school_pupils),
            ]
        )
        if school.faith == "catholic" and school.diocese:
            # Catholic dioceses steer their schools into their own diocesan trusts.
            self.compatible = self.same_diocese > 0
        elif school.faith in ("catholic", "cofe"):
            self.compatible = self.same_faith > 0
        elif school.faith == "none":
            self.compatible = self.catholic < n  # not an all-Catholic trust
        else:
            self.compatible = np.ones(len(n), dtype=bool)

    def shape_of(self, code: str) -> Shape:
        """A trust's hubs as this school sees them: its own trust without the school."""
        own = self.own_trust is not None and self.engine.codes[self.own_trust] == code
        return self.own_shape if own else self.engine.graph.shapes[code]

    # --- ranking ---------------------------------------------------------------

    def mask(self, filters: Filters) -> np.ndarray:
        keep = self.exists.copy()
        if filters.max_km is not None:
            keep &= self.nearest_km <= filters.max_km
        if filters.compatible_only:
            keep &= self.compatible
        if filters.min_schools is not None:
            keep &= self.n >= filters.min_schools
        if filters.max_schools is not None:
            keep &= self.n <= filters.max_schools
        if filters.region:
            # any case, hyphen or spacing: "south-west" is "South West"
            region = next((r for r in self.engine.region_names if _words(r) == _words(filters.region)), None)
            if region is None:
                raise RankingProblem(
                    f"There is no region '{filters.region}'; use one of: {', '.join(self.engine.region_names)}."
                )
            keep &= self.engine.in_region[region]
        return keep

    def rank(
        self, weights: dict[str, float], filters: Filters = Filters(), robustness_top: int = ROBUSTNESS_TOP
    ) -> Ranking:
        w = np.array([check_weights(weights)[n] for n in CRITERIA])
        totals = criteria.total(self.scores, w)
        keep = np.flatnonzero(self.mask(filters))
        # highest total first; ties keep trust-code order (keep is in code order)
        order = keep[np.argsort(-totals[keep], kind="stable")]
        return Ranking(self, w, order, totals, robustness_top)

    def robustness(self, weights: np.ndarray, candidates: np.ndarray, top: int) -> np.ndarray:
        """Share of nearby weightings under which each candidate stays in the top `top`."""
        if len(candidates) == 0:
            return np.zeros(0)
        samples = weights * _ROBUSTNESS_FACTORS
        samples /= samples.sum(axis=1, keepdims=True)
        totals = samples @ self.scores[candidates].T  # samples x candidates
        top = min(top, len(candidates))
        # in the top when its total reaches the top-th highest (a tie at that place counts as in)
        threshold = -np.partition(-totals, top - 1, axis=1)[:, top - 1 : top]
        return (totals >= threshold).mean(axis=0)


class Ranking:
    def __init__(
        self, evaluation: Evaluation, weights: np.ndarray, order: np.ndarray, totals: np.ndarray, robustness_top: int
    ):
        self.evaluation = evaluation
        self.weights = weights
        self.order = order  # candidate positions, best first
        self.totals = totals  # per candidate position (all candidates)
        self.robustness_top = robustness_top
        self._robustness = None

    def __len__(self) -> int:
        return len(self.order)

    @property
    def robustness(self) -> np.ndarray:
        """Per ranked row, in rank order."""
        if self._robustness is None:
            self._robustness = self.evaluation.robustness(self.weights, self.order, self.robustness_top)
        return self._robustness

    def candidate(self, rank_index: int) -> Candidate:
        """The candidate at this place (0 = best) of the ranking."""
        return explain(self, int(self.order[rank_index]), rank_index)

    def candidate_for(self, code: str) -> Candidate:
        """Scores, reasons and facts for any multi-academy trust, listed or not.

        Shortlists, comparisons and exports keep trusts that the current filters
        hide; such a candidate has no rank and no robustness.
        """
        k = self.evaluation.engine.position.get(code)
        if k is None:
            raise KeyError(f"{code} is not a multi-academy trust in this data")
        return explain(self, k, self.rank_index_of(code))

    def rows(self, limit: int | None = None) -> list[Candidate]:
        count = len(self.order) if limit is None else min(limit, len(self.order))
        return [self.candidate(i) for i in range(count)]

    def rank_index_of(self, code: str) -> int | None:
        """The trust's place in this ranking (0 = best), or None when the filters leave it out."""
        k = self.evaluation.engine.position.get(code)
        hits = np.flatnonzero(self.order == k) if k is not None else []
        return int(hits[0]) if len(hits) else None


# --- reasons -----------------------------------------------------------------

FAITH_WORDS = {"catholic": "Catholic", "cofe": "Church of England", "none": "no religious character"}


def _faith_label(faith: str) -> str:
    return FAITH_WORDS.get(faith, faith)


def explain(ranking: Ranking, k: int, rank_index: int | None) -> Candidate:
    """The candidate row for trust position k; rank_index is its place in the ranking, if listed."""
    ev = ranking.evaluation
    e = ev.engine
    trust = e.candidates[k]
    school = ev.school
    cols = e.dataset.columns
    n = int(ev.n[k])
    segment = slice(e.starts[k], e.starts[k] + trust.school_count)
    distances = ev.member_km[segment]
    nearest_member = int(e.member_rows[segment][int(np.argmin(distances))])
    nearest_km = float(ev.nearest_km[k])
    same_phase_km = float(ev.nearest_same_phase_km[k])
    shape = ev.shape_of(trust.code)
    hub = None
    if nearest_km <= e.radius_km:
        hub = next((h for h in shape.hubs if nearest_member in h.members), None)

    of = lambda count: f"{int(count)} of {n}"  # noqa: E731
    if school.faith == "none":
        ethos = f"No religious character; {of(ev.same_faith[k])} trust schools have none either"
    else:
        faith = _faith_label(school.faith)
        ethos = f"{faith} school; {of(ev.same_faith[k])} trust schools are {faith}"
        if school.diocese:
            ethos += f", {int(ev.same_diocese[k])} in the {school.diocese}"
    if not ev.compatible[k]:
        ethos += " (not a usual fit for this school's religious character)"

    geography = f"{nearest_km:.1f} km from {cols['name'][nearest_member]}, its nearest school"
    if hub is not None:
        geography += f"; would join its {hub.name} hub of {hub.size} school{'s' if hub.size != 1 else ''}"
    else:
        geography += f"; would be an outpost beyond {e.radius_km:.0f} km of any of its schools"
    hubs = f"{shape.hub_count} hub{'s' if shape.hub_count != 1 else ''}"
    share = f"{shape.largest_share * 100:.0f}%"
    geography += f"; {share} of the trust in its largest hub ({hubs}, spread {shape.spread_km:.0f} km)"

    relevant = of(round(ev.relevant[k]))
    phase_text = f"{school.phase_group.capitalize()} school; {relevant} trust schools of this or a related phase"
    if np.isfinite(same_phase_km):
        near = int(ev.relevant_near[k])
        phase_text += f", nearest same-phase {same_phase_km:.1f} km, {near} within {e.radius_km:.0f} km"
    else:
        phase_text += "; none of the same phase"

    pupils, places = int(ev.pupils[k]), int(ev.places[k])
    filled = f"rolls fill {pupils / places * 100:.0f}% of places" if places else "places not recorded"
    school_pupils = school.pupils or 0
    capacity_text = (
        f"{n} schools, {pupils:,} pupils (DfE expects 10 schools or 7,500 pupils); {filled}; "
        + (
            f"this school would be {school_pupils / max(pupils + school_pupils, 1) * 100:.0f}% of its pupils"
            if school.pupils
            else "this school's roll is not recorded"
        )
    )
    if pupils < criteria.SCRUTINY_PUPILS:
        capacity_text += "; under 2,000 pupils, so under closer DfE scrutiny"

    return Candidate(
        rank=None if rank_index is None else rank_index + 1,
        trust_code=trust.code,
        trust_name=trust.name,
        total=float(ranking.totals[k]),
        scores={name: float(ev.scores[k, i]) for i, name in enumerate(CRITERIA)},
        reasons={"ethos": ethos, "geography": geography, "phase": phase_text, "capacity": capacity_text},
        nearest_km=nearest_km,
        nearest_school=cols["name"][nearest_member],
        nearest_school_row=nearest_member,
        nearest_same_phase_km=same_phase_km if np.isfinite(same_phase_km) else None,
        same_phase_nearby=int(ev.relevant_near[k]),
        hub=hub.name if hub else None,
        robustness=None if rank_index is None else float(ranking.robustness[rank_index]),
        schools=n,
        pupils=pupils,
        is_current_trust=k == ev.own_trust,
        compatible=bool(ev.compatible[k]),
    )
