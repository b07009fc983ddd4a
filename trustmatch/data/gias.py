"""Reading the GIAS "all establishment data" download into TrustMatch's school table.

Accepts the file as the GIAS website serves it (cp1252 CSV), as UTF-8, gzipped,
or inside the downloaded zip.  Keeps the open state-funded schools and derives
the fields the app uses.  Every problem a user can cause with a wrong file is an
`ImportProblem` carrying one plain sentence.
"""

from __future__ import annotations

import codecs
import csv
import functools
import gzip
import io
import itertools
import lzma
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from trustmatch.data import paths
from trustmatch.data.identifiers import is_group_uid, parse_urn
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
ENGLAND_BOX = (80_000.0, 5_000.0, 660_000.0, 660_000.0)

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

# The real extract is 50 MB of CSV; anything past this is a zip or gzip bomb, or not GIAS.
MAX_CSV_BYTES = 1 << 30
CHUNK = 1 << 20
# Zip methods the standard library can read (deflate64, used by Windows for big files, is not one).
READABLE_ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate",
                        zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
_DECOMPRESSION_ERRORS = (EOFError, zlib.error, zipfile.BadZipFile, lzma.LZMAError, NotImplementedError, RuntimeError)


class _Source:
    """The CSV bytes of a download, opened afresh for each pass, never held whole in memory."""

    def __init__(self, path: Path):
        self.path = path
        self.inner_name: str | None = None  # the CSV's name inside a zip
        try:
            with open(path, "rb") as f:
                magic = f.read(4)
        except FileNotFoundError:
            raise ImportProblem(f"There is no file at {path}.") from None
        except IsADirectoryError:
            raise ImportProblem(f"{path} is a folder, not a GIAS download.") from None
        except OSError as err:
            raise ImportProblem(f"{path} could not be read ({err.strerror}).") from None
        if not magic:
            raise ImportProblem(f"{path.name} is empty.")
        self.kind = "gzip" if magic[:2] == b"\x1f\x8b" else "zip" if magic == b"PK\x03\x04" else "plain"
        if self.kind == "zip":
            self.inner_name = self._zip_member()

    def _zip_member(self) -> str:
        name = self.path.name
        try:
            with zipfile.ZipFile(self.path) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, EOFError, OSError, ValueError):
            raise ImportProblem(f"{name} is a zip file that is truncated or corrupt.") from None
        csvs = [m for m in members if m.filename.lower().endswith(".csv") and not m.is_dir()]
        # The download holds edubasealldataYYYYMMDD.csv and may hold links_edubasealldata...csv too.
        wanted = [m for m in csvs if Path(m.filename).name.lower().startswith("edubasealldata")]
        if len(wanted) != 1 and len(csvs) == 1:
            wanted = csvs
        if not csvs:
            raise ImportProblem(f"{name} is a zip file with no CSV inside.")
        if len(wanted) != 1:
            raise ImportProblem(
                f"{name} holds several CSV files and none is named edubasealldata...csv; "
                "import the 'All establishment data' CSV itself."
            )
        member = wanted[0]
        if member.flag_bits & 0x1:
            raise ImportProblem(f"{name} is password-protected; unzip it yourself and import the CSV inside.")
        if member.compress_type not in READABLE_ZIP_METHODS:
            raise ImportProblem(
                f"{name} is compressed with a method TrustMatch cannot read (such as Deflate64); "
                "unzip it yourself and import the CSV inside."
            )
        if member.file_size > MAX_CSV_BYTES:
            raise ImportProblem(
                f"{name} would unpack to {member.file_size / 1e9:.1f} GB, far more than any GIAS download; "
                "it is not the 'All establishment data' file."
            )
        return member.filename

    def chunks(self):
        """The decompressed bytes in chunks, stopping with one sentence on damage or at the size limit."""
        name = self.path.name
        total = 0
        try:
            with self._open() as stream:
                while chunk := stream.read(CHUNK):
                    total += len(chunk)
                    if total > MAX_CSV_BYTES:
                        raise ImportProblem(
                            f"{name} unpacks to more than {MAX_CSV_BYTES >> 30} GB, far more than any GIAS "
                            "download; it is not the 'All establishment data' file."
                        )
                    yield chunk
        except _DECOMPRESSION_ERRORS + (gzip.BadGzipFile,):
            raise ImportProblem(f"{name} is a {self.kind} file that is truncated or corrupt.") from None
        except OSError as err:
            if self.kind != "plain":
                raise ImportProblem(f"{name} is a {self.kind} file that is truncated or corrupt.") from None
            raise ImportProblem(f"{self.path} could not be read ({err.strerror}).") from None

    def _open(self):
        if self.kind == "gzip":
            return gzip.open(self.path, "rb")
        if self.kind == "zip":
            return _ZipStream(self.path, self.inner_name)
        return open(self.path, "rb")


