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
from trustmatch.fit.graph import DEFAULT_RADIUS_KM, SchoolTrustGraph, Shape, place_name, shown_place
from trustmatch.fit.words import percent, plural

PRESETS: dict[str, dict[str, float]] = {
    "balanced": {"ethos": 1, "geography": 1, "phase": 1, "capacity": 1},
    "church school": {"ethos": 3, "geography": 2, "phase": 1, "capacity": 1},
    "rural primary": {"ethos": 1, "geography": 3, "phase": 2, "capacity": 1},
    "local collaboration": {"ethos": 1, "geography": 3, "phase": 3, "capacity": 1},
    "strong trust": {"ethos": 1, "geography": 1, "phase": 1, "capacity": 3},
}

PHASE_GROUPS = [
    "primary",
    "secondary",
    "all-through",
    "special",
    "alternative provision",
    "nursery",
    "16 plus",
    "other",
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

GROWTH_YEARS = 3  # "recent growth": converters that joined a trust in this many years before the register's date

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


# --- religious character ---------------------------------------------------------

# Each religious character as a set of bits, one per church or faith, so that a
# joint Church of England/Catholic school shares its character with both churches.
CHURCH_BITS = {
    "cofe": 1,
    "catholic": 2,
    "methodist": 4,
    "christian": 8,
    "other christian": 16,
    "jewish": 32,
    "muslim": 64,
    "sikh": 128,
    "hindu": 256,
    "multi-faith": 512,
}
CHRISTIAN = 1 | 2 | 4 | 8 | 16
OTHER_CHRISTIAN_WORDS = ("reformed", "free church", "baptist", "quaker", "orthodox", "adventist", "moravian")


def faith_bits(faith: str) -> int:
    """The churches and faiths of a `faith` value (none, cofe, catholic, or GIAS's religious character)."""
    if faith in ("none", ""):
        return 0
    if faith in ("cofe", "catholic"):
        return CHURCH_BITS[faith]
    bits = 0
    for part in faith.lower().split("/"):
        part = part.strip()
        if "church of england" in part:
            bits |= CHURCH_BITS["cofe"]
        elif "catholic" in part:
            bits |= CHURCH_BITS["catholic"]
        elif "methodist" in part:
            bits |= CHURCH_BITS["methodist"]
        elif "jewish" in part and "christian" not in part:
            bits |= CHURCH_BITS["jewish"]
        elif part in ("muslim", "sikh", "hindu"):
            bits |= CHURCH_BITS[part]
        elif "multi-faith" in part:
            bits |= CHURCH_BITS["multi-faith"]
        elif any(word in part for word in OTHER_CHRISTIAN_WORDS):
            bits |= CHURCH_BITS["other christian"]
        else:  # "Christian", "Christian/non-denominational"
            bits |= CHURCH_BITS["christian"]
    return bits


def character(faith: str, religious_character: str) -> str:
    """What a school's religious character is read from: its faith family, or for a joint Church of England school
    (CofE/Methodist, CofE/United Reformed Church, ...) the GIAS character itself, which names both churches
    (the family says only "cofe": Hey-with-Zion, CofE/Methodist, shared nothing with a Methodist trust)."""
    return religious_character if faith == "cofe" and "/" in religious_character else faith


def school_faith_bits(faith: str) -> int:
    """The characters a school shares with a trust school: a non-denominational Christian school shares its
    character with every church, a multi-faith school with every faith."""
    bits = faith_bits(faith)
    if bits == CHURCH_BITS["christian"]:
        return CHRISTIAN
    if bits == CHURCH_BITS["multi-faith"]:
        return sum(CHURCH_BITS.values())
    return bits


def faith_group(faith: str) -> str:
    """Which fitted ethos coefficients apply: none, cofe, catholic, or other (set, not fitted: docs/scoring.md)."""
    bits = faith_bits(faith)
    if bits == 0:
        return "none"
    if bits == CHURCH_BITS["catholic"]:
        return "catholic"
    if (
        bits & CHURCH_BITS["cofe"]
        and bits & ~(CHURCH_BITS["cofe"] | CHURCH_BITS["catholic"] | CHURCH_BITS["methodist"]) == 0
    ):
        return "cofe"  # Church of England, joint CofE/Catholic and CofE/Methodist schools
    return "other"


# GIAS types of a school that converted from maintained status: its OpenDate is when it joined a trust.
CONVERTER_TYPES = frozenset(
    {
        "Academy converter",
        "Academy special converter",
        "Academy alternative provision converter",
        "Academy 16-19 converter",
    }
)

NURSERY_NOTICE = (
    "A maintained nursery school cannot currently become an academy: academies must provide full-time education "
    "for pupils of compulsory school age (House of Lords written answer, 15 March 2012). The usual routes are a "
    "federation with a school, or a partnership with a trust; the trusts below are ranked as partners."
)


class FitEngine:
    def __init__(
        self,
        dataset,
        radius_km: float = DEFAULT_RADIUS_KM,
        model: criteria.Model | None = None,
        all_signals: bool = False,
    ):
        self.dataset = dataset
        self.radius_km = radius_km
        self.model = model or criteria.fitted_model()
        # A ranking computes only the signals the model has a coefficient for; the fit (tools/fit_scoring.py)
        # asks for every signal, to test the ones left out (`fitting`).
        self.all_signals = all_signals
        self.computes = frozenset(criteria.SIGNALS) if all_signals else self.model.signal_names()
        self.graph = SchoolTrustGraph(dataset, radius_km)
        trusts = dataset.trusts
        cols = dataset.columns
        self.candidates = trusts.of_type("MAT")  # in trust-code order, so ties break by code
        self.codes = [t.code for t in self.candidates]
        self.position = {t.code: k for k, t in enumerate(self.candidates)}
        rows = np.fromiter((m for t in self.candidates for m in t.members), dtype=np.int64)
        self.member_rows = rows
        self.sizes = np.array([t.school_count for t in self.candidates], dtype=np.float64)
        self.starts = group_starts([t.school_count for t in self.candidates])
        self.member_xy = dataset.xy[rows]
        # Coordinates in km, one contiguous array per axis: the distances are the one sum over every member
        # that depends on where the school is, so they are made as cheap as possible.
        self.member_x, self.member_y = (np.ascontiguousarray(self.member_xy[:, a]) / 1000.0 for a in (0, 1))
        self.member_index = {int(r): i for i, r in enumerate(rows)}  # a school is in at most one trust
        # Which trust each member is in: a school's own trust is the one whose members include it (its own
        # trust_type column can disagree with the trust's after an import).
        self.member_trust = np.repeat(np.arange(len(self.candidates)), self.sizes.astype(np.int64))
        phase_index = {p: i for i, p in enumerate(PHASE_GROUPS)}
        self.member_phase = np.array([phase_index[cols["phase_group"][r]] for r in rows], dtype=np.int64)
        # the age each member takes pupils from (-1 unknown): where an infant, first or middle school's pupils go next
        self.member_low_age = np.array([cols["low_age"][r] if cols["low_age"][r] is not None else -1 for r in rows])
        self.member_mainstream = ~np.isin(
            self.member_phase, [phase_index["special"], phase_index["alternative provision"]]
        )
        self.member_affinity = _AFFINITY[:, self.member_phase]  # phase groups x members
        # Characters, dioceses and local authorities as small integers: comparing ints is ~10x faster than strings.
        faiths, faith_of = _distinct(list(map(character, cols["faith"], cols["religious_character"])))
        self.faith_bits = np.array([faith_bits(f) for f in faiths], dtype=np.int64)[faith_of]
        self.member_faith = self.faith_bits[rows]
        # A joint school's diocese reads "Diocese of A/Diocese of B": each school gets up to two diocese codes.
        dioceses, diocese_of = _distinct(cols["diocese"])
        self.diocese_code: dict[str, int] = {}
        pairs = np.full((len(dioceses), 2), -1, dtype=np.int64)
        for i, value in enumerate(dioceses):
            parts = [p.strip() for p in value.split("/") if p.strip()][:2]
            pairs[i, : len(parts)] = [self.diocese_code.setdefault(p, len(self.diocese_code)) for p in parts]
        self.school_diocese = pairs[diocese_of].T  # 2 x schools; -1 for none
        self.member_diocese = self.school_diocese[:, rows]
        _, self.school_la = _distinct(cols["la_code"])
        # The school's town: its postal town within its local authority (its borough in London), as hubs are named.
        _, self.school_town = _distinct(
            [(place_name(t, n).casefold(), la) for t, n, la in zip(cols["town"], cols["la_name"], cols["la_code"])]
        )
        self.member_town = self.school_town[rows]
        self.member_la = self.school_la[rows]
        pupils, capacity = dataset.pupils[rows], dataset.capacity[rows]
        self.member_pupils = np.nan_to_num(pupils)
        self.member_known_roll = ~np.isnan(pupils)
        both = ~np.isnan(pupils) & ~np.isnan(capacity) & (np.nan_to_num(capacity) > 0)
        self.member_both = both
        self.pupils = group_reduce(np.add, self.member_pupils, self.starts)
        self.known_rolls = group_reduce(np.add, self.member_known_roll.astype(np.float64), self.starts)
        self.both_counted = group_reduce(np.add, both.astype(np.float64), self.starts)
        self.member_catholic = self.member_faith == CHURCH_BITS["catholic"]
        self.catholic = group_reduce(np.add, self.member_catholic.astype(np.float64), self.starts)
        # Per-trust counts that depend only on what kind of school is scored (its character and dioceses, its
        # local authority, its phase), not on where it is: counted once per kind and reused (Evaluation).
        self._counts: dict[tuple, tuple[np.ndarray, ...]] = {}
        self.both_pupils = group_reduce(np.add, np.where(both, pupils, 0.0), self.starts)
        self.both_places = group_reduce(np.add, np.where(both, capacity, 0.0), self.starts)
        # Recent joins, growth and the trust's character count from the date the register stands at: a rebuilt
        # register (backtest) says when.
        self.as_of = dataset.meta.get("rebuilt_before") or dataset.data_date
        opened = np.array([cols["open_date"][r] or "" for r in rows], dtype=str)
        converter = np.array([cols["type"][r] in CONVERTER_TYPES for r in rows], dtype=bool)
        # The trust's character and its centre count only its schools that had opened by that date: a rebuilt
        # register keeps the sponsored academies and free schools that opened in a trust since.
        dated = (opened != "") & (opened < self.as_of)
        self.member_dated = dated
        self.dated = group_reduce(np.add, dated.astype(np.float64), self.starts)
        if "recent_joins" in self.computes:  # schools that joined it in the year before that date
            self.member_recent = (opened >= _years_before(self.as_of, 1)) & (opened < self.as_of)
            self.recent = group_reduce(np.add, self.member_recent.astype(np.float64), self.starts)
        if "growth" in self.computes:  # maintained schools that converted and joined it in the 3 years before
            self.member_growth = converter & (opened >= _years_before(self.as_of, GROWTH_YEARS)) & (opened < self.as_of)
            self.growth = group_reduce(np.add, self.member_growth.astype(np.float64), self.starts)
        if "converter_share" in self.computes:
            self.member_converter = converter & dated
            self.converters = group_reduce(np.add, self.member_converter.astype(np.float64), self.starts)
        # The centre of its schools opened by that date; of all its schools for a trust with none opened by then (a
        # candidate only because a rebuilt register cannot take out what opened since).  Sums and weights, so that
        # a school can be taken off its own trust's centre (Evaluation: when the school is its trust's only school
        # counted in the centre, the others' centre is not defined and the distance to the nearest stands in).
        undated = np.repeat(self.dated == 0, self.sizes.astype(np.int64))
        self.member_weight = (dated | undated).astype(np.float64)
        self.centre_w = group_reduce(np.add, self.member_weight, self.starts)
        self.centre_x = group_reduce(np.add, self.member_weight * self.member_x, self.starts)
        self.centre_y = group_reduce(np.add, self.member_weight * self.member_y, self.starts)
        # A school with no recorded roll is given the median roll of its phase group (and the reason says so).
        groups, group_of = _distinct(cols["phase_group"])
        known = ~np.isnan(dataset.pupils)
        self.typical_roll = {
            g: float(np.median(dataset.pupils[known & (group_of == i)])) if np.any(known & (group_of == i)) else 0.0
            for i, g in enumerate(groups)
        }
        regions = sorted({r for t in self.candidates for r in t.regions})
        self.region_names = regions
        self.in_region = {region: np.array([region in t.regions for t in self.candidates]) for region in regions}
        # The trust's own name says it is a diocesan trust ("Diocese of ...", "... Diocesan ... Trust").
        self.diocesan = np.array(["DIOCES" in t.name.upper() for t in self.candidates], dtype=bool)

    @classmethod
    def fitting(cls, dataset) -> FitEngine:
        """An engine that computes every signal, for the fit and its tests (tools/fit_scoring.py)."""
        return cls(dataset, all_signals=True)

    def evaluate(self, row: int) -> Evaluation:
        return Evaluation(self, row)

    def counts(self, key: tuple, flags) -> tuple[np.ndarray, ...]:
        """Per-trust counts of the member flags `flags(members)` gives (a tuple of arrays), kept per `key`.

        `flags` takes a slice or index of the members, so that the school's own
        flags can be taken off its own trust's counts (Evaluation).
        """
        found = self._counts.get(key)
        if found is None:
            found = self._counts[key] = tuple(
                group_reduce(np.add, np.asarray(f, dtype=np.float64), self.starts) for f in flags(slice(None))
            )
        return found

    def dioceses_of(self, row: int) -> set[int]:
        """The school's dioceses; for a joint school, also the other church's diocese where it stands.

        GIAS records one diocese for most joint Church of England/Catholic
        schools: the other church's is taken from its five nearest schools of
        that church, so both churches' trusts of the school's dioceses count.
        """
        dioceses = {int(d) for d in self.school_diocese[:, row] if d >= 0}
        bits = int(self.faith_bits[row])
        joint = [c for c in ("cofe", "catholic") if bits & CHURCH_BITS[c]]
        if len(joint) < 2:
            return dioceses
        for church in joint:
            of_church = np.flatnonzero(self.faith_bits == CHURCH_BITS[church])
            if any(self._church_of_diocese(d) == church for d in dioceses) or len(of_church) == 0:
                continue
            km = np.hypot(*(self.dataset.xy[of_church] - self.dataset.xy[row]).T)
            nearest = of_church[np.argsort(km, kind="stable")[:5]]
            found = [int(self.school_diocese[0, r]) for r in nearest if self.school_diocese[0, r] >= 0]
            if found:
                dioceses.add(max(set(found), key=lambda d: (found.count(d), -d)))
        return dioceses

    def _church_of_diocese(self, code: int) -> str:
        schools = self.faith_bits[self.school_diocese[0] == code]
        catholic = int(np.sum(schools == CHURCH_BITS["catholic"]))
        return "catholic" if catholic * 2 > len(schools) else "cofe"


def _distinct(values: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct values (in order of first appearance) and, per item, the index of its value."""
    # dict.fromkeys and map run in C: several times faster than a Python loop over every school (engine start)
    index = {v: i for i, v in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return list(index), codes


def _years_before(iso: str, years: int) -> str:
    if not iso:
        return ""
    year, rest = iso[:4], iso[4:]
    return f"{int(year) - years}{rest}" if year.isdigit() else ""


class Evaluation:
    """Every candidate trust measured against one school: the signals, the four scores, the facts for reasons."""

    def __init__(self, engine: FitEngine, row: int):
        self.engine = engine
        self.row = row
        e, dataset = engine, engine.dataset
        self.school = dataset.school(row)
        school = self.school
        starts = e.starts
        count = lambda flags: group_reduce(np.add, flags.astype(np.float64), starts)  # noqa: E731

        # The school never counts as a member of any trust: its own place among the members (if it is in a
        # MAT) is put out of reach, and its flags are taken off its trust's counts (`without`).
        me = e.member_index.get(row)
        own = None if me is None else int(e.member_trust[me])
        self.own_trust = own

        def without(counts: tuple[np.ndarray, ...], flags) -> list[np.ndarray]:
            counts = [c.copy() for c in counts]
            if me is not None:
                for c, f in zip(counts, flags([me])):
                    c[own] -= float(np.asarray(f)[0])
            return counts

        x, y = dataset.xy[row] / 1000.0
        dx, dy = e.member_x - x, e.member_y - y
        km = np.sqrt(dx * dx + dy * dy)
        if me is not None:
            km[me] = np.inf
        self.member_km = km
        n = e.sizes.copy()
        if me is not None:
            n[own] -= 1
        self.n = n
        self.exists = n > 0  # a trust whose only school is this one is no candidate
        per = np.maximum(n, 1.0)

        # geography
        self.nearest_km = group_reduce(np.minimum, km, starts)
        within = km <= criteria.REACH_KM
        self.within = count(within)
        la = e.school_la[row]

        def la_flags(i):
            return (e.member_la[i] == la,)

        (self.in_la,) = without(e.counts(("la", la), la_flags), la_flags)
        town = e.school_town[row]
        self.town = shown_place(place_name(school.town, school.la_name))

        def town_flags(i):
            return (e.member_town[i] == town,)

        (self.in_town,) = without(e.counts(("town", town), town_flags), town_flags)

        # ethos
        bits = school_faith_bits(character(school.faith, school.religious_character))
        self.faith_group = faith_group(school.faith)
        self.dioceses = e.dioceses_of(row) if bits else set()
        wanted = sorted(self.dioceses)
        group = self.faith_group

        def faith_flags(i):
            member = e.member_faith[i]
            if bits:
                same = (member & bits) != 0
                other = (member != 0) & ~same
                if group == "other":
                    other &= ~((member & CHRISTIAN != 0) & (bits & CHRISTIAN != 0))  # both Christian: not "other"
            else:
                same = member == 0
                other = member != 0
            in_diocese = np.zeros(len(member), dtype=bool)
            for d in wanted:
                in_diocese |= (e.member_diocese[0][i] == d) | (e.member_diocese[1][i] == d)
            return same, other, same & in_diocese

        faith_key = ("faith", bits, group, tuple(wanted))
        self.same_faith, self.other_faith, self.same_diocese = without(e.counts(faith_key, faith_flags), faith_flags)
        # A diocesan trust is the school's diocese's own when a fair share of its schools are of that diocese:
        # a Diocese of Ely trust with one school over the border is not St Edmundsbury's diocesan trust.
        home = self.same_diocese >= criteria.DIOCESAN_HOME_SHARE * np.maximum(n, 1.0)
        self.diocesan_of_diocese = e.diocesan & (self.same_diocese > 0) & home
        (self.catholic,) = without((e.catholic,), lambda i: (e.member_catholic[i],))

        # phase
        phase = PHASE_GROUPS.index(school.phase_group)
        affinity = e.member_affinity[phase]
        same_phase = affinity >= 1

        def phase_flags(i):
            # affinity in tenths (0, 3, 5 or 10): whole numbers, so taking the school's own off is exact
            return np.rint(affinity[i] * 10), affinity[i] >= 1

        tenths, self.same_phase = without(e.counts(("phase", phase), phase_flags), phase_flags)
        self.relevant = tenths / 10
        near = np.where(within, affinity, 0.0)  # the school itself is never within reach (km is inf)
        self.relevant_near = group_reduce(np.add, near, starts)
        self.same_phase_near = count(near >= 1)
        self.nearest_same_phase_km = group_reduce(np.minimum, np.where(same_phase, km, np.inf), starts)
        self.specialist_school = school.phase_group in ("special", "alternative provision")
        # Infant, first and middle schools: their pupils move on at 7, 8 to 10 or 12 to 14 to a school that takes
        # them at that age, and a trust that runs one within reach is chosen more often (docs/scoring.md, fifth
        # round).
        self.moves_on_at = criteria.moves_on_at(school.phase_group, school.high_age)
        self.next_school = self.next_takes = None
        if self.moves_on_at is not None:
            takes = within & (e.member_low_age == self.moves_on_at) & e.member_mainstream
            self.next_takes = takes
            self.next_school = count(takes)

        # capacity
        own_roll = dataset.pupils[row]
        self.school_roll = None if np.isnan(own_roll) else float(own_roll)
        roll = self.school_roll if self.school_roll is not None else e.typical_roll.get(school.phase_group, 0.0)
        pupils = e.pupils.copy()
        both_pupils, both_places = e.both_pupils.copy(), e.both_places.copy()
        self.own_shape: Shape | None = None
        if me is not None:
            pupils[own] -= e.member_pupils[me]
            if e.member_both[me]:
                both_pupils[own] -= dataset.pupils[row]
                both_places[own] -= dataset.capacity[row]
        self.pupils = pupils
        self.known_rolls, self.both_counted = without(
            (e.known_rolls, e.both_counted), lambda i: (e.member_known_roll[i], e.member_both[i])
        )
        self.both_pupils, self.both_places = both_pupils, both_places
        # The trust's place among all trusts by distance to its nearest school (1 = the nearest; ties by code).
        by_distance = np.argsort(np.where(self.exists, self.nearest_km, np.inf), kind="stable")
        self.distance_rank = np.empty(len(n))
        self.distance_rank[by_distance] = np.arange(1, len(n) + 1)
        self.roll_used = roll
        # The trust's character (its schools opened by the register's date) and the centre of its schools,
        # the school itself never counted.
        centre_x, centre_y, centre_w = without(
            (e.centre_x, e.centre_y, e.centre_w),
            lambda i: (e.member_weight[i] * e.member_x[i], e.member_weight[i] * e.member_y[i], e.member_weight[i]),
        )
        w = np.maximum(centre_w, 1e-9)
        self.centre_km = np.where(centre_w > 1e-9, np.hypot(centre_x / w - x, centre_y / w - y), self.nearest_km)

        signals = {
            "log_km": np.log1p(self.nearest_km),
            "km_beyond_reach": np.maximum(self.nearest_km - criteria.REACH_KM, 0.0) / 10.0,
            "in_la": (self.in_la > 0).astype(float),
            "la_share": self.in_la / per,
            "share_within_reach": self.within / per,
            "log_within_reach": np.log1p(np.minimum(self.within, criteria.COUNT_CAP)),
            "same_faith": self.same_faith / per,
            "other_faith": self.other_faith / per,
            "phase_share": np.minimum(self.relevant / per, 1.0),
            "phase_present": (self.same_phase > 0).astype(float),
            "phase_nearby": np.log1p(np.minimum(self.relevant_near, criteria.COUNT_CAP)),
            "log_schools": np.log(per),
            "school_share": roll / np.maximum(pupils + roll, 1.0),
            "log_distance_rank": np.log(self.distance_rank),
            "fill": np.where(both_places > 0, np.clip(both_pupils / np.maximum(both_places, 1.0), 0.0, 1.5), 0.9),
            "log_km_centre": np.log1p(self.centre_km),
            "in_town": (self.in_town > 0).astype(float),
        }
        # Signals no longer fitted (docs/scoring.md), computed only for the fit: a ranking does not need them.
        if "recent_joins" in e.computes:
            (self.recent,) = without((e.recent,), lambda i: (e.member_recent[i],))
            signals["recent_joins"] = np.log1p(np.minimum(self.recent, criteria.COUNT_CAP))
        if "growth" in e.computes:
            (self.growth,) = without((e.growth,), lambda i: (e.member_growth[i],))
            signals["growth"] = np.log1p(np.minimum(self.growth, criteria.COUNT_CAP))
        if "converter_share" in e.computes:
            self.dated, self.converters = without(
                (e.dated, e.converters), lambda i: (e.member_dated[i], e.member_converter[i])
            )
            signals["converter_share"] = self.converters / np.maximum(self.dated, 1.0)
        if self.dioceses:
            signals["same_diocese"] = self.same_diocese / per
            signals["diocese_present"] = (self.same_diocese > 0).astype(float)
            signals["diocesan_trust"] = self.diocesan_of_diocese.astype(float)
        if self.specialist_school:
            signals["specialist"] = signals["phase_present"]
        if self.faith_group == "none":
            # community schools: the local authority and distance weigh differently (fitted: docs/scoring.md)
            signals["in_la_no_faith"] = signals["in_la"]
            signals["log_km_no_faith"] = signals["log_km"]
        if self.next_school is not None:
            signals["next_school"] = (self.next_school > 0).astype(float)
        if school.phase_group == "secondary":
            signals["secondaries"] = np.log1p(np.minimum(self.same_phase, criteria.COUNT_CAP))
        self.signals = signals
        model = e.model
        self.scores = (
            np.column_stack(
                [
                    criteria.score(signals, model.for_criterion(c, self.faith_group), model.scale, self.exists)
                    for c in CRITERIA
                ]
            )
            if len(n)
            else np.zeros((0, len(CRITERIA)))
        )
        self.log_scores = criteria.log_scores(self.scores)

        if bits == CHURCH_BITS["catholic"] and self.dioceses:
            # Catholic dioceses steer their schools into their own diocesan trusts.
            self.compatible = self.same_diocese > 0
        elif self.faith_group in ("catholic", "cofe"):
            self.compatible = self.same_faith > 0
        elif bits == 0:
            self.compatible = self.catholic < n  # not an all-Catholic trust
        else:
            self.compatible = self.other_faith < n  # not a trust wholly of another faith

    @property
    def notice(self) -> str | None:
        """A sentence the school's user must read before the list (nursery schools, the only school of its
        trust), or None."""
        if self.school.phase_group == "nursery":
            return NURSERY_NOTICE
        if self.own_trust is not None and not self.exists[self.own_trust]:
            # its trust scored without it would be a trust of no school: listing it would only mislead
            trust = self.engine.candidates[self.own_trust].name
            return (
                f"{trust} is not listed: {self.school.name} is its only school, so without it there is nothing to "
                "score. The trusts listed are ones the school and its trust could join or merge with."
            )
        return None

    def shape_of(self, code: str) -> Shape:
        """A trust's hubs as this school sees them: its own trust without the school."""
        own = self.own_trust is not None and self.engine.codes[self.own_trust] == code
        if own:
            if self.own_shape is None:
                self.own_shape = self.engine.graph.shape_without(code, self.row)
            return self.own_shape
        return self.engine.graph.shapes[code]

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
        if self.own_trust is not None and self.exists[self.own_trust]:
            keep[self.own_trust] = True  # the school's own trust is always listed, whatever the filters
        return keep

    def rank(
        self, weights: dict[str, float], filters: Filters = Filters(), robustness_top: int = ROBUSTNESS_TOP
    ) -> Ranking:
        w = np.array([check_weights(weights)[n] for n in CRITERIA])
        totals = 100.0 * np.exp(self.log_scores @ (w / w.sum()))
        keep = np.flatnonzero(self.mask(filters))
        # highest total first; ties keep trust-code order (keep is in code order)
        order = keep[np.argsort(-totals[keep], kind="stable")]
        return Ranking(self, w, order, totals, robustness_top, filters)

    def robustness(self, weights: np.ndarray, candidates: np.ndarray, top: int) -> np.ndarray:
        """Share of nearby weightings under which each candidate stays in the top `top`."""
        if len(candidates) == 0:
            return np.zeros(0)
        samples = weights * _ROBUSTNESS_FACTORS
        samples /= samples.sum(axis=1, keepdims=True)
        # candidates x samples, the log of each total (this way round numpy's product is several times faster)
        totals = self.log_scores[candidates] @ samples.T
        top = min(top, len(candidates))
        # In the top when its total reaches the top-th highest (a tie at that place counts as in).  The
        # candidates come best first (Ranking), so the top-th highest is looked for among the first few; exact
        # as long as no later candidate beats it in any draw, which is checked (else all are searched).
        head = min(len(candidates), 4 * top)
        threshold = -np.partition(-totals[:head], top - 1, axis=0)[top - 1]
        if head < len(candidates) and (totals[head:] > threshold).any():
            threshold = -np.partition(-totals, top - 1, axis=0)[top - 1]
        return (totals >= threshold).mean(axis=1)


class Ranking:
    def __init__(
        self,
        evaluation: Evaluation,
        weights: np.ndarray,
        order: np.ndarray,
        totals: np.ndarray,
        robustness_top: int,
        filters: Filters = Filters(),
    ):
        self.evaluation = evaluation
        self.weights = weights
        self.order = order  # candidate positions, best first
        self.totals = totals  # per candidate position (all candidates)
        self.robustness_top = robustness_top
        self.filters = filters
        self._robustness = None

    def __len__(self) -> int:
        return len(self.order)

    @property
    def robustness(self) -> np.ndarray:
        """Per ranked row, in rank order."""
        if self._robustness is None:
            self._robustness = self.evaluation.robustness(self.weights, self.order, self.robustness_top)
        return self._robustness

    @property
    def notice(self) -> str | None:
        """What the user must be told above the list: a nursery school's position, or why the list is empty.

        When the filters leave no trust but the school's own, say so plainly;
        when it is the reach limit, name the nearest trust and how far it is.
        """
        return " ".join(part for part in (self.evaluation.notice, self.shortfall) if part) or None

    @property
    def shortfall(self) -> str | None:
        """Why no trust but the school's own is listed, or None: alone, the sentence that refuses an export."""
        ev = self.evaluation
        others = ev.exists.copy()
        if ev.own_trust is not None:
            others[ev.own_trust] = False
        listed = [k for k in self.order if k != ev.own_trust]
        if listed:
            return None
        other = "other " if ev.own_trust is not None else ""
        own = " Its own trust is listed, scored without it." if len(self.order) else ""
        reach = self.filters.max_km
        far = float(np.min(ev.nearest_km[others])) if others.any() else np.inf
        if reach is not None and reach < far < np.inf:
            nearest = ev.engine.candidates[int(np.argmin(np.where(others, ev.nearest_km, np.inf)))].name
            distance = f"{far:.0f}" if far >= 10 else f"{far:.1f}"
            if float(distance) <= reach:  # 0.503 km beyond a 0.5 km limit is not "0.5 km away"
                distance = f"{far:.2f}"
            return (
                f"No {other}trust is left for {ev.school.name} within {reach:g} km: the nearest multi-academy "
                f"trust, {nearest}, is {distance} km away. Lift the reach limit to see the trusts beyond it.{own}"
            )
        return f"No {other}trust is left for {ev.school.name} after the filters; loosen them.{own}"

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


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number:,}{suffix}"


