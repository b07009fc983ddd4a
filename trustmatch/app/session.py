"""The application's one observable state: chosen school, weights, filters, ranking, selected trust.

Qt-free.  Widgets read it and send intents (choose a school, move a weight,
select a trust); it recomputes what depends on the change and tells its
listeners which parts changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import PRESETS, Evaluation, Filters, FitEngine, Ranking, check_weights

# What changed, for listeners: each is called with the set of these names.
SCHOOL, RANKING, TRUST, DATA = "school", "ranking", "trust", "data"


class Session:
    def __init__(self, dataset, engine: FitEngine | None = None):
        self._listeners: list[Callable[[set[str]], None]] = []
        self._engine_lock = threading.Lock()
        self.weights = dict(PRESETS["balanced"])
        self.filters = Filters()
        self._use(dataset, engine)

    def _use(self, dataset, engine: FitEngine | None) -> None:
        self.dataset = dataset
        self._engine = engine
        self.school_row: int | None = None
        self.evaluation: Evaluation | None = None
        self.ranking: Ranking | None = None
        self.trust_code: str | None = None

    @property
    def engine(self) -> FitEngine:
        """Built on first use (the window shows the map before it is needed, and warms it up meanwhile)."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = FitEngine(self.dataset)
            return self._engine

    # --- listening ---------------------------------------------------------------

    def subscribe(self, listener: Callable[[set[str]], None]) -> None:
        self._listeners.append(listener)

    def _tell(self, changed: set[str]) -> None:
        for listener in list(self._listeners):
            listener(changed)

    # --- intents -----------------------------------------------------------------

    def replace_data(self, dataset, engine: FitEngine | None = None) -> None:
        """Swap in a newly imported dataset, keeping the chosen school if it still exists."""
        urn = self.school.urn if self.school else None
        self._use(dataset, engine)
        changed = {DATA, SCHOOL, RANKING, TRUST}
        row = dataset.index_of_urn(urn) if urn is not None else None
        if row is not None:
            self._choose(row)
        self._tell(changed)

    def choose_school(self, row: int) -> None:
        if not 0 <= row < len(self.dataset):
            raise IndexError(f"no school at row {row}")
        self._choose(row)
        self._tell({SCHOOL, RANKING, TRUST})

    def _choose(self, row: int) -> None:
        self.school_row = row
        self.evaluation = self.engine.evaluate(row)
        self.ranking = self.evaluation.rank(self.weights, self.filters)
        self.trust_code = self._top_code()

    def set_weights(self, weights: dict[str, float]) -> None:
        self.weights = check_weights(weights)
        self._rerank()

    def set_weight(self, criterion: str, value: float) -> None:
        if criterion not in CRITERIA:
            raise KeyError(criterion)
        weights = dict(self.weights, **{criterion: value})
        if sum(weights.values()) <= 0:
            return  # keep the last valid weights: all-zero ranks nothing
        self.set_weights(weights)

    def apply_preset(self, name: str) -> None:
        self.set_weights(PRESETS[name])

    def set_filters(self, **changes) -> None:
        self.filters = replace(self.filters, **changes)
        self._rerank()

    def select_trust(self, code: str | None) -> None:
        if code == self.trust_code:
            return
        self.trust_code = code
        self._tell({TRUST})

    def _rerank(self) -> None:
        if self.evaluation is None:
            self._tell({RANKING})
            return
        self.ranking = self.evaluation.rank(self.weights, self.filters)
        changed = {RANKING}
        # keep the selected trust selected while it is still listed
        if self.trust_code is None or self.ranking.rank_index_of(self.trust_code) is None:
            self.trust_code = self._top_code()
            changed.add(TRUST)
        self._tell(changed)

    def _top_code(self) -> str | None:
        if self.ranking is None or len(self.ranking) == 0:
            return None
        return self.engine.codes[int(self.ranking.order[0])]

    # --- reading -----------------------------------------------------------------

    @property
    def school(self):
        return None if self.school_row is None else self.dataset.school(self.school_row)

    @property
    def trust(self):
        return None if self.trust_code is None else self.dataset.trusts.by_code(self.trust_code)

    def selected_candidate(self):
        if self.ranking is None or self.trust_code is None:
            return None
        return self.ranking.candidate_for(self.trust_code)
