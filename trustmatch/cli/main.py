"""The `trustmatch` command: the window by default, and commands for scripts and consultants.

Every expected problem ends in one plain sentence on stderr and exit status 1
(2 for a mistyped command line, as argparse does); never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trustmatch import __version__
from trustmatch.app.lookup import load_dataset, resolve_trust
from trustmatch.app.problems import UserError
from trustmatch.cli import backtest, rank, shortlist
from trustmatch.cli.output import school_json, table
from trustmatch.data import paths
from trustmatch.progress import Cancelled, Task, TerminalBar

# --- commands ----------------------------------------------------------------


def cmd_version(args) -> int:
    dataset = load_dataset()
    print(f"TrustMatch {__version__} - data of {dataset.data_date} ({dataset.source_name})")
    return 0


def cmd_import(args) -> int:
    from trustmatch.data.dataset import import_into
    from trustmatch.data.gias import ImportProblem

    target = paths.imported_dataset()
    bar = TerminalBar()
    try:
        dataset = import_into(Path(args.file), target, Task(bar))
    except ImportProblem as err:
        raise UserError(f"Nothing was imported: {err}") from err
    except PermissionError:
        raise UserError(f"Nothing was imported: the data folder {target.parent} cannot be written to.") from None
    except OSError as err:
        raise UserError(f"Nothing was imported: saving to {target.parent} failed ({err.strerror}).") from err
    meta = dataset.meta
    skipped = ", ".join(f"{n:,} {why}" for why, n in meta.get("skipped", {}).items() if n)
    print(
        f"Imported {len(dataset):,} open state-funded schools from {meta['rows_read']:,} rows of {meta['source_name']}"
    )
    print(f"Data date {dataset.data_date}; saved to {target}")
    if skipped:
        print(f"Skipped: {skipped}")
    return 0


def cmd_find(args) -> int:
    dataset = load_dataset()
    text = " ".join(args.text)
    rows = dataset.finder.search(text, limit=args.limit)
    schools = [dataset.school(i) for i in rows]
    if args.json:
        print(json.dumps([school_json(s) for s in schools], indent=2, ensure_ascii=False))
        return 0
    if not schools:
        raise UserError(f"No school matches '{text}'.")
    print(
        table(
            [[s.urn, s.name, s.phase, s.la_name, s.postcode, s.trust_name or "-"] for s in schools],
            ["URN", "School", "Phase", "Local authority", "Postcode", "Trust"],
        )
    )
    return 0


def cmd_trust(args) -> int:
    dataset = load_dataset()
    text = " ".join(args.trust)
    trust, others = resolve_trust(dataset, text)
    members = [dataset.school(i) for i in trust.members]
    members.sort(key=lambda s: (s.phase_group, s.name))
    if args.json:
        document = trust.summary()
        document["schools"] = [school_json(s) for s in members]
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    figures = trust.summary()
    print(f"{trust.name} (group UID {trust.code}, {trust.type})")
    print(f"  {trust.school_count} schools: " + ", ".join(f"{n} {p}" for p, n in trust.schools_by_phase.items()))
    print(f"  {trust.pupils:,} pupils in places for {trust.capacity:,}; FSM {figures['fsm_pct']}%")
    print("  Religious character: " + ", ".join(f"{k} {v}" for k, v in trust.religious_characters.items()))
    if trust.dioceses:
        print("  Dioceses: " + ", ".join(f"{k} {v}" for k, v in trust.dioceses.items()))
    print("  Local authorities: " + ", ".join(f"{k} {v}" for k, v in trust.las.items()))
    print("  Regions: " + ", ".join(f"{k} {v}" for k, v in trust.regions.items()))
    if others:
        print(f"  ({others} other trust(s) also match '{text}'.)")
    print()
    print(
        table(
            [
                [s.urn, s.name, s.phase, s.la_name, s.postcode, s.pupils if s.pupils is not None else "-"]
                for s in members
            ],
            ["URN", "School", "Phase", "Local authority", "Postcode", "Pupils"],
        )
    )
    return 0


# --- parsing -----------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trustmatch",
        description="Find a multi-academy trust that fits a school in England. With no command, opens the window.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and the data date")
    parser.add_argument("--data-dir", help="folder for the imported dataset and settings (or TRUSTMATCH_DATA_DIR)")
    parser.add_argument("--school", help="window: open with this school (URN or search text)")
    parser.add_argument("--trust", help="window: select this trust (group UID or name)")
    parser.add_argument("--screenshot", metavar="FILE.png", help="window: render offscreen to a PNG and exit")
    parser.add_argument("--size", default="1440x900", help="window size for --screenshot, WxH")
    parser.add_argument("--self-test", action="store_true", help="check this install works end to end, then exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import-gias", help="import a GIAS 'All establishment data' download")
    p.add_argument("file", help="edubasealldataYYYYMMDD.csv, .csv.gz or the downloaded .zip")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("find", help="find schools by URN, name, postcode or town")
    p.add_argument("text", nargs="+")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print JSON (see docs/cli-json.md)")
    p.set_defaults(func=cmd_find)

    p = sub.add_parser("trust", help="show one trust's figures and schools")
    p.add_argument("trust", nargs="+", help="group UID or name")
    p.add_argument("--json", action="store_true", help="print JSON (see docs/cli-json.md)")
    p.set_defaults(func=cmd_trust)

    rank.add_parser(sub)
    backtest.add_parser(sub)
    shortlist.add_parser(sub)
    return parser


def run_command(args) -> int:
    """Run a parsed command line; every expected problem ends in one sentence and a non-zero exit."""
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    try:
        if args.version:
            return cmd_version(args)
        return args.func(args)
    except UserError as err:
        print(f"trustmatch: {err}", file=sys.stderr)
        return 1
    except Cancelled:
        print("trustmatch: cancelled; nothing was changed.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ntrustmatch: interrupted; nothing was changed.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
