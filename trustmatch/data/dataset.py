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
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np

from trustmatch.data.gias import SCHOOL_COLUMNS, ImportResult

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
        self.columns = columns
        self.meta = meta
        self.urn = np.asarray(columns["urn"], dtype=np.int64)
        self.xy = np.column_stack(
            [np.asarray(columns["easting"], dtype=np.float64), np.asarray(columns["northing"], dtype=np.float64)]
        )
        self.pupils = _numbers(columns["pupils"])
        self.capacity = _numbers(columns["capacity"])
        self.fsm_pct = _numbers(columns["fsm_pct"])
        self._row_of_urn = {int(u): i for i, u in enumerate(self.urn)}

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


def save(dataset: Dataset, path: Path) -> None:
    """Write the dataset so that a crash or full disk mid-save leaves the old file intact."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(dataset.to_document(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            # mtime=0 keeps the bytes the same for the same data, so a rebuild can be compared.
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as out:
                out.write(payload.encode("utf-8"))
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a dataset is not secret
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path) -> Dataset:
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            document = json.loads(f.read())
    except FileNotFoundError:
        raise DatasetProblem(f"No dataset at {path}.") from None
    except (OSError, EOFError, ValueError) as err:
        raise DatasetProblem(f"The dataset at {path} is damaged ({err}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DatasetProblem(f"{path} is not a TrustMatch dataset.")
    if document.get("version") not in READABLE_VERSIONS:
        raise DatasetProblem(f"{path} was written by another version of TrustMatch; import GIAS again.")
    columns = document["columns"]
    if document["version"] == 1 and isinstance(columns, dict) and "status" in columns:
        columns["governance"] = columns.pop("status")
    return Dataset(columns, document.get("meta", {}))


def import_into(source: Path | str, target: Path, task=None) -> Dataset:
    """Import a GIAS download and make it the dataset at `target`.

    Nothing is written until the whole file has been read, so a bad file or a
    cancel leaves the previous dataset in use.
    """
    from trustmatch.data.gias import import_gias
    from trustmatch.progress import Task

    task = task or Task()
    dataset = Dataset.from_import(import_gias(source, task))
    task.step(0.92, "Saving dataset")
    save(dataset, target)
    task.step(1.0, "Done")
    return dataset
