"""Questions to ask a candidate trust: each rule fires on real schools and trusts when it should, and only then."""

from __future__ import annotations

import pytest

from trustmatch.fit.questions import questions_for
from trustmatch.fit.ranking import PRESETS

PORTBURY = 143283  # St Mary's CofE Primary, Portbury: Diocese of Bath and Wells, in Lighthouse Schools Partnership
SHIREHAMPTON = 132196  # Shirehampton Primary, Bristol: community primary, no religious character
SINAI = 101549  # Sinai Jewish Primary
BILLESDON = 120115  # Billesdon CofE Primary: Diocese of Leicester
WOODBRIDGE = 131201  # The Woodbridge Park Education Service: alternative provision
LIGHTCLIFFE = 137036  # Lightcliffe Academy: one of Abbey MAT's three secondaries
HARMOOD = 100092  # Harmood School, Camden: a maintained special school

BATH_AND_WELLS = "2250"  # 45 schools, 43 CofE, 3 km from Portbury
KALEIDOSCOPE = "16798"  # 7 primaries, 2,011 pupils
CATHEDRAL = "16026"  # 10 of 12 schools without religious character
JEWISH_COMMUNITY = "17202"  # 4 Jewish primaries, 1,282 pupils
BELLEVUE = "2288"  # 12 primaries, none with a religious character
PETERBOROUGH = "4192"  # Peterborough diocesan trust, 17 km from Billesdon
RISE = "3722"  # CofE trust 4.5 km from Billesdon, in the Diocese of Leicester
LIFT = "2053"  # 57 schools: 5 special, no alternative provision
ORCHARD_HILL = "4100"  # special schools and one alternative provision
ORMISTON = "4106"  # 44 schools: 3 special, 3 alternative provision
BECKMEAD = "17197"  # 12 schools: 9 special, 3 alternative provision
BARNET_SPECIAL = "16538"  # 2 special schools
ATTWOOD = "2200"  # one secondary
ABBEY = "2046"

ALWAYS = ["offer", "central-charge", "delegation", "local-governance"]


@pytest.fixture(scope="module")
def ask(engine, dataset):
    def questions(urn: int, code: str):
        school = dataset.school_by_urn(urn)
        candidate = engine.evaluate(dataset.index_of_urn(urn)).rank(PRESETS["balanced"]).candidate_for(code)
        return {q.key: q for q in questions_for(candidate, school, dataset.trusts.by_code(code))}

    return questions


def test_the_always_questions_come_last_for_a_close_fitting_trust(ask):
    # Bath and Wells DAT for Portbury: near, big enough, CofE, in the school's diocese, all primaries.
    questions = ask(PORTBURY, BATH_AND_WELLS)
    assert list(questions) == ["identity"] + ALWAYS
    assert "one of 46 schools" in questions["identity"].text
    assert "top slice" in questions["central-charge"].text
    assert "scheme of delegation" in questions["delegation"].text
    assert "3 local authorities" in questions["delegation"].why
    assert "foundation governors" in questions["local-governance"].text  # a church school
    assert "its nearest primary school is 3 km away" in questions["offer"].why


def test_every_question_is_worded_and_keyed_once(ask):
    for urn, code in [
        (PORTBURY, CATHEDRAL),
        (BILLESDON, PETERBOROUGH),
        (WOODBRIDGE, LIFT),
        (SINAI, JEWISH_COMMUNITY),
        (HARMOOD, ATTWOOD),  # far, small, of another phase: seven questions
    ]:
        questions = ask(urn, code)
        assert 4 <= len(questions) <= 8
        assert list(questions)[-4:] == ALWAYS
        assert all(q.theme and q.text.endswith("?") and q.why for q in questions.values())


def test_a_far_trust_is_asked_how_support_reaches_the_school(ask):
    far = ask(BILLESDON, PETERBOROUGH)["local-support"]
    assert "Cottingham Church of England Primary School, is 17 km away" in far.text
    assert "December 2016" in far.why
    assert "local-support" not in ask(BILLESDON, RISE)


def test_a_small_trust_is_asked_about_growth_and_central_capacity(ask):
    small = ask(PORTBURY, KALEIDOSCOPE)["growth"]
    assert "With 7 schools and 2,011 pupils" in small.text and "central team" in small.text
    assert "2022 White Paper" in small.why and "closer financial scrutiny" not in small.why
    tiny = ask(SINAI, JEWISH_COMMUNITY)["growth"]
    assert "1,282 pupils" in tiny.text and "closer financial scrutiny" in tiny.why  # under 2,000
    assert "growth" not in ask(PORTBURY, BATH_AND_WELLS)
    assert "growth" not in ask(WOODBRIDGE, ORCHARD_HILL)  # 14 schools, though under 7,500 pupils


def test_a_large_trust_is_asked_about_identity_and_voice(ask):
    assert "We would be one of 58 schools" in ask(WOODBRIDGE, LIFT)["identity"].text
    assert "identity" not in ask(PORTBURY, KALEIDOSCOPE)
    assert "identity" not in ask(WOODBRIDGE, ORCHARD_HILL)


