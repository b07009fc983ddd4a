"""CSV exports: one row per trust with every score, reason and trust fact, the school and settings first.

Written as UTF-8 with a byte-order mark so that Excel shows accents, to a file
(never through the console's encoding), with spreadsheet formulas neutralised:
school and trust names come from outside.
"""

from __future__ import annotations

import csv
import io
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
    """How a column's value becomes a CSV cell: numbers rounded as the column says, text made safe."""
    digits = column.digits

    def cell(value):
        if value is None:
            return ""
        if digits is not None and isinstance(value, float):
            return round(value, digits)
        return safe_cell(value)

    return cell


_CONVERTERS = [_converter(c) for c in columns.ALL]


def header() -> list[str]:
    return [c.header for c in columns.ALL]


def rows(briefing) -> list[list]:
    return [
        [convert(column.value(briefing, t)) for column, convert in zip(columns.ALL, _CONVERTERS)]
        for t in briefing.trusts
    ]


def text(briefings, with_header: bool = True) -> str:
    """The CSV text (no BOM) of one or more briefings, one block of rows after another."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as Excel writes it
    if with_header:
        writer.writerow(header())
    for briefing in briefings:
        writer.writerows(rows(briefing))
    return out.getvalue()


def write(path: Path | str, briefings, task=None) -> Path:
    """Write briefings to one CSV file, safely (see files.atomic_file)."""
    briefings = list(briefings)

    def chunks():
        for i, briefing in enumerate(briefings):
            if task is not None:
                task.step(i / len(briefings), f"Writing {briefing.school.name}")
            yield text([briefing], with_header=False)

    return write_chunks(path, chunks())


def write_chunks(path: Path | str, chunks) -> Path:
    """Write CSV text made elsewhere (by worker processes), header first, as one file."""
    with atomic_file(path) as raw:
        raw.write((BOM + text([], with_header=True)).encode("utf-8"))
        for chunk in chunks:
            raw.write(chunk.encode("utf-8"))
    return Path(path)
