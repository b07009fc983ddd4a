"""Fit the scoring to the development window and write resources/fit/scoring.json.

    .venv/bin/python tools/fit_scoring.py            # about 15 seconds on 2 cores
    .venv/bin/python tools/fit_scoring.py --dry-run  # print the figures, write nothing

What it does (docs/scoring.md, "How the scoring was fitted"):
1. Builds the backtest of the development window's first year (2022-07-18 to 2023-07-18) and second year, and
   for each signal fits a conditional logit on the first year without it and scores the second year: a signal
   is kept only if leaving it out makes the second year's choices less likely (it generalises).
2. Fits the kept signals on the whole development window (2022-07-18 to 2024-07-18) and writes them, with the
   window, the date and the figures, to resources/fit/scoring.json, which the engine loads.
3. Reports the figures the app itself gets with the written file (default settings and filters lifted), and the
   split (fitted on the first year only, tested on the second).
Joins from 2024-07-18 on are reserved for an independent check and are never read here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trustmatch.data import paths  # noqa: E402
from trustmatch.data.dataset import load  # noqa: E402
from trustmatch.fit import calibration, criteria  # noqa: E402
from trustmatch.fit.backtest import DEFAULT_FILTERS, DEV_SPLIT, DEV_WINDOW, NO_FILTERS, Backtest  # noqa: E402
from trustmatch.fit.ranking import PRESETS, FitEngine  # noqa: E402

SCALE = 3.0  # display: every 3 units of fitted log-odds short of the best divide a score by e (docs/scoring.md)
OUT = ROOT / "resources" / "fit" / "scoring.json"
COMMAND = "python tools/fit_scoring.py"
# Signals are dropped together with their family: the two diocese signals go together, as do both
# distance terms (a curve), so each row of the table answers one question.
FAMILIES = {
    "distance curve beyond 10 km": {"km_beyond_reach"},
    "presence in the school's local authority": {"in_la", "la_share"},
    "schools within reach (share)": {"share_within_reach"},
    "schools within reach (number)": {"log_within_reach"},
    "same diocese": {"same_diocese", "diocese_present"},
    "a diocesan trust (by name) of a CofE school's diocese": {"diocesan_trust"},
    "other religious character": {"other_faith"},
    "phase share": {"phase_share"},
    "same-phase schools within reach": {"phase_nearby"},
    "special / AP experience": {"specialist"},
    "trust size": {"log_schools"},
    "the school's share of pupils": {"school_share"},
    "recent growth (joins in the last year)": {"recent_joins"},
    "rolls against places": {"fill"},
    "recent growth (converters joining in the 3 years before)": {"growth"},
    "the trust's place among trusts by distance": {"log_distance_rank"},
    "no religious character: presence in the local authority": {"in_la_no_faith"},
    "no religious character: distance": {"log_km_no_faith"},
    "secondary schools: the trust's number of secondaries": {"secondaries"},
    "the trust's character: share of converter academies": {"converter_share"},
    "distance to the centre of the trust's schools": {"log_km_centre"},
    "presence in the school's town": {"in_town"},
    "infant, first and middle schools: the trust runs the next school": {"next_school"},
}


def log_likelihood(choices, coefficients) -> float:
    """Mean log-probability the fitted model gives each findable joiner's real choice."""
    u = calibration.utilities(choices, coefficients).astype(np.float64)
    top = u.max(axis=1, keepdims=True)
    log_z = top[:, 0] + np.log(np.exp(u - top).sum(axis=1))
    found = choices.chosen >= 0
    rows = np.flatnonzero(found)
    return float((u[rows, choices.chosen[rows]] - log_z[rows]).mean())


def figures(backtest, totals, filters) -> dict:
    return backtest.figures(backtest.ranks_for_totals(totals, filters)).to_json()


