"""A shortlist: the trusts a school is considering, in the user's order, with notes, status and decision.

Qt-free.  The state is immutable (frozen dataclasses, replaced on every edit),
so undo and redo are just moving between whole states and an autosave can
serialise a state on another thread while the user keeps typing.
`ShortlistDocument` holds the current state, its undo stack, the file it lives
in and whether it has unsaved changes.  The file format (`.trustmatch`, JSON)
is described in docs/file-format.md.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from trustmatch.app.problems import UserError
from trustmatch.data import paths
from trustmatch.data.dataset import long_date
from trustmatch.fit import evidence, questions
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import PRESETS, Filters

FORMAT = "trustmatch-shortlist"
VERSION = 1
SUFFIX = ".trustmatch"
RECOVERY_SUFFIX = ".trustmatch-recovery"

STATUSES = ("to explore", "to visit", "shortlisted", "not for us")
# Stored keys and the words shown for them; "" is no decision yet.
DECISIONS = {
    "": "Undecided",
    "proceed": "Take forward",
    "more information": "Need more information",
    "decline": "Do not proceed",
}


class ShortlistProblem(UserError):
    """A shortlist file that cannot be opened, in one sentence; the file itself is left as it was."""


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def preset_of(weights: dict[str, float]) -> str | None:
    """The preset these weights are, or None for the user's own mix."""
    same = (name for name, p in PRESETS.items() if all(float(p[c]) == float(weights.get(c, 0)) for c in CRITERIA))
    return next(same, None)


# --- the state ----------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """A trust's scores and reasons when it was added, so later data can be compared with them."""

    data_date: str
    weights: dict[str, float]
    rank: int | None  # None when the filters in use hid it
    total: float
    scores: dict[str, float]
    reasons: dict[str, str]
    schools: int
    pupils: int
    nearest_km: float
    added: str

    @classmethod
    def of(cls, candidate, data_date: str, weights: dict[str, float]) -> Snapshot:
        return cls(
            data_date=data_date,
            weights=dict(weights),
            rank=candidate.rank,
            total=round(candidate.total, 2),
            scores={n: round(candidate.scores[n], 2) for n in CRITERIA},
            reasons=dict(candidate.reasons),
            schools=candidate.schools,
            pupils=candidate.pupils,
            nearest_km=round(candidate.nearest_km, 2),
            added=_now(),
        )


@dataclass(frozen=True)
class Answer:
    """The clerk's record for one question: asked or not, and what the trust said."""

    question: str  # the wording when it was answered, so the answer keeps its meaning
    asked: bool = False
    answer: str = ""


@dataclass(frozen=True)
class Entry:
    trust_code: str
    trust_name: str
    snapshot: Snapshot
    status: str = STATUSES[0]
    notes: str = ""
    decision: str = ""
    decision_note: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)  # by question key
    extra: dict = field(default_factory=dict)  # fields a later version wrote: kept and written back

    @property
    def decision_text(self) -> str:
        return DECISIONS[self.decision]


@dataclass(frozen=True)
class Shortlist:
    school_urn: int | None
    school_name: str
    data_date: str
    weights: dict[str, float] = field(default_factory=lambda: dict(PRESETS["balanced"]))
    filters: Filters = Filters()
    entries: tuple[Entry, ...] = ()
    created: str = field(default_factory=_now)
    extra: dict = field(default_factory=dict)

    @property
    def preset(self) -> str | None:
        return preset_of(self.weights)

    @property
    def codes(self) -> list[str]:
        return [e.trust_code for e in self.entries]

    def entry(self, code: str) -> Entry | None:
        return next((e for e in self.entries if e.trust_code == code), None)

    def index_of(self, code: str) -> int:
        for i, e in enumerate(self.entries):
            if e.trust_code == code:
                return i
        raise KeyError(f"{code} is not on the shortlist")

    def __contains__(self, code: str) -> bool:
        return self.entry(code) is not None


# --- reading and writing the file --------------------------------------------


