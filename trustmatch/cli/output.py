"""How the command line prints: plain tables, JSON records and spreadsheet-safe cells.

Names come from a file anyone can edit, so what reaches the terminal has its
control characters removed (an escape sequence in a school's name could
otherwise rewrite the screen), and a file written with --out is always UTF-8.
"""

from __future__ import annotations

import io
import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from trustmatch.app.problems import UserError
from trustmatch.data import paths
from trustmatch.export.csvfile import safe_cell  # noqa: F401 - defined once, for the CLI's CSVs too

# C0 and C1 controls (ESC and CSI start terminal sequences), DEL, and the
# bidirectional overrides that make text display in another order than it reads.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_C1_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(value) -> str:
    """Text safe to print on a terminal: control characters removed."""
    return _CONTROL.sub("", str(value))


def json_text(document) -> str:
    """JSON for a terminal or a file: non-ASCII kept readable, control characters escaped (json escapes only C0)."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _C1_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# What a terminal must never receive from the data: the above, less tab and line breaks.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class SafeStream:
    """A text stream that drops terminal control characters from whatever any command writes."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(_UNSAFE.sub("", text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextmanager
def safe_console():
    """For one command: never crash on a console that cannot show a character (cp1252 and U+FFFD:
    '?' instead), and never pass a control character from a name to the terminal."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


@contextmanager
def destination(path: str | None, bom: bool = False):
    """Where a command prints: stdout, or a UTF-8 file (with a BOM for CSV, so Excel reads it) written whole."""
    if not path:
        yield sys.stdout
        return
    target = Path(path)
    if target.is_dir():
        raise UserError(f"{target} is a folder; give --out a file name.")
    if not target.parent.is_dir():
        raise UserError(f"There is no folder {target.parent} to write {target.name} in.")
    buffer = io.StringIO()
    yield buffer
    data = (("\ufeff" if bom else "") + _UNSAFE.sub("", buffer.getvalue())).encode("utf-8")
    try:
        with paths.atomic_write(target) as out:
            out.write(data)
    except OSError as err:
        raise UserError(f"{target} could not be written ({err.strerror or err}).") from None
    print(f"Saved {target}", file=sys.stderr)


def table(rows: list[list], headers: list[str]) -> str:
    cells = [[clean(c) for c in row] for row in [headers] + rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def school_json(school) -> dict:
    return {
        "urn": school.urn,
        "name": school.name,
        "phase": school.phase,
        "phase_group": school.phase_group,
        "type": school.type,
        "religious_character": school.religious_character,
        "diocese": school.diocese,
        "la": school.la_name,
        "la_code": school.la_code,
        "region": school.region,
        "town": school.town,
        "postcode": school.postcode,
        "pupils": school.pupils,
        "capacity": school.capacity,
        "lat": school.lat,
        "lon": school.lon,
        "governance": school.governance,
        "trust_code": school.trust_code or None,
        "trust_name": school.trust_name or None,
        "trust_type": school.trust_type or None,
    }
