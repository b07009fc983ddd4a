"""Questions a school's governors should ask one candidate trust, chosen from that trust's own figures.

`questions_for(candidate, school, trust)` gives a short list (four to eight) for
the meeting page, the comparison and the briefing pack.  It needs the trust's
register entry as well as its candidate row: the religious-character, diocese,
phase and local-authority counts are on the `Trust`, not on the `Candidate`.  Each `Question` has a
stable `key` (for saving "asked" ticks and answers against it), a `theme`, the
`text` to ask and `why` it is asked of this trust.

The themes are the due-diligence themes common to sector guidance (Anthony
Collins Solicitors, "10 questions to consider when joining or forming a
multi-academy trust"; The Key, "Due diligence: joining an existing MAT"),
worded here in the app's own words.  Which ones are asked, and how, follows the
register's figures for this trust against this school:

- ``local-support``: no trust school within the hub radius (10 km): how support
  and school improvement would reach the school (DfE 2016 growth guidance warns
  against geographically isolated schools).
- ``growth``: under both of the 2022 White Paper's marks (10 schools, 7,500
  pupils): its growth plan and how its central team is resourced.
- ``identity``: a large trust (``LARGE_TRUST_SCHOOLS`` or more schools): how the
  school keeps its identity and its voice.
- ``religious-character``: fewer than half the trust's schools share the
  school's religious character: how the school's character is kept.
  ``diocese`` instead when they share it but none is in the school's diocese.
- ``phase-expertise``: fewer than ``FEW_SAME_PHASE`` trust schools of the
  school's phase: who brings expertise in that phase.
- ``specialist-provision`` instead, always, for a special school or alternative
  provision: how many special and alternative-provision schools the trust runs,
  and who leads that provision (its counts answer the phase question too, so
  the two are never asked together).
- always: ``offer`` (what it offers pupils and staff, with how far its nearest
  school of the same phase is), ``central-charge`` (the "top slice" and what it buys),
  ``delegation`` (the scheme of delegation) and ``local-governance``.

The trust's figures leave the school itself out (a school is never counted as a
member of its own trust), as the candidate's do.  These are prompts drawn from
the register, not judgements of the trust.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustmatch.fit.criteria import BENCHMARK_PUPILS, BENCHMARK_SCHOOLS, SCRUTINY_PUPILS
from trustmatch.fit.evidence import without_school
from trustmatch.fit.graph import DEFAULT_RADIUS_KM
from trustmatch.fit.ranking import FAITH_WORDS
from trustmatch.fit.words import plural

# Over twice the White Paper's 10-school mark: in 2024 nearly three-quarters of
# MATs ran 2-9 schools (Tes MAT Tracker), so 20 or more is a large trust.
LARGE_TRUST_SCHOOLS = 20
# Three schools of a phase is where the phase criterion counts experience as full.
FEW_SAME_PHASE = 3

# a specialist phase: (one school of it, several, one school of the other specialist phase)
SPECIALIST_PHASES = {
    "special": ("a special school", "special schools", "alternative-provision school"),
    "alternative provision": ("alternative provision", "alternative provision", "special school"),
}

PHASE_WORDS = {
    "alternative provision": "alternative-provision",
    "16 plus": "sixth-form",
}


@dataclass(frozen=True)
class Question:
    key: str  # stable id: answers and "asked" ticks are saved against it
    theme: str
    text: str
    why: str


def _faith(faith: str) -> str:
    return FAITH_WORDS.get(faith, faith)


def _phase(school) -> str:
    return PHASE_WORDS.get(school.phase_group, school.phase_group)


def _local_support(candidate, school) -> Question | None:
    if candidate.nearest_km <= DEFAULT_RADIUS_KM or not candidate.schools:  # no school but this one: no distance
        return None
    return Question(
        "local-support",
        "Support and school improvement",
        f"The trust's nearest school to us, {candidate.nearest_school}, is {candidate.nearest_km:.0f} km away. "
        "Who would support us day to day, and how often would school-improvement staff and colleagues "
        "from other schools of the trust come to us?",
        f"No school of the trust within {DEFAULT_RADIUS_KM:.0f} km; DfE guidance (December 2016) warns against "
        "geographically isolated schools, since distance makes working face to face hard.",
    )


def _growth(candidate, school) -> Question | None:
    if candidate.schools >= BENCHMARK_SCHOOLS or candidate.pupils >= BENCHMARK_PUPILS:
        return None
    scrutiny = (
        f"; under the {SCRUTINY_PUPILS:,} pupils below which DfE guidance (December 2016) put trusts under "
        "closer financial scrutiny"
        if candidate.pupils < SCRUTINY_PUPILS
        else ""
    )
    size = f"{plural(candidate.schools, 'school')} and {candidate.pupils:,} pupils"
    if not candidate.schools:  # a trust of this school alone
        size = "no school but ours"
    return Question(
        "growth",
        "Growth and central capacity",
        f"With {size}, what is the trust's plan "
        "for growth, how will that growth be paid for, and who does its central team have for finance, HR "
        "and school improvement?",
        f"{size[0].upper()}{size[1:]}: under both marks of the 2022 "
        f"White Paper, which asked trusts to work towards {BENCHMARK_SCHOOLS} schools or "
        f"{BENCHMARK_PUPILS:,} pupils{scrutiny}.",
    )


def _identity(candidate, school) -> Question | None:
    if candidate.schools < LARGE_TRUST_SCHOOLS:
        return None
    return Question(
        "identity",
        "Identity and voice",
        f"We would be one of {candidate.schools + 1} schools. What would stay ours to decide (curriculum, "
        "uniform, name, traditions), and how would our voice reach the trust board?",
        f"A large trust of {plural(candidate.schools, 'school')} and {candidate.pupils:,} pupils; loss of what "
        "is special about a school was a key reason maintained schools gave for not joining (DfE, 2021).",
    )


def _religious_character(candidate, school, trust) -> Question | None:
    faiths = without_school(trust.faiths, school.faith, candidate)
    total = sum(faiths.values())
    same = faiths.get(school.faith, 0)
    if total and same * 2 < total:
        main_faith, main_count = max(faiths.items(), key=lambda kv: kv[1])
        theirs = "have no religious character" if main_faith == "none" else f"are {_faith(main_faith)}"
        share = f"All {total}" if main_count == total else f"{main_count} of the {total}"
        if school.faith == "none":
            ours, kept = "has none", "our character as a school without a religious character"
        else:
            ours = f"is {_faith(school.faith)}"
            kept = "our religious character, collective worship and religious education"
        return Question(
            "religious-character",
            "Character and ethos",
            f"{share} schools of the trust {theirs}; ours {ours}. How would {kept} be kept, and who would decide?",
            f"{same} of its {total} schools share this school's religious character"
            + (
                "; a school without one may join a church trust if both agree, and keeps its own character "
                "(2016 memoranda with the churches)."
                if school.faith == "none"
                else "."
            ),
        )
    dioceses = without_school(trust.dioceses, school.diocese, candidate)
    if school.diocese and same and not dioceses.get(school.diocese):
        elsewhere = " and ".join(f"the {d}" for d in list(dioceses)[:2]) or "no diocese"
        return Question(
            "diocese",
            "Character and ethos",
            f"None of the trust's schools is in the {school.diocese} (its church schools are in {elsewhere}). "
            f"Would the {school.diocese} consent to our joining, and how would our links with it continue?",
            "Under the 2016 memoranda a church school needs its diocese's consent to convert, "
            "and dioceses keep their families of schools together.",
        )
    return None


def _phase_expertise(candidate, school, trust) -> Question | None:
    by_phase = without_school(trust.schools_by_phase, school.phase_group, candidate)
    same = by_phase.get(school.phase_group, 0)
    if same >= FEW_SAME_PHASE or not candidate.schools or school.phase_group in SPECIALIST_PHASES:
        return None
    phase = _phase(school)
    article = "an" if phase[0] in "aeiou" else "a"
    total = candidate.schools
    if total == 1:
        have = f"The trust's one school is {'' if same else 'not '}{article} {phase} school"
    elif same == 0:
        have = f"None of the trust's {total} schools is {article} {phase} school"
    elif same == total:
        have = f"{'Both' if total == 2 else f'All {total}'} of the trust's schools are {phase} schools"
    else:
        have = f"Only {same} of the trust's {total} schools " + (
            f"is {article} {phase} school" if same == 1 else f"are {phase} schools"
        )
    return Question(
        "phase-expertise",
        "Phase expertise",
        f"{have} like ours. Who in the trust knows {phase} education well, and who would our staff work with?",
        f"{plural(same, phase + ' school')} in the trust; some regions ask trusts for proof of "
        "phase-specific expertise before they take on schools of that phase (Tes, March 2024).",
    )


def _specialist_provision(candidate, school, trust) -> Question | None:
    if school.phase_group not in SPECIALIST_PHASES or not candidate.schools:
        return None
    by_phase = without_school(trust.schools_by_phase, school.phase_group, candidate)
    special, ap = by_phase.get("special", 0), by_phase.get("alternative provision", 0)
    ours, others = (special, ap) if school.phase_group == "special" else (ap, special)
    one, many, other_kind = SPECIALIST_PHASES[school.phase_group]
    total = candidate.schools
    if total == 1:
        runs = f"The trust's one school is {'' if ours else 'not '}{one} like ours"
    elif ours == total:
        runs = f"{'Both' if total == 2 else f'All {total}'} of the trust's schools are {many} like ours"
    elif ours:
        runs = f"{ours} of the trust's {total} schools {f'is {one}' if ours == 1 else f'are {many}'} like ours"
    else:
        runs = f"None of the trust's {total} schools is {one} like ours"
    if others:
        runs += f"; it {'also ' if ours else ''}runs {plural(others, other_kind)}"
    if school.phase_group == "special":
        ask = (
            "Who leads special educational needs and disability (SEND) provision across the trust, and how would "
            "it support our pupils' education, health and care plans, their therapies and our specialist staff?"
        )
        pupils = "Most pupils at special schools have an education, health and care plan"
    else:
        ask = (
            "Who in the trust leads alternative provision, and how would it support our pupils' next steps (back "
            "to a school, or on to college or work), our work with the local authorities and schools that place "
            "pupils with us, and our staff?"
        )
        pupils = (
            "Alternative provision teaches pupils who have been excluded or are at risk of it, or who cannot "
            "attend school for other reasons"
        )
    return Question(
        "specialist-provision",
        "Specialist provision",
        f"{runs}. {ask}",
        f"The register lists {plural(special, 'special school')} and {plural(ap, 'alternative-provision school')} "
        f"in the trust. {pupils}; a trust's experience of running such schools shapes the support it can give.",
    )


def _offer(candidate, school) -> Question:
    if candidate.nearest_same_phase_km is None:
        partners = f"no other {_phase(school)} school in the trust"
    else:
        partners = f"its nearest {_phase(school)} school is {candidate.nearest_same_phase_km:.0f} km away"
    return Question(
        "offer",
        "What the trust offers",
        "What would the trust offer our pupils and staff: school improvement, training, curriculum, "
        "and which of its schools would we work with most closely?",
        f"Most recent joiners gave more collaboration as a key reason for joining (DfE, 2021); here: {partners}.",
    )


def _central_charge(candidate, school) -> Question:
    return Question(
        "central-charge",
        "Money",
        'What share of our income would the trust keep centrally (the "top slice"), what does it buy, '
        "and how are reserves and any deficits shared between its schools?",
        f"Every trust charges its schools for central services; with {plural(candidate.schools, 'school')} "
        f"and {candidate.pupils:,} pupils, ask what that charge pays for here.",
    )


def _delegation(candidate, school, trust) -> Question:
    las = len(trust.las)
    return Question(
        "delegation",
        "Governance",
        "What does the scheme of delegation leave to our head and local governors (budget, staffing, "
        "curriculum), and what does the trust board decide?",
        "Loss of autonomy was a key reason not to join for most maintained schools (DfE, 2021); the trust "
        f"runs schools in {las} local authorit{'y' if las == 1 else 'ies'}.",
    )


def _local_governance(candidate, school) -> Question:
    who = "parents, staff and the diocese (through foundation governors)" if school.diocese else "parents and staff"
    return Question(
        "local-governance",
        "Governance",
        f"Would we keep a local governing body, and what would it decide? How would {who} be represented?",
        "The governance a school keeps after joining is a core theme of due diligence in sector guidance.",
    )


def questions_for(candidate, school, trust) -> list[Question]:
    """The questions to ask this trust, most specific first (four to eight).

    `candidate` is the trust's `Candidate` for this school (from
    `Ranking.candidate_for(code)`); `trust` is its register entry
    (`dataset.trusts.by_code(candidate.trust_code)`), which holds the religious
    character, dioceses, phases and local authorities the candidate row lacks.
    """
    chosen = [
        _local_support(candidate, school),
        _growth(candidate, school),
        _identity(candidate, school),
        _religious_character(candidate, school, trust),
        _phase_expertise(candidate, school, trust),
        _specialist_provision(candidate, school, trust),
    ]
    always = [
        _offer(candidate, school),
        _central_charge(candidate, school),
        _delegation(candidate, school, trust),
        _local_governance(candidate, school),
    ]
    return [q for q in chosen if q is not None] + always
