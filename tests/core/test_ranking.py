"""The fit engine on real schools: sensible rankings, and the properties a weighted ranking must keep."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.graph import place_name
from trustmatch.fit.ranking import (
    _ROBUSTNESS_FACTORS,
    CONVERTER_TYPES,
    PRESETS,
    Filters,
    FitEngine,
    RankingProblem,
    parse_weights,
)

BALANCED = PRESETS["balanced"]
weights_strategy = st.fixed_dictionaries({name: st.floats(0.01, 10.0) for name in CRITERIA})


def test_catholic_schools_get_catholic_trusts_of_their_diocese(engine, dataset):
    catholic = [i for i in range(len(dataset)) if dataset.columns["faith"][i] == "catholic"
                and dataset.columns["governance"][i] == "maintained"][::10]
    checked = 0
    for row in catholic:
        school = dataset.school(row)
        top = engine.evaluate(row).rank(BALANCED).rows(3)
        for candidate in top:
            trust = dataset.trusts.by_code(candidate.trust_code)
            dioceses = {part for name in trust.dioceses for part in name.split("/")}  # joint schools name two
            assert trust.faiths.get("catholic", 0) > 0 and school.diocese in dioceses, (school.name, trust.name)
        checked += bool(top)
    assert checked > 50


def test_cornwall_primary_gets_no_northumberland_trust(engine, dataset):
    cornish = [i for i in range(len(dataset)) if dataset.columns["la_name"][i] == "Cornwall"
               and dataset.columns["phase_group"][i] == "primary"][::25]
    assert len(cornish) > 5
    for row in cornish:
        for preset in PRESETS.values():
            for candidate in engine.evaluate(row).rank(preset).rows(10):
                trust = dataset.trusts.by_code(candidate.trust_code)
                assert "Northumberland" not in trust.las
                assert "North East" not in trust.regions


def test_scores_stay_within_0_and_100(engine, dataset):
    for row in range(0, len(dataset), 97):
        scores = engine.evaluate(row).scores
        assert np.all(scores >= 0) and np.all(scores <= 100) and np.all(np.isfinite(scores))


def test_same_input_same_output(engine):
    first = engine.evaluate(4164).rank({"ethos": 2, "geography": 1, "phase": 1, "capacity": 1}).rows(20)
    second = engine.evaluate(4164).rank({"ethos": 2, "geography": 1, "phase": 1, "capacity": 1}).rows(20)
    assert [c.to_json() for c in first] == [c.to_json() for c in second]


def test_ties_break_by_trust_code(engine):
    ranking = engine.evaluate(0).rank(BALANCED, Filters(max_km=None, compatible_only=False))
    totals = ranking.totals[ranking.order]
    codes = [int(engine.codes[k]) for k in ranking.order]
    for i in range(len(totals) - 1):
        assert totals[i] >= totals[i + 1]
        if totals[i] == totals[i + 1]:
            assert codes[i] < codes[i + 1]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(weights=weights_strategy, row=st.integers(0, 22_010))
def test_dominating_trust_ranks_above(engine, weights, row):
    evaluation = engine.evaluate(row)
    ranking = evaluation.rank(weights, Filters(max_km=None, compatible_only=False))
    position = {int(k): i for i, k in enumerate(ranking.order)}
    scores = evaluation.scores
    keys = list(position)[:60]
    for a in keys:
        for b in keys:
            if np.all(scores[a] >= scores[b]) and np.any(scores[a] > scores[b] + 1e-9):
                assert position[a] < position[b]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    weights=weights_strategy, row=st.integers(0, 22_010), criterion=st.sampled_from(CRITERIA), factor=st.floats(1.1, 20)
)
def test_raising_a_weight_never_moves_that_criteria_best_trust_down(engine, weights, row, criterion, factor):
    evaluation = engine.evaluate(row)
    before = evaluation.rank(weights, Filters(max_km=None, compatible_only=False))
    column = CRITERIA.index(criterion)
    best = int(before.order[np.argmax(evaluation.scores[before.order, column])])
    raised = dict(weights, **{criterion: weights[criterion] * factor})
    after = evaluation.rank(raised, Filters(max_km=None, compatible_only=False))
    assert list(after.order).index(best) <= list(before.order).index(best)


def test_own_trust_is_flagged_and_scored_without_the_school(engine, dataset):
    choir = dataset.index_of_urn(135575)  # Bristol Cathedral Choir School, in Cathedral Schools Trust
    evaluation = engine.evaluate(choir)
    ranking = evaluation.rank(BALANCED, Filters(max_km=None, compatible_only=False))
    position = ranking.rank_index_of("16026")
    own = ranking.candidate(position)
    assert own.is_current_trust and own.schools == dataset.trusts.by_code("16026").school_count - 1
    # the school is never its own nearest member (Cathedral Primary shares its site, 0 km away)
    assert own.nearest_school == "Cathedral Primary School" and own.nearest_km < 0.1
    assert own.pupils == dataset.trusts.by_code("16026").pupils - 1183
    others = [c for c in ranking.rows(30) if c.trust_code != "16026"]
    assert not any(c.is_current_trust for c in others)


def test_filters(engine, dataset):
    evaluation = engine.evaluate(0)
    near = evaluation.rank(BALANCED, Filters(max_km=5)).rows()
    assert near and all(c.nearest_km <= 5 for c in near)
    assert all(c.nearest_km <= 50 for c in evaluation.rank(BALANCED).rows())  # the default reach
    sized = evaluation.rank(BALANCED, Filters(min_schools=10, max_schools=20)).rows()
    assert sized and all(10 <= c.schools <= 20 for c in sized)
    london = evaluation.rank(BALANCED, Filters(region="London", max_km=None)).rows()
    assert london and all("London" in dataset.trusts.by_code(c.trust_code).regions for c in london)
    with pytest.raises(RankingProblem, match="no region"):
        evaluation.rank(BALANCED, Filters(region="Atlantis"))
    assert len(evaluation.rank(BALANCED, Filters(max_km=0.001))) == 0


def test_compatibility_default_keeps_church_schools_with_church_trusts(engine, dataset):
    aldgate = engine.evaluate(0).rank(BALANCED).rows()
    # every trust listed has a school of the Church of England (alone or jointly with another church)
    assert all(any("Church of England" in f for f in dataset.trusts.by_code(c.trust_code).religious_characters)
               for c in aldgate)
    everything = engine.evaluate(0).rank(BALANCED, Filters(compatible_only=False))
    assert len(everything) > len(aldgate)


def test_reasons_name_the_facts(engine):
    row = engine.evaluate(4164).rank(BALANCED).rows(1)[0]
    assert "Catholic school" in row.reasons["ethos"] and "Diocese of Shrewsbury" in row.reasons["ethos"]
    assert f"{row.nearest_km:.1f} km from {row.nearest_school}" in row.reasons["geography"]
    assert "hub" in row.reasons["geography"]
    assert "Secondary school" in row.reasons["phase"]
    assert "7,500 pupils" in row.reasons["capacity"]


def test_robustness_is_a_share_and_leaders_are_robust(engine):
    ranking = engine.evaluate(4164).rank(BALANCED)
    robust = ranking.robustness
    assert np.all((robust >= 0) & (robust <= 1))
    # a trust ranked far down cannot be in the top 5 under nearby weights
    assert robust[0] > 0.5 and (len(robust) < 40 or robust[39] < 0.05)


@pytest.mark.parametrize(
    "text, preset, message",
    [("ethos=x", None, "must be a number"), ("colour=2", None, "not a criterion"), ("ethos=-1", None, "zero or more"),
     ("ethos=0,geography=0,phase=0,capacity=0", None, "above zero"), (None, "nope", "no preset")],
)
def test_bad_weights(text, preset, message):
    with pytest.raises(RankingProblem, match=message):
        parse_weights(text, preset)


def test_weights_from_preset_and_text():
    assert parse_weights("geography=5", "church school") == {"ethos": 3, "geography": 5, "phase": 1, "capacity": 1}


def test_a_dataset_without_any_multi_academy_trust_ranks_nothing(dataset):
    """Edge case the real register lacks: an import with no MATs at all (built from real rows)."""
    from trustmatch.data.dataset import Dataset
    from trustmatch.fit.ranking import FitEngine

    rows = [i for i in range(len(dataset)) if dataset.columns["trust_type"][i] != "MAT"][:500]
    columns = {name: [values[i] for i in rows] for name, values in dataset.columns.items()}
    small = Dataset(columns, dict(dataset.meta))
    engine = FitEngine(small)
    assert engine.candidates == []
    ranking = engine.evaluate(0).rank(BALANCED)
    assert len(ranking) == 0 and ranking.rows() == []


def test_a_trust_the_filters_hide_still_has_a_candidate_row(engine, dataset):
    """Shortlists, comparisons and exports keep trusts that the filters would hide."""
    aldgate = dataset.index_of_urn(100000)  # The Aldgate School, London
    ranking = engine.evaluate(aldgate).rank(BALANCED, Filters(max_km=5))
    far = next(c for c in dataset.trusts.of_type("MAT") if ranking.rank_index_of(c.code) is None and c.school_count > 3)
    hidden = ranking.candidate_for(far.code)
    assert hidden.rank is None and hidden.robustness is None
    assert hidden.trust_name == far.name and hidden.nearest_km > 5 and all(hidden.reasons.values())
    listed = ranking.candidate(0)
    assert ranking.candidate_for(listed.trust_code).rank == 1
    with pytest.raises(KeyError):
        ranking.candidate_for("no such trust")


def test_counts_and_robustness_match_a_direct_count(engine, dataset):
    """The engine reuses per-kind counts and searches the robustness threshold among the leaders first: both
    must give exactly what counting every trust's schools, and ranking every draw in full, gives."""
    cols = dataset.columns
    in_mat = [r for r in range(len(dataset)) if cols["trust_type"][r] == "MAT"][::400]

    def town_of(r):
        return place_name(cols["town"][r], cols["la_name"][r]).casefold(), cols["la_code"][r]

    others = [r for r in range(len(dataset)) if cols["trust_type"][r] != "MAT"][::900]
    for row in in_mat + others:
        ev = engine.evaluate(row)
        for k in range(0, len(engine.codes), 37):
            members = [m for m in engine.candidates[k].members if m != row]
            assert ev.n[k] == len(members)
            assert ev.in_la[k] == sum(cols["la_code"][m] == cols["la_code"][row] for m in members)
            same_phase = sum(cols["phase_group"][m] == cols["phase_group"][row] for m in members)
            assert ev.same_phase[k] == same_phase
            assert ev.known_rolls[k] == sum(not np.isnan(dataset.pupils[m]) for m in members)
            assert ev.in_town[k] == sum(town_of(m) == town_of(row) for m in members)
            if members:  # every school of the real register had opened by its date: the centre of all of them
                centre = dataset.xy[members].mean(axis=0) / 1000.0
                assert ev.centre_km[k] == pytest.approx(float(np.hypot(*(centre - dataset.xy[row] / 1000.0))))
        for filters in (Filters(), Filters(max_km=None, compatible_only=False)):
            ranking = ev.rank({"ethos": 1, "geography": 3, "phase": 0.5, "capacity": 2}, filters)
            samples = ranking.weights * _ROBUSTNESS_FACTORS
            samples /= samples.sum(axis=1, keepdims=True)
            totals = samples @ ev.log_scores[ranking.order].T
            top = min(5, len(ranking.order))
            if top:
                fifth = np.sort(totals, axis=1)[:, -top][:, None]
                assert np.array_equal(ranking.robustness, (totals >= fifth).mean(axis=0))


