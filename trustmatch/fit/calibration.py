"""Fitting the criteria to what schools did: a conditional logit over each joiner's candidate trusts.

Each school that joined a trust in a window chose one of the trusts that had a
school before it.  The conditional logit says the chance of choosing trust t
is exp(U_t) / sum over candidates exp(U), with U the sum of every criterion's
utility (signals times coefficients: see criteria.py).  The coefficients that
make the real choices most likely are found by Newton's method on the
log-likelihood, with a small ridge penalty so that a signal no joiner varied
on stays at zero.  Plain numpy: the app never runs this, `tools/fit_scoring.py`
does, and writes what it finds to resources/fit/scoring.json.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustmatch.fit.criteria import CRITERIA, FAITH_GROUPS

# The signals fitted, by criterion (ethos per faith group of the school).
FITTED = {
    "geography": (
        "log_km",
        "km_beyond_reach",
        "in_la",
        "la_share",
        "share_within_reach",
        "log_within_reach",
        "log_distance_rank",
        "in_la_no_faith",
        "log_km_no_faith",
        "log_km_centre",
        "in_town",
    ),
    "phase": ("phase_share", "phase_present", "phase_nearby", "specialist", "secondaries", "next_school"),
    "capacity": (
        "log_schools",
        "school_share",
        "recent_joins",
        "growth",
        "fill",
        "converter_share",
    ),
}
FITTED_ETHOS = {
    "none": ("same_faith",),
    "cofe": ("same_faith", "same_diocese", "diocese_present", "diocesan_trust", "other_faith"),
    "catholic": ("same_faith", "same_diocese", "diocese_present", "other_faith"),
}
# Schools of other faiths (Jewish, Muslim, Hindu, Sikh, Methodist, "Christian"): too few joined trusts to fit
# (4 of 772 in the development window), so their ethos is set: sharing the character counts as much as for a
# Catholic school, and a trust of another faith counts against by as much.
SET_NOT_FITTED = "other"

# Special schools and alternative provision: 39 joiners in the development window, 26 of the 37 that could be
# found chose a trust running a school of their kind, often passing many nearer ones.  The fit puts the signal at
# about 2; it is set at no less than this, so that a trust with no such school cannot lead a special school's or
# a pupil referral unit's list on closeness alone (docs/scoring.md: a named departure from the fit).
AT_LEAST = {("phase", "specialist"): 6.0}

FIT_KM = 80.0  # candidates further than this are left out of the fit (none was chosen): it runs ~10x faster
RIDGE = 0.01


@dataclass(frozen=True)
class Parameter:
    criterion: str
    signal: str
    group: str | None = None  # for ethos: the faith group of the school it applies to

    @property
    def label(self) -> str:
        return f"{self.criterion}.{self.group}.{self.signal}" if self.group else f"{self.criterion}.{self.signal}"


# The other faiths' ethos is set from the Catholic same-faith coefficient after the fit (SET_NOT_FITTED): carried
# as parameters too, so that a split's utilities rank those schools' trusts as the app does.
SET_ETHOS = (Parameter("ethos", "same_faith", SET_NOT_FITTED), Parameter("ethos", "other_faith", SET_NOT_FITTED))
PARAMETERS = tuple(
    [Parameter(c, s) for c in ("geography", "phase", "capacity") for s in FITTED[c]]
    + [Parameter("ethos", s, g) for g, signals in FITTED_ETHOS.items() for s in signals]
    + list(SET_ETHOS)
)


@dataclass
class Choices:
    """For each joiner, every candidate trust's parameter values (trusts in the backtest's column order)."""

    values: np.ndarray  # joiners x trusts x parameters, float32
    chosen: np.ndarray  # column of the trust joined, -1 when it had no school before the window
    nearest_km: np.ndarray  # joiners x trusts
    exists: np.ndarray  # joiners x trusts: a real candidate (a school other than the joiner)

    @classmethod
    def of(cls, backtest) -> Choices:
        engine = backtest.engine
        if not engine.all_signals:
            # a ranking engine leaves out the signals with no coefficient: the fit would see them as zeros
            raise ValueError("Fit on a backtest built with engine_factory=FitEngine.fitting (every signal).")
        take = np.array([engine.position[code] for code in backtest.codes], dtype=np.int64)
        shape = (len(backtest.joiners), len(take))
        values = np.zeros((*shape, len(PARAMETERS)), dtype=np.float32)
        nearest, exists = np.zeros(shape), np.zeros(shape, dtype=bool)
        for j, joiner in enumerate(backtest.joiners):
            evaluation = engine.evaluate(joiner.row)
            for p, parameter in enumerate(PARAMETERS):
                if parameter.group not in (None, evaluation.faith_group):
                    continue
                signal = evaluation.signals.get(parameter.signal)
                if signal is not None:
                    values[j, :, p] = signal[take]
            nearest[j], exists[j] = evaluation.nearest_km[take], evaluation.exists[take]
        return cls(values, backtest.chosen.copy(), nearest, exists)


def conditional_logit(
    X: np.ndarray, starts: np.ndarray, chosen: np.ndarray, ridge: float = RIDGE, weights: np.ndarray | None = None
):
    """Coefficients maximising sum over choices of weight x log P(chosen), rows of X laid end to end per choice.

    Newton's method with step halving; returns (coefficients, log-likelihood).  `weights` (one per choice, 1 if
    not given) let a mixture of logits (tools/model_form.py) fit each class to the choices it explains.
    """
    groups = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(X))))
    w = np.ones(len(starts)) if weights is None else np.asarray(weights, dtype=np.float64)

    def loglik(beta):
        u = X @ beta
        top = np.maximum.reduceat(u, starts)
        e = np.exp(u - top[groups])
        z = np.add.reduceat(e, starts)
        value = float((w * (u[chosen] - top - np.log(z))).sum() - 0.5 * ridge * beta @ beta)
        return value, e / z[groups]

    beta = np.zeros(X.shape[1])
    value, p = loglik(beta)
    for _ in range(100):
        mean = np.add.reduceat(X * p[:, None], starts)
        gradient = w @ X[chosen] - w @ mean - ridge * beta
        wp = w[groups] * p
        hessian = -(X * wp[:, None]).T @ X + (mean * w[:, None]).T @ mean - ridge * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        t = 1.0
        while True:
            trial = beta - t * step
            trial_value, trial_p = loglik(trial)
            if trial_value >= value - 1e-9 or t < 1e-6:
                break
            t /= 2
        converged = abs(trial_value - value) < 1e-8
        beta, value, p = trial, trial_value, trial_p
        if converged:
            break
    return beta, value


def candidates(choices: Choices) -> np.ndarray:
    """Joiners x trusts: the trusts a fit compares for each joiner (within FIT_KM)."""
    return choices.exists & (choices.nearest_km <= FIT_KM)


def fitted_joiners(choices: Choices) -> np.ndarray:
    """The joiners a fit learns from: their trust had a school before the window, within FIT_KM."""
    rows = np.arange(len(choices.chosen))
    chosen = np.maximum(choices.chosen, 0)
    return np.flatnonzero((choices.chosen >= 0) & (choices.nearest_km[rows, chosen] <= FIT_KM))


def fit(
    choices: Choices, drop: frozenset[str] = frozenset(), weights: np.ndarray | None = None
) -> dict[Parameter, float]:
    """Fitted coefficient per parameter; parameters whose signal is in `drop` are left out (coefficient 0).

    `weights`, one per joiner, weigh each joiner's choice (default 1).
    """
    use = [p for p, parameter in enumerate(PARAMETERS) if parameter.signal not in drop and parameter not in SET_ETHOS]
    joiners = fitted_joiners(choices)
    among = candidates(choices)
    blocks, starts, chosen, at = [], [], [], 0
    for j in joiners:
        keep = np.flatnonzero(among[j])
        blocks.append(choices.values[j][np.ix_(keep, use)].astype(np.float64))
        starts.append(at)
        chosen.append(at + int(np.searchsorted(keep, choices.chosen[j])))
        at += len(keep)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)[joiners]
    beta, _ = conditional_logit(np.vstack(blocks), np.array(starts), np.array(chosen), weights=w)
    coefficients = {parameter: 0.0 for parameter in PARAMETERS}
    coefficients.update({PARAMETERS[p]: float(b) for p, b in zip(use, beta)})
    for parameter in coefficients:
        floor = AT_LEAST.get((parameter.criterion, parameter.signal))
        if floor is not None and parameter.signal not in drop:
            coefficients[parameter] = max(coefficients[parameter], floor)
    same = coefficients[Parameter("ethos", "same_faith", "catholic")]
    coefficients.update(zip(SET_ETHOS, (same, -same)))
    return coefficients


def utilities(choices: Choices, coefficients: dict[Parameter, float]) -> np.ndarray:
    """The fitted utility of every trust for every joiner (joiners x trusts); -inf for no candidate."""
    beta = np.array([coefficients[p] for p in PARAMETERS], dtype=np.float32)
    u = choices.values @ beta
    return np.where(choices.exists, u, -np.inf)


def coefficients_document(coefficients: dict[Parameter, float]) -> dict:
    """The `coefficients` section of scoring.json, with the other-faith group set from the Catholic one."""
    out: dict = {c: {} for c in CRITERIA}
    out["ethos"] = {g: {} for g in FAITH_GROUPS}
    for parameter, value in coefficients.items():
        if parameter.signal and value != 0.0 and parameter not in SET_ETHOS:
            target = out["ethos"][parameter.group] if parameter.group else out[parameter.criterion]
            target[parameter.signal] = round(value, 4)
    same = out["ethos"]["catholic"].get("same_faith", 0.0)
    out["ethos"][SET_NOT_FITTED] = {"same_faith": same, "other_faith": -same}
    return out
