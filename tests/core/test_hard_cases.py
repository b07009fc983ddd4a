"""The hard cases of issue 7, on real schools, with the filters lifted so that the scores themselves must get them
right (reach None, religious-character filter off)."""

from __future__ import annotations

import pytest

from trustmatch.fit.ranking import NURSERY_NOTICE, PRESETS, Filters

LIFTED = Filters(max_km=None, compatible_only=False)
BALANCED = PRESETS["balanced"]


def top(engine, dataset, urn, count=10, filters=LIFTED):
    return engine.evaluate(dataset.index_of_urn(urn)).rank(BALANCED, filters).rows(count)


def share(trust, key, value):
    counts = getattr(trust, key)
    return counts.get(value, 0) / trust.school_count


# --- faith -------------------------------------------------------------------------


def test_a_jewish_school_sees_no_catholic_or_hindu_trust_in_its_top_ten(engine, dataset):
    """Sinai Jewish Primary (Brent) had two Catholic trusts and a Hindu trust in its top ten."""
    rows = top(engine, dataset, 101549)
    for c in rows:
        trust = dataset.trusts.by_code(c.trust_code)
        assert share(trust, "religious_characters", "Roman Catholic") < 0.5, trust.name
        assert "Hindu" not in trust.religious_characters, trust.name
    assert rows[0].trust_name == "JEWISH COMMUNITY ACADEMY TRUST"


@pytest.mark.parametrize("urn, faith", [(101574, "Muslim"), (135482, "Sikh")])
def test_minority_faith_schools_see_no_trust_wholly_of_another_faith_in_their_top_ten(engine, dataset, urn, faith):
    for c in top(engine, dataset, urn):
        trust = dataset.trusts.by_code(c.trust_code)
        others = sum(n for rc, n in trust.religious_characters.items() if rc not in ("None", faith))
        assert others < trust.school_count, trust.name


def test_a_christian_school_ranks_trusts_of_another_faith_below_neutral_ones(engine, dataset):
    """Beaminster School ("Christian"): a trust wholly of another faith never scores like a community trust."""
    evaluation = engine.evaluate(dataset.index_of_urn(113884))
    ranking = evaluation.rank(BALANCED, LIFTED)
    ethos = {c.trust_code: c.scores["ethos"] for c in (ranking.candidate_for(t.code) for t in engine.candidates)}
    neutral = [t.code for t in engine.candidates if set(t.religious_characters) == {"None"}]
    foreign = [
        t.code for t in engine.candidates if set(t.religious_characters) <= {"Muslim", "Sikh", "Jewish", "Hindu"}
    ]
    assert foreign and neutral
    assert max(ethos[c] for c in foreign) < min(ethos[c] for c in neutral)


@pytest.mark.parametrize("urn", [110086, 113551])
def test_a_joint_school_is_scored_against_both_churches_trusts_of_its_dioceses(engine, dataset, urn):
    """Joint Church of England/Catholic schools: both churches, in both dioceses where the school stands."""
    evaluation = engine.evaluate(dataset.index_of_urn(urn))
    names = {name for name, code in engine.diocese_code.items() if code in evaluation.dioceses}
    assert {engine._church_of_diocese(code) for code in evaluation.dioceses} == {"cofe", "catholic"}, names
    ranking = evaluation.rank(BALANCED, LIFTED)
    best = {"Church of England": 0.0, "Roman Catholic": 0.0, "None": 0.0}
    for trust in engine.candidates:
        main = max(trust.religious_characters, key=trust.religious_characters.get)
        if main == "None" and set(trust.religious_characters) != {"None"}:
            continue  # a community trust with a church school or two: neither church's nor neutral
        in_dioceses = any(part in names for d in trust.dioceses for part in d.split("/"))
        if main in best and (in_dioceses or set(trust.religious_characters) == {"None"}):
            best[main] = max(best[main], ranking.candidate_for(trust.code).scores["ethos"])
    assert best["Church of England"] >= 70 and best["Roman Catholic"] >= 70, best
    assert min(best["Church of England"], best["Roman Catholic"]) > 3 * best["None"], best


def test_out_of_diocese_diocesan_trusts_get_little_credit(engine, dataset):
    """Billesdon CofE Primary (Leicester): no other diocese's CofE trust in its top ten."""
    for c in top(engine, dataset, 120115):
        trust = dataset.trusts.by_code(c.trust_code)
        if share(trust, "faiths", "cofe") >= 0.5:
            assert "Diocese of Leicester" in trust.dioceses, trust.name