class _ZipStream:
    """One zip member opened for reading, closing the archive with it."""

    def __init__(self, path: Path, member: str):
        self.archive = zipfile.ZipFile(path)
        self.stream = self.archive.open(member)

    def read(self, size: int) -> bytes:
        return self.stream.read(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stream.close()
        self.archive.close()


class _ChunkReader(io.RawIOBase):
    """A file-like view of `_Source.chunks` for `io.TextIOWrapper`."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._chunk = memoryview(b"")
        self._at = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._at >= len(self._chunk):
            self._chunk, self._at = memoryview(next(self._chunks, b"")), 0
        n = min(len(buffer), len(self._chunk) - self._at)
        buffer[:n] = self._chunk[self._at : self._at + n]
        self._at += n
        return n


@dataclass
class _Layout:
    encoding: str
    errors: str
    delimiter: str
    lines: int  # for the progress bar
    ends_with_newline: bool


def _sniff(source: _Source) -> _Layout:
    """One pass over the bytes: the encoding, the delimiter, the line count, and whether it ends cleanly."""
    name = source.path.name
    chunks = source.chunks()
    first = next(chunks, b"")
    if not first.strip():
        raise ImportProblem(f"{name} is empty.")
    if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    elif first[1:200:2].count(0) > 50:  # UTF-16 without its byte order mark
        encoding = "utf-16-le"
    elif first[0:200:2].count(0) > 50:
        encoding = "utf-16-be"
    elif b"\x00" in first[:65536]:
        raise ImportProblem(f"{name} is not a CSV file (it holds binary data).")
    else:
        encoding = "utf-8-sig"
    head = first[:4096].decode(encoding if encoding != "utf-8-sig" else "utf-8", errors="replace")
    head = head.lstrip("\ufeff \t\r\n")
    if head[:9].lower().startswith(("<!doctype", "<html", "<?xml", "<head", "<body")):
        raise ImportProblem(
            f"{name} is a web page saved as a file, not the CSV download: "
            "download 'All establishment data' from GIAS again and save the file itself."
        )
    first_line = head.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","

    decoder = codecs.getincrementaldecoder(encoding)("strict")
    valid, lines, last = True, 0, ""
    for chunk in itertools.chain([first], chunks):
        lines += chunk.count(b"\n")
        if valid:
            try:
                text = decoder.decode(chunk)
                last = text[-1:] or last
            except UnicodeDecodeError:
                if encoding != "utf-8-sig":
                    raise ImportProblem(f"{name} is not readable text (it is damaged {encoding}).") from None
                valid = False
        if not valid:
            last = chr(chunk[-1]) if chunk else last
    if encoding == "utf-8-sig" and not valid:
        # The GIAS website serves cp1252; a few bytes are undefined there, so replace rather than fail.
        encoding = "cp1252"
    return _Layout(encoding, "replace" if encoding == "cp1252" else "strict", delimiter, max(lines, 1),
                   last in ("\n", "\r"))


def read_text(path: Path) -> str:
    """The file's whole text, unwrapped from gzip or zip and decoded (for tests and small files)."""
    source = _Source(Path(path))
    layout = _sniff(source)
    return b"".join(source.chunks()).decode(layout.encoding, errors=layout.errors)


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


# GIAS shows "Select" (a drop-down never filled in) as the postal town of a few schools: the town is unknown.
PLACEHOLDER_TOWNS = frozenset({"select"})


def postal_town(value: str) -> str:
    """The school's postal town, or "" when GIAS records none (blank, or the placeholder "Select")."""
    return "" if value.strip().casefold() in PLACEHOLDER_TOWNS else value


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


# Counts and ages beyond this are corrupt cells: the largest school has under 5,000 pupils.
MAX_COUNT = 1_000_000


def _int(value: str) -> int | None:
    """A count or an age, or None when blank, corrupt or absurd (sums of absurd values overflow)."""
    number = _float(value)
    return None if number is None or not 0 <= number <= MAX_COUNT else int(number)


def _percentage(value: str) -> float | None:
    number = _float(value)
    return number if number is not None and 0 <= number <= 100 else None


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


@functools.lru_cache(maxsize=1)
def load_la_lookup() -> dict[str, dict[str, str]]:
    with open(paths.resource("data", "dfe_la_to_utla2025_lookup.csv"), encoding="utf-8") as f:
        return {row["dfe_la_code"]: row for row in csv.DictReader(f)}


def import_gias(path: Path | str, task: Task | None = None) -> ImportResult:
    """Read a GIAS download and return the open state-funded schools, column-wise.

    The file is streamed (one pass to sniff it, one to read it), so memory grows
    with the schools kept, not with the size of the file.
    """
    path = Path(path)
    task = task or Task()
    task.step(0.0, "Reading file")
    source = _Source(path)
    layout = _sniff(source)
    task.step(0.1, "Checking columns")
    name = path.name
    text = io.TextIOWrapper(io.BufferedReader(_ChunkReader(source.chunks()), CHUNK),
                            encoding=layout.encoding, errors=layout.errors, newline="")
    # strict: a stray quote is an error, not a field that silently swallows the rows after it
    reader = csv.reader(text, delimiter=layout.delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error, UnicodeDecodeError):
        raise ImportProblem(f"{name} is not a CSV file.") from None
    # Excel can save a byte order mark twice; neither belongs to the column name.
    header = [h.strip().lstrip("\ufeff").strip() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if len(missing) > len(REQUIRED_COLUMNS) // 2:
        raise ImportProblem(
            f"{name} is not a GIAS 'All establishment data' CSV (most of its columns, such as URN "
            "and EstablishmentName, are missing)."
        )
    if missing:
        raise ImportProblem(f"{name} lacks the GIAS column(s) {', '.join(missing)}.")
    at = {column: header.index(column) for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if column in header}
    width = len(header)

    la_lookup = load_la_lookup()
    columns: dict[str, list] = {column: [] for column in SCHOOL_COLUMNS}
    # (rarer reasons are added when they occur)
    skipped = {"rows without a valid URN": 0, "schools with missing or out-of-England coordinates": 0}
    seen_urns: set[int] = set()
    duplicates: list[int] = []
    newest_change = ""
    rows_read = 0
    pending_xy: list[tuple[float, float]] = []
    x0, y0, x1, y1 = ENGLAND_BOX

    try:
        for row in reader:
            if not row:
                continue  # a blank line
            rows_read += 1
            if len(row) != width:
                _refuse_ragged_row(name, reader.line_num, len(row), width, layout)
            if rows_read % 2000 == 0:
                task.step(0.1 + 0.75 * min(reader.line_num / layout.lines, 1.0), f"Reading rows ({rows_read:,})")
            get = lambda column: row[at[column]].strip()  # noqa: E731, B023 - a local accessor for this row only
            urn = parse_urn(get("URN"))
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
            if trust_code and not is_group_uid(trust_code):
                skipped["schools with an invalid trust code"] = skipped.get("schools with an invalid trust code", 0) + 1
                continue
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
                "fsm_pct": _percentage(get("PercentageFSM")),
                "la_code": la_code,
                "la_name": get("LA (name)"),
                "utla_code": area.get("utla_2025_code", ""),
                "utla_name": area.get("utla_2025_name", ""),
                "region": get("GOR (name)"),
                "region_code": area.get("region_code", ""),
                "urban_rural": get("UrbanRural (name)"),
                "postcode": get("Postcode").upper(),
                "town": postal_town(get("Town")),
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
            for column, value in values.items():
                columns[column].append(value)
            pending_xy.append((easting, northing))
    except csv.Error as err:
        if "unexpected end of data" in str(err):
            raise ImportProblem(_cut_off(name, reader.line_num)) from None
        if "expected after" in str(err):
            raise ImportProblem(
                f"{name} is damaged: a stray quote mark near line {reader.line_num} runs rows together "
                "(a file edited by hand, or a damaged download); download it again."
            ) from None
        raise ImportProblem(f"{name} is not a well-formed CSV (line {reader.line_num}: {err}).") from None
    except UnicodeDecodeError:
        raise ImportProblem(f"{name} is not readable text (it is damaged {layout.encoding}).") from None

    if duplicates:
        shown = ", ".join(str(u) for u in sorted(set(duplicates))[:5])
        raise ImportProblem(
            f"{name} lists {len(duplicates):,} URN(s) more than once (e.g. {shown}); "
            "it is not a clean GIAS download."
        )
    if not columns["urn"]:
        raise ImportProblem(f"{name} has no open state-funded schools in England.")

    task.step(0.86, "Checking locations")
    _check_locations(name, columns, pending_xy, skipped)
    task.step(0.88, "Computing latitude and longitude")
    lons, lats = _bng_to_wgs84().transform(*zip(*pending_xy))
    columns["lat"] = [round(v, 6) for v in lats]
    columns["lon"] = [round(v, 6) for v in lons]
    data_date = (data_date_from_name(Path(source.inner_name or "").name) or data_date_from_name(name)
                 or newest_change or date.today().isoformat())
    task.step(0.9, "Schools read")
    return ImportResult(columns, data_date, name, rows_read, skipped)


def _cut_off(name: str, line: int) -> str:
    return (f"{name} is cut off part-way through a row (line {line}), as an interrupted download is; "
            "download it again.")


def _refuse_ragged_row(name: str, line: int, fields: int, width: int, layout: _Layout):
    last_line = layout.lines + (0 if layout.ends_with_newline else 1)
    if fields < width and line >= last_line:
        raise ImportProblem(_cut_off(name, line))
    raise ImportProblem(
        f"{name} is damaged: the row ending on line {line} has {fields} fields where the header has {width} "
        "(a stray quote, or a file cut off or edited by hand); download it again."
    )


# Schools may sit a little outside the simplified outline on the coast: the real
# extract's furthest is 57 m out.
OUTLINE_TOLERANCE_M = 1_000
# More schools than this outside England means the file's coordinates are wrong, not a few rows.
MOST_OUTSIDE_SHARE = 0.02


def _check_locations(name: str, columns: dict[str, list], xy: list[tuple[float, float]], skipped: dict) -> None:
    """Drop schools plotted outside England; refuse a file where that is more than a few.

    A whole file with Easting and Northing swapped, or all zero, still lands in
    the box around England but mostly in the sea or in Wales.
    """
    import numpy as np
    import shapely

    outline = _england_outline()
    points = np.asarray(xy, dtype=np.float64)
    outside = ~shapely.contains_xy(outline, points[:, 0], points[:, 1])
    if outside.mean() > MOST_OUTSIDE_SHARE:
        raise ImportProblem(
            f"{name} places {outside.sum():,} of its {len(outside):,} schools outside England: its Easting and "
            "Northing columns are wrong (swapped, or zero); download it again."
        )
    if outside.any():
        far = np.flatnonzero(outside)
        distance = shapely.distance(outline, shapely.points(points[far]))
        drop = set(far[distance > OUTLINE_TOLERANCE_M].tolist())
        if drop:
            skipped["schools with missing or out-of-England coordinates"] += len(drop)
            keep = [i for i in range(len(xy)) if i not in drop]
            for column in columns.values():
                column[:] = [column[i] for i in keep] if column else column
            xy[:] = [xy[i] for i in keep]
            if not columns["urn"]:
                raise ImportProblem(f"{name} has no open state-funded schools in England.")


@functools.lru_cache(maxsize=1)
def _england_outline():
    import shapely

    from trustmatch.data.basemap import Basemap

    rings = [shapely.Polygon(r) for area in Basemap.load().layers["outline"] for r in area.rings]
    outline = shapely.union_all([r for r in rings if r.is_valid])
    shapely.prepare(outline)
    return outline


@functools.lru_cache(maxsize=1)
def _bng_to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
