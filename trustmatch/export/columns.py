"""The columns of a tabular export, defined once for CSV and Excel.

A column knows its header, how to get its value from a briefing and one of its
trusts, how many decimals a CSV keeps, and the Excel number format and width.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trustmatch.fit.criteria import CRITERIA


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable  # (briefing, trust brief) -> value
    group: str  # school, settings, trust, note or reason
    digits: int | None = None  # decimals kept in a CSV
    number_format: str | None = None  # Excel's
    width: float = 12


def _weight(name):
    return lambda b, t: b.weights[name]


def _score(name):
    return lambda b, t: t.candidate.scores[name]


def _reason(name):
    return lambda b, t: t.candidate.reasons[name]


def _note(attribute):
    return lambda b, t: getattr(t.note, attribute) if t.note is not None else ""


SCHOOL = [
    Column("School URN", lambda b, t: b.school.urn, "school", width=10),
    Column("School", lambda b, t: b.school.name, "school", width=34),
    Column("School phase", lambda b, t: b.school.phase, "school", width=14),
    Column("School local authority", lambda b, t: b.school.la_name, "school", width=18),
    # e.g. a nursery school cannot become an academy; the only school of its trust: its trust is not listed
    Column("Notice", lambda b, t: b.notice or "", "school", width=30),
]
SETTINGS = [
    Column("Exported", lambda b, t: b.created.isoformat(), "settings", width=11),
    Column("Data date", lambda b, t: b.data_date, "settings", width=11),
    *[Column(f"Weight {c}", _weight(c), "settings", number_format="0.0#", width=9) for c in CRITERIA],
    Column("Filters", lambda b, t: b.filters_text, "settings", width=40),
]
TRUST = [
    Column("Rank", lambda b, t: t.candidate.rank, "trust", number_format="0", width=6),
    Column("Trust", lambda b, t: t.name, "trust", width=40),
    Column("Group UID", lambda b, t: t.code, "trust", width=10),
    Column("Total", lambda b, t: t.candidate.total, "trust", digits=1, number_format="0.0", width=7),
    *[Column(c.capitalize(), _score(c), "trust", digits=1, number_format="0", width=9) for c in CRITERIA],
    Column("Robustness", lambda b, t: t.candidate.robustness, "trust", digits=2, number_format="0%", width=10),
    Column("Nearest km", lambda b, t: t.candidate.nearest_km, "trust", digits=1, number_format="0.0", width=9),
    Column("Nearest trust school", lambda b, t: t.candidate.nearest_school, "trust", width=30),
    Column(
        "Nearest same-phase km",
        lambda b, t: t.candidate.nearest_same_phase_km,
        "trust",
        digits=1,
        number_format="0.0",
        width=11,
    ),
    Column(
        "Same-phase schools within 10 km",
        lambda b, t: t.candidate.same_phase_nearby,
        "trust",
        number_format="0",
        width=11,
    ),
    Column("Hub it would join", lambda b, t: t.candidate.hub or "", "trust", width=16),
    Column("Trust schools", lambda b, t: t.candidate.schools, "trust", number_format="#,##0", width=9),
    Column("Trust pupils", lambda b, t: t.candidate.pupils, "trust", number_format="#,##0", width=10),
    Column("Trust places", lambda b, t: t.trust.capacity, "trust", number_format="#,##0", width=10),
    Column("Free school meals %", lambda b, t: t.trust.fsm_pct, "trust", digits=1, number_format="0.0", width=9),
    Column("Hubs", lambda b, t: t.facts["hubs"], "trust", width=24),
    Column("Spread km", lambda b, t: t.shape.spread_km, "trust", digits=1, number_format="0", width=8),
    Column("Schools by phase", lambda b, t: t.facts["schools_by_phase"], "trust", width=22),
    Column("Religious character", lambda b, t: t.facts["religious_characters"], "trust", width=26),
    Column("Dioceses", lambda b, t: t.facts["dioceses"], "trust", width=22),
    Column("Local authorities", lambda b, t: t.facts["local_authorities"], "trust", width=26),
    Column("Regions", lambda b, t: t.facts["regions"], "trust", width=20),
    Column("Current trust", lambda b, t: "yes" if t.candidate.is_current_trust else "", "trust", width=8),
    Column("Suits religious character", lambda b, t: "yes" if t.candidate.compatible else "no", "trust", width=10),
]
NOTES = [
    Column("Status", _note("status"), "note", width=12),
    Column("Decision", _note("decision"), "note", width=14),
    Column("Notes", _note("notes"), "note", width=40),
    Column("Decision note", _note("decision_note"), "note", width=30),
]
REASONS = [Column(f"{c.capitalize()} reason", _reason(c), "reason", width=60) for c in CRITERIA]

ALL = SCHOOL + SETTINGS + TRUST + NOTES + REASONS


def values(columns: list[Column], briefing, trust) -> list:
    return [c.value(briefing, trust) for c in columns]