def test_the_distance_place_in_a_reason_is_true(engine, dataset):
    """"the 3rd nearest trust": counted among every trust by the distance to its nearest school."""
    from trustmatch.fit.ranking import _ordinal

    assert [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"
    ]
    for urn in (111456, 101245, 120115):
        evaluation = engine.evaluate(dataset.index_of_urn(urn))
        ranking = evaluation.rank(BALANCED, Filters(max_km=None, compatible_only=False))
        for candidate in ranking.rows(10):
            km, k = evaluation.nearest_km, engine.position[candidate.trust_code]
            earlier = np.arange(len(km)) < k  # equal distances: the trust earlier in code order comes first
            nearer = int(np.sum(evaluation.exists & ((km < km[k]) | ((km == km[k]) & earlier))))
            place = "the nearest trust to the school" if nearer == 0 else f"the {_ordinal(nearer + 1)} nearest trust"
            assert place in candidate.reasons["geography"], (urn, candidate.trust_name, place)


def test_a_rebuilt_register_counts_no_school_opened_since_in_a_trusts_centre_or_character(dataset):
    """The backtest's rebuild keeps sponsored academies and free schools that opened in a trust after its date:
    the centre of the trust's schools and its share of converters count only the schools open by then."""
    from datetime import date

    from trustmatch.fit.backtest import rebuild_register

    rebuilt, _ = rebuild_register(dataset, date(2022, 7, 18))
    engine = FitEngine.fitting(rebuilt)  # the converter share is no longer fitted: only the fit computes it
    cols = rebuilt.columns
    school = dataset.index_of_urn(111456)
    evaluation = engine.evaluate(school)
    checked = 0
    for k, trust in enumerate(engine.candidates):
        later = [m for m in trust.members if cols["open_date"][m] >= "2022-07-18"]
        earlier = [m for m in trust.members if cols["open_date"][m] < "2022-07-18"]
        if not later or not earlier:
            continue
        assert all(cols["type"][m] not in CONVERTER_TYPES for m in later)  # converters were taken out
        centre = rebuilt.xy[earlier].mean(axis=0) / 1000.0
        assert evaluation.centre_km[k] == pytest.approx(float(np.hypot(*(centre - rebuilt.xy[school] / 1000.0))))
        assert evaluation.converters[k] == sum(cols["type"][m] in CONVERTER_TYPES for m in earlier)
        assert evaluation.dated[k] == len(earlier)
        checked += 1
    assert checked > 50


