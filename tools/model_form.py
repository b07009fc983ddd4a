"""Would a more flexible model than the conditional logit find more of the trusts schools chose?

    .venv/bin/python tools/model_form.py                 # about 15 minutes on 2 cores
    .venv/bin/python tools/model_form.py --classes 2     # only the two-class mixture (and the logit)

docs/scoring.md ("Fifth round") reports what it printed.  The conditional logit that TrustMatch ships adds up
the signals with one set of coefficients for every school.  Two more flexible models are fitted to the same
signals (those the shipped scoring keeps) and judged as the logit is, on the split (fit on the development
window's first year, test on its second) and in the whole window (fitted and judged there):

- a **mixture of logits** (latent classes): schools of K unseen kinds, each choosing by its own coefficients;
  fitted by expectation-maximisation, each class a weighted conditional logit (plain numpy); a trust is ranked
  by its chance of being chosen, summed over the kinds;
- **gradient-boosted trees** ranking the candidates (LambdaMART, lightgbm), which can find any interaction or
  threshold among the signals.  Not a dependency of TrustMatch: `pip install lightgbm scikit-learn` to include
  it; without them it is left out and the tool says so.

Joins from 2024-07-18 on are reserved for an independent check and are never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trustmatch.data import paths  # noqa: E402
from trustmatch.data.dataset import load  # noqa: E402
from trustmatch.fit import calibration, criteria  # noqa: E402
from trustmatch.fit.backtest import DEV_SPLIT, DEV_WINDOW, NO_FILTERS, Backtest, Figures, ranks_in  # noqa: E402
from trustmatch.fit.ranking import FitEngine  # noqa: E402

EM_ROUNDS = 20
# Three settings of the boosted trees, from cautious to free: few small trees, more trees, many deep trees.
BOOSTED = (
    {"num_leaves": 7, "n_estimators": 200, "min_child_samples": 50},
    {"num_leaves": 15, "n_estimators": 400, "min_child_samples": 20},
    {"num_leaves": 31, "n_estimators": 1000, "min_child_samples": 5},
)


def shipped_drop() -> frozenset[str]:
    """The signals the shipped scoring leaves out: every model here sees the same signals as the app."""
    model = criteria.fitted_model()
    # the other faiths' ethos is set, not fitted (calibration.SET_NOT_FITTED): its signals say nothing here
    kept = {s for c in model.coefficients.values() for s in c} | {
        s for group, signals in model.ethos.items() if group != calibration.SET_NOT_FITTED for s in signals
    }
    return frozenset(p.signal for p in calibration.PARAMETERS if p.signal not in kept)


def chances(utilities: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Each trust's chance of being chosen among `among` (joiners x trusts)."""
    u = np.where(among, utilities, -np.inf)
    e = np.exp(u - u.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def mixture(choices: calibration.Choices, drop: frozenset[str], classes: int, seed: int = 0):
    """A mixture of `classes` conditional logits by expectation-maximisation: (coefficients per class, shares).

    Starts from the one-class fit with the classes' coefficients shaken apart (a fixed seed); each round weighs
    every joiner by how well each class explains its choice, and refits each class to those weights.
    """
    one = calibration.fit(choices, drop)
    if classes == 1:
        return [one], np.ones(1)
    rng = np.random.default_rng(seed)
    fitted = [{p: b + (rng.normal(0, 0.3) if b else 0.0) for p, b in one.items()} for _ in range(classes)]
    shares = np.full(classes, 1 / classes)
    among = calibration.candidates(choices)
    joiners = calibration.fitted_joiners(choices)
    picked = choices.chosen[joiners]
    for _ in range(EM_ROUNDS):
        log_chance = np.stack(
            [np.log(chances(calibration.utilities(choices, c), among)[joiners, picked]) for c in fitted], axis=1
        ) + np.log(shares)
        weights = np.exp(log_chance - log_chance.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        shares = weights.mean(axis=0)
        for k in range(classes):
            full = np.zeros(len(choices.chosen))
            full[joiners] = weights[:, k]
            fitted[k] = calibration.fit(choices, drop, weights=full)
    return fitted, shares


def mixture_scores(choices: calibration.Choices, fitted, shares) -> np.ndarray:
    return sum(s * chances(calibration.utilities(choices, c), choices.exists) for c, s in zip(fitted, shares))


def boosted_scores(train: calibration.Choices, test: calibration.Choices, use: list[int], setting: dict):
    """LambdaMART scores of the test joiners' trusts, trained on `train` (lightgbm; None if not installed)."""
    try:
        import lightgbm
    except ImportError:
        return None
    among = calibration.candidates(train)
    joiners = calibration.fitted_joiners(train)
    rows, labels, groups = [], [], []
    for j in joiners:
        keep = np.flatnonzero(among[j])
        rows.append(np.column_stack([train.values[j][np.ix_(keep, use)], train.nearest_km[j, keep]]))
        labels.append(keep == train.chosen[j])
        groups.append(len(keep))
    model = lightgbm.LGBMRanker(objective="lambdarank", learning_rate=0.05, verbose=-1, random_state=0, **setting)
    model.fit(np.vstack(rows), np.concatenate(labels).astype(int), group=groups)
    scores = np.full(test.exists.shape, -np.inf)
    for j in range(len(test.chosen)):
        keep = np.flatnonzero(test.exists[j])
        scores[j, keep] = model.predict(np.column_stack([test.values[j][np.ix_(keep, use)], test.nearest_km[j, keep]]))
    return scores


def figures(scores: np.ndarray, choices: calibration.Choices) -> Figures:
    return Figures.of(ranks_in(scores, choices.exists.copy(), choices.chosen), choices.chosen >= 0)


def line(label: str, split: Figures, window: Figures) -> str:
    def cells(f: Figures) -> str:
        median = "-" if f.median_rank is None else f"{f.median_rank:g}"
        return f"{f.hits[1]:6.3f} {f.hits[10]:7.3f} {median:>6}"

    return f"{label:<46} {cells(split)}   {cells(window)}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--classes", type=int, nargs="*", default=[1, 2, 3], help="mixture sizes (1 = the logit)")
    args = parser.parse_args(argv)
    dataset = load(paths.bundled_dataset())
    print("Building the backtests (first year, second year, whole window)...", flush=True)
    first, second, window = (
        calibration.Choices.of(Backtest.build(dataset, *w, filters=(NO_FILTERS,), engine_factory=FitEngine.fitting))
        for w in (*DEV_SPLIT, DEV_WINDOW)
    )
    drop = shipped_drop()
    print(f"\n{'':<46} {'split: tested on 2023-24':<22}   {'window: fitted and judged there'}")
    print(f"{'model':<46} {'hit@1':>6} {'hit@10':>7} {'median':>6}   {'hit@1':>6} {'hit@10':>7} {'median':>6}")
    for k in args.classes:
        split = figures(mixture_scores(second, *mixture(first, drop, k)), second)
        whole = figures(mixture_scores(window, *mixture(window, drop, k)), window)
        print(line("conditional logit (shipped)" if k == 1 else f"mixture of {k} logits", split, whole), flush=True)
    use = [p for p, parameter in enumerate(calibration.PARAMETERS) if parameter.signal not in drop]
    for setting in BOOSTED:
        split = boosted_scores(first, second, use, setting)
        if split is None:
            print("gradient-boosted trees left out: pip install lightgbm scikit-learn to include them")
            break
        whole = boosted_scores(window, window, use, setting)
        label = f"boosted trees: {setting['n_estimators']} of {setting['num_leaves']} leaves"
        print(line(label, figures(split, second), figures(whole, window)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
