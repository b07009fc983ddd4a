"""What the evidence says about joining a trust, each item tied to what one trust's own figures say.

`evidence_for(school, trust, candidate, shape)` gives the structured content of
the evidence panel, for every front end to render (detail panel, briefing pack,
comparison, meeting page):

- `headings`, in order, each with a note to show under it;
- `items`, each under one heading: a kind (benefit, obstacle or context), a
  title, the study's figures for the school's phase, its source, and
  `this_trust`, the indicator from the register that ties it to this trust ("" for
  an item the register holds nothing on: quality of governance, workload);
- `caveat` (the figures were read from reports of the DfE study, not from its
  own PDF) and `disclaimer` (the indicators are not judgements): both are meant
  to be shown, not hidden behind a click.

The wording, figures and sources live in resources/evidence/joining-a-trust.json.
A figure the study did not report for a phase ('-' in its tables: not among the
top items for that phase) is left out, never shown as 0%; a finding with no
figure for the school's phase is left out whole, so a primary school never sees
an obstacle reported only by secondaries.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

from trustmatch.data import paths
from trustmatch.fit.criteria import BENCHMARK_PUPILS, BENCHMARK_SCHOOLS, SCRUTINY_PUPILS
from trustmatch.fit.words import percent, plural

KINDS = ("benefit", "obstacle", "context")


@dataclass(frozen=True)
class Source:
    key: str
    short: str  # beside a figure: "DfE 2021, as reported"
    citation: str
    caveat: str  # how far to trust it: "as reported by ...", "guidance of December 2016 ..."


@dataclass(frozen=True)
class Figure:
    percent: int
    text: str  # "of recent joiners said ...": whose answer it is, so it reads after the percentage
    phase: str  # "primary" or "secondary": which schools answered
    source: Source


@dataclass(frozen=True)
class Heading:
    title: str
    note: str


@dataclass(frozen=True)
class EvidenceItem:
    heading: str
    kind: str  # benefit, obstacle or context
    title: str
    figures: tuple[Figure, ...]  # for the school's phase; none for the perceived benefits and dated guidance
    source: Source
    this_trust: str  # the register's indicator for this trust, or "" when it holds none


@dataclass(frozen=True)
class Evidence:
    headings: tuple[Heading, ...]
    items: tuple[EvidenceItem, ...]
    caveat: str
    disclaimer: str

    def under(self, heading: Heading) -> list[EvidenceItem]:
        return [item for item in self.items if item.heading == heading.title]


@lru_cache(maxsize=1)
def load() -> dict:
    return json.loads(paths.resource("evidence", "joining-a-trust.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def sources() -> dict[str, Source]:
    return {key: Source(key, **value) for key, value in load()["sources"].items()}


def study_phases(phase_group: str) -> tuple[str, ...]:
    """Which of the study's two phases speak for a school of this phase group."""
    if phase_group in ("primary", "nursery"):
        return ("primary",)
    if phase_group in ("secondary", "16 plus"):
        return ("secondary",)
    return ("primary", "secondary")  # all-through, special, AP: the study reported only these two


def figures_for(item: dict, phase_group: str) -> tuple[Figure, ...]:
    source = sources()
    return tuple(
        Figure(figure[phase], figure["text"], phase, source[figure.get("source", item["source"])])
        for figure in item["figures"]
        for phase in study_phases(phase_group)
        if figure.get(phase) is not None
    )


def without_school(counts: dict[str, int], key: str, candidate) -> dict[str, int]:
    """A trust's tally without the school itself, as the candidate's figures are (it sits in its own trust's)."""
    counts = dict(counts)
    if candidate.is_current_trust and counts.get(key):
        counts[key] -= 1
        if not counts[key]:
            del counts[key]
    return counts


def character_in_words(character: str) -> str:
    """A religious character as a reader says it: the register's 'None' is 'no religious character'."""
    return "no religious character" if character == "None" else character


def _ethos(school, trust, candidate, shape) -> str:
    faiths = without_school(trust.religious_characters, school.religious_character, candidate)
    mix = ", ".join(f"{n} {character_in_words(c)}" for c, n in faiths.items()) or "none recorded"
    text = f"Trust schools by religious character: {mix}"
    dioceses = without_school(trust.dioceses, school.diocese, candidate)
    if dioceses:
        text += "; dioceses: " + ", ".join(f"{n} in the {d}" for d, n in dioceses.items())
    ours = character_in_words(school.religious_character) + (f", {school.diocese}" if school.diocese else "")
    return f"{text}. This school: {ours}."


