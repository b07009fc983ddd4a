"""tools/model_form.py: the mixture of logits it compares with the shipped conditional logit (docs/scoring.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from trustmatch.fit import calibration
from trustmatch.fit.backtest import NO_FILTERS, Backtest
from trustmatch.fit.ranking import FitEngine

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import model_form  # noqa: E402


@pytest.fixture(scope="module")
def spring(dataset):
    """The converters that joined a trust from March to May 2024 (inside the development window), every signal."""
    backtest = Backtest.build(
        dataset, "2024-03-01", "2024-06-01", filters=(NO_FILTERS,), engine_factory=FitEngine.fitting
    )
    return calibration.Choices.of(backtest)


def mean_log_chance(choices, fitted, shares) -> float:
    joiners = calibration.fitted_joiners(choices)
    chance = model_form.mixture_scores(choices, fitted, shares)
    return float(np.log(chance[joiners, choices.chosen[joiners]]).mean())


def test_a_mixture_of_two_explains_the_choices_it_was_fitted_to_better_than_one(spring):
    drop = model_form.shipped_drop()
    two, shares = model_form.mixture(spring, drop, 2)
    assert shares.sum() == pytest.approx(1.0) and (shares > 0.05).all()
    one = model_form.mixture(spring, drop, 1)
    assert mean_log_chance(spring, two, shares) > mean_log_chance(spring, *one)
