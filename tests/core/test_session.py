"""The session: one-way state with fine topics, refused intents published back, the Selection snapshot."""

from __future__ import annotations

import pytest

from trustmatch.app.session import (
    DATA,
    FILTERS,
    NOTICE,
    RANKING,
    SCHOOL,
    SELECTION,
    TOPICS,
    WEIGHTS,
    Selection,
    Session,
)
from trustmatch.fit.ranking import PRESETS

NEWMAN = 111456  # Cardinal Newman Catholic High School, Warrington
CHOIR = 135575  # Bristol Cathedral Choir School, in CATHEDRAL SCHOOLS TRUST (a multi-academy trust)


@pytest.fixture
def session(dataset, engine):
    return Session(dataset, engine)


@pytest.fixture
def heard(session):
    """Every change the session announces, in order."""
    changes: list[set[str]] = []
    session.subscribe(changes.append)
    return changes


def test_choosing_a_school_ranks_and_selects_the_best_trust(session, heard, dataset):
    session.choose_school(dataset.index_of_urn(NEWMAN))
    assert heard == [{SCHOOL, RANKING, SELECTION}]
    assert session.trust_code == session.ranking.candidate(0).trust_code
    session.choose_school(dataset.index_of_urn(NEWMAN))
    assert len(heard) == 1  # the same school again changes nothing


def test_a_weight_change_reranks_and_keeps_the_selection(session, heard, dataset):
    session.choose_school(dataset.index_of_urn(NEWMAN))
    third = session.ranking.candidate(2).trust_code
    session.select_trust(third)
    heard.clear()
    session.set_weight("geography", 9)
    assert heard == [{WEIGHTS, RANKING}]  # the selected trust is still listed: no SELECTION
    assert session.trust_code == third and session.weights["geography"] == 9
    session.set_weight("geography", 9)
    assert len(heard) == 1  # the weight it already has: nothing to tell


def test_all_weights_at_zero_is_refused_and_the_kept_weights_are_published(session, heard, dataset):
    session.choose_school(dataset.index_of_urn(NEWMAN))
    ranking = session.ranking
    for name in ("ethos", "geography", "phase"):
        session.set_weight(name, 0)
    heard.clear()
    session.set_weight("capacity", 0)
    assert heard == [{WEIGHTS, NOTICE}]  # the slider that sent 0 must show the kept value again
    assert session.weights == {"ethos": 0, "geography": 0, "phase": 0, "capacity": 1}
    assert session.notice == "At least one criterion needs a weight above zero."
    assert session.ranking is not ranking and session.ranking.weights.tolist() == [0, 0, 0, 1]


def test_a_negative_weight_is_refused_too(session, heard):
    session.set_weights({"ethos": -1, "geography": 1, "phase": 1, "capacity": 1})
    assert heard == [{WEIGHTS, NOTICE}] and session.weights == PRESETS["balanced"]


def test_filters_rerank_and_an_unknown_region_is_refused(session, heard, dataset):
    session.choose_school(dataset.index_of_urn(NEWMAN))
    heard.clear()
    session.set_filters(max_km=10)
    assert heard[0] >= {FILTERS, RANKING}
    assert all(c.nearest_km <= 10 for c in session.ranking.rows())
    heard.clear()
    session.set_filters(region="Atlantis")
    assert heard == [{FILTERS, NOTICE}] and session.filters.region is None
    assert "There is no region 'Atlantis'" in session.notice
    session.set_filters(max_km=10)
    assert len(heard) == 1


def test_a_filter_that_hides_the_selected_trust_selects_the_new_best(session, heard, dataset):
    session.choose_school(dataset.index_of_urn(NEWMAN))
    far = next(c for c in session.ranking.rows() if c.nearest_km > 5)
    session.select_trust(far.trust_code)
    heard.clear()
    session.set_filters(max_km=5)
    assert heard == [{FILTERS, RANKING, SELECTION}]
    assert session.trust_code == session.ranking.candidate(0).trust_code


def test_listeners_hear_only_their_topics(session, dataset):
    weights_only, selection_only = [], []
    session.subscribe(weights_only.append, {WEIGHTS})
    session.subscribe(selection_only.append, {SELECTION})
    session.choose_school(dataset.index_of_urn(NEWMAN))
    session.set_weight("ethos", 4)
    assert weights_only == [{WEIGHTS, RANKING}]
    assert selection_only == [{SCHOOL, RANKING, SELECTION}]
    with pytest.raises(ValueError):
        session.subscribe(print, {"trust"})
    assert DATA in TOPICS


def test_the_selection_snapshot(session, dataset, engine):
    assert session.selection == Selection(None, None, None, None, None, None)
    row = dataset.index_of_urn(CHOIR)
    session.choose_school(row)
    own = dataset.school(row).trust_code
    session.select_trust(own)
    selection = session.selection
    assert selection.school.urn == CHOIR and selection.school_row == row
    assert selection.trust.code == own == selection.trust_code
    assert selection.candidate.is_current_trust
    # its own trust seen without the school: one school fewer in its hubs
    assert sum(h.size for h in selection.shape.hubs) == dataset.trusts.by_code(own).school_count - 1
    assert selection.nearest_row == selection.candidate.nearest_school_row != row
    with pytest.raises(AttributeError):
        selection.trust = None  # frozen: a view cannot change what others see
    session.set_weight("ethos", 7)
    assert session.selection is not selection  # a new candidate row for the new weights
    assert session.selection.candidate.total != selection.candidate.total


def test_the_selection_of_a_trust_the_filters_hide(session, dataset):
    session.choose_school(dataset.index_of_urn(NEWMAN))
    session.set_filters(max_km=5)
    hidden = next(c for c in engine_codes(session) if session.ranking.rank_index_of(c) is None)
    session.select_trust(hidden)
    candidate = session.selection.candidate
    assert candidate.trust_code == hidden and candidate.rank is None and candidate.robustness is None
    assert session.selection.shape is not None


def engine_codes(session):
    return session.engine.codes
