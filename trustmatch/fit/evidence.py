"""The DfE 2021 benefits and obstacles, each tied to what one trust's own figures say about it.

The wording and figures live in resources/evidence/joining-a-trust.json; this
module picks the figures for the school's phase and writes the trust-specific
indicator beside each.  A figure the study did not report for a phase is left
out, never shown as 0%.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from trustmatch.data import paths
from trustmatch.fit.criteria import BENCHMARK_PUPILS, SCRUTINY_PUPILS
from trustmatch.fit.graph import DEFAULT_RADIUS_KM


@dataclass(frozen=True)
class Figure:
    percent: int
    text: str
    phase: str  # "primary" or "secondary": whose answer this is


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # overall, benefit or obstacle
    title: str
    figures: tuple[Figure, ...]
    this_trust: str  # what the register says about this trust for this item


@lru_cache(maxsize=1)
def load() -> dict:
    return json.loads(paths.resource("evidence", "joining-a-trust.json").read_text(encoding="utf-8"))


def study_phases(phase_group: str) -> tuple[str, ...]:
    """Which of the study's two phases speak for a school of this phase group."""
    if phase_group in ("primary", "nursery"):
        return ("primary",)
    if phase_group in ("secondary", "16 plus"):
        return ("secondary",)
    return ("primary", "secondary")  # all-through, special, AP: the study reported only these two


def figures_for(item: dict, phase_group: str) -> tuple[Figure, ...]:
    return tuple(
        Figure(figure[phase], figure["text"], phase)
        for figure in item["figures"]
        for phase in study_phases(phase_group)
        if figure.get(phase) is not None
    )


def indicator(name: str, school, trust, candidate, shape) -> str:
    if name == "overall":
        return (
            f"{candidate.schools} schools and {candidate.pupils:,} pupils; scores {candidate.total:.0f} of 100 "
            f"for this school, rank {candidate.rank}."
        )
    if name == "ethos":
        mix = ", ".join(f"{n} {c}" for c, n in trust.religious_characters.items())
        dioceses = "; dioceses: " + ", ".join(trust.dioceses) if trust.dioceses else ""
        return f"Trust schools by religious character: {mix}{dioceses}. This school: {school.religious_character}."
    if name == "collaboration":
        if candidate.nearest_same_phase_km is None:
            return f"No {school.phase_group} school in the trust to work with."
        return (
            f"Nearest {school.phase_group} school of the trust {candidate.nearest_same_phase_km:.1f} km away; "
            f"{candidate.same_phase_nearby} of this or a related phase within {DEFAULT_RADIUS_KM:.0f} km."
        )
    if name == "identity":
        return (
            f"This school would be one of {candidate.schools + 1} schools; "
            f"the trust has {candidate.pupils:,} pupils without it."
        )
    if name == "burden":
        mark = "above" if candidate.pupils >= BENCHMARK_PUPILS else "below"
        return (
            f"{candidate.pupils:,} pupils, {mark} the DfE's 7,500 mark "
            "for a trust with the capacity to support its schools."
        )
    if name == "finance":
        filled = (
            f"rolls fill {trust.pupils / trust.capacity * 100:.0f}% of places" if trust.capacity
            else "places not recorded"
        )
        scrutiny = (
            "; under 2,000 pupils, so under closer DfE financial scrutiny" if candidate.pupils < SCRUTINY_PUPILS else ""
        )
        return f"{candidate.pupils:,} pupils; {filled}{scrutiny}."
    if name == "autonomy":
        las = len(trust.las)
        regions = len(trust.regions)
        return (
            f"Spans {las} local authorit{'y' if las == 1 else 'ies'} and {regions} region{'s' if regions != 1 else ''} "
            f"in {shape.hub_count} hub{'s' if shape.hub_count != 1 else ''}; "
            f"its nearest school is {candidate.nearest_km:.1f} km away."
        )
    raise ValueError(f"unknown evidence indicator {name}")


def items_for(school, trust, candidate, shape) -> list[EvidenceItem]:
    return [
        EvidenceItem(
            item["kind"],
            item["title"],
            figures_for(item, school.phase_group),
            indicator(item["indicator"], school, trust, candidate, shape),
        )
        for item in load()["items"]
    ]
