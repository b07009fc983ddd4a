"""Pairwise checks on real schools: for school S, trust A ranks above trust B (filters lifted, default weights)."""

from __future__ import annotations

import pytest

from trustmatch.fit.ranking import PRESETS, Filters

LIFTED = Filters(max_km=None, compatible_only=False)

PAIRS = [
    # (school URN, trust above, trust below, why)
    (
        101549,
        "JEWISH COMMUNITY ACADEMY TRUST",
        "ALL SAINTS' TRUST",
        "a Jewish school: the Jewish trust above the best Catholic one",
    ),
    (
        101549,
        "HASMONEAN MULTI-ACADEMY TRUST",
        "AVANTI SCHOOLS TRUST",
        "a Jewish school: a Jewish trust above a Hindu one",
    ),
    (
        131201,
        "THE BECKMEAD TRUST",
        "ADVANTAGE MULTI ACADEMY TRUST",
        "a PRU: an AP specialist above a nearer trust with none",
    ),
    (
        111456,
        "HOLY FAMILY CATHOLIC MULTI ACADEMY TRUST",
        "THE CHALLENGE ACADEMY TRUST",
        "a Catholic school: its diocese's trust above a local community trust",
    ),
    (
        120115,
        "RISE MULTI ACADEMY TRUST",
        "THE RUTLAND LEARNING TRUST",
        "a Leicester CofE school: its diocese's trust above another diocese's",
    ),
    (
        143283,
        "THE BATH AND WELLS DIOCESAN ACADEMIES TRUST",
        "LIGHTHOUSE SCHOOLS PARTNERSHIP",
        "a CofE school: the diocesan trust above its mixed current trust",
    ),
    (
        101245,
        "PARTNERSHIP LEARNING",
        "HARRIS FEDERATION",
        "a Dagenham secondary: the local trust above London's largest",
    ),
]


@pytest.mark.parametrize("urn, above, below, why", PAIRS, ids=[p[3] for p in PAIRS])
def test_pair(engine, dataset, urn, above, below, why):
    ranking = engine.evaluate(dataset.index_of_urn(urn)).rank(PRESETS["balanced"], LIFTED)
    code = {t.name: t.code for t in engine.candidates}
    first, second = ranking.rank_index_of(code[above]), ranking.rank_index_of(code[below])
    assert first is not None and second is not None
    assert first < second, f"{why}: {above} {first + 1}, {below} {second + 1}"
