"""The fit's own arithmetic (trustmatch/fit/calibration.py) against the app: the split's figures come from it."""

from __future__ import annotations

import numpy as np
import pytest

from trustmatch.fit import calibration, criteria
from trustmatch.fit.backtest import NO_FILTERS, Backtest
from trustmatch.fit.ranking import PRESETS, FitEngine


@pytest.fixture(scope="module")
def april(dataset):
    """The converters that joined a trust in April 2024 (inside the development window), with every signal."""
    return Backtest.build(dataset, "2024-04-01", "2024-05-01", filters=(NO_FILTERS,), engine_factory=FitEngine.fitting)


def shipped_coefficients() -> dict:
    model = criteria.fitted_model()
    return {
        p: (model.ethos[p.group] if p.group else model.coefficients.get(p.criterion, {})).get(p.signal, 0.0)
        for p in calibration.PARAMETERS
    }


def test_the_fits_utilities_rank_every_joiner_as_the_app_does(april):
    """The split's figures (tools/fit_scoring.py) are the fit's utilities ranked: with the shipped coefficients they
    must rank each joiner's trusts as the app does.  They left out the set ethos of schools of other faiths, so
    Leyland Methodist Junior School's Epworth Education Trust, the app's first, came 36th in them."""
    choices = calibration.Choices.of(april)
    fitted = april.ranks_for_totals(calibration.utilities(choices, shipped_coefficients()), NO_FILTERS)
    app = april.ranks(PRESETS["balanced"], NO_FILTERS)
    leyland = next(j for j, joiner in enumerate(april.joiners) if joiner.urn == 150577)
    assert app[leyland] == fitted[leyland] == 1
    assert np.mean(fitted == app) > 0.97  # float32 arithmetic can swap near-ties


def test_the_other_faiths_ethos_is_set_from_the_catholic_one(april):
    coefficients = calibration.fit(calibration.Choices.of(april))
    same = coefficients[calibration.Parameter("ethos", "same_faith", "catholic")]
    assert [coefficients[p] for p in calibration.SET_ETHOS] == [same, -same]
    document = calibration.coefficients_document(coefficients)
    assert document["ethos"]["other"] == {"same_faith": round(same, 4), "other_faith": -round(same, 4)}


def test_fitting_needs_an_engine_that_computes_every_signal(dataset):
    backtest = Backtest.build(dataset, "2024-04-01", "2024-04-15", filters=(NO_FILTERS,))
    with pytest.raises(ValueError, match="FitEngine.fitting"):
        calibration.Choices.of(backtest)


def subset(choices: calibration.Choices, rows) -> calibration.Choices:
    c = choices
    return calibration.Choices(c.values[rows], c.chosen[rows], c.nearest_km[rows], c.exists[rows])


def test_a_joiner_weighed_twice_counts_as_two_and_weighed_zero_as_none(april):
    """The weighted fit (the mixture of logits in tools/model_form.py uses it) against plain fits of the same
    choices repeated or left out: a weighting bug would fit something else and make that experiment meaningless."""
    choices = calibration.Choices.of(april)
    joiners = calibration.fitted_joiners(choices)
    assert len(joiners) > 10
    first, rest = joiners[0], joiners[1:]
    weights = np.ones(len(choices.chosen))
    weights[first] = 2.0
    doubled = calibration.fit(subset(choices, np.append(joiners, first)))
    assert calibration.fit(choices, weights=weights) == pytest.approx(doubled, abs=1e-6)
    weights[first] = 0.0
    without = calibration.fit(subset(choices, rest))
    assert calibration.fit(choices, weights=weights) == pytest.approx(without, abs=1e-6)
    assert calibration.fit(choices) != pytest.approx(without, abs=1e-6)
