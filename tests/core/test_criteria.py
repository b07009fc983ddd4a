"""The criterion formulas and the fitted scoring file: bounded, moving the right way, and loaded as fitted."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustmatch.fit import criteria
from trustmatch.fit.criteria import CRITERIA, SIGNALS, Model, ScoringProblem

scores = st.lists(st.floats(0.01, 100), min_size=4, max_size=4)
weights = st.lists(st.floats(0.01, 10), min_size=4, max_size=4)


def test_the_fitted_file_names_only_known_signals_and_every_criterion():
    model = criteria.fitted_model()
    assert set(model.coefficients) == {"geography", "phase", "capacity"}
    assert set(model.ethos) == set(criteria.FAITH_GROUPS)
    for criterion in CRITERIA:
        for group in criteria.FAITH_GROUPS:
            for name in model.for_criterion(criterion, group):
                assert SIGNALS[name].criterion == criterion
    assert model.scale > 0


def test_a_damaged_scoring_file_is_one_sentence():
    with pytest.raises(ScoringProblem, match="unknown signal 'colour'"):
        Model.from_document(
            {
                "scale": 3,
                "coefficients": {
                    "geography": {"colour": 1},
                    "phase": {},
                    "capacity": {},
                    "ethos": {g: {} for g in criteria.FAITH_GROUPS},
                },
            }
        )
    with pytest.raises(ScoringProblem, match="lacks"):
        Model.from_document({"coefficients": {}})


@given(st.lists(st.floats(-5, 5), min_size=3, max_size=30), st.floats(-3, 3), st.floats(0.5, 5))
def test_score_is_100_for_the_best_candidate_and_falls_with_utility(values, beta, scale):
    x = np.array(values)
    s = criteria.score({"log_km": x}, {"log_km": beta}, scale, np.ones(len(x), dtype=bool))
    assert np.all((s > 0) & (s <= 100))
    assert np.isclose(s.max(), 100.0)
    order = np.argsort(beta * x, kind="stable")
    assert np.all(np.diff(s[order]) >= -1e-9)  # higher utility, higher score


def test_a_signal_that_does_not_apply_counts_neither_way():
    x = np.array([0.0, 1.0])
    with_it = criteria.score({"same_diocese": x}, {"same_diocese": 5.0}, 3.0, np.ones(2, dtype=bool))
    without = criteria.score({}, {"same_diocese": 5.0}, 3.0, np.ones(2, dtype=bool))
    assert with_it[0] < with_it[1] and np.all(without == 100.0)


@given(scores, weights)
def test_total_lies_between_the_lowest_and_highest_score(s, w):
    value = criteria.total(np.array([s]), np.array(w))[0]
    assert min(s) - 1e-6 <= value <= max(s) + 1e-6


@given(scores, weights, st.integers(0, 3), st.floats(0.01, 0.99))
def test_one_low_score_pulls_the_total_down_in_proportion(s, w, column, factor):
    """The geometric mean: a score cut by a factor cuts the total by factor ** (its weight share)."""
    lowered = list(s)
    lowered[column] *= factor
    before = criteria.total(np.array([s]), np.array(w))[0]
    after = criteria.total(np.array([lowered]), np.array(w))[0]
    share = w[column] / sum(w)
    assert np.isclose(after, before * factor**share, rtol=1e-6)


def test_geography_gates_the_total():
    """A trust with nothing near cannot outrank a local one on ethos, phase and capacity alone."""
    local = np.array([[60.0, 90.0, 60.0, 60.0]])  # ethos, geography, phase, capacity
    distant = np.array([[100.0, 5.0, 100.0, 100.0]])  # perfect elsewhere, geography as for ~60 km
    assert criteria.total(local, np.ones(4))[0] > criteria.total(distant, np.ones(4))[0]
