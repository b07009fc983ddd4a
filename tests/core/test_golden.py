"""The top five trusts and rounded scores for real schools of every kind, as tools/make_golden.py wrote them.

A difference means the ranking changed: if on purpose, re-run `python tools/make_golden.py`, read the diff and
commit it with the change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import make_golden  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "rankings.json"


def test_golden_file_covers_every_kind_of_school(dataset):
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert set(stored) == {str(u) for u in make_golden.SCHOOLS}
    phases = {dataset.school_by_urn(int(u)).phase_group for u in stored}
    assert {"primary", "secondary", "special", "alternative provision", "nursery", "all-through", "16 plus"} <= phases
    assert all(len(entry["top"]) == 5 for u, entry in stored.items() if u != "144638")  # Scilly: nothing in reach


def test_rankings_match_the_golden_file(engine, dataset):
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert make_golden.golden(engine, dataset) == stored