def to_document(shortlist: Shortlist) -> dict:
    entries = []
    for e in shortlist.entries:
        entry = dict(e.extra)
        entry.update(
            trust_code=e.trust_code,
            trust_name=e.trust_name,
            status=e.status,
            notes=e.notes,
            decision=e.decision or None,
            decision_note=e.decision_note,
            answers={key: asdict(a) for key, a in e.answers.items()},
            when_added=asdict(e.snapshot),
        )
        entries.append(entry)
    document = dict(shortlist.extra)
    document.update(
        format=FORMAT,
        version=VERSION,
        school={"urn": shortlist.school_urn, "name": shortlist.school_name},
        data_date=shortlist.data_date,
        weights=shortlist.weights,
        preset=shortlist.preset,
        filters=asdict(shortlist.filters),
        created=shortlist.created,
        saved=_now(),
        trusts=entries,
    )
    return document


def to_bytes(shortlist: Shortlist) -> bytes:
    return json.dumps(to_document(shortlist), ensure_ascii=False, indent=1).encode("utf-8")


# Fields whose name read as words would not make a sentence.
_FIELD_WORDS = {"when_added": "'when_added' record (the scores it had when it was added)"}


class _Damaged(Exception):
    """Raised inside the reader; becomes a ShortlistProblem naming the file."""


