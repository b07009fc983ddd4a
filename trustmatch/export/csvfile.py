"""CSV exports: one row per trust with every score, reason and trust fact, the school and settings first.

Written as UTF-8 with a byte-order mark so that Excel shows accents, to a file
(never through the console's encoding), with spreadsheet formulas neutralised:
school and trust names come from outside.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from trustmatch.export import columns
from trustmatch.export.files import atomic_file

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """Neutralise text that a spreadsheet would run as a formula (names come from outside)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _converter(column):
    """How a column's value becomes a CSV cell: numbers rounded as the column says, text made safe.

    Chosen once per column: a batch converts some five million cells.
    """
    digits = column.digits
    if digits is not None:
        return lambda value: "" if value is None else round(value, digits) if isinstance(value, float) else value
    if column.number_format is not None:  # a count: never text
        return lambda value: "" if value is None else value
    return lambda value: "" if value is None else safe_cell(value)


def _cells(columns_: list, briefing, trust) -> list:
    return [convert(column.value(briefing, trust)) for column, convert in columns_]


# The school's and the settings' cells are the same on every row of a briefing: worked out once for it.
_SHARED = [(c, _converter(c)) for c in columns.ALL if c.group in ("school", "settings")]
_PER_TRUST = [(c, _converter(c)) for c in columns.ALL if c.group not in ("school", "settings")]
assert [c for c, _ in _SHARED + _PER_TRUST] == columns.ALL, "the shared columns must lead"


def header() -> list[str]:
    return [c.header for c in columns.ALL]


def rows(briefing) -> list[list]:
    if not briefing.trusts:
        return []
    shared = _cells(_SHARED, briefing, briefing.trusts[0])
    return [shared + _cells(_PER_TRUST, briefing, t) for t in briefing.trusts]


def text(briefings, with_header: bool = True) -> str:
    """The CSV text (no BOM) of one or more briefings, one block of rows after another."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as Excel writes it
    if with_header:
        writer.writerow(header())
    for briefing in briefings:
        writer.writerows(rows(briefing))
    return out.getvalue()


@contextmanager
def blocks(path: Path | str) -> Iterator:
    """One CSV file written block by block, header first, safely (see files.atomic_file): `add(text)`."""
    with atomic_file(path) as raw:
        raw.write((BOM + text([], with_header=True)).encode("utf-8"))
        yield lambda block: raw.write(block.encode("utf-8"))


def write(path: Path | str, briefings, task=None) -> Path:
    """Write briefings to one CSV file, safely (see files.atomic_file)."""
    briefings = list(briefings)
    with blocks(path) as add:
        for i, briefing in enumerate(briefings):
            if task is not None:
                task.step(i / len(briefings), f"Writing {briefing.school.name}")
            add(text([briefing], with_header=False))
    return Path(path)
