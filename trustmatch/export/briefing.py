"""What an export holds: one school, the settings used, and each candidate trust with every score,
reason and fact, its member schools, the DfE evidence tied to it and, from a shortlist, the user's notes.

Qt-free and format-free: the CSV, XLSX and PDF writers all read a `Briefing`,
so the three formats say the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache

import numpy as np

from trustmatch import __version__
from trustmatch.app.problems import UserError
from trustmatch.app.shortlist import preset_of
from trustmatch.data import paths
from trustmatch.data.dataset import attribution, long_date
from trustmatch.fit import evidence
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import Filters

# The method in brief, for the cover of a pack and the sources sheet (docs/scoring.md has the detail).
METHOD = (
    "Every multi-academy trust in England is scored from 0 to 100 on four criteria, each from the "
    "register's own figures. Ethos: how far the trust's schools share this school's religious character "
    "and diocese. Geography: how near the trust's nearest school is, and how compact the trust is (its "
    "hubs are clusters of its schools within 10 km of each other). Phase: how many of its schools are of "
    "this school's phase, and how many of those are within 10 km. Capacity: the trust's size against the "
    "DfE's expectation of 10 schools or 7,500 pupils, with room on its rolls. How much each signal counts "
    "was fitted to the trusts 772 recent converters chose. The total is the weighted geometric mean of the "
    "four, weighted as set out here: one very low score pulls it down whatever the others, so a trust with "
    "nothing near the school ranks low. Robustness is the share of 100 nearby weightings (each weight "
    "moved by up to about half or double) under which the trust stays in the top five. The school itself "
    "never counts as a member of any trust; its current trust is scored without it."
)


@dataclass(frozen=True)
class TrustNote:
    """What the user recorded about a trust on a shortlist."""

    status: str = ""
    notes: str = ""
    decision: str = ""  # in words: "Take forward", "Undecided", ...
    decision_note: str = ""


class TrustBrief:
    """One candidate trust for the school: its row of scores and reasons, and the facts behind it.

    Member schools and evidence are worked out only when a format asks for them
    (a batch CSV of ten thousand schools needs neither).
    """

    def __init__(self, briefing: Briefing, candidate, trust, shape, note: TrustNote | None):
        self._briefing = briefing
        self.candidate = candidate
        self.trust = trust
        self.shape = shape
        self.note = note

    @property
    def code(self) -> str:
        return self.trust.code

    @property
    def name(self) -> str:
        return self.trust.name

    @cached_property
    def members(self) -> list:
        """The trust's schools, nearest to the school first (the school itself left out)."""
        dataset, school = self._briefing.dataset, self._briefing.school
        rows = [r for r in self.trust.members if r != school.index]
        km = np.hypot(*(dataset.xy[rows] - dataset.xy[school.index]).T) / 1000.0 if rows else np.zeros(0)
        order = np.argsort(km, kind="stable")
        return [(dataset.school(rows[i]), float(km[i])) for i in order]

    @cached_property
    def hub_of_row(self) -> dict[int, str]:
        return {row: hub.name for hub in self.shape.hubs for row in hub.members}

    @cached_property
    def evidence(self) -> evidence.Evidence:
        """The evidence panel's content for this trust: headings, items, caveat and disclaimer."""
        return evidence.evidence_for(self._briefing.school, self.trust, self.candidate, self.shape)

    @cached_property
    def facts(self) -> dict[str, str]:
        """The trust's figures in words, as every format shows them."""
        return trust_facts(self.trust, self.shape)


def _counts(mapping: dict[str, int]) -> str:
    return "; ".join(f"{k} {v}" for k, v in mapping.items())


_facts_of_trust: dict[int, tuple] = {}  # id(trust) -> (trust, its facts): a batch meets the same trusts again and again


def trust_facts(trust, shape) -> dict[str, str]:
    cached = _facts_of_trust.get(id(trust))
    if cached is None or cached[0] is not trust:
        facts = {
            "schools_by_phase": _counts(trust.schools_by_phase),
            "religious_characters": _counts(trust.religious_characters),
            "dioceses": _counts(trust.dioceses),
            "local_authorities": _counts(trust.las),
            "regions": _counts(trust.regions),
        }
        cached = _facts_of_trust[id(trust)] = (trust, facts)
    # hubs depend on the school: its current trust is seen without it
    return dict(cached[1], hubs="; ".join(f"{h.name} {h.size}" for h in shape.hubs))