def test_a_diocesan_trust_counts_as_such_only_in_its_own_dioceses(engine, dataset):
    """The Diocese of Ely trust has 1 of its 39 schools in St Edmundsbury and Ipswich: for a CofE school of that
    diocese (Moulton, 5.6 km away) it is not the diocesan trust.  The Durham and Newcastle trust has 4 of its 21
    in Newcastle: for a Newcastle school (St Paul's, Newcastle upon Tyne) it is."""
    cases = [(124709, "2905", False), (108502, "16868", True)]
    ely_school = next(
        r for r in range(len(dataset))
        if dataset.columns["diocese"][r] == "Diocese of Ely" and dataset.columns["faith"][r] == "cofe"
    )
    for urn, code, credited in cases + [(dataset.columns["urn"][ely_school], "2905", True)]:
        evaluation = engine.evaluate(dataset.index_of_urn(urn))
        k = engine.position[code]
        assert evaluation.signals["diocesan_trust"][k] == float(credited), (urn, code)
        reason = evaluation.rank(BALANCED, LIFTED).candidate_for(code).reasons["ethos"]
        if credited:
            assert "a diocesan trust of that diocese" in reason, reason
        else:
            assert "a diocesan trust whose schools are mostly in another diocese" in reason, reason
            assert "1 of them in the Diocese of St Edmundsbury and Ipswich" in reason, reason


# --- distance ------------------------------------------------------------------------


def test_a_trust_with_nothing_near_never_tops_a_list(engine, dataset):
    """Geography gates the total: with the reach lifted, no leader is beyond the default 50 km reach."""
    checked = 0
    for row in range(0, len(dataset), 211):
        school = dataset.school(row)
        if school.urn == 144638:
            continue
        rows = engine.evaluate(row).rank(BALANCED, LIFTED).rows(1)
        if rows:
            checked += 1
            assert rows[0].nearest_km <= 50 or rows[0].is_current_trust, (school.name, rows[0].trust_name)
    assert checked > 90


# --- phase -----------------------------------------------------------------------------


def test_alternative_provision_needs_trusts_with_that_experience(engine, dataset):
    """The Woodbridge Park Education Service (a PRU): AP specialists lead, trusts with none sit lower."""
    rows = top(engine, dataset, 131201)
    for c in rows[:8]:
        assert dataset.trusts.by_code(c.trust_code).schools_by_phase.get("alternative provision", 0) > 0, c.trust_name


def test_special_schools_need_trusts_that_run_special_schools(engine, dataset):
    for c in top(engine, dataset, 100091, 8):  # Frank Barnes School for Deaf Children
        assert dataset.trusts.by_code(c.trust_code).schools_by_phase.get("special", 0) > 0, c.trust_name


def test_nursery_schools_are_told_they_cannot_become_academies(engine, dataset):
    ranking = engine.evaluate(dataset.index_of_urn(100005)).rank(BALANCED)  # Thomas Coram Centre
    assert ranking.notice.startswith("A maintained nursery school cannot currently become an academy")
    assert "federation with a school" in NURSERY_NOTICE and "partnership with a trust" in NURSERY_NOTICE
    assert all(NURSERY_NOTICE in c.reasons["phase"] for c in ranking.rows(5))
    assert engine.evaluate(dataset.index_of_urn(111456)).rank(BALANCED).notice is None


# --- the school's own trust, and nothing in reach ----------------------------------------


def test_the_own_trust_is_always_listed_even_when_the_filters_would_hide_it(engine, dataset):
    scilly = dataset.index_of_urn(144638)  # The Five Islands Academy, in Leading Edge Academies Partnership
    ranking = engine.evaluate(scilly).rank(BALANCED, Filters(max_km=5, region="London"))
    assert len(ranking) == 1
    own = ranking.candidate(0)
    assert own.is_current_trust and own.nearest_km > 5 and own.rank == 1
    assert own.schools == dataset.trusts.by_code(own.trust_code).school_count - 1


def test_nothing_in_reach_is_said_plainly(engine, dataset):
    ranking = engine.evaluate(dataset.index_of_urn(144638)).rank(BALANCED, Filters(max_km=20))
    assert ranking.notice.startswith("No other trust is left for The Five Islands Academy within 20 km: the nearest")
    assert "km away" in ranking.notice and "Lift the reach limit" in ranking.notice
    assert "Its own trust is listed" in ranking.notice


