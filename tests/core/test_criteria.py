"""Property tests on the criterion formulas: bounded, and moving the right way."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from trustmatch.fit import criteria

share = st.floats(0, 1)
km = st.floats(0, 600)
count = st.integers(0, 200)
pupils = st.floats(0, 80_000)
faiths = st.sampled_from(["none", "catholic", "cofe", "Jewish", "Muslim"])


@given(faiths, st.booleans(), share, share, share)
def test_ethos_bounded_and_rising_with_shared_character(faith, diocese, a, b, d):
    low, high = sorted([a, b])
    s_low = criteria.ethos(faith, diocese, low, min(d, low))
    s_high = criteria.ethos(faith, diocese, high, min(d, low))
    assert 0 <= s_low <= s_high <= 100


@given(st.sampled_from(["catholic", "cofe"]), share, share, share)
def test_ethos_rises_with_same_diocese(faith, f, a, b):
    low, high = sorted([a, b])
    assert criteria.ethos(faith, True, f, low) <= criteria.ethos(faith, True, f, high)


def test_ethos_anchors():
    assert criteria.ethos("catholic", True, 1, 1) == 100
    assert criteria.ethos("catholic", True, 0, 0) == 0
    assert criteria.ethos("none", False, 1, 0) == 100
    assert criteria.ethos("none", False, 0, 0) == 50  # may join a church trust, fits less well


@given(km, km, share, st.floats(0, 300))
def test_geography_falls_with_distance(a, b, largest, spread):
    near, far = sorted([a, b])
    g_near = criteria.geography(near, largest, spread, 10.0)
    g_far = criteria.geography(far, largest, spread, 10.0)
    assert 0 <= g_far <= g_near <= 100


@given(km, share, share, st.floats(0, 300), st.floats(0, 300))
def test_compact_trusts_score_higher(d, a, b, s1, s2):
    low, high = sorted([a, b])
    tight, wide = sorted([s1, s2])
    assert criteria.geography(d, high, tight, 10.0) >= criteria.geography(d, low, wide, 10.0)


@given(count, count, count, count)
def test_phase_bounded_and_rising(relevant, extra, near, more_near):
    schools = relevant + extra + 1
    base = criteria.phase(relevant, schools, min(near, relevant))
    assert 0 <= base <= 100
    assert criteria.phase(relevant + 1, schools + 1, min(near, relevant)) >= base
    assert criteria.phase(relevant, schools, min(near, relevant) + 1) >= base


@given(count, count, pupils, pupils, st.floats(0, 2000))
def test_capacity_bounded_and_size_rising(s1, s2, p1, p2, school):
    small, big = sorted([s1, s2])
    few, many = sorted([p1, p2])
    assert 0 <= criteria.size(small, few) <= criteria.size(big, many) <= 1
    value = criteria.capacity(big, many, many * 1.1, school)
    assert 0 <= value <= 100


def test_capacity_benchmarks():
    assert criteria.size(10, 3_000) == 1.0 and criteria.size(2, 7_500) == 1.0
    assert criteria.size(5, 1_500) == criteria.SCRUTINY_CAP  # under 2,000 pupils: capped
    assert criteria.room(900, 1000) == 1.0 and criteria.room(500, 1000) == 0.0 and criteria.room(1300, 1000) == 0.0


@given(st.lists(st.floats(0, 100), min_size=4, max_size=4), st.lists(st.floats(0.01, 10), min_size=4, max_size=4))
def test_total_is_a_weighted_mean(scores, weights):
    value = criteria.total(np.array([scores]), np.array(weights))[0]
    assert min(scores) - 1e-9 <= value <= max(scores) + 1e-9
