"""`trustmatch shortlist FILE`: print a shortlist, with each trust's scores then and now."""

from __future__ import annotations

import json

from trustmatch.app import shortlist as sl
from trustmatch.app.lookup import load_dataset
from trustmatch.cli.output import table
from trustmatch.data.dataset import long_date
from trustmatch.export.briefing import filters_text
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import FitEngine


def add_parser(sub) -> None:
    p = sub.add_parser("shortlist", help="print a shortlist file (.trustmatch): trusts, status, decisions, scores")
    p.add_argument("file", help="a .trustmatch shortlist saved by the window")
    p.add_argument("--json", action="store_true", help="print JSON (see docs/file-format.md)")
    p.set_defaults(func=cmd_shortlist)


def _now_scores(shortlist, dataset):
    """Each trust's movement against the data in use, or None when the school is not in it."""
    row = dataset.index_of_urn(shortlist.school_urn) if shortlist.school_urn is not None else None
    if row is None or not shortlist.entries:
        return None
    return sl.movements(shortlist, FitEngine(dataset).evaluate(row))


def _number(value, digits=0):
    return "-" if value is None else f"{value:.{digits}f}"


def cmd_shortlist(args) -> int:
    shortlist = sl.read(args.file)
    dataset = load_dataset()
    moves = _now_scores(shortlist, dataset)
    codes = {t.code for t in dataset.trusts.of_type("MAT")}
    notes = sl.opening_notes(shortlist, dataset, codes)
    if args.json:
        document = sl.to_document(shortlist)
        document.pop("saved", None)
        document["opened_on"] = {"data_date": dataset.data_date, "notes": notes}
        for entry, move in zip(document["trusts"], moves or [None] * len(document["trusts"])):
            entry["now"] = None if move is None or move.gone else {
                "rank": move.candidate.rank,
                "total": round(move.candidate.total, 1),
                "scores": {n: round(move.candidate.scores[n], 1) for n in CRITERIA},
            }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0

    weights = ", ".join(f"{n} {w:g}" for n, w in shortlist.weights.items())
    urn = f" (URN {shortlist.school_urn})" if shortlist.school_urn is not None else ""
    school = shortlist.school_name or "no school"
    print(f"Shortlist for {school}{urn}, made with the data of {long_date(shortlist.data_date)}")
    print(f"Weights: {weights} ({shortlist.preset or 'own mix'}); filters: {filters_text(shortlist.filters)}")
    for note in notes:
        print(f"Note: {note}")
    if not shortlist.entries:
        print("No trusts on it yet.")
        return 0
    rows = []
    for i, entry in enumerate(shortlist.entries):
        then = entry.snapshot
        move = moves[i] if moves else None
        now = move.candidate if move is not None else None
        rank_now = (now.rank or "-") if now else "-"
        rows.append([
            i + 1, entry.trust_name, entry.trust_code, entry.status, entry.decision_text,
            _number(then.total), then.rank or "-", _number(now.total if now else None), rank_now,
        ])
    print()
    headers = ["#", "Trust", "Group UID", "Status", "Decision", "Total then", "Rank then", "Total now", "Rank now"]
    print(table(rows, headers))
    for i, entry in enumerate(shortlist.entries):
        lines = [f"Notes: {entry.notes}"] if entry.notes.strip() else []
        if entry.decision_note.strip():
            lines.append(f"Decision note: {entry.decision_note}")
        lines += [
            f"Asked: {a.question}" + (f" - {a.answer}" if a.answer.strip() else "")
            for a in entry.answers.values() if a.asked or a.answer.strip()
        ]
        if lines:
            print(f"\n{i + 1}. {entry.trust_name}")
            print("\n".join("   " + line for line in lines))
    if moves and shortlist.data_date != dataset.data_date:
        print(f"\nSince the data of {long_date(shortlist.data_date)}:")
        for move in moves:
            print("  " + move.sentence())
    return 0
