"""The app's dataset: the school table the importer builds, saved and loaded fast.

On disk it is one gzipped JSON document holding the schools column by column
with the data date and source.  JSON because it needs nothing but the standard
library, cannot run code when loaded (unlike pickle), is readable by anyone who
opens it, and loads the whole register in well under a tenth of a second;
columns because numbers then become numpy arrays in one call each.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import zlib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np

from trustmatch.data import paths
from trustmatch.data.gias import MAX_COUNT, PLACEHOLDER_TOWNS, SCHOOL_COLUMNS, ImportResult, postal_town
from trustmatch.data.identifiers import URN_MAX_DIGITS, is_group_uid

FORMAT = "trustmatch-dataset"
FORMAT_VERSION = 2
# Version 1 called the governance column 'status'; it is read by renaming.
READABLE_VERSIONS = (1, 2)


class DatasetProblem(Exception):
    """The saved dataset is missing, unreadable or from another version."""


@dataclass(frozen=True)
class School:
    """One school, as a read-only view of a row of the dataset."""

    index: int
    urn: int
    name: str
    type: str
    phase: str
    phase_group: str
    religious_character: str
    faith: str
    diocese: str
    low_age: int | None
    high_age: int | None
    pupils: int | None
    capacity: int | None
    fsm_pct: float | None
    la_code: str
    la_name: str
    utla_code: str
    utla_name: str
    region: str
    region_code: str
    urban_rural: str
    postcode: str
    town: str
    easting: int
    northing: int
    lat: float
    lon: float
    trust_code: str
    trust_name: str
    trust_type: str
    governance: str  # mat, sat, other (academy outside a trust) or maintained
    open_date: str


class Dataset:
    """All open state-funded schools in England, with the trusts they form."""

    def __init__(self, columns: dict[str, list], meta: dict):
        missing = [c for c in SCHOOL_COLUMNS if c not in columns]
        if missing:
            raise DatasetProblem(f"The dataset lacks the column(s) {', '.join(missing)}.")
        # A dataset saved before the importer read "Select" as no town still holds it (the bundled one is rebuilt).
        if any(town.strip().casefold() in PLACEHOLDER_TOWNS for town in set(columns["town"])):
            columns["town"] = [postal_town(town) for town in columns["town"]]
        self.columns = columns
        self.meta = meta
        self.urn = np.asarray(columns["urn"], dtype=np.int64)
        self.xy = np.column_stack(
            [np.asarray(columns["easting"], dtype=np.float64), np.asarray(columns["northing"], dtype=np.float64)]
        )
        self.pupils = _numbers(columns["pupils"])
        self.capacity = _numbers(columns["capacity"])
        self.fsm_pct = _numbers(columns["fsm_pct"])
        self._row_of_urn = dict(zip(self.urn.tolist(), range(len(self.urn))))

    def __len__(self) -> int:
        return len(self.urn)

    @property
    def data_date(self) -> str:
        return self.meta.get("data_date", "")

    @property
    def data_date_text(self) -> str:
        """The data date as people write it: '18 July 2025'."""
        return long_date(self.data_date)

    @property
    def source_name(self) -> str:
        return self.meta.get("source_name", "")

    def school(self, index: int) -> School:
        return School(index, *(self.columns[name][index] for name in SCHOOL_COLUMNS))

    def index_of_urn(self, urn: int) -> int | None:
        return self._row_of_urn.get(int(urn))

    def school_by_urn(self, urn: int) -> School | None:
        index = self.index_of_urn(urn)
        return None if index is None else self.school(index)

    @cached_property
    def trusts(self):
        from trustmatch.data.trusts import TrustTable

        return TrustTable.from_dataset(self)

    @cached_property
    def finder(self):
        from trustmatch.data.search import SchoolFinder  # built on first use: start-up does not need it

        return SchoolFinder(self)

    @classmethod
    def from_import(cls, result: ImportResult) -> Dataset:
        meta = {
            "data_date": result.data_date,
            "source_name": result.source_name,
            "rows_read": result.rows_read,
            "skipped": result.skipped,
        }
        return cls(result.columns, meta)

    def to_document(self) -> dict:
        return {"format": FORMAT, "version": FORMAT_VERSION, "meta": self.meta, "columns": self.columns}


def long_date(iso: str) -> str:
    """'2025-07-18' as '18 July 2025' (unchanged if it is not an ISO date)."""
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    return f"{day.day} {day:%B %Y}"


def attribution(dataset: Dataset) -> list[str]:
    """The licence attribution the app and its exports must show (data/PROVENANCE.md), dated from the data."""
    return [
        "Contains public sector information licensed under the Open Government Licence v3.0. "
        f"Source: Department for Education, Get Information about Schools, extract of {dataset.data_date_text}.",
        "Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
        "Contains OS data \u00a9 Crown copyright and database right 2016-2025.",
    ]


def _numbers(values: list) -> np.ndarray:
    """A float array with NaN where the register has no value."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def save(dataset: Dataset, path: Path, keep_previous: bool = False) -> None:
    """Write the dataset so that a crash or full disk mid-save leaves the old file intact.

    With `keep_previous`, the file being replaced becomes the previous dataset
    (one step back), in the same moment as far as a crash can tell.
    """
    path = Path(path)
    payload = json.dumps(dataset.to_document(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    keep = (lambda: _keep_as_previous(path)) if keep_previous else None
    with paths.atomic_write(path, before_replace=keep) as raw:
        # mtime=0 keeps the bytes the same for the same data, so a rebuild can be compared.
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as out:
            out.write(payload.encode("utf-8"))


def _keep_as_previous(path: Path) -> None:
    if path.exists():
        _link_over(path, paths.previous_of(path))


def _link_over(source: Path, target: Path) -> None:
    """Make `target` the same file as `source`, atomically: a hard link where it can, else a copy."""
    temporary = target.with_name(f"{target.name}.{os.getpid()}.link{paths.PART_SUFFIX}")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def restore_previous(path: Path) -> str:
    """Go one step back: the previous dataset and the one in use change places.

    With no previous file, the import is undone to the bundled data (and can be
    redone the same way).  Returns a sentence saying what is now in use.
    """
    path = Path(path)
    previous = paths.previous_of(path)
    if previous.exists():
        load(previous)  # refuse to bring back a damaged file
        if path.exists():
            outgoing = path.with_name(f"{path.name}.{os.getpid()}.outgoing{paths.PART_SUFFIX}")
            _link_over(path, outgoing)
            os.replace(previous, path)
            os.replace(outgoing, previous)
        else:
            os.replace(previous, path)
        paths.sync_folder(path.parent)
        return "restored"
    if path.exists():
        os.replace(path, previous)
        paths.sync_folder(path.parent)
        return "bundled"
    raise DatasetProblem("There is no previous data to go back to.")


# A saved dataset of the whole register is ~1 MB gzipped and ~10 MB of JSON.
MAX_DOCUMENT_BYTES = 512 << 20


def load(path: Path) -> Dataset:
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read(MAX_DOCUMENT_BYTES + 1)
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise DatasetProblem(f"The dataset at {path} is far too large to be a TrustMatch dataset.")
        document = json.loads(raw)
    except FileNotFoundError:
        raise DatasetProblem(f"No dataset at {path}.") from None
    except IsADirectoryError:
        raise DatasetProblem(f"The dataset at {path} is a folder, not a file.") from None
    except (OSError, EOFError, ValueError, zlib.error) as err:
        raise DatasetProblem(f"The dataset at {path} is damaged ({_first_line(err)}).") from None
    except RecursionError:
        raise DatasetProblem(f"The dataset at {path} is damaged (nested too deeply).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DatasetProblem(f"{path} is not a TrustMatch dataset.")
    if document.get("version") not in READABLE_VERSIONS:
        raise DatasetProblem(f"{path} was written by another version of TrustMatch; import GIAS again.")
    columns, meta = document.get("columns"), document.get("meta", {})
    if document["version"] == 1 and isinstance(columns, dict) and "status" in columns:
        columns["governance"] = columns.pop("status")
    problem = shape_problem(columns, meta)
    if problem:
        raise DatasetProblem(f"The dataset at {path} is damaged ({problem}).")
    return Dataset(columns, meta)


def _first_line(err: Exception) -> str:
    return (str(err).splitlines() or [type(err).__name__])[0]


# What each column may hold; anything else would crash the app far from here.
_TEXT = {str}
_WHOLE = {int}
_NUMBER = {int, float}
_OPTIONAL_WHOLE = {int, type(None)}
_OPTIONAL_NUMBER = {int, float, type(None)}
COLUMN_TYPES = {
    **{name: _TEXT for name in SCHOOL_COLUMNS},
    "urn": _WHOLE, "easting": _NUMBER, "northing": _NUMBER, "lat": _NUMBER, "lon": _NUMBER,
    "low_age": _OPTIONAL_WHOLE, "high_age": _OPTIONAL_WHOLE, "pupils": _OPTIONAL_WHOLE, "capacity": _OPTIONAL_WHOLE,
    "fsm_pct": _OPTIONAL_NUMBER,
}


# The numbers the importer can write (wider than England for the coordinates).  A URN in range is one that
# `identifiers.parse_urn` reads (at most URN_MAX_DIGITS digits), so the range check is the URN check.
NUMBER_RANGES = {
    "urn": (0, 10**URN_MAX_DIGITS - 1), "easting": (-1e6, 2e6), "northing": (-1e6, 2e6),
    "lat": (-90, 90), "lon": (-180, 180), "fsm_pct": (0, 100),
    **{name: (0, MAX_COUNT) for name in ("low_age", "high_age", "pupils", "capacity")},
}


def shape_problem(columns, meta) -> str | None:
    """What is wrong with a dataset document's columns and meta, in a few words, or None.

    Whole columns at a time (a set of types, a numpy range check): checking value by value in Python cost
    more than the rest of loading.
    """
    from trustmatch.data.trusts import PHASE_GROUP_ORDER

    if not isinstance(columns, dict):
        return "it has no columns"
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k, ""), str) for k in ("data_date", "source_name")):
        return "its description is not what TrustMatch writes"
    missing = [c for c in SCHOOL_COLUMNS if not isinstance(columns.get(c), list)]
    if missing:
        return f"the column(s) {', '.join(missing[:5])} are missing"
    lengths = {len(columns[c]) for c in SCHOOL_COLUMNS}
    if len(lengths) != 1:
        return "its columns have different lengths"
    if not lengths.pop():
        return "it holds no schools"
    for name in SCHOOL_COLUMNS:
        values = columns[name]
        # type(), not isinstance: True is an int to Python but not a number of pupils
        if not set(map(type, values)) <= COLUMN_TYPES[name]:
            return f"the column {name} holds values of the wrong kind"
        if name in NUMBER_RANGES:
            low, high = NUMBER_RANGES[name]
            try:
                numbers = np.array(values, dtype=np.float64)  # None becomes NaN
            except OverflowError:
                return f"the column {name} holds impossible numbers"
            # NaN fails both comparisons, so a NaN in the file is caught while each None is allowed for;
            # a range also keeps sums far from overflowing
            inside = np.count_nonzero((numbers >= low) & (numbers <= high))
            if inside + values.count(None) != len(values):
                return f"the column {name} holds impossible numbers"
    urns = columns["urn"]  # whole numbers in URN range, checked above
    if len(set(urns)) != len(urns):
        return "its URNs are not all valid and different"
    if not all(code == "" or is_group_uid(code) for code in set(columns["trust_code"])):
        return "it has trust codes that are not GIAS group UIDs"
    if not set(columns["phase_group"]) <= set(PHASE_GROUP_ORDER):
        return "it has phases TrustMatch does not know"
    return None
