"""Hubs: compact groups of a trust's schools, named after where they are, computed one way everywhere."""

from __future__ import annotations

import itertools

import numpy as np

from trustmatch.fit.graph import SchoolTrustGraph, hub_groups, links, maximal_cliques
from trustmatch.fit.ranking import PRESETS, Filters


def km(dataset, a, b):
    return float(np.hypot(*(dataset.xy[a] - dataset.xy[b]))) / 1000.0


def test_every_hub_is_compact(engine, dataset):
    """All schools of a hub lie within the radius of one another: hubs cannot chain across a county."""
    for trust in dataset.trusts.of_type("MAT")[::3]:
        shape = engine.graph.shapes[trust.code]
        assert sorted(m for h in shape.hubs for m in h.members) == sorted(trust.members)
        for hub in shape.hubs:
            for a, b in itertools.combinations(hub.members, 2):
                assert km(dataset, a, b) <= engine.graph.radius_km + 1e-9, (trust.name, hub.name)
        sizes = [h.size for h in shape.hubs]
        assert sizes == sorted(sizes, reverse=True) and shape.largest_share == sizes[0] / trust.school_count


def test_robert_clacks_candidates_hubs_stay_on_their_side_of_the_thames(engine, dataset):
    """Robert Clack School, Dagenham: no hub named in its top ten reaches from Kent to Dagenham."""
    row = dataset.index_of_urn(101245)
    assert dataset.school(row).name == "Robert Clack School"

    for candidate in engine.evaluate(row).rank(PRESETS["balanced"], Filters(max_km=None)).rows(10):
        shape = engine.graph.shapes[candidate.trust_code]
        for hub in shape.hubs:
            if candidate.nearest_school_row in hub.members:
                assert hub.name == candidate.hub or candidate.hub is None
                spread = max((km(dataset, a, b) for a, b in itertools.combinations(hub.members, 2)), default=0)
                assert spread <= engine.graph.radius_km


def test_hubs_are_named_after_the_place_nearest_their_centre(engine, dataset):
    """The Pioneer Academy's hub of Sevenoaks and Orpington schools is Orpington, not the postal town Sevenoaks."""
    shape = engine.graph.shapes["4209"]
    towns = {h.name: sorted(dataset.columns["town"][m] for m in h.members) for h in shape.hubs}
    assert towns["Orpington"] == ["Orpington", "Sevenoaks", "Sevenoaks"]
    assert towns["Belvedere"] == ["Belvedere", "Belvedere"]
    # every hub's name is a place whose schools' centre is within a short way of the hub's centre
    names, centres = engine.graph._places
    for hub in shape.hubs:
        nearest = min(np.hypot(*(centres[i] - np.array(hub.centre))) for i, n in enumerate(names) if n == hub.name)
        assert nearest / 1000.0 < 10


def test_the_greedy_cover_takes_the_largest_clique_first(dataset):
    """Harris Federation: hubs are cliques of the 10 km links, largest first, covering every school once."""
    harris = dataset.trusts.by_code("3320").members
    adjacent, length = links(dataset.xy, harris, 10.0)
    groups = hub_groups((adjacent, length))
    assert sorted(m for g in groups for m in g) == sorted(harris)
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    largest = groups[0]
    assert all(b in adjacent[a] for a, b in itertools.combinations(largest, 2))
    # no other group of the trust is larger than the largest hub: it is a largest clique
    assert all(len(largest) >= len(c) for c in maximal_cliques(adjacent))


def test_the_own_trust_is_shaped_without_the_school(engine, dataset):
    choir = dataset.index_of_urn(135575)  # Bristol Cathedral Choir School, in Cathedral Schools Trust
    evaluation = engine.evaluate(choir)
    shape = evaluation.shape_of("16026")
    assert choir not in [m for h in shape.hubs for m in h.members]
    assert sum(h.size for h in shape.hubs) == dataset.trusts.by_code("16026").school_count - 1


def test_maximal_cliques_of_a_small_graph():
    """A triangle with a tail: {1, 2, 3} and {3, 4} are the maximal cliques (edge case built by hand)."""
    adjacent = {1: {2, 3}, 2: {1, 3}, 3: {1, 2, 4}, 4: {3}}
    assert sorted(map(sorted, maximal_cliques(adjacent))) == [[1, 2, 3], [3, 4]]
    length = {(1, 2): 1.0, (1, 3): 1.0, (2, 3): 1.0, (3, 4): 1.0}
    assert hub_groups((adjacent, length)) == [(1, 2, 3), (4,)]


def test_a_trust_without_the_school_is_kept_and_equals_a_fresh_count(engine, dataset):
    """Portbury's own trust without Portbury: kept between evaluations, and the same as building it afresh."""
    row = dataset.index_of_urn(143283)
    code = dataset.columns["trust_code"][row]
    first = engine.graph.shape_without(code, row)
    assert engine.graph.shape_without(code, row) is first
    fresh = SchoolTrustGraph(dataset).shape_without(code, row)
    assert first == fresh
    assert all(row not in hub.members for hub in first.hubs)
    assert sum(hub.size for hub in first.hubs) == dataset.trusts.by_code(code).school_count - 1
