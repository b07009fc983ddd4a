"""Reading the GIAS "all establishment data" download into TrustMatch's school table.

Accepts the file as the GIAS website serves it (cp1252 CSV), as UTF-8, gzipped,
or inside the downloaded zip.  Keeps the open state-funded schools and derives
the fields the app uses.  Every problem a user can cause with a wrong file is an
`ImportProblem` carrying one plain sentence.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from trustmatch.data import paths
from trustmatch.progress import Task

OPEN_STATUSES = {"Open", "Open, but proposed to close"}
STATE_FUNDED_GROUPS = {
    "Local authority maintained schools",
    "Academies",
    "Free Schools",
    "Special schools",
}
NOT_STATE_FUNDED_TYPES = {"Non-maintained special school", "Other independent special school"}

REQUIRED_COLUMNS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "ReligiousCharacter (name)",
    "Diocese (name)",
    "SchoolCapacity",
    "NumberOfPupils",
    "PercentageFSM",
    "TrustSchoolFlag (name)",
    "Trusts (code)",
    "Trusts (name)",
    "LastChangedDate",
    "Town",
    "Postcode",
    "GOR (name)",
    "UrbanRural (name)",
    "Easting",
    "Northing",
]

OPTIONAL_COLUMNS = ["OpenDate"]

# A generous box around England in British National Grid metres (Isles of
# Scilly to Lowestoft, Scilly to Berwick).  A coordinate outside it is an error
# in the row, not a school abroad.
ENGLAND_BOX = (80_000.0, 0.0, 660_000.0, 660_000.0)

TRUST_TYPES = {
    "Supported by a multi-academy trust": "MAT",
    "Supported by a single-academy trust": "SAT",
    "Supported by a trust": "Trust",
}

SPECIAL_TYPES = {
    "Community special school",
    "Foundation special school",
    "Academy special converter",
    "Academy special sponsor led",
    "Free schools special",
}
ALTERNATIVE_PROVISION_TYPES = {
    "Pupil referral unit",
    "Academy alternative provision converter",
    "Academy alternative provision sponsor led",
    "Free schools alternative provision",
}
PHASE_GROUP_OF_PHASE = {
    "Primary": "primary",
    "Middle deemed primary": "primary",
    "Secondary": "secondary",
    "Middle deemed secondary": "secondary",
    "All-through": "all-through",
    "Nursery": "nursery",
    "16 plus": "16 plus",
}
NO_RELIGIOUS_CHARACTER = {"", "Does not apply", "None"}
NO_DIOCESE = {"", "Not applicable"}


class ImportProblem(Exception):
    """A file TrustMatch cannot use, explained in one sentence for the user."""


@dataclass
class ImportResult:
    columns: dict[str, list]
    data_date: str
    source_name: str
    rows_read: int
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def school_count(self) -> int:
        return len(self.columns["urn"])

    def summary(self) -> str:
        text = f"{self.school_count:,} open state-funded schools from {self.rows_read:,} rows"
        skipped = [f"{n:,} {why}" for why, n in self.skipped.items() if n]
        if skipped:
            text += "; skipped " + ", ".join(skipped)
        return text


# --- reading bytes -----------------------------------------------------------


def read_text(path: Path) -> str:
    """The file's text, unwrapped from gzip or zip and decoded from UTF-8 or cp1252."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportProblem(f"There is no file at {path}.") from None
    except IsADirectoryError:
        raise ImportProblem(f"{path} is a folder, not a GIAS download.") from None
    except OSError as err:
        raise ImportProblem(f"{path} could not be read ({err.strerror}).") from None
    if not raw:
        raise ImportProblem(f"{path.name} is empty.")
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error):
            raise ImportProblem(f"{path.name} is a gzip file that is truncated or corrupt.") from None
    elif raw[:4] == b"PK\x03\x04":
        raw = _csv_from_zip(path, raw)
    if not raw.strip():
        raise ImportProblem(f"{path.name} is empty.")
    if b"\x00" in raw[:65536]:
        raise ImportProblem(f"{path.name} is not a CSV file (it holds binary data).")
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        raise ImportProblem(
            f"{path.name} is a web page saved as a file, not the CSV download: "
            "download 'All establishment data' from GIAS again and save the file itself."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # The GIAS website serves cp1252; a few bytes are undefined there, so
        # replace rather than fail on a stray one.
        return raw.decode("cp1252", errors="replace")


def _csv_from_zip(path: Path, raw: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            preferred = [n for n in names if "edubasealldata" in n.lower()]
            if not (preferred or names):
                raise ImportProblem(f"{path.name} is a zip file with no CSV inside.")
            return archive.read((preferred or names)[0])
    except (zipfile.BadZipFile, EOFError, zlib.error):
        raise ImportProblem(f"{path.name} is a zip file that is truncated or corrupt.") from None


def data_date_from_name(name: str) -> str | None:
    match = re.search(r"(20\d{2})(\d{2})(\d{2})", name)
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


# --- deriving fields ---------------------------------------------------------


def phase_group(phase: str, establishment_type: str) -> str:
    if establishment_type in SPECIAL_TYPES:
        return "special"
    if establishment_type in ALTERNATIVE_PROVISION_TYPES:
        return "alternative provision"
    return PHASE_GROUP_OF_PHASE.get(phase, "other")


def religious_character(value: str) -> str:
    value = value.strip()
    if value in NO_RELIGIOUS_CHARACTER:
        return "None"
    if value in ("Catholic", "Roman Catholic"):
        return "Roman Catholic"
    if value == "Anglican/Church of England":
        return "Church of England"
    return value


def faith(character: str) -> str:
    """The faith family used for ethos: none, catholic, cofe, or the character itself."""
    if character == "None":
        return "none"
    if character == "Roman Catholic":
        return "catholic"
    if character.startswith("Church of England") and "Catholic" not in character:
        return "cofe"
    return character


def governance(type_group: str, establishment_type: str, trust_type: str) -> str:
    """Who runs the school: a multi-academy trust, a single-academy trust, another academy body, or the LA."""
    if trust_type == "MAT":
        return "mat"
    if trust_type == "SAT":
        return "sat"
    if type_group in ("Academies", "Free Schools") or establishment_type.startswith("Academy"):
        return "other"
    return "maintained"


def _float(value: str) -> float | None:
    """A number, or None for blank, text, 'nan' or 'inf' (a corrupt cell is an unknown value)."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _int(value: str) -> int | None:
    number = _float(value)
    return None if number is None else int(number)


def _iso_date(value: str) -> str:
    # GIAS dates are DD-MM-YYYY.
    if len(value) == 10 and value[2] == "-" and value[5] == "-":
        return f"{value[6:]}-{value[3:5]}-{value[:2]}"
    return ""


# --- the import --------------------------------------------------------------

SCHOOL_COLUMNS = [
    "urn", "name", "type", "phase", "phase_group", "religious_character", "faith", "diocese",
    "low_age", "high_age", "pupils", "capacity", "fsm_pct", "la_code", "la_name", "utla_code",
    "utla_name", "region", "region_code", "urban_rural", "postcode", "town", "easting",
    "northing", "lat", "lon", "trust_code", "trust_name", "trust_type", "governance", "open_date",
]


def load_la_lookup() -> dict[str, dict[str, str]]:
    with open(paths.resource("data", "dfe_la_to_utla2025_lookup.csv"), encoding="utf-8") as f:
        return {row["dfe_la_code"]: row for row in csv.DictReader(f)}


def import_gias(path: Path | str, task: Task | None = None) -> ImportResult:
    """Read a GIAS download and return the open state-funded schools, column-wise."""
    path = Path(path)
    task = task or Task()
    task.step(0.0, "Reading file")
    text = read_text(path)
    task.step(0.15, "Checking columns")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportProblem(f"{path.name} is not a CSV file.") from None
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if len(missing) > len(REQUIRED_COLUMNS) // 2:
        raise ImportProblem(
            f"{path.name} is not a GIAS 'All establishment data' CSV (most of its columns, such as URN "
            "and EstablishmentName, are missing)."
        )
    if missing:
        raise ImportProblem(f"{path.name} lacks the GIAS column(s) {', '.join(missing)}.")
    at = {name: header.index(name) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if name in header}
    # Line count is a close enough estimate of rows for the progress bar.
    expected_rows = max(text.count("\n"), 1)

    la_lookup = load_la_lookup()
    columns: dict[str, list] = {name: [] for name in SCHOOL_COLUMNS}
    skipped = {"rows without a valid URN": 0, "schools with missing or out-of-England coordinates": 0}
    seen_urns: set[int] = set()
    duplicates: list[int] = []
    newest_change = ""
    rows_read = 0
    to_wgs84 = _bng_to_wgs84()
    pending_xy: list[tuple[float, float]] = []
    x0, y0, x1, y1 = ENGLAND_BOX

    try:
        for row in reader:
            rows_read += 1
            if rows_read % 2000 == 0:
                task.step(0.15 + 0.7 * min(rows_read / expected_rows, 1.0), f"Reading rows ({rows_read:,})")
            if len(row) < len(header):
                row = row + [""] * (len(header) - len(row))
            get = lambda name: row[at[name]].strip()  # noqa: E731, B023 - a local accessor for this row only
            urn = _int(get("URN"))
            if urn is None:
                skipped["rows without a valid URN"] += 1
                continue
            if urn in seen_urns:
                duplicates.append(urn)
                continue
            seen_urns.add(urn)
            changed = _iso_date(get("LastChangedDate"))
            if changed > newest_change:
                newest_change = changed
            if get("EstablishmentStatus (name)") not in OPEN_STATUSES:
                continue
            group = get("EstablishmentTypeGroup (name)")
            etype = get("TypeOfEstablishment (name)")
            if group not in STATE_FUNDED_GROUPS or etype in NOT_STATE_FUNDED_TYPES:
                continue
            easting, northing = _float(get("Easting")), _float(get("Northing"))
            if easting is None or northing is None or not (x0 <= easting <= x1 and y0 <= northing <= y1):
                skipped["schools with missing or out-of-England coordinates"] += 1
                continue
            trust_type = TRUST_TYPES.get(get("TrustSchoolFlag (name)"), "")
            trust_code = get("Trusts (code)") if trust_type else ""
            trust_type = trust_type if trust_code else ""
            character = religious_character(get("ReligiousCharacter (name)"))
            diocese = get("Diocese (name)")
            la_code = get("LA (code)")
            area = la_lookup.get(la_code, {})
            values = {
                "urn": urn,
                "name": get("EstablishmentName"),
                "type": etype,
                "phase": get("PhaseOfEducation (name)"),
                "phase_group": phase_group(get("PhaseOfEducation (name)"), etype),
                "religious_character": character,
                "faith": faith(character),
                "diocese": "" if diocese in NO_DIOCESE else diocese,
                "low_age": _int(get("StatutoryLowAge")),
                "high_age": _int(get("StatutoryHighAge")),
                "pupils": _int(get("NumberOfPupils")),
                "capacity": _int(get("SchoolCapacity")),
                "fsm_pct": _float(get("PercentageFSM")),
                "la_code": la_code,
                "la_name": get("LA (name)"),
                "utla_code": area.get("utla_2025_code", ""),
                "utla_name": area.get("utla_2025_name", ""),
                "region": get("GOR (name)"),
                "region_code": area.get("region_code", ""),
                "urban_rural": get("UrbanRural (name)"),
                "postcode": get("Postcode").upper(),
                "town": get("Town"),
                "easting": round(easting),
                "northing": round(northing),
                "lat": None,
                "lon": None,
                "trust_code": trust_code,
                "trust_name": get("Trusts (name)") if trust_code else "",
                "trust_type": trust_type,
                "governance": governance(group, etype, trust_type),
                "open_date": _iso_date(get("OpenDate")) if "OpenDate" in at else "",
            }
            for name, value in values.items():
                columns[name].append(value)
            pending_xy.append((easting, northing))
    except csv.Error as err:
        raise ImportProblem(f"{path.name} is not a well-formed CSV (row {rows_read + 1}: {err}).") from None

    if duplicates:
        shown = ", ".join(str(u) for u in sorted(set(duplicates))[:5])
        raise ImportProblem(
            f"{path.name} lists {len(duplicates):,} URN(s) more than once (e.g. {shown}); "
            "it is not a clean GIAS download."
        )
    if not columns["urn"]:
        raise ImportProblem(f"{path.name} has no open state-funded schools in England.")

    task.step(0.88, "Computing latitude and longitude")
    lons, lats = to_wgs84.transform(*zip(*pending_xy))
    columns["lat"] = [round(v, 6) for v in lats]
    columns["lon"] = [round(v, 6) for v in lons]
    data_date = data_date_from_name(path.name) or newest_change or date.today().isoformat()
    task.step(0.9, "Schools read")
    return ImportResult(columns, data_date, path.name, rows_read, skipped)


def _bng_to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