def model_document(coefficients) -> dict:
    return {
        "format": "trustmatch-scoring",
        "version": 1,
        "scale": SCALE,
        "coefficients": calibration.coefficients_document(coefficients),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args(argv)
    dataset = load(paths.bundled_dataset())
    print("Building the backtests (first year, second year, whole window)...", flush=True)
    first, second = (
        Backtest.build(dataset, *window, filters=(DEFAULT_FILTERS, NO_FILTERS), engine_factory=FitEngine.fitting)
        for window in DEV_SPLIT
    )
    first_choices, second_choices = calibration.Choices.of(first), calibration.Choices.of(second)

    split_all = calibration.fit(first_choices)
    base = log_likelihood(second_choices, split_all)
    signals = {}
    dropped: set[str] = set()
    print(f"{'signal family left out':<52} {'test logL':>9} {'change':>8} {'hit@1':>6} {'hit@10':>6}")
    for family, names in FAMILIES.items():
        without = calibration.fit(first_choices, frozenset(names))
        value = log_likelihood(second_choices, without)
        test = figures(second, calibration.utilities(second_choices, without), None)
        # Kept if leaving it out made the second year's real choices less likely; a signal with a set floor
        # (calibration.AT_LEAST) is kept by decision, whatever the test says.
        floored = any(signal == name for _, signal in calibration.AT_LEAST for name in names)
        kept = value < base or floored
        if not kept:
            dropped |= names
        verdict = "kept (set floor)" if floored else "kept" if kept else "dropped"
        signals[family] = {
            "signals": sorted(names),
            "kept": verdict,
            "test_loglik_change_without": round(value - base, 4),
            "test_hit@1_without": test["hit@1"],
            "test_hit@10_without": test["hit@10"],
        }
        print(
            f"{family:<52} {value:9.4f} {value - base:+8.4f} {test['hit@1']:6.3f} {test['hit@10']:6.3f}  {verdict}",
            flush=True,
        )

    split = calibration.fit(first_choices, frozenset(dropped))
    split_totals = calibration.utilities(second_choices, split)
    split_figures = {
        "defaults": figures(second, split_totals, DEFAULT_FILTERS),
        "filters_lifted": figures(second, split_totals, NO_FILTERS),
    }

    del first, second, first_choices, second_choices
    print("Fitting the whole development window...", flush=True)
    dev = Backtest.build(dataset, *DEV_WINDOW, filters=(DEFAULT_FILTERS, NO_FILTERS), engine_factory=FitEngine.fitting)
    dev_choices = calibration.Choices.of(dev)
    final = calibration.fit(dev_choices, frozenset(dropped))
    document = model_document(final)

    # The figures the app itself gets with this file: the engine, not the fit's own arithmetic.
    model = criteria.Model.from_document(document)
    check = Backtest.build(dataset, *DEV_WINDOW, engine_factory=lambda d: FitEngine(d, model=model))
    balanced = PRESETS["balanced"]
    document.update(
        fitted={
            "window": {"joined_from": DEV_WINDOW[0].isoformat(), "joined_to": DEV_WINDOW[1].isoformat()},
            "joiners": len(dev.joiners),
            "data_date": dataset.data_date,
            "date": date.today().isoformat(),
            "command": COMMAND,
            "method": "conditional logit over each joiner's candidate trusts (numpy, Newton, ridge 0.01)",
        },
        figures={
            "development window, default settings": check.evaluate(balanced, DEFAULT_FILTERS).to_json(),
            "development window, filters lifted": check.evaluate(balanced, NO_FILTERS).to_json(),
            "split: fitted 2022-07-18..2023-07-18, tested 2023-07-18..2024-07-18": split_figures,
        },
        signals=signals,
    )
    print(json.dumps(document["figures"], indent=1))
    if args.dry_run:
        print(json.dumps(document["coefficients"], indent=1))
        return 0
    write(document, OUT)
    print(f"Wrote {OUT.relative_to(ROOT)}")
    return 0


def write(document: dict, path: Path) -> None:
    """Temporary file, fsync, rename: a crash leaves the old file."""
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2, ensure_ascii=False)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    raise SystemExit(main())
