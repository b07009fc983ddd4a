"""The DfE evidence picked for a school's phase and tied to a candidate trust."""

from __future__ import annotations

from trustmatch.fit import evidence
from trustmatch.fit.ranking import PRESETS


def test_phase_figures_and_no_invented_zeros():
    collaboration = next(i for i in evidence.load()["items"] if i["indicator"] == "collaboration")
    primary = evidence.figures_for(collaboration, "primary")
    assert [f.percent for f in primary] == [60, 51, 43]
    secondary = evidence.figures_for(collaboration, "secondary")
    assert [f.percent for f in secondary] == [73, 34]  # staff training was not reported for secondaries
    special = evidence.figures_for(collaboration, "special")
    assert {f.phase for f in special} == {"primary", "secondary"}  # the study had only these two


def test_every_item_is_tied_to_the_trust(engine, dataset):
    ranking = engine.evaluate(dataset.index_of_urn(143283)).rank(PRESETS["balanced"])
    candidate = ranking.candidate(0)
    trust = dataset.trusts.by_code(candidate.trust_code)
    items = evidence.items_for(dataset.school_by_urn(143283), trust, candidate, engine.graph.shapes[trust.code])
    assert {i.kind for i in items} == {"overall", "benefit", "obstacle"}
    assert all(i.this_trust for i in items)
    ethos = next(i for i in items if "ethos" in i.title)
    assert "Diocese of Bath and Wells" in ethos.this_trust
    study = evidence.load()["study"]
    assert study["date"] == "17 November 2021" and "as reported by" in study["caveat"].lower()