def test_the_command_line_says_so_too(capsys):
    from trustmatch.launch import main

    assert main(["rank", "144638", "--max-km", "20"]) == 0
    out, err = capsys.readouterr()
    assert "No other trust is left for The Five Islands Academy within 20 km" in err
    assert "LEADING EDGE ACADEMIES PARTNERSHIP *" in out


def test_the_only_school_of_its_trust_is_told_why_its_trust_is_not_listed(engine, dataset):
    """The Harvey Grammar School is the one school of THE HARVEY ACADEMY: that trust scored without it has no
    school, so it cannot be listed; the school used to get a list with no word of its own trust, and the trust's
    reasons read "inf km from The Harvey Grammar School" and "0 of the trust's 0 schools"."""
    harvey = dataset.school_by_urn(138480)
    assert dataset.trusts.by_code(harvey.trust_code).school_count == 1
    ranking = engine.evaluate(dataset.index_of_urn(138480)).rank(BALANCED, LIFTED)
    assert ranking.notice == (
        "THE HARVEY ACADEMY is not listed: The Harvey Grammar School is its only school, so without it there is "
        "nothing to score. The trusts listed are ones the school and its trust could join or merge with."
    )
    assert len(ranking) > 1000 and not any(c.is_current_trust for c in ranking.rows(len(ranking)))
    own = ranking.candidate_for(harvey.trust_code)
    assert own.is_current_trust and own.schools == 0 and own.rank is None
    for reason in own.reasons.values():
        assert reason == (
            "The Harvey Grammar School is THE HARVEY ACADEMY's only school: without it there is nothing to compare."
        )


def test_questions_for_a_trust_of_the_school_alone_give_no_distance(engine, dataset):
    """They asked "The trust's nearest school to us, The Harvey Grammar School, is inf km away"."""
    from trustmatch.fit.questions import questions_for

    harvey = dataset.school_by_urn(138480)
    own = engine.evaluate(dataset.index_of_urn(138480)).rank(BALANCED, LIFTED).candidate_for(harvey.trust_code)
    questions = questions_for(own, harvey, dataset.trusts.by_code(harvey.trust_code))
    assert len(questions) >= 4 and not any("inf" in q.text or "km away" in q.text for q in questions)


def test_a_school_in_a_trust_of_several_gets_no_such_notice(engine, dataset):
    assert engine.evaluate(dataset.index_of_urn(144638)).rank(BALANCED, LIFTED).notice is None


# --- facts in reasons are true ---------------------------------------------------------------


def test_unrecorded_rolls_are_unknown_not_empty(engine, dataset):
    """White Notley: pupils are summed over recorded rolls only, and the count not recorded is said."""
    ranking = engine.evaluate(dataset.index_of_urn(115111)).rank(BALANCED, LIFTED)
    rows = ranking.rows(40)
    unrecorded = [c for c in rows if "not recorded)" in c.reasons["capacity"]]
    assert unrecorded, "some nearby trust has schools with no recorded roll"
    for c in rows:
        trust = dataset.trusts.by_code(c.trust_code)
        rolls = [dataset.columns["pupils"][m] for m in trust.members if m != dataset.index_of_urn(115111)]
        known = [p for p in rolls if p is not None]
        assert c.pupils == sum(known)
        if len(known) < len(rolls):
            assert (
                f"on the {len(known)} recorded rolls ({len(rolls) - len(known)} not recorded)" in c.reasons["capacity"]
            )
        assert "this school's 105 pupils" in c.reasons["capacity"]  # the school's own roll


def test_counts_are_printed_as_counts(engine, dataset):
    """Phase reasons count schools of the phase, never affinity-weighted sums."""
    for c in top(engine, dataset, 111456, 10):
        trust = dataset.trusts.by_code(c.trust_code)
        secondary = trust.schools_by_phase.get("secondary", 0)
        if trust.school_count == 1:  # named, not counted as "1 of the trust's 1 school"
            assert f"the trust's one school is {'' if secondary else 'not '}secondary" in c.reasons["phase"]
        else:
            assert f"{secondary} of the trust's {trust.school_count} schools" in c.reasons["phase"]