@dataclass
class Briefing:
    dataset: object
    school: object
    weights: dict[str, float]
    filters: Filters
    trusts: list[TrustBrief] = field(default_factory=list)
    kind: str = "top"  # "top" (the best N) or "shortlist"
    created: date = field(default_factory=date.today)
    missing: list[str] = field(default_factory=list)  # shortlisted trusts no longer in the data
    # What the ranking tells the reader before its list (a nursery school, the only school of its trust,
    # nothing in reach but its own trust), or None: a reader of the file needs it as much as the window's user.
    notice: str | None = None

    @property
    def data_date(self) -> str:
        return self.dataset.data_date

    @property
    def data_date_text(self) -> str:
        return self.dataset.data_date_text

    @property
    def created_text(self) -> str:
        return long_date(self.created.isoformat())

    @property
    def title(self) -> str:
        what = "Shortlisted trusts" if self.kind == "shortlist" else "Candidate trusts"
        return f"{what} for {self.school.name}"

    @property
    def preset(self) -> str | None:
        return preset_of(self.weights)

    @property
    def weights_text(self) -> str:
        text = ", ".join(f"{c} {self.weights[c]:g}" for c in CRITERIA)
        return f"{text} (preset '{self.preset}')" if self.preset else text

    @property
    def filters_text(self) -> str:
        return filters_text(self.filters)

    @property
    def attribution(self) -> list[str]:
        return attribution(self.dataset)

    @property
    def has_notes(self) -> bool:
        return any(t.note is not None for t in self.trusts)

    @property
    def version(self) -> str:
        return __version__


def filters_text(filters: Filters) -> str:
    parts = [f"within {filters.max_km:g} km" if filters.max_km is not None else "any distance"]
    parts.append("suited to the school's religious character" if filters.compatible_only else "any religious character")
    if filters.min_schools is not None:
        parts.append(f"at least {filters.min_schools} schools")
    if filters.max_schools is not None:
        parts.append(f"at most {filters.max_schools} schools")
    if filters.region:
        parts.append(f"with a school in {filters.region}")
    return "; ".join(parts)


def _brief(briefing: Briefing, evaluation, candidate, note: TrustNote | None = None) -> TrustBrief:
    trust = briefing.dataset.trusts.by_code(candidate.trust_code)
    return TrustBrief(briefing, candidate, trust, evaluation.shape_of(trust.code), note)


def for_top(dataset, engine, school, weights: dict[str, float], filters: Filters, top: int, ranking=None) -> Briefing:
    """The best `top` trusts for a school (pass `ranking` when it is already worked out)."""
    if ranking is None:
        ranking = engine.evaluate(school.index).rank(weights, filters)
    briefing = Briefing(dataset, school, dict(weights), filters, notice=ranking.notice)
    briefing.trusts = [_brief(briefing, ranking.evaluation, c) for c in ranking.rows(top)]
    return briefing


def for_trusts(
    dataset,
    engine,
    school,
    weights,
    filters,
    codes,
    notes: dict[str, TrustNote] | None = None,
    names: dict[str, str] | None = None,
) -> Briefing:
    """Named trusts in the given order, ranked or not under the filters, as a shortlist keeps them."""
    ranking = engine.evaluate(school.index).rank(weights, filters)
    # The school's own notice only: the ranking's would speak of the filtered list, which a shortlist is not.
    briefing = Briefing(dataset, school, dict(weights), filters, kind="shortlist", notice=ranking.evaluation.notice)
    for code in codes:
        try:
            candidate = ranking.candidate_for(code)
        except KeyError:
            briefing.missing.append((names or {}).get(code, code))
            continue
        briefing.trusts.append(_brief(briefing, ranking.evaluation, candidate, (notes or {}).get(code, TrustNote())))
    return briefing


def for_shortlist(dataset, engine, shortlist) -> Briefing:
    """A briefing of a shortlist (trustmatch.app.shortlist.Shortlist): its trusts in its order, with notes."""
    school = dataset.school_by_urn(shortlist.school_urn) if shortlist.school_urn is not None else None
    if school is None:
        raise UserError(
            f"{shortlist.school_name} is not in the data of {dataset.data_date_text}, "
            "so its shortlist cannot be exported."
        )
    notes = {
        e.trust_code: TrustNote(e.status, e.notes, e.decision_text if e.decision else "", e.decision_note)
        for e in shortlist.entries
    }
    names = {e.trust_code: e.trust_name for e in shortlist.entries}
    return for_trusts(dataset, engine, school, shortlist.weights, shortlist.filters, shortlist.codes, notes, names)


# --- sources ----------------------------------------------------------------------


def study() -> dict:
    """The DfE 2021 study most evidence items quote (title, date, method, address)."""
    return evidence.load()["study"]


def sources() -> list:
    """Every source the evidence items cite, with its citation and how far to trust it."""
    return list(evidence.sources().values())


def evidence_disclaimer() -> str:
    return evidence.load()["disclaimer"]


@lru_cache(maxsize=1)
def backtest() -> dict:
    """The backtest figures of docs/validation.md, as resources/validation/backtest.json holds them."""
    return json.loads(paths.resource("validation", "backtest.json").read_text(encoding="utf-8"))
