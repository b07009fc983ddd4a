"""`trustmatch export`: CSV, Excel or PDF briefing packs for one school or many, one file each or combined."""

from __future__ import annotations

import sys
from pathlib import Path

from trustmatch.app.lookup import load_dataset, resolve_school, resolve_urn
from trustmatch.app.problems import UserError
from trustmatch.cli.output import clean
from trustmatch.cli.rank import add_setting_options, read_urns, settings
from trustmatch.data import paths
from trustmatch.data.identifiers import parse_urn
from trustmatch.progress import Task, TerminalBar


def add_parser(sub) -> None:
    p = sub.add_parser(
        "export",
        help="export candidate trusts as CSV, Excel or PDF briefing packs, for one school or many",
        description="Export the candidate trusts of each school to a file in DIR named from its URN and name "
        "(or one combined CSV or Excel file). The exit status is 0 only if every school was exported.",
    )
    p.add_argument("school", nargs="*", help="URN or search text of each school (or use --urns-file)")
    p.add_argument(
        "--urns-file", help="export every school whose URN is in this file (one per line, or a CSV with a URN column)"
    )
    p.set_defaults(write_pdf=None)  # launch hands in the PDF writer: drawing takes Qt, which cli never imports
    p.add_argument("--top", type=int, default=10, help="how many trusts per school (default 10)")
    add_setting_options(p)
    p.add_argument(
        "--format", choices=["csv", "xlsx", "pdf"], required=True, help="csv, xlsx (Excel) or pdf (briefing pack)"
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into (made if missing)")
    p.add_argument("--combined", action="store_true", help="one CSV or Excel file for all the schools")
    p.add_argument("--processes", type=int, help="worker processes (default: one a core for large batches, up to 8)")
    p.set_defaults(func=run)


def _school_of_entry(dataset, entry: str):
    """The school a URN file's entry names, or one sentence saying why there is none."""
    if parse_urn(entry) is None:
        raise UserError("not a URN; a URN file's entries are URNs (a CSV may head its URN column 'URN').")
    school = resolve_urn(dataset, entry)
    if school is None:
        raise UserError(f"No open state-funded school has URN {parse_urn(entry)}.")
    return school


def run(args) -> int:
    from trustmatch.export.batch import Job, export_schools
    from trustmatch.export.files import ensure_folder
    from trustmatch.fit.ranking import FitEngine

    if not args.school and not args.urns_file:
        raise UserError("Name a school (URN or search text) or give --urns-file.")
    if args.combined and args.format == "pdf":
        raise UserError("PDF briefing packs are one per school; --combined is for csv and xlsx.")
    if args.top < 1:
        raise UserError("--top must be 1 or more.")
    if args.format == "pdf" and args.write_pdf is None:
        raise UserError("PDF briefing packs need the app's window code (trustmatch.ui), which was not given.")
    weights, filters = settings(args)
    folder = ensure_folder(args.out)
    dataset = load_dataset()
    # Schools named on the command line may be searched for; a file's entries are URNs, never searched for as
    # names (as in `trustmatch rank --urns-file`): "St Bede's" in a client list must not export another St Bede's.
    targets = [(target, False) for target in args.school]
    if args.urns_file:
        targets += [(target, True) for target in read_urns(args.urns_file)]

    rows, skipped = [], []
    for target, from_file in targets:
        try:
            school = _school_of_entry(dataset, target) if from_file else resolve_school(dataset, target)
        except UserError as err:
            skipped.append((target, "", str(err)))
            print(f"trustmatch: skipped {clean(target)}: {err}", file=sys.stderr)
            continue
        if school.index in rows:
            continue  # asked twice: one file
        rows.append(school.index)
    if not rows:
        raise UserError("None of the schools given was found; nothing was exported.")

    def report(outcome) -> None:
        if not outcome.ok:
            print(f"\ntrustmatch: {outcome.urn} {clean(outcome.name)}: {outcome.problem}", file=sys.stderr)

    job = Job(args.format, Path(folder), weights, filters, args.top, paths.active_dataset(), args.write_pdf)
    result = export_schools(
        dataset, FitEngine(dataset), rows, job, Task(TerminalBar()), args.combined, args.processes, report, skipped
    )
    failed = len(skipped) + len(result.failures)
    exported = len(result.outcomes) - len(result.failures)
    asked = exported + failed
    where = result.combined if result.combined else folder
    print(
        f"Exported {exported:,} of {asked:,} school{'s' if asked != 1 else ''} to {where}"
        + (f"; {failed:,} failed (see above)." if failed else ".")
    )
    return 1 if failed else 0
