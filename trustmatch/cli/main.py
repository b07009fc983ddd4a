"""The `trustmatch` command: the window by default, and commands for scripts and consultants.

Every expected problem ends in one plain sentence on stderr and exit status 1
(2 for a mistyped command line, as argparse does); never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trustmatch import __version__
from trustmatch.app.lookup import load_dataset, resolve_trust
from trustmatch.app.problems import UserError
from trustmatch.cli import backtest, export, rank, shortlist
from trustmatch.cli.output import clean, destination, json_text, safe_console, school_json, table
from trustmatch.data import paths
from trustmatch.progress import Cancelled, Task, TerminalBar

# --- commands ----------------------------------------------------------------


def cmd_version(args) -> int:
    dataset = load_dataset()
    print(clean(f"TrustMatch {__version__} - data of {dataset.data_date} ({dataset.source_name})"))
    return 0


def cmd_import(args) -> int:
    from trustmatch.app.register import SmallerRegister, import_register, restore_previous_register
    from trustmatch.data.dataset import DatasetProblem
    from trustmatch.data.gias import ImportProblem

    target = paths.imported_dataset()
    bar = TerminalBar()
    if args.restore_previous:
        if args.file:
            raise UserError("Give a file to import or --restore-previous, not both.")
        try:
            _, _, sentence = restore_previous_register(Task(bar))
        except DatasetProblem as err:
            raise UserError(f"Nothing was changed: {mid_sentence(err)}") from None
        except OSError as err:
            raise UserError(f"Nothing was changed: {target.parent} could not be written ({err.strerror}).") from None
        print(clean(sentence))
        return 0
    if not args.file:
        raise UserError("Name the GIAS file to import, or give --restore-previous.")
    try:
        dataset, _ = import_register(Path(args.file), Task(bar), force=args.force)
    except SmallerRegister as err:
        raise UserError(f"Nothing was imported: {mid_sentence(err)}") from None
    except ImportProblem as err:
        raise UserError(f"Nothing was imported: {mid_sentence(err)}") from err
    except PermissionError:
        raise UserError(f"Nothing was imported: the data folder {target.parent} cannot be written to.") from None
    except OSError as err:
        raise UserError(f"Nothing was imported: saving to {target.parent} failed ({err.strerror}).") from err
    meta = dataset.meta
    skipped = ", ".join(f"{n:,} {why}" for why, n in meta.get("skipped", {}).items() if n)
    rows = f"{meta['rows_read']:,} rows of {meta['source_name']}"
    print(clean(f"Imported {len(dataset):,} open state-funded schools from {rows}"))
    print(f"Data date {dataset.data_date}; saved to {target}")
    if skipped:
        print(f"Skipped: {skipped}")
    print("The data you had is kept: 'trustmatch import-gias --restore-previous' goes back to it.")
    return 0


def mid_sentence(err) -> str:
    """A sentence joined after a colon: "There is no file" becomes "there is no file" (but "GIAS" stays)."""
    text = str(err)
    return text[0].lower() + text[1:] if text[:2].istitle() else text


def cmd_find(args) -> int:
    if args.limit < 1:
        raise UserError("--limit must be 1 or more.")
    dataset = load_dataset()
    text = " ".join(args.text)
    rows = dataset.finder.search(text, limit=args.limit)
    schools = [dataset.school(i) for i in rows]
    if not schools and not args.json:
        raise UserError(f"No school matches '{text}'.")
    with destination(args.out) as out:
        if args.json:
            print(json_text([school_json(s) for s in schools]), file=out)
            return 0
        print(
            table(
                [[s.urn, s.name, s.phase, s.la_name, s.postcode, s.trust_name or "-"] for s in schools],
                ["URN", "School", "Phase", "Local authority", "Postcode", "Trust"],
            ),
            file=out,
        )
    return 0


def cmd_trust(args) -> int:
    dataset = load_dataset()
    text = " ".join(args.trust)
    trust, others = resolve_trust(dataset, text)
    members = [dataset.school(i) for i in trust.members]
    members.sort(key=lambda s: (s.phase_group, s.name))
    with destination(args.out) as out:
        if args.json:
            document = trust.summary()
            document["schools"] = [school_json(s) for s in members]
            print(json_text(document), file=out)
            return 0
        figures = trust.summary()
        lines = [
            f"{trust.name} (group UID {trust.code}, {trust.type})",
            f"  {trust.school_count} schools: " + ", ".join(f"{n} {p}" for p, n in trust.schools_by_phase.items()),
            f"  {trust.pupils:,} pupils in places for {trust.capacity:,}; FSM {figures['fsm_pct']}%",
            "  Religious character: " + ", ".join(f"{k} {v}" for k, v in trust.religious_characters.items()),
        ]
        if trust.dioceses:
            lines.append("  Dioceses: " + ", ".join(f"{k} {v}" for k, v in trust.dioceses.items()))
        lines.append("  Local authorities: " + ", ".join(f"{k} {v}" for k, v in trust.las.items()))
        lines.append("  Regions: " + ", ".join(f"{k} {v}" for k, v in trust.regions.items()))
        if others:
            lines.append(f"  ({others} other trust(s) also match '{text}'.)")
        print("\n".join(clean(line) for line in lines) + "\n", file=out)
        print(
            table(
                [
                    [s.urn, s.name, s.phase, s.la_name, s.postcode, s.pupils if s.pupils is not None else "-"]
                    for s in members
                ],
                ["URN", "School", "Phase", "Local authority", "Postcode", "Pupils"],
            ),
            file=out,
        )
    return 0


def use_data_dir(folder: str | None, command) -> None:
    """Use --data-dir, saying so when it names a file or a folder that does not exist (a typo)."""
    if not folder:
        return
    path = Path(folder).expanduser()
    if path.exists() and not path.is_dir():
        raise UserError(f"--data-dir {folder} is a file, not a folder.")
    if not path.exists():
        if command is not cmd_import:
            raise UserError(
                f"--data-dir {folder} does not exist; check the spelling, or import a GIAS file into it to create it."
            )
    paths.set_data_dir(path)


# --- parsing -----------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    """A mistyped command line ends in one line naming the option, not the whole usage block (exit 2)."""

    def error(self, message):
        hint = f"'{self.prog} --help' lists the options."
        self.exit(2, clean(f"trustmatch: {message.rstrip('.')}; {hint}") + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="trustmatch",
        description="Find a multi-academy trust that fits a school in England. With no command, opens the window.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and the data date")
    parser.add_argument("--data-dir", help="folder for the imported dataset and settings (or TRUSTMATCH_DATA_DIR)")
    parser.add_argument("--school", help="window: open with this school (URN or search text)")
    parser.add_argument("--trust", help="window: select this trust (group UID or name)")
    parser.add_argument("--screenshot", metavar="FILE.png", help="window: render offscreen to a PNG and exit")
    parser.add_argument("--size", default="1440x900", help="window size for --screenshot, WxH")
    parser.add_argument("--open", metavar="FILE.trustmatch", help="window: open this shortlist")
    parser.add_argument(
        "--meeting-page", type=int, metavar="N", help="with --open and --screenshot: render page N of meeting mode"
    )
    parser.add_argument("--self-test", action="store_true", help="check this install works end to end, then exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import-gias", help="import a GIAS 'All establishment data' download")
    p.add_argument("file", nargs="?", help="edubasealldataYYYYMMDD.csv, .csv.gz or the downloaded .zip")
    p.add_argument("--force", action="store_true",
                   help="import even a file with far fewer schools or trusts than the data in use")
    p.add_argument("--restore-previous", action="store_true",
                   help="go back to the data in use before the last import (again to undo that)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("find", help="find schools by URN, name, postcode or town")
    p.add_argument("text", nargs="+")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print JSON (see docs/cli-json.md)")
    p.add_argument("--out", metavar="FILE", help="write to this file (UTF-8) instead of the screen")
    p.set_defaults(func=cmd_find)

    p = sub.add_parser("trust", help="show one trust's figures and schools")
    p.add_argument("trust", nargs="+", help="group UID or name")
    p.add_argument("--json", action="store_true", help="print JSON (see docs/cli-json.md)")
    p.add_argument("--out", metavar="FILE", help="write to this file (UTF-8) instead of the screen")
    p.set_defaults(func=cmd_trust)

    rank.add_parser(sub)
    backtest.add_parser(sub)
    shortlist.add_parser(sub)
    export.add_parser(sub)
    return parser


def run_command(args) -> int:
    """Run a parsed command line; every expected problem ends in one sentence and a non-zero exit."""
    with safe_console():
        return _run(args)


def _run(args) -> int:
    try:
        use_data_dir(args.data_dir, getattr(args, "func", None))
        if args.version:
            return cmd_version(args)
        return args.func(args)
    except UserError as err:
        print(f"trustmatch: {clean(err)}", file=sys.stderr)
        return 1
    except Cancelled:
        print("trustmatch: cancelled; nothing was changed.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ntrustmatch: interrupted; nothing was changed.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