def _need(mapping, key, kind, where):
    if not isinstance(mapping, dict) or key not in mapping:
        raise _Damaged(f"{where} has no {_FIELD_WORDS.get(key, key.replace('_', ' '))}")
    value = mapping[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        wanted = "text" if kind is str else "a number" if kind in (int, float) else "valid"
        raise _Damaged(f"{where}'s {key.replace('_', ' ')} is not {wanted}")
    return value


def _optional(mapping, key, kind, where, default):
    if mapping.get(key) is None:
        return default
    return _need(mapping, key, kind, where)


def _weights(value, where) -> dict[str, float]:
    if not isinstance(value, dict):
        raise _Damaged(f"{where} has no weights")
    return {n: _need(value, n, float, f"{where}'s weights") for n in CRITERIA}


def _snapshot(value, where) -> Snapshot:
    scores = _need(value, "scores", dict, where)
    reasons = _need(value, "reasons", dict, where)
    return Snapshot(
        data_date=_need(value, "data_date", str, where),
        weights=_weights(value.get("weights"), where),
        rank=_optional(value, "rank", int, where, None),
        total=_need(value, "total", float, where),
        scores={n: _need(scores, n, float, f"{where}'s scores") for n in CRITERIA},
        reasons={n: _need(reasons, n, str, f"{where}'s reasons") for n in CRITERIA},
        schools=_need(value, "schools", int, where),
        pupils=_need(value, "pupils", int, where),
        nearest_km=_need(value, "nearest_km", float, where),
        added=_optional(value, "added", str, where, ""),
    )


_ENTRY_KEYS = {"trust_code", "trust_name", "status", "notes", "decision", "decision_note", "answers", "when_added"}
_DOCUMENT_KEYS = {
    "format",
    "version",
    "school",
    "data_date",
    "weights",
    "preset",
    "filters",
    "created",
    "saved",
    "trusts",
}


def _entry(value, number: int) -> Entry:
    where = f"trust {number}"
    if not isinstance(value, dict):
        raise _Damaged(f"{where} is not a trust record")
    name = _need(value, "trust_name", str, where)
    where = f"trust {number} ({name})"
    status = _need(value, "status", str, where)
    if status not in STATUSES:
        raise _Damaged(f"{where} has the unknown status '{status}'")
    decision = _optional(value, "decision", str, where, "")
    if decision not in DECISIONS:
        raise _Damaged(f"{where} has the unknown decision '{decision}'")
    answers = {}
    for key, answer in _optional(value, "answers", dict, where, {}).items():
        answers[key] = Answer(
            question=_need(answer, "question", str, f"{where}'s answer '{key}'"),
            asked=_need(answer, "asked", bool, f"{where}'s answer '{key}'"),
            answer=_need(answer, "answer", str, f"{where}'s answer '{key}'"),
        )
    return Entry(
        trust_code=_need(value, "trust_code", str, where),
        trust_name=name,
        snapshot=_snapshot(_need(value, "when_added", dict, where), f"{where}'s scores when added"),
        status=status,
        notes=_optional(value, "notes", str, where, ""),
        decision=decision,
        decision_note=_optional(value, "decision_note", str, where, ""),
        answers=answers,
        extra={k: v for k, v in value.items() if k not in _ENTRY_KEYS},
    )


_FILTER_KINDS = {"max_km": float, "compatible_only": bool, "min_schools": int, "max_schools": int, "region": str}


def _filters(value) -> Filters:
    if not isinstance(value, dict):
        raise _Damaged("its filters are missing")
    known = {}
    for f in fields(Filters):
        if f.name in value:
            kind = _FILTER_KINDS[f.name]
            known[f.name] = (
                _need(value, f.name, kind, "its filters") if value[f.name] is not None or kind is bool else None
            )
    return Filters(**known)


def from_bytes(data: bytes, name: str = "The file") -> Shortlist:
    """Read a shortlist; every problem is one ShortlistProblem sentence beginning with `name`."""
    if not data.strip():
        raise ShortlistProblem(f"{name} is empty; it may have been cut short while it was copied or saved.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ShortlistProblem(f"{name} is not a TrustMatch shortlist (it is not a text file).") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        if text.lstrip()[:1] not in ("{", "["):
            raise ShortlistProblem(f"{name} is not a TrustMatch shortlist.") from None
        cut_in_string = err.msg.startswith("Unterminated string") and '"' not in text[err.pos + 1 :]
        if err.pos >= len(text.rstrip()) or cut_in_string:
            raise ShortlistProblem(
                f"{name} is incomplete: it ends part-way through, as if a copy or save was cut short."
            ) from None
        raise ShortlistProblem(
            f"{name} is damaged: it stops making sense at line {err.lineno}, column {err.colno}."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ShortlistProblem(f"{name} is not a TrustMatch shortlist.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ShortlistProblem(f"{name} is damaged: its format version is missing.")
    if version > VERSION:
        raise ShortlistProblem(
            f"{name} was saved by a newer TrustMatch (shortlist format {version}; this one reads up to {VERSION}): "
            "update TrustMatch to open it."
        )
    try:
        school = document.get("school")
        trusts = _need(document, "trusts", list, "it")
        entries = tuple(_entry(t, i + 1) for i, t in enumerate(trusts))
        codes = [e.trust_code for e in entries]
        duplicate = next((c for c in codes if codes.count(c) > 1), None)
        if duplicate:
            raise _Damaged(f"it lists the trust {duplicate} twice")
        return Shortlist(
            school_urn=_optional(school, "urn", int, "its school", None) if isinstance(school, dict) else None,
            school_name=_need(school, "name", str, "its school"),
            data_date=_need(document, "data_date", str, "it"),
            weights=_weights(document.get("weights"), "it"),
            filters=_filters(document.get("filters")),
            entries=entries,
            created=_optional(document, "created", str, "it", ""),
            extra={k: v for k, v in document.items() if k not in _DOCUMENT_KEYS},
        )
    except _Damaged as err:
        raise ShortlistProblem(f"{name} is damaged: {err}.") from None


def read(path: Path | str) -> Shortlist:
    """Open a shortlist file, never changing it."""
    path = Path(path)
    name = f"'{path.name}'"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ShortlistProblem(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise ShortlistProblem(f"{path} is a folder, not a shortlist.") from None
    except PermissionError:
        raise ShortlistProblem(f"{name} cannot be read: permission denied.") from None
    except OSError as err:
        raise ShortlistProblem(f"{name} cannot be read ({err.strerror}).") from None
    return from_bytes(data, name)


def write_atomic(path: Path | str, data: bytes) -> None:
    """Temporary file, fsync, rename: a crash or full disk mid-way leaves the old file whole."""
    with paths.atomic_write(Path(path)) as out:
        out.write(data)


def save(shortlist: Shortlist, path: Path | str) -> None:
    path = Path(path)
    try:
        write_atomic(path, to_bytes(shortlist))
    except PermissionError:
        raise ShortlistProblem(f"The shortlist was not saved: {path.parent} cannot be written to.") from None
    except FileNotFoundError:
        raise ShortlistProblem(f"The shortlist was not saved: there is no folder {path.parent}.") from None
    except OSError as err:
        raise ShortlistProblem(f"The shortlist was not saved to {path} ({err.strerror}).") from None


# --- edits, undo and redo -----------------------------------------------------


@dataclass(frozen=True)
class Step:
    label: str  # "Add Oak Trust", for Edit > Undo Add Oak Trust
    before: Shortlist
    after: Shortlist
    merge_key: tuple | None  # consecutive steps with the same key (typing one note) undo as one


class ShortlistDocument:
    """The shortlist being edited: its state, undo stack, file and unsaved changes.

    Every edit goes through `_apply`, which records a step and tells the
    listeners; so every edit can be undone and marks the document changed.
    """

    def __init__(self, shortlist: Shortlist, path: Path | str | None = None):
        self.shortlist = shortlist
        self.path = Path(path) if path else None
        self._done: list[Step] = []
        self._undone: list[Step] = []
        self._saved_state: Shortlist | None = shortlist  # what the file holds (a new document: nothing yet to save)
        self._merging = True
        self._listeners: list[Callable[[], None]] = []
        self.recovery_id = uuid.uuid4().hex
        self.recovered_from: Path | None = None

    @classmethod
    def new(cls, school, data_date: str, weights: dict[str, float], filters: Filters) -> ShortlistDocument:
        return cls(
            Shortlist(school.urn if school else None, school.name if school else "", data_date, dict(weights), filters)
        )

    @classmethod
    def open(cls, path: Path | str) -> ShortlistDocument:
        return cls(read(path), path)

    # --- listening and status ------------------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _tell(self) -> None:
        for listener in list(self._listeners):
            listener()

    @property
    def modified(self) -> bool:
        return self.shortlist is not self._saved_state

    @property
    def title(self) -> str:
        return self.path.name if self.path else "Untitled shortlist"

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_label(self) -> str:
        return self._done[-1].label if self._done else ""

    @property
    def redo_label(self) -> str:
        return self._undone[-1].label if self._undone else ""

    # --- undo stack ----------------------------------------------------------------

    def _apply(self, label: str, after: Shortlist, merge_key: tuple | None = None) -> None:
        if after == self.shortlist:
            return
        top = self._done[-1] if self._done else None
        if (
            merge_key is not None
            and self._merging
            and top is not None
            and top.merge_key == merge_key
            and top.after is not self._saved_state
        ):
            self._done[-1] = replace(top, after=after)
        else:
            self._done.append(Step(label, self.shortlist, after, merge_key))
        self._merging = True
        self._undone.clear()
        self.shortlist = after
        self._tell()

    def end_merge(self) -> None:
        """The next edit starts its own undo step (the user left the field they were typing in)."""
        self._merging = False

    def undo(self) -> None:
        if self._done:
            step = self._done.pop()
            self._undone.append(step)
            self.shortlist = step.before
            self._merging = False
            self._tell()

    def redo(self) -> None:
        if self._undone:
            step = self._undone.pop()
            self._done.append(step)
            self.shortlist = step.after
            self._merging = False
            self._tell()

    # --- edits ---------------------------------------------------------------------

    def _entries(self, entries: Iterable[Entry]) -> Shortlist:
        return replace(self.shortlist, entries=tuple(entries))

    def _edit_entry(self, code: str, label: str, merge_key=None, **changes) -> None:
        entries = [replace(e, **changes) if e.trust_code == code else e for e in self.shortlist.entries]
        if code not in self.shortlist:
            raise KeyError(f"{code} is not on the shortlist")
        self._apply(label, self._entries(entries), merge_key)

    def add(self, candidate, data_date: str, weights: dict[str, float], position: int | None = None) -> bool:
        """Add a trust with its scores as they are now; False if it is already on the shortlist."""
        if candidate.trust_code in self.shortlist:
            return False
        entry = Entry(candidate.trust_code, candidate.trust_name, Snapshot.of(candidate, data_date, weights))
        entries = list(self.shortlist.entries)
        entries.insert(len(entries) if position is None else position, entry)
        self._apply(f"Add {candidate.trust_name}", self._entries(entries))
        return True

    def remove(self, code: str) -> None:
        entry = self.shortlist.entry(code)
        if entry is None:
            raise KeyError(f"{code} is not on the shortlist")
        self._apply(
            f"Remove {entry.trust_name}", self._entries(e for e in self.shortlist.entries if e.trust_code != code)
        )

    def move(self, code: str, position: int) -> None:
        entries = list(self.shortlist.entries)
        entry = entries.pop(self.shortlist.index_of(code))
        position = max(0, min(position, len(entries)))
        entries.insert(position, entry)
        self._apply(f"Move {entry.trust_name}", self._entries(entries))

    def set_status(self, code: str, status: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        self._edit_entry(code, f"Mark {self.shortlist.entry(code).trust_name} '{status}'", status=status)

    def set_notes(self, code: str, notes: str) -> None:
        self._edit_entry(code, "Edit notes", ("notes", code), notes=notes)

    def set_decision(self, code: str, decision: str) -> None:
        if decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        self._edit_entry(code, f"Decide: {DECISIONS[decision]}", decision=decision)

    def set_decision_note(self, code: str, note: str) -> None:
        self._edit_entry(code, "Edit decision note", ("decision note", code), decision_note=note)

    def set_answer(
        self, code: str, key: str, question: str, *, asked: bool | None = None, answer: str | None = None
    ) -> None:
        entry = self.shortlist.entry(code)
        if entry is None:
            raise KeyError(f"{code} is not on the shortlist")
        old = entry.answers.get(key, Answer(question))
        new = Answer(question, old.asked if asked is None else asked, old.answer if answer is None else answer)
        if answer is not None and answer.strip() and asked is None:
            new = replace(new, asked=True)  # an answer means it was asked
        answers = dict(entry.answers, **{key: new})
        if asked is not None:
            self._edit_entry(code, "Tick question as asked" if asked else "Untick question", answers=answers)
        else:
            self._edit_entry(code, "Edit answer", ("answer", code, key), answers=answers)

    def set_settings(self, weights: dict[str, float], filters: Filters) -> None:
        """The weights and filters the shortlist is read with (saved with it, applied on opening)."""
        self._apply(
            "Change weights or filters", replace(self.shortlist, weights=dict(weights), filters=filters), ("settings",)
        )

    def adopt_school(self, school, data_date: str) -> None:
        """An empty shortlist follows the school the user chooses."""
        if self.shortlist.entries:
            raise ValueError("a shortlist with trusts on it belongs to its school")
        self._apply(
            f"Shortlist for {school.name}",
            replace(self.shortlist, school_urn=school.urn, school_name=school.name, data_date=data_date),
        )

    # --- saving --------------------------------------------------------------------

    def save(
        self, path: Path | str | None = None, weights: dict[str, float] | None = None, filters: Filters | None = None
    ) -> None:
        """Write the shortlist, with the weights and filters in use (what it opens with next time)."""
        path = Path(path) if path else self.path
        if path is None:
            raise ValueError("no file to save to")
        state = self.shortlist
        if weights is not None or filters is not None:
            # not an undo step: settings are the session's, recorded as they are at each save
            state = replace(state, weights=dict(weights or state.weights), filters=filters or state.filters)
        save(state, path)
        self.shortlist = state
        self.path = path
        self._saved_state = state
        self._merging = False
        discard_recovery(self)
        self._tell()


# --- newer data --------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """How one trust's scores and rank moved between the data it was added on and the data in use."""

    entry: Entry
    candidate: object | None  # the Candidate now, or None when the trust is no longer in the data

    @property
    def gone(self) -> bool:
        return self.candidate is None

    @property
    def total_change(self) -> float | None:
        return None if self.candidate is None else self.candidate.total - self.entry.snapshot.total

    @property
    def rank_change(self) -> int | None:
        """Places moved up (positive) or down; None when either rank is unknown."""
        before, now = self.entry.snapshot.rank, None if self.candidate is None else self.candidate.rank
        return None if before is None or now is None else before - now

    def score_changes(self) -> dict[str, float]:
        if self.candidate is None:
            return {}
        return {n: self.candidate.scores[n] - self.entry.snapshot.scores[n] for n in CRITERIA}

    def sentence(self) -> str:
        name = self.entry.trust_name
        if self.candidate is None:
            return (
                f"{name} is not a multi-academy trust in this data; it stays on the shortlist with the scores it had."
            )
        before, now = self.entry.snapshot, self.candidate
        ranks = (
            f"rank {before.rank} to {now.rank}"
            if before.rank and now.rank
            else f"rank {before.rank or 'hidden by filters'} to {now.rank or 'hidden by filters'}"
        )
        moved = ", ".join(f"{n} {d:+.0f}" for n, d in self.score_changes().items() if abs(d) >= 0.5)
        return f"{name}: total {before.total:.0f} to {now.total:.0f}, {ranks}" + (f" ({moved})" if moved else "") + "."


def movements(shortlist: Shortlist, evaluation) -> list[Movement]:
    """Each trust's scores now, ranked with the weights it was added with, against its snapshot.

    The per-criterion scores do not depend on weights; ranking with the
    snapshot's own weights and the shortlist's filters makes the total and the
    rank change come from the data alone.
    """
    rankings: dict[tuple, object] = {}
    out = []
    for entry in shortlist.entries:
        key = tuple(entry.snapshot.weights[n] for n in CRITERIA)
        if key not in rankings:
            rankings[key] = evaluation.rank(entry.snapshot.weights, shortlist.filters)
        try:
            candidate = rankings[key].candidate_for(entry.trust_code)
        except KeyError:
            candidate = None
        out.append(Movement(entry, candidate))
    return out


def missing_trusts(shortlist: Shortlist, trust_codes) -> list[Entry]:
    """Entries whose trust is not a multi-academy trust in the data in use."""
    return [e for e in shortlist.entries if e.trust_code not in trust_codes]


def opening_notes(shortlist: Shortlist, dataset, trust_codes) -> list[str]:
    """What the user should know on opening: a different school register, trusts no longer in it."""
    notes = []
    if shortlist.school_urn is not None and dataset.index_of_urn(shortlist.school_urn) is None:
        notes.append(
            f"{shortlist.school_name} (URN {shortlist.school_urn}) is not in the data of {dataset.data_date_text}; "
            "the shortlist shows the scores it had when each trust was added."
        )
    if shortlist.data_date and dataset.data_date and shortlist.data_date != dataset.data_date:
        newer = "newer" if dataset.data_date > shortlist.data_date else "older"
        notes.append(
            f"This shortlist was made with the data of {long_date(shortlist.data_date)} and is open on {newer} data "
            f"({dataset.data_date_text}): see how each trust's scores and rank moved."
        )
    gone = missing_trusts(shortlist, trust_codes)
    if gone:
        names = ", ".join(e.trust_name for e in gone)
        notes.append(
            f"{len(gone)} trust{'s' if len(gone) != 1 else ''} on this shortlist {'are' if len(gone) != 1 else 'is'} "
            f"not in the data of {dataset.data_date_text} ({names}); kept with the scores from when added."
        )
    return notes


# --- recovery files ----------------------------------------------------------


@dataclass(frozen=True)
class Recovery:
    """An autosaved copy left behind by a TrustMatch that did not close normally."""

    file: Path
    original: Path | None  # the file the shortlist was saved as, if it had been saved
    written: str
    shortlist: Shortlist

    @property
    def name(self) -> str:
        return self.original.name if self.original else "an unsaved shortlist"

    @property
    def when(self) -> str:
        """The autosave time in the user's own time zone: '23 November 2026 at 19:02'."""
        try:
            written = datetime.fromisoformat(self.written).astimezone()
        except (TypeError, ValueError):
            return self.written or "at an unknown time"
        return f"{written.day} {written:%B %Y} at {written:%H:%M}"

    @property
    def description(self) -> str:
        school = self.shortlist.school_name or "no school"
        count = len(self.shortlist.entries)
        return f"{self.name} for {school}, {count} trust{'s' if count != 1 else ''}, autosaved {self.when}"


def recovery_folder() -> Path:
    return paths.data_dir() / "recovery"


def recovery_path(document: ShortlistDocument) -> Path:
    return recovery_folder() / f"{document.recovery_id}{RECOVERY_SUFFIX}"


def recovery_bytes(document: ShortlistDocument) -> bytes:
    """Serialised on the caller's thread from the immutable state; written elsewhere."""
    record = to_document(document.shortlist)
    original = str(document.path) if document.path else None
    record["recovery"] = {"original": original, "pid": os.getpid(), "written": _now()}
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def write_recovery(document: ShortlistDocument) -> Path:
    folder = recovery_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = recovery_path(document)
    write_atomic(target, recovery_bytes(document))
    return target


def discard_recovery(document: ShortlistDocument) -> None:
    recovery_path(document).unlink(missing_ok=True)
    if document.recovered_from is not None:
        document.recovered_from.unlink(missing_ok=True)
        document.recovered_from = None


def _alive(pid) -> bool:
    """Whether the TrustMatch that wrote a recovery file is still running (and so still owns it)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return False  # signal 0 would stop the process there; offer the file rather than risk it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return True


def find_recoveries() -> list[Recovery]:
    """Recovery files whose TrustMatch is no longer running, newest first; unreadable ones are skipped."""
    found = []
    folder = recovery_folder()
    if not folder.is_dir():
        return []
    for file in folder.glob(f"*{RECOVERY_SUFFIX}"):
        try:
            data = file.read_bytes()
            record = json.loads(data).get("recovery", {})
            if _alive(record.get("pid")):
                continue  # another window of TrustMatch is still working on it
            shortlist = from_bytes(data)
            shortlist = replace(shortlist, extra={k: v for k, v in shortlist.extra.items() if k != "recovery"})
        except (OSError, ValueError, AttributeError, ShortlistProblem):
            continue
        original = record.get("original")
        found.append(Recovery(file, Path(original) if original else None, record.get("written", ""), shortlist))
    return sorted(found, key=lambda r: r.written, reverse=True)


def save_recovery_as(recovery: Recovery, path: Path | str) -> None:
    """Keep a recovered shortlist as a file of its own (the recovery copy then goes; the original stays)."""
    document = restore(recovery)
    document.save(path)  # atomic; removes the recovery copy only once the file is written


def restore(recovery: Recovery) -> ShortlistDocument:
    """A document holding the recovered state, unsaved (the original file, if any, is untouched)."""
    document = ShortlistDocument(recovery.shortlist)
    document.path = recovery.original
    document._saved_state = None  # unsaved until the user saves it: the file on disk holds something else
    document.recovered_from = recovery.file
    return document


class RecoveryWriter:
    """Writes recovery files on a background thread, so a slow disk never holds up typing.

    `submit` serialises on the caller's thread (about a millisecond for a
    shortlist) and returns; the latest submission wins if several queue up.
    """

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="recovery-writer", daemon=True)
        self._thread.start()
        self.errors: list[str] = []

    def submit(self, document: ShortlistDocument) -> None:
        folder = recovery_folder()
        self._queue.put((folder, recovery_path(document), recovery_bytes(document)))

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                self._queue.task_done()
                return
            folder, target, data = job
            try:
                folder.mkdir(parents=True, exist_ok=True)
                write_atomic(target, data)
            except OSError as err:
                self.errors.append(f"The recovery copy could not be written ({err.strerror}).")
            finally:
                self._queue.task_done()

    def flush(self) -> None:
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(5)


# --- what the comparison and the meeting show for each trust -----------------


@dataclass(frozen=True)
class ShortlistedTrust:
    """One shortlisted trust with everything the comparison and meeting pages show about it.

    `candidate` is its row now (with the shortlist's weights and filters), or
    None when the trust or the school is not in the data in use; then the
    scores and reasons are those it had when added.
    """

    entry: Entry
    trust: object | None
    candidate: object | None
    shape: object | None
    evidence: tuple = ()  # the items of `evidence_content`, in panel order
    questions: tuple = ()
    evidence_content: object | None = None  # evidence.Evidence: headings, items, caveat and disclaimer

    @property
    def name(self) -> str:
        return self.entry.trust_name

    @property
    def scores(self) -> dict[str, float]:
        return self.candidate.scores if self.candidate else self.entry.snapshot.scores

    @property
    def reasons(self) -> dict[str, str]:
        return self.candidate.reasons if self.candidate else self.entry.snapshot.reasons

    @property
    def total(self) -> float:
        return self.candidate.total if self.candidate else self.entry.snapshot.total

    @property
    def rank(self) -> int | None:
        return self.candidate.rank if self.candidate else self.entry.snapshot.rank


def shortlisted_trusts(shortlist: Shortlist, dataset, evaluation) -> list[ShortlistedTrust]:
    """Every entry's trust, current scores, hubs, DfE evidence and questions, in the shortlist's order.

    `evaluation` is the chosen school's (None when it is not in the data).
    """
    ranking = evaluation.rank(shortlist.weights, shortlist.filters) if evaluation is not None else None
    school = evaluation.school if evaluation is not None else None
    out = []
    for entry in shortlist.entries:
        trust = dataset.trusts.by_code(entry.trust_code)
        candidate = shape = None
        if ranking is not None and trust is not None:
            try:
                candidate = ranking.candidate_for(entry.trust_code)
            except KeyError:  # in the register but no longer a multi-academy trust
                candidate = None
            if candidate is not None:
                shape = evaluation.shape_of(entry.trust_code)
        content = evidence.evidence_for(school, trust, candidate, shape) if candidate is not None else None
        asks = tuple(questions.questions_for(candidate, school, trust)) if candidate is not None else ()
        items = content.items if content is not None else ()
        out.append(ShortlistedTrust(entry, trust, candidate, shape, items, asks, content))
    return out
