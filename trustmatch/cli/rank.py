"""`trustmatch rank`: candidate trusts for one school, or for many from a file of URNs."""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from pathlib import Path

from trustmatch.app.lookup import load_dataset, resolve_school, resolve_urn
from trustmatch.app.problems import UserError
from trustmatch.cli.output import clean, destination, json_text, safe_cell, table
from trustmatch.data.identifiers import looks_like_urn
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import DEFAULT_MAX_KM, PRESETS, Filters, RankingProblem, parse_weights
from trustmatch.progress import Task, TerminalBar


def _distance(text: str) -> float | None:
    if text.strip().lower() in ("none", "off", "any"):
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_KM):
        raise argparse.ArgumentTypeError(
            f"must be a distance in km above 0 and up to {MAX_KM:,.0f}, or 'none' for no limit, not '{text}'"
        )
    return value


# Further than any two points in England are apart.
MAX_KM = 1_000


def add_parser(sub) -> None:
    p = sub.add_parser("rank", help="rank the multi-academy trusts for a school (or many)")
    p.add_argument("school", nargs="*", help="URN or search text (the best match is used, and announced)")
    p.add_argument("--top", type=int, default=10, help="how many trusts to list (default 10)")
    add_setting_options(p)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--urns-file",
                   help="rank every school whose URN is in this file (one per line, or a CSV with a URN column)")
    p.add_argument("--out", metavar="FILE", help="write to this file (UTF-8; CSV with a byte order mark for Excel)")
    p.set_defaults(func=run)


def add_setting_options(p) -> None:
    """The weights and filters options, shared by every command that ranks."""
    p.add_argument("--weights", help="e.g. ethos=2,geography=3,phase=1,capacity=1")
    p.add_argument("--preset", choices=sorted(PRESETS), help="start from a preset's weights")
    p.add_argument("--max-km", type=_distance, default=DEFAULT_MAX_KM,
                   help=f"only trusts with a school within this many km "
                   f"(default {DEFAULT_MAX_KM:.0f}; 'none' for no limit)")
    p.add_argument("--any-character", action="store_true",
                   help="also list trusts that do not suit the school's religious character (left out by default)")
    p.add_argument("--min-schools", type=int, help="only trusts with at least this many schools")
    p.add_argument("--max-schools", type=int, help="only trusts with at most this many schools")
    p.add_argument("--region", help="only trusts with a school in this region")


def settings(args) -> tuple[dict[str, float], Filters]:
    """The weights and filters the options asked for, or one sentence saying what is wrong."""
    try:
        weights = parse_weights(args.weights, args.preset)
    except RankingProblem as err:
        raise UserError(str(err)) from err
    if args.min_schools is not None and args.max_schools is not None and args.min_schools > args.max_schools:
        raise UserError(f"--min-schools {args.min_schools} is above --max-schools {args.max_schools}, "
                        "so no trust could be listed; lower the minimum or raise the maximum.")
    return weights, Filters(args.max_km, not args.any_character, args.min_schools, args.max_schools, args.region)


CSV_HEADERS = [
    "school_urn", "school_name", "rank", "trust_code", "trust_name", "total",
    *[f"{c}_score" for c in CRITERIA], *[f"{c}_reason" for c in CRITERIA],
    "nearest_km", "robustness", "schools", "pupils", "is_current_trust",
]


def csv_rows(school, candidates) -> list[list]:
    return [
        [
            school.urn, school.name, c.rank, c.trust_code, c.trust_name, round(c.total, 1),
            *[round(c.scores[n], 1) for n in CRITERIA], *[c.reasons[n] for n in CRITERIA],
            round(c.nearest_km, 1), round(c.robustness, 2), c.schools, c.pupils, c.is_current_trust,
        ]
        for c in candidates
    ]


def write_csv(blocks, out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADERS)
    for school, candidates in blocks:
        for row in csv_rows(school, candidates):
            writer.writerow([safe_cell(clean(v) if isinstance(v, str) else v) for v in row])