def test_the_town_and_centre_in_a_reason_are_true(engine, dataset):
    """The count of the trust's schools in the school's postal town (among those in its local authority; not said
    when the town is the local authority, as a London borough is) and the distance to the centre of its schools,
    as the engine measured them: Portbury's "7 in North Somerset (2 in Bristol, the school's postal town)"."""
    said = 0
    for urn in (101245, 111456, 120115, 143283):
        evaluation = engine.evaluate(dataset.index_of_urn(urn))
        ranking = evaluation.rank(BALANCED, Filters(max_km=None, compatible_only=False))
        for candidate in ranking.rows(10):
            k = engine.position[candidate.trust_code]
            reason = candidate.reasons["geography"]
            centre = f"; the centre of its schools {evaluation.centre_km[k]:.1f} km away"
            assert (centre in reason) == (candidate.schools > 1)  # one school's centre is its distance, given
            count = int(evaluation.in_town[k])
            where = f"{count if count else 'none'} in" if candidate.schools > 1 else "in" if count else "not in"
            phrase = f" ({where} {evaluation.town}, the school's postal town)"
            assert (phrase in reason) == (evaluation.in_la[k] > 0 and evaluation.town != evaluation.school.la_name)
            assert count <= evaluation.in_la[k]
            said += phrase in reason
    assert said >= 10


