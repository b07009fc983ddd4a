"""The application's one observable state: chosen school, weights, filters, ranking, selected trust.

Qt-free.  State flows one way: front ends send intents (choose a school, move
a weight, select a trust); the session changes, recomputes what depends on the
change and tells each listener which topics changed; views redraw from the
session and never write back what they were shown.

Topics (each listener hears only those it subscribed to):

- ``WEIGHTS``   the weights (also when an intent was refused: the kept weights)
- ``FILTERS``   the hard filters
- ``RANKING``   the ranking, so every candidate row's total and rank
- ``SCHOOL``    which school is chosen
- ``SELECTION`` which trust is selected, or its school: what the map draws
- ``DATA``      a new dataset (everything else changes with it)
- ``NOTICE``    a sentence for the user about a refused intent (``Session.notice``)
- ``SHORTLIST`` the open shortlist (``Session.shortlist``, a ShortlistDocument) or any edit to it

``Session.selection`` is a frozen snapshot of the school and the selected
trust, with the trust's candidate row for the current ranking: read it on
``SELECTION`` or ``RANKING``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from trustmatch.app.problems import UserError
from trustmatch.app.shortlist import ShortlistDocument, movements, opening_notes
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.graph import Shape
from trustmatch.fit.ranking import (
    PRESETS,
    Candidate,
    Evaluation,
    Filters,
    FitEngine,
    Ranking,
    RankingProblem,
    check_weights,
)

WEIGHTS, FILTERS, RANKING, SCHOOL, SELECTION, DATA, NOTICE, SHORTLIST = (
    "weights", "filters", "ranking", "school", "selection", "data", "notice", "shortlist",
)
TOPICS = frozenset({WEIGHTS, FILTERS, RANKING, SCHOOL, SELECTION, DATA, NOTICE, SHORTLIST})

Listener = Callable[[set[str]], None]


@dataclass(frozen=True)
class Selection:
    """What the views show about the chosen school and the selected trust, for one ranking.

    Any part may be None: no school chosen yet, no trust selected, or (for
    `candidate`) a trust outside the multi-academy trusts the engine ranks.
    """

    school: object | None  # data.dataset.School
    school_row: int | None
    trust: object | None  # data.trusts.Trust
    candidate: Candidate | None  # the trust's row: rank None when the filters hide it
    shape: Shape | None  # the trust's hubs as the school sees them (its own trust without it)
    nearest_row: int | None  # the trust's school nearest to the chosen school

    @property
    def trust_code(self) -> str | None:
        return None if self.trust is None else self.trust.code


class Session:
    def __init__(self, dataset, engine: FitEngine | None = None):
        self._listeners: list[tuple[Listener, frozenset[str]]] = []
        self._engine_lock = threading.Lock()
        self.weights = dict(PRESETS["balanced"])
        self.filters = Filters()
        self.notice: str | None = None
        self.shortlist: ShortlistDocument | None = None
        self.shortlist_news: list[str] = []  # what opening it found: other data, trusts gone, how scores moved
        self._use(dataset, engine)

    def _use(self, dataset, engine: FitEngine | None) -> None:
        self.dataset = dataset
        self._engine = engine
        self.school_row: int | None = None
        self.evaluation: Evaluation | None = None
        self.ranking: Ranking | None = None
        self.trust_code: str | None = None
        self._selection: Selection | None = None

    @property
    def engine(self) -> FitEngine:
        """Built on first use (the window shows the map before it is needed, and warms it up meanwhile)."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = FitEngine(self.dataset)
            return self._engine

    # --- listening ---------------------------------------------------------------

    def subscribe(self, listener: Listener, topics: Iterable[str] = TOPICS) -> None:
        """Call `listener(changed)` after each change that touches one of `topics`."""
        topics = frozenset(topics)
        if not topics <= TOPICS:
            raise ValueError(f"unknown topics: {sorted(topics - TOPICS)}")
        self._listeners.append((listener, topics))

    def _tell(self, changed: set[str]) -> None:
        if RANKING in changed or SELECTION in changed:
            self._selection = None
        for listener, topics in list(self._listeners):
            if changed & topics:
                listener(set(changed))

    # --- intents -----------------------------------------------------------------

    def replace_data(self, dataset, engine: FitEngine | None = None) -> None:
        """Swap in a newly imported dataset, keeping the chosen school if it still exists."""
        urn = self.school.urn if self.school else None
        self._use(dataset, engine)
        row = dataset.index_of_urn(urn) if urn is not None else None
        if row is not None:
            self._choose(row)
        self._tell({DATA, SCHOOL, RANKING, SELECTION})

    def choose_school(self, row: int) -> None:
        if not 0 <= row < len(self.dataset):
            raise IndexError(f"no school at row {row}")
        if row == self.school_row:
            return
        self._choose(row)
        self._tell({SCHOOL, RANKING, SELECTION})

    def _choose(self, row: int) -> None:
        self.school_row = row
        self.evaluation = self.engine.evaluate(row)
        self.ranking = self.evaluation.rank(self.weights, self.filters)
        self.trust_code = self._top_code()

    def set_weights(self, weights: dict[str, float]) -> None:
        """Rank by these weights; refused (the kept weights published again, with a notice) if none is above zero."""
        try:
            checked = check_weights(weights)
        except RankingProblem as problem:
            self._refuse(WEIGHTS, str(problem))
            return
        if checked == self.weights:
            return
        self.weights = checked
        self._rerank({WEIGHTS})

    def set_weight(self, criterion: str, value: float) -> None:
        if criterion not in CRITERIA:
            raise KeyError(criterion)
        self.set_weights(dict(self.weights, **{criterion: value}))

    def apply_preset(self, name: str) -> None:
        self.set_weights(PRESETS[name])

    def set_filters(self, **changes) -> None:
        filters = replace(self.filters, **changes)
        if filters == self.filters:
            return
        if self.evaluation is not None:
            try:
                self.evaluation.mask(filters)  # an unknown region is refused before anything changes
            except RankingProblem as problem:
                self._refuse(FILTERS, str(problem))
                return
        self.filters = filters
        self._rerank({FILTERS})

    def select_trust(self, code: str | None) -> None:
        if code == self.trust_code:
            return
        self.trust_code = code
        self._tell({SELECTION})

    def _refuse(self, topic: str, sentence: str) -> None:
        # The view that sent the intent already shows the refused value: tell it to show the kept one.
        self.notice = sentence
        self._tell({topic, NOTICE})

    def _rerank(self, changed: set[str]) -> None:
        if self.evaluation is None:
            self._tell(changed)
            return
        self.ranking = self.evaluation.rank(self.weights, self.filters)
        changed.add(RANKING)
        # keep the selected trust selected while it is still listed
        if self.trust_code is None or self.ranking.rank_index_of(self.trust_code) is None:
            top = self._top_code()
            if top != self.trust_code:
                self.trust_code = top
                changed.add(SELECTION)
        self._tell(changed)

    def _top_code(self) -> str | None:
        if self.ranking is None or len(self.ranking) == 0:
            return None
        return self.engine.codes[int(self.ranking.order[0])]

    # --- the shortlist ------------------------------------------------------------

    def use_shortlist(self, document: ShortlistDocument | None, apply: bool = True) -> None:
        """Make `document` the open shortlist; with `apply`, rank with its school, weights and filters."""
        if self.shortlist is not None:
            self.shortlist.unsubscribe(self._shortlist_edited)
        self.shortlist = document
        self.shortlist_news = []
        changed = {SHORTLIST}
        if document is not None:
            document.subscribe(self._shortlist_edited)
            saved = document.shortlist
            if apply:
                self.weights, self.filters = dict(saved.weights), saved.filters
                changed |= {WEIGHTS, FILTERS, RANKING, SELECTION}
                row = self.dataset.index_of_urn(saved.school_urn) if saved.school_urn is not None else None
                if row is not None:
                    self._choose(row)
                    changed.add(SCHOOL)
                elif self.evaluation is not None:
                    self.ranking = self.evaluation.rank(self.weights, self.filters)
            self.shortlist_news = opening_notes(saved, self.dataset, self.engine.position)
            if self.shortlist_is_for_school() and saved.data_date != self.dataset.data_date:
                self.shortlist_news += [m.sentence() for m in movements(saved, self.evaluation)]
        self._tell(changed)

    def open_shortlist(self, path) -> ShortlistDocument:
        """Open a shortlist file (a ShortlistProblem sentence, and nothing changed, if it cannot be)."""
        document = ShortlistDocument.open(path)
        self.use_shortlist(document)
        return document

    def new_shortlist(self) -> ShortlistDocument:
        document = ShortlistDocument.new(self.school, self.dataset.data_date, self.weights, self.filters)
        self.use_shortlist(document, apply=False)
        return document

    def shortlist_is_for_school(self) -> bool:
        """Whether the open shortlist belongs to the chosen school (so the current ranking scores it)."""
        return (
            self.shortlist is not None and self.evaluation is not None
            and self.shortlist.shortlist.school_urn == self.school.urn
        )

    def add_to_shortlist(self, code: str | None = None) -> bool:
        """Put a trust (the selected one by default) on the shortlist, starting one if none is open.

        Refused with a UserError sentence when the open shortlist is another school's.
        """
        code = code or self.trust_code
        if code is None or self.ranking is None:
            raise UserError("Choose a school and a trust first.")
        if code not in self.engine.position:
            raise UserError("Only multi-academy trusts can go on the shortlist.")
        if self.shortlist is None:
            self.new_shortlist()
        document = self.shortlist
        if not self.shortlist_is_for_school():
            if document.shortlist.entries:
                raise UserError(
                    f"This shortlist is for {document.shortlist.school_name}; start a new one (File > New shortlist) "
                    f"for {self.school.name}."
                )
            document.adopt_school(self.school, self.dataset.data_date)
        return document.add(self.ranking.candidate_for(code), self.dataset.data_date, self.weights)

    def save_shortlist(self, path=None) -> None:
        """Save the open shortlist with the weights and filters in use."""
        self.shortlist.save(path, self.weights, self.filters)

    def _shortlist_edited(self) -> None:
        self._tell({SHORTLIST})

    # --- reading -----------------------------------------------------------------

    @property
    def school(self):
        return None if self.school_row is None else self.dataset.school(self.school_row)

    @property
    def trust(self):
        return None if self.trust_code is None else self.dataset.trusts.by_code(self.trust_code)

    @property
    def selection(self) -> Selection:
        """The chosen school and selected trust as the views show them (built once per change)."""
        if self._selection is None:
            self._selection = self._select()
        return self._selection

    def _select(self) -> Selection:
        trust = self.trust
        candidate = shape = nearest = None
        if trust is not None:
            if self.ranking is not None and trust.code in self.engine.position:
                candidate = self.ranking.candidate_for(trust.code)
                nearest = candidate.nearest_school_row
            if self.evaluation is not None:
                shape = self.evaluation.shape_of(trust.code)
            else:
                shape = self.engine.graph.shapes.get(trust.code)
        return Selection(self.school, self.school_row, trust, candidate, shape, nearest)

    def selected_candidate(self) -> Candidate | None:
        return self.selection.candidate