# a trust of one school is named so, not counted as "1 of the trust's 1 school"
ONE_SCHOOL = "the trust's one school"


def _verb(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _ethos_reason(ev: Evaluation, k: int, n: int) -> str:
    school = ev.school
    same, other, diocese = int(ev.same_faith[k]), int(ev.other_faith[k]), int(ev.same_diocese[k])
    if ev.faith_group == "none" and n == 1:
        text = f"No religious character; {ONE_SCHOOL} {'has none either' if same else 'has a religious character'}"
    elif ev.faith_group == "none":
        has = _verb(same, "has", "have")
        text = f"No religious character; {same} of the trust's {plural(n, 'school')} {has} none either"
    else:
        label = _faith_label(school.faith)
        if n == 1:
            has = "shares its character" if same else f"has {'another' if other else 'no'} religious character"
            text = f"{label} school; {ONE_SCHOOL} {has}"
        else:
            shares = _verb(same, "shares", "share")
            text = f"{label} school; {same} of the trust's {plural(n, 'school')} {shares} its character"
        if ev.dioceses:
            names = " or ".join(sorted(_diocese_name(ev.engine, d) for d in ev.dioceses))
            if n > 1:
                text += f", {diocese} of them in the {names}"
            elif same:  # "has no religious character, not in the Diocese of London" read as where it is
                text += f", {'' if diocese else 'not '}in the {names}"
            if ev.diocesan_of_diocese[k]:
                text += "; a diocesan trust of that diocese"
            elif ev.engine.diocesan[k]:
                text += "; a diocesan trust whose schools are mostly in another diocese"
        if other and n > 1:
            text += f"; {other} of another religious character"
    if not ev.compatible[k]:
        text += " (not a usual fit for this school's religious character)"
    return text


def _diocese_name(engine: FitEngine, code: int) -> str:
    return next(name for name, c in engine.diocese_code.items() if c == code)


def _geography_reason(ev: Evaluation, k: int, n: int, nearest_member: int, hub) -> str:
    e = ev.engine
    cols = e.dataset.columns
    km = float(ev.nearest_km[k])
    within, in_la = int(ev.within[k]), int(ev.in_la[k])
    if n == 1:  # its distance says whether it is within reach
        text = f"{km:.1f} km from {cols['name'][nearest_member]}, its one school, "
        text += f"in {ev.school.la_name}" if in_la else f"not in {ev.school.la_name}"
    else:
        text = f"{km:.1f} km from {cols['name'][nearest_member]}, its nearest school"
        text += f"; {within} of its {plural(n, 'school')} within {criteria.REACH_KM:.0f} km"
        text += f", {in_la} in {ev.school.la_name}" if in_la else f", none in {ev.school.la_name}"
    fitted = e.model.coefficients.get("geography", {})
    # the town is counted within the local authority; in a London borough it is the local authority
    if "in_town" in fitted and in_la and ev.town != ev.school.la_name:
        in_town = int(ev.in_town[k])
        if n == 1:
            text += f" ({'' if in_town else 'not '}in {ev.town}, the school's postal town)"
        else:
            text += f" ({in_town if in_town else 'none'} in {ev.town}, the school's postal town)"
    if "log_km_centre" in fitted and n > 1:  # one school's centre is the school, already given
        text += f"; the centre of its schools {float(ev.centre_km[k]):.1f} km away"
    if "log_distance_rank" in fitted:
        place = int(ev.distance_rank[k])
        text += "; the nearest trust to the school" if place == 1 else f"; the {_ordinal(place)} nearest trust"
    if hub is not None:
        text += f"; would join its {hub.name} hub of {plural(hub.size, 'school')}"
    elif km > criteria.REACH_KM:
        text += "; would be an outpost with no trust school within reach"
    return text


def _phase_reason(ev: Evaluation, k: int, n: int, nearest_member: int) -> str:
    phase = ev.school.phase_group
    same = int(ev.same_phase[k])
    words = {"alternative provision": "alternative provision", "16 plus": "16-plus", "all-through": "all-through"}
    kind = words.get(phase, phase)
    # GIAS's middle schools are "deemed" primary or secondary: the reader knows them as middle schools
    school = f"Middle school ({ev.school.phase[7:]})" if ev.school.phase.startswith("Middle deemed") else None
    school = school or f"{kind[0].upper()}{kind[1:]} school"
    related = float(ev.relevant[k]) - same
    if n == 1 and not same and related > 0:  # "is not primary (related phases count part)" of an all-through school
        other = ev.engine.dataset.columns["phase_group"][nearest_member]  # its one school
        text = f"{school}; {ONE_SCHOOL} is {words.get(other, other)} (counted in part)"
    elif n == 1:
        text = f"{school}; {ONE_SCHOOL} is {'' if same else 'not '}{kind}"
    else:
        are = _verb(same, "is", "are")
        text = f"{school}; {same} of the trust's {plural(n, 'school')} {are} {kind}"
    if related > 0 and n > 1:
        text += " (related phases count part)"
    near_km = float(ev.nearest_same_phase_km[k])
    if np.isfinite(near_km) and n == 1:
        text += f", {near_km:.1f} km away"
    elif np.isfinite(near_km):
        text += f", the nearest {near_km:.1f} km away, {int(ev.same_phase_near[k])} within {criteria.REACH_KM:.0f} km"
    if ev.specialist_school and same == 0:
        text += f"; no experience of running {kind} schools"
    if ev.next_school is not None and "next_school" in ev.engine.model.coefficients.get("phase", {}):
        text += f"; its pupils move on at {ev.moves_on_at}: " + _next_school_words(ev, k)
    return text


def _next_school_words(ev: Evaluation, k: int) -> str:
    """Which of the trust's schools would take this infant, first or middle school's pupils next."""
    e, age = ev.engine, ev.moves_on_at
    count = int(ev.next_school[k])
    if not count:
        return f"the trust runs no school within {criteria.REACH_KM:.0f} km that takes pupils at {age}"
    segment = slice(e.starts[k], e.starts[k] + e.candidates[k].school_count)
    km = np.where(ev.next_takes[segment], ev.member_km[segment], np.inf)
    nearest = int(np.argmin(km))
    name = e.dataset.columns["name"][int(e.member_rows[segment][nearest])]
    if count == 1:
        return f"the trust runs {name}, {km[nearest]:.1f} km away, which takes pupils at {age}"
    return (
        f"the trust runs {count} schools within {criteria.REACH_KM:.0f} km that take pupils at {age}, the nearest "
        f"{name}, {km[nearest]:.1f} km away"
    )


def _capacity_reason(ev: Evaluation, k: int, n: int) -> str:
    pupils = int(ev.pupils[k])
    known = int(ev.known_rolls[k])
    unknown = n > 0 and not known  # no roll to count: not "0 pupils", and no share of them
    if unknown:
        text = f"{plural(n, 'school')}, {'its roll not' if n == 1 else 'no roll'} recorded"
    else:
        text = f"{plural(n, 'school')}, {pupils:,} pupils"
    if 0 < known < n:
        text += f" on the {plural(known, 'recorded roll')} ({n - known} not recorded)"
    text += " (the DfE's 2022 aim: 10 schools or 7,500 pupils)"
    if ev.school_roll is not None and unknown:
        text += f"; this school has {int(ev.school_roll):,} pupils, its share of the trust's not known"
    elif ev.school_roll == 0:  # a hospital school: "0 pupils would be 0% of the trust's" says nothing
        text += "; this school's roll is recorded as 0"
    elif ev.school_roll is not None:
        share = ev.school_roll / max(pupils + ev.school_roll, 1.0)
        text += f"; this school's {int(ev.school_roll):,} pupils would be {percent(share)} of the trust's"
    else:
        typical = f"a typical {ev.school.phase_group} roll of {ev.roll_used:.0f}"
        text += f"; this school's roll is not recorded ({typical} is assumed)"
    if "recent_joins" in ev.engine.model.coefficients.get("capacity", {}):
        recent = int(ev.recent[k])
        text += (
            f"; {plural(recent, 'school')} joined it in the last year"
            if recent
            else "; none joined it in the last year"
        )
    if "growth" in ev.engine.model.coefficients.get("capacity", {}):
        growth = int(ev.growth[k])
        text += f"; {plural(growth, 'maintained school')} converted and joined it in the last {GROWTH_YEARS} years"
    if "fill" in ev.engine.model.coefficients.get("capacity", {}) and ev.both_places[k] > 0:
        counted = int(ev.both_counted[k])
        records = _verb(counted, "records", "record")
        who = "its one school records both" if n == 1 else f"{counted} of {n} schools {records} both"
        text += f"; rolls fill {percent(ev.both_pupils[k] / ev.both_places[k])} of places ({who})"
    return text


def explain(ranking: Ranking, k: int, rank_index: int | None) -> Candidate:
    """The candidate row for trust position k; rank_index is its place in the ranking, if listed."""
    ev = ranking.evaluation
    e = ev.engine
    trust = e.candidates[k]
    cols = e.dataset.columns
    n = int(ev.n[k])
    segment = slice(e.starts[k], e.starts[k] + trust.school_count)
    distances = ev.member_km[segment]
    nearest_member = int(e.member_rows[segment][int(np.argmin(distances))])
    nearest_km = float(ev.nearest_km[k])
    same_phase_km = float(ev.nearest_same_phase_km[k])
    hub = None
    if nearest_km <= e.radius_km:
        hub = next((h for h in ev.shape_of(trust.code).hubs if nearest_member in h.members), None)
    if n == 0:  # the school's own trust, of no other school (a shortlist can still hold it): nothing to say
        reasons = dict.fromkeys(
            CRITERIA, f"{ev.school.name} is {trust.name}'s only school: without it there is nothing to compare."
        )
    else:
        phase_text = _phase_reason(ev, k, n, nearest_member)
        if ev.notice and ev.school.phase_group == "nursery":
            phase_text += ". " + NURSERY_NOTICE
        reasons = {
            "ethos": _ethos_reason(ev, k, n),
            "geography": _geography_reason(ev, k, n, nearest_member, hub),
            "phase": phase_text,
            "capacity": _capacity_reason(ev, k, n),
        }

    return Candidate(
        rank=None if rank_index is None else rank_index + 1,
        trust_code=trust.code,
        trust_name=trust.name,
        total=float(ranking.totals[k]),
        scores={name: float(ev.scores[k, i]) for i, name in enumerate(CRITERIA)},
        reasons=reasons,
        nearest_km=nearest_km,
        nearest_school=cols["name"][nearest_member],
        nearest_school_row=nearest_member,
        nearest_same_phase_km=same_phase_km if np.isfinite(same_phase_km) else None,
        same_phase_nearby=int(ev.same_phase_near[k]),
        hub=hub.name if hub else None,
        robustness=None if rank_index is None else float(ranking.robustness[rank_index]),
        schools=n,
        pupils=int(ev.pupils[k]),
        is_current_trust=k == ev.own_trust,
        compatible=bool(ev.compatible[k]),
    )
