"""`trustmatch backtest`: how often the ranking puts first the trust a school really joined.

Method, windows and figures: docs/validation.md.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path

from trustmatch.app.lookup import load_dataset
from trustmatch.app.problems import UserError
from trustmatch.cli import rank
from trustmatch.cli.output import destination, json_text, safe_cell, table
from trustmatch.data import paths
from trustmatch.data.dataset import long_date
from trustmatch.fit.backtest import (
    BASELINES,
    CANNOT_UNDO,
    DEV_WINDOW,
    HIT_AT,
    MISS_BELOW,
    RESERVED_FROM,
    TRUSTMATCH,
    Backtest,
    BacktestProblem,
    Figures,
    check_window,
    filters_json,
    reaches_reserved,
)
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import RankingProblem
from trustmatch.progress import Task, TerminalBar

RESERVED_WARNING = (
    f"warning: this window reaches into joins from {long_date(RESERVED_FROM.isoformat())} on, which are RESERVED "
    "for an independent check of the finished ranking; report them, but never use them to tune or to choose "
    "between settings."
)


def add_parser(sub) -> None:
    p = sub.add_parser("backtest", help="check the ranking against the trusts schools really joined")
    p.add_argument(
        "--joined-from",
        default=DEV_WINDOW[0].isoformat(),
        help=f"first join date of the window, YYYY-MM-DD (default {DEV_WINDOW[0]})",
    )
    p.add_argument(
        "--joined-to",
        default=DEV_WINDOW[1].isoformat(),
        help=f"the day after the window, YYYY-MM-DD (default {DEV_WINDOW[1]}; "
        f"joins from {RESERVED_FROM} on are reserved)",
    )
    rank.add_setting_options(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--out", metavar="FILE", help="write the report to this file (UTF-8) instead of the screen")
    p.add_argument(
        "--misses",
        metavar="FILE.csv",
        help=f"write every joiner whose trust ranked below {MISS_BELOW} (or not at all), with the top three",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    weights, filters = rank.settings(args)
    if args.misses:
        check_misses_path(Path(args.misses))
    dataset = load_dataset()
    try:
        start, end = check_window(args.joined_from, args.joined_to, dataset.data_date)
    except BacktestProblem as err:
        raise UserError(str(err)) from err
    if reaches_reserved(end):
        print(f"trustmatch: {RESERVED_WARNING}", file=sys.stderr)
    began = time.perf_counter()
    try:
        backtest = Backtest.build(
            dataset, start, end, filters=(filters,), allow_reserved=True, task=Task(TerminalBar())
        )
        if not backtest.joiners:
            raise UserError(f"No academy converter joined a multi-academy trust from {start} to {end} in this data.")
        report = backtest.report(weights, filters)
    except (BacktestProblem, RankingProblem) as err:
        raise UserError(str(err)) from err
    misses = report.misses() if args.misses else None
    if misses is not None:
        write_misses(Path(args.misses), misses)
    seconds = time.perf_counter() - began

    with destination(args.out) as out:
        if args.format == "json":
            document = report.to_json()
            document["seconds"] = round(seconds, 1)
            if misses is not None:
                document["misses_file"] = str(args.misses)
                document["misses"] = len(misses)
            print(json_text(document), file=out)
        else:
            print(report_text(report, seconds), file=out)
    if misses is not None:
        print(f"trustmatch: {len(misses):,} misses written to {args.misses}", file=sys.stderr)
    return 0


# --- the table ---------------------------------------------------------------


def figure_cells(f: Figures) -> list[str]:
    median = "-" if f.median_rank is None else f"{f.median_rank:g}"
    return [*(f"{f.hits[k]:.2f}" for k in HIT_AT), median, f"{f.mrr:.2f}"]


FIGURE_HEADERS = [*(f"hit@{k}" for k in HIT_AT), "median", "MRR"]


def settings_text(weights: dict[str, float], filters) -> str:
    parts = [f"{name} {value:g}" for name, value in weights.items()]
    limits = filters_json(filters)
    shown = []
    if limits["max_km"] is not None:
        shown.append(f"a school within {limits['max_km']:g} km")
    if limits["compatible_only"]:
        shown.append("suits the school's religious character")
    if limits["min_schools"] is not None:
        shown.append(f"at least {limits['min_schools']} schools")
    if limits["max_schools"] is not None:
        shown.append(f"at most {limits['max_schools']} schools")
    if limits["region"]:
        shown.append(f"a school in {limits['region']}")
    return f"weights {', '.join(parts)}; filters: {'; '.join(shown) if shown else 'none'}"


def report_text(report, seconds: float) -> str:
    bt = report.backtest
    start, end = bt.window
    n = report.n
    findable = int(bt.findable.sum())
    lines = [
        f"Backtest: {n:,} academy converters joined a multi-academy trust from {long_date(start.isoformat())} "
        f"up to {long_date(end.isoformat())} (GIAS OpenDate; data of {bt.dataset.data_date_text}).",
        f"Register rebuilt as it stood before {long_date(start.isoformat())}: {len(bt.removed):,} converters that "
        f"joined on or after it taken out of their trusts.",
        f"TrustMatch settings: {settings_text(report.weights, report.filters)}. "
        "Baselines rank every trust, unfiltered.",
    ]
    if bt.reserved:
        lines.append(RESERVED_WARNING[0].upper() + RESERVED_WARNING[1:])
    lines += [
        "",
        table([[name, *figure_cells(f)] for name, f in report.overall.items()], ["Ranking", *FIGURE_HEADERS]),
        "",
        f"Ceiling {findable / n:.2f}: {findable:,} of {n:,} joined a trust that had a school before the window; "
        f"the other {n - findable:,} cannot be found by any ranking and count as misses.",
    ]
    for dimension, groups in report.breakdowns.items():
        rows = []
        for group, by in groups.items():
            tm = by[TRUSTMATCH]
            rows.append(
                [
                    group,
                    tm.n,
                    f"{tm.ceiling:.2f}",
                    f"{tm.hits[1]:.2f}",
                    f"{tm.hits[10]:.2f}",
                    "-" if tm.median_rank is None else f"{tm.median_rank:g}",
                    f"{tm.mrr:.2f}",
                    *(f"{by[b].hits[10]:.2f}" for b in BASELINES),
                ]
            )
        lines += [
            "",
            f"By {dimension}:",
            table(
                rows,
                [
                    dimension.capitalize(),
                    "n",
                    "ceiling",
                    "hit@1",
                    "hit@10",
                    "median",
                    "MRR",
                    "nearest hit@10",
                    "faith-pen. hit@10",
                ],
            ),
        ]
    lines += ["", "What this cannot undo: " + CANNOT_UNDO, f"({seconds:.1f} s)"]
    return "\n".join(lines)


# --- the misses file -----------------------------------------------------------

MISS_HEADERS = [
    "urn",
    "school",
    "phase",
    "religious_character",
    "urban_rural",
    "region",
    "local_authority",
    "joined_on",
    "trust_code",
    "trust_name",
    "rank",
    "why",
    "total",
    *(f"{c}_score" for c in CRITERIA),
    "nearest_km",
    "nearest_member_rank",
    "faith_penalised_rank",
    *(f"top{i}_{what}" for i in (1, 2, 3) for what in ("trust", "total", "nearest_km")),
]


def miss_row(miss) -> list:
    j, chosen = miss.joiner, miss.chosen
    row = [
        j.urn,
        j.name,
        j.phase,
        j.religious_character,
        j.urban_rural,
        j.region,
        j.la_name,
        j.joined_on,
        j.trust_code,
        j.trust_name,
        miss.rank or "",
        miss.why,
    ]
    if chosen is None:
        row += [""] * (2 + len(CRITERIA))
    else:
        row += [round(chosen.total, 1), *(round(chosen.scores[c], 1) for c in CRITERIA), round(chosen.nearest_km, 1)]
    row += [miss.baseline_ranks[b] or "" for b in BASELINES]
    for i in range(3):
        top = miss.top[i] if i < len(miss.top) else None
        row += ["", "", ""] if top is None else [top.trust_name, round(top.total, 1), round(top.nearest_km, 1)]
    return row


def check_misses_path(path: Path) -> None:
    """Refuse a misses file that cannot be written before spending the run on it."""
    if path.is_dir():
        raise UserError(f"The misses file {path} is a folder; name a .csv file.")
    if not path.resolve().parent.is_dir():
        raise UserError(f"There is no folder {path.resolve().parent} for the misses file.")


def write_misses(path: Path, misses) -> None:
    """Write the misses CSV (UTF-8 with BOM for Excel) so a failure leaves any old file whole."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MISS_HEADERS)
    for miss in misses:
        writer.writerow([safe_cell(v) for v in miss_row(miss)])
    try:
        with paths.atomic_write(path) as f:
            f.write(("\ufeff" + out.getvalue()).encode("utf-8"))
    except OSError as err:
        raise UserError(f"The misses file {path} could not be written ({err.strerror or err}).") from None