def read_urns(path: str) -> list[str]:
    """The URN cells of a file, as written (checked later): one per line, or a CSV/TSV column headed URN."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"There is no URN file at {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a file of URNs.") from None
    except (OSError, UnicodeDecodeError) as err:
        why = getattr(err, "strerror", None) or "not text"
        raise UserError(f"The URN file {path} could not be read ({why}).") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as err:
        raise UserError(f"The URN file {path} is not a readable list ({err}).") from None
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if "urn" in header:
        column = header.index("urn")
        values = [r[column].strip() for r in rows[1:] if len(r) > column]
    else:
        values = [r[0].strip() for r in rows if r]
    values = [v for v in values if v]
    if not values:
        raise UserError(f"The URN file {path} lists no URNs.")
    return values


def run(args) -> int:
    from trustmatch.fit.ranking import FitEngine

    if not args.school and not args.urns_file:
        raise UserError("Name a school (URN or search text) or give --urns-file.")
    if args.school and args.urns_file:
        raise UserError("Give either schools or --urns-file, not both.")
    if args.top < 1:
        raise UserError("--top must be 1 or more.")
    weights, filters = settings(args)

    dataset = load_dataset()
    batch = bool(args.urns_file)
    targets = read_urns(args.urns_file) if batch else [" ".join(args.school)]
    engine = FitEngine(dataset)
    blocks, unknown, empty, seen = [], [], [], set()
    bar = TerminalBar()
    task = Task(bar)
    for i, target in enumerate(targets):
        if batch:
            task.step(i / len(targets), f"Ranking {i + 1:,} of {len(targets):,}")
            # A list holds URNs: anything else is reported, never searched for as a name.
            school = resolve_urn(dataset, target)
            if school is None:
                unknown.append(target)
                continue
            if school.urn in seen:
                continue  # listed twice: ranked once
            seen.add(school.urn)
        else:
            school = resolve_school(dataset, target)
            if not looks_like_urn(target):
                print(clean(f"Ranking trusts for {school.name}, {school.town} (URN {school.urn})"), file=sys.stderr)
        try:
            ranking = engine.evaluate(school.index).rank(weights, filters)
        except RankingProblem as err:
            raise UserError(str(err)) from err
        if len(ranking) == 0:
            empty.append(school)
        elif ranking.notice and not batch:
            print(clean(ranking.notice), file=sys.stderr)  # e.g. nothing in reach but its own trust
        blocks.append((school, ranking.rows(args.top)))
    if batch:
        task.step(1.0, "Done")
        if not blocks:
            raise UserError(
                f"None of the {len(targets):,} entries in {args.urns_file} is the URN of an open state-funded school."
            )
    elif empty:
        raise UserError(ranking.shortfall)  # not the notice: it would go on to speak of "the trusts below"

    with destination(args.out, bom=args.format == "csv") as out:
        write(args.format, blocks, batch, out)
    if unknown:
        shown = ", ".join(f"'{clean(u)[:40]}'" for u in unknown[:10])
        print(f"trustmatch: {len(unknown):,} entr{'y' if len(unknown) == 1 else 'ies'} not found "
              f"(not the URN of an open state-funded school): {shown}", file=sys.stderr)
    if empty and batch:
        shown = "; ".join(f"{s.urn} {s.name}" for s in empty[:10]) + ("; ..." if len(empty) > 10 else "")
        print(clean(f"trustmatch: no trust left after the filters for {len(empty):,} school(s): {shown}"),
              file=sys.stderr)
    return 0


def write(form: str, blocks, batch: bool, out) -> None:
    if form == "json":
        if batch:
            document = [
                {"urn": s.urn, "school": s.name, "candidates": [c.to_json() for c in rows]} for s, rows in blocks
            ]
        else:
            document = [c.to_json() for c in blocks[0][1]]
        out.write(json_text(document) + "\n")
    elif form == "csv":
        write_csv(blocks, out)
    else:
        for school, rows in blocks:
            if len(blocks) > 1:
                print("\n" + clean(f"{school.name} (URN {school.urn})"), file=out)
            print(
                table(
                    [
                        [c.rank, c.trust_name + (" *" if c.is_current_trust else ""), f"{c.total:.0f}",
                         *[f"{c.scores[n]:.0f}" for n in CRITERIA], f"{c.nearest_km:.1f}", f"{c.robustness * 100:.0f}%"]
                        for c in rows
                    ],
                    ["#", "Trust", "Total", "Ethos", "Geog.", "Phase", "Capac.", "Near km", "Robust"],
                ),
                file=out,
            )
            if any(c.is_current_trust for c in rows):
                print("* the school's current trust (scored without the school itself)", file=out)