def _identity(school, trust, candidate, shape) -> str:
    text = f"This school would be one of {candidate.schools + 1} schools"
    if not school.pupils:
        return f"{text}; the trust has {candidate.pupils:,} pupils without it."
    together = candidate.pupils + school.pupils
    return f"{text}, with {percent(school.pupils / together)} of the trust's {together:,} pupils."


def _collaboration(school, trust, candidate, shape) -> str:
    phase = school.phase_group
    same = without_school(trust.schools_by_phase, phase, candidate).get(phase, 0)
    if candidate.nearest_same_phase_km is None or not same:
        return f"No other {phase} school in the trust."
    return (
        f"{plural(same, phase + ' school')} in the trust; the nearest is "
        f"{candidate.nearest_same_phase_km:.1f} km from this school."
    )


def _burden(school, trust, candidate, shape) -> str:
    mark = "above" if candidate.pupils >= BENCHMARK_PUPILS else "below"
    return (
        f"{plural(candidate.pupils, 'pupil')} in {plural(candidate.schools, 'school')}, {mark} the "
        f"{BENCHMARK_PUPILS:,} pupils the 2022 White Paper asked trusts to work towards."
    )


def _finance(school, trust, candidate, shape) -> str:
    if not trust.capacity:
        return f"{plural(trust.pupils, 'pupil')}; the register records no places for its schools."
    return (
        f"Rolls fill {percent(trust.pupils / trust.capacity)} of the trust's recorded places "
        f"({trust.pupils:,} pupils in places for {trust.capacity:,})."
    )


def _span(school, trust, candidate, shape) -> str:
    las, regions = len(trust.las), len(trust.regions)
    return (
        f"Its schools are in {plural(las, 'local authority', 'local authorities')} and "
        f"{plural(regions, 'region')}, in {plural(shape.hub_count, 'hub')}."
    )


def _distance(school, trust, candidate, shape) -> str:
    centre_km = math.hypot(school.easting - trust.centroid[0], school.northing - trust.centroid[1]) / 1000.0
    return (
        f"The centre of its schools is {centre_km:.0f} km from this school and its nearest school "
        f"{candidate.nearest_km:.1f} km; its schools spread about {shape.spread_km:.0f} km around that centre."
    )


def _scrutiny(school, trust, candidate, shape) -> str:
    side = "under" if candidate.pupils < SCRUTINY_PUPILS else "over"
    return f"{plural(candidate.pupils, 'pupil')}: {side} that line."


def _size(school, trust, candidate, shape) -> str:
    reached = candidate.schools >= BENCHMARK_SCHOOLS or candidate.pupils >= BENCHMARK_PUPILS
    return f"{plural(candidate.schools, 'school')} and {plural(candidate.pupils, 'pupil')}: " + (
        "at or past that size." if reached else "short of both."
    )


INDICATORS = {
    "ethos": _ethos,
    "identity": _identity,
    "collaboration": _collaboration,
    "burden": _burden,
    "finance": _finance,
    "span": _span,
    "distance": _distance,
    "scrutiny": _scrutiny,
    "size": _size,
}


def tie(indicator: str | None, school, trust, candidate, shape) -> str:
    if indicator is None:
        return ""
    if not candidate.schools:  # the school's own trust, with no other school in it
        return "The trust has no school but this one."
    return INDICATORS[indicator](school, trust, candidate, shape)


def evidence_for(school, trust, candidate, shape) -> Evidence:
    """The evidence panel's content for one trust (candidate and shape as this school sees it)."""
    content = load()
    source = sources()
    items = []
    for item in content["items"]:
        figures = figures_for(item, school.phase_group)
        if item["figures"] and not figures:
            continue  # reported only for the other phase: nothing to show
        indicator = item["indicator"]
        items.append(
            EvidenceItem(
                heading=item["heading"],
                kind=item["kind"],
                title=item["title"],
                figures=figures,
                source=source[item["source"]],
                this_trust=tie(indicator, school, trust, candidate, shape),
            )
        )
    study = source["dfe2021"]
    return Evidence(
        headings=tuple(Heading(**h) for h in content["headings"]),
        items=tuple(items),
        caveat=f"Percentages: {study.citation} {study.caveat}",
        disclaimer=content["disclaimer"],
    )


def items_for(school, trust, candidate, shape) -> list[EvidenceItem]:
    """The items alone, in panel order (see `evidence_for` for the headings, caveat and disclaimer)."""
    return list(evidence_for(school, trust, candidate, shape).items)