def test_a_ranking_computes_only_the_signals_the_model_has_a_coefficient_for(engine, dataset):
    """Every ranking computed the converter share, growth and recent joins, which the shipped model does not use;
    the fit still gets them (FitEngine.fitting), and the scores are the same either way."""
    fitting = FitEngine.fitting(dataset)
    unused = {"converter_share", "growth", "recent_joins"}
    assert not unused & engine.model.signal_names()
    cols = dataset.columns
    in_mat = [r for r in range(len(dataset)) if cols["trust_type"][r] == "MAT"][::1500]
    for row in in_mat + [dataset.index_of_urn(urn) for urn in (111456, 120115, 131201)]:
        ranked, fitted = engine.evaluate(row), fitting.evaluate(row)
        assert not unused & set(ranked.signals) and unused <= set(fitted.signals)
        assert np.array_equal(ranked.scores, fitted.scores)
        members_of = {k: [m for m in t.members if m != row] for k, t in enumerate(fitting.candidates)}
        for k in range(0, len(fitting.codes), 53):
            converters = sum(cols["type"][m] in CONVERTER_TYPES for m in members_of[k])
            assert fitted.converters[k] == converters


def test_the_own_trust_is_the_one_whose_members_include_the_school(dataset):
    """An import can leave a school's own trust_type column saying other than its trust's (the trust takes its
    type from its first member): the engine found the own trust from that column, so a school marked "" here
    counted as a member of its own trust, 0 km from itself, and its trust was not flagged as its own."""
    from trustmatch.data.dataset import Dataset

    trust = dataset.trusts.by_code("16026")  # Cathedral Schools Trust, Bristol
    row = trust.members[1]  # not the first member, which gives the trust its type
    columns = {name: list(values) for name, values in dataset.columns.items()}
    columns["trust_type"][row] = ""
    engine = FitEngine(Dataset(columns, dict(dataset.meta)))
    evaluation = engine.evaluate(row)
    k = engine.position["16026"]
    assert evaluation.own_trust == k
    others = [m for m in trust.members if m != row]
    assert evaluation.n[k] == len(others)
    km = np.hypot(*(dataset.xy[others] - dataset.xy[row]).T) / 1000.0
    assert evaluation.nearest_km[k] == pytest.approx(km.min())
    candidate = evaluation.rank(BALANCED, Filters(max_km=None, compatible_only=False)).candidate_for("16026")
    assert candidate.is_current_trust and candidate.schools == trust.school_count - 1
    assert candidate.pupils == trust.pupils - int(np.nan_to_num(dataset.pupils[row]))