def test_a_trust_of_another_religious_character_is_asked_how_the_schools_character_is_kept(ask):
    jewish = ask(SINAI, BELLEVUE)["religious-character"]
    assert "All 12 schools of the trust have no religious character; ours is Jewish" in jewish.text
    church_trust = ask(SHIREHAMPTON, BATH_AND_WELLS)["religious-character"]
    assert "are Church of England; ours has none" in church_trust.text
    assert "keeps its own character" in church_trust.why
    cofe_school = ask(PORTBURY, CATHEDRAL)["religious-character"]
    assert "have no religious character; ours is Church of England" in cofe_school.text
    for urn, code in [(SINAI, JEWISH_COMMUNITY), (PORTBURY, BATH_AND_WELLS), (BILLESDON, RISE)]:
        assert "religious-character" not in ask(urn, code)
        assert "diocese" not in ask(urn, code)


def test_a_church_trust_of_another_diocese_is_asked_about_consent(ask):
    other = ask(BILLESDON, PETERBOROUGH)
    assert "religious-character" not in other  # all 36 are Church of England
    assert "None of the trust's schools is in the Diocese of Leicester" in other["diocese"].text
    assert "the Diocese of Peterborough" in other["diocese"].text
    assert "consent" in other["diocese"].why


def test_few_schools_of_the_phase_is_asked_about_phase_expertise(ask):
    assert "Who in the trust knows secondary education well" in ask(LIGHTCLIFFE, "2064")["phase-expertise"].text
    assert "phase-expertise" not in ask(PORTBURY, BATH_AND_WELLS)  # 44 primaries
    # a special school or alternative provision is asked about specialist provision instead (below)
    for code in (LIFT, ORCHARD_HILL):
        assert "phase-expertise" not in ask(WOODBRIDGE, code)
    assert "phase-expertise" not in ask(HARMOOD, ATTWOOD)


def test_alternative_provision_is_asked_about_the_trusts_specialist_provision(ask):
    none = ask(WOODBRIDGE, LIFT)["specialist-provision"]
    assert none.text.startswith(
        "None of the trust's 57 schools is alternative provision like ours; it runs 5 special schools. "
        "Who in the trust leads alternative provision"
    )
    assert none.why.startswith("The register lists 5 special schools and 0 alternative-provision schools")
    one = ask(WOODBRIDGE, ORCHARD_HILL)["specialist-provision"]
    assert one.text.startswith("1 of the trust's 14 schools is alternative provision like ours; it also runs 13")
    three = ask(WOODBRIDGE, ORMISTON)["specialist-provision"]  # asked however many it runs
    assert three.text.startswith("3 of the trust's 44 schools are alternative provision like ours; it also runs 3")


def test_a_special_school_is_asked_about_the_trusts_send_provision(ask):
    beckmead = ask(HARMOOD, BECKMEAD)["specialist-provision"]
    assert beckmead.theme == "Specialist provision"
    assert beckmead.text.startswith(
        "9 of the trust's 12 schools are special schools like ours; it also runs 3 alternative-provision schools. "
        "Who leads special educational needs and disability (SEND) provision across the trust"
    )
    assert "education, health and care plan" in beckmead.why
    both = ask(HARMOOD, BARNET_SPECIAL)["specialist-provision"]
    assert both.text.startswith("Both of the trust's schools are special schools like ours.")
    alone = ask(HARMOOD, ATTWOOD)["specialist-provision"]
    assert alone.text.startswith("The trust's one school is not a special school like ours.")


@pytest.mark.parametrize("urn", [PORTBURY, SHIREHAMPTON, LIGHTCLIFFE])
def test_a_mainstream_school_is_not_asked_about_specialist_provision(ask, urn):
    for code in (ORCHARD_HILL, BECKMEAD, LIFT, BATH_AND_WELLS):  # specialist trusts too
        assert "specialist-provision" not in ask(urn, code)


def test_a_trust_of_the_special_school_alone_is_not_asked_to_count_its_provision(ask):
    alone = ask(139526, "17841")  # James Brindley School, the only school of Think Differently Education Trust
    assert "specialist-provision" not in alone and alone["growth"].text.startswith("With no school but ours,")


@pytest.mark.parametrize(
    "code, wording",
    [
        ("2200", "The trust's one school is a secondary school like ours."),  # Attwood Academies
        ("2133", "The trust's one school is not a secondary school like ours."),  # Amherst: a primary
        ("2248", "Both of the trust's schools are secondary schools like ours."),  # The Basildon Academies
        ("2161", "Only 1 of the trust's 2 schools is a secondary school like ours."),  # The Gryphon Trust
        ("2064", "None of the trust's 2 schools is a secondary school like ours."),  # ACE Learning: 2 primaries
    ],
)
def test_a_trust_of_one_or_two_schools_is_counted_in_plain_words(ask, code, wording):
    assert ask(LIGHTCLIFFE, code)["phase-expertise"].text.startswith(wording)


def test_the_school_is_not_counted_in_its_own_trust(ask, dataset):
    assert dataset.trusts.by_code(ABBEY).schools_by_phase["secondary"] == 3  # Lightcliffe among them
    own = ask(LIGHTCLIFFE, ABBEY)["phase-expertise"]
    assert "Only 2 of the trust's 7 schools are secondary schools" in own.text


def test_a_trust_of_the_school_alone_is_asked_no_counting_questions(ask):
    harvey = ask(138480, "3333")  # The Harvey Grammar School, the only school of The Harvey Academy
    assert "phase-expertise" not in harvey and "religious-character" not in harvey
    assert harvey["growth"].text.startswith("With no school but ours,")
    assert not any("0 schools" in q.text for q in harvey.values())