def test_a_joint_church_of_england_methodist_school_shares_its_character_with_methodist_schools(engine, dataset):
    """GIAS's faith family for "Church of England/Methodist" is "cofe", so Hey-with-Zion Primary shared nothing
    with Epworth Education Trust, the Methodist trust it joined (9 of its other 10 schools Methodist)."""
    row = dataset.index_of_urn(150562)
    assert dataset.columns["religious_character"][row] == "Church of England/Methodist"
    evaluation = engine.evaluate(row)
    k = engine.position[dataset.columns["trust_code"][row]]
    cols = dataset.columns
    methodist = [m for m in engine.candidates[k].members if m != row and "Methodist" in cols["religious_character"][m]]
    assert len(methodist) == 9 and evaluation.same_faith[k] == 9 and evaluation.faith_group == "cofe"
    ranking = evaluation.rank(BALANCED, Filters(max_km=None, compatible_only=False))
    assert "9 of the trust's 10 schools share its character" in ranking.candidate_for(engine.codes[k]).reasons["ethos"]
    # for a Catholic school they are all of another church, as before
    catholic = engine.evaluate(dataset.index_of_urn(111456))
    with_character = [m for m in engine.candidates[k].members if cols["religious_character"][m] != "None"]
    assert catholic.other_faith[k] == len(with_character)


def test_a_school_with_the_placeholder_town_select_is_placed_in_its_local_authority(engine, dataset):
    """Leek First School's GIAS town is "Select": its town is its local authority, and no reason names "Select"."""
    row = dataset.index_of_urn(146590)
    evaluation = engine.evaluate(row)
    assert evaluation.town == "Staffordshire"
    ranking = evaluation.rank(BALANCED, Filters(max_km=None, compatible_only=False))
    assert not any("Select" in reason for candidate in ranking.rows(10) for reason in candidate.reasons.values())
