"""docs/scoring.md: its worked examples and its description of the fitted file match what the app does."""

from __future__ import annotations

import json
import re
from pathlib import Path

from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import PRESETS, Filters

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
FIT = json.loads((ROOT / "resources" / "fit" / "scoring.json").read_text(encoding="utf-8"))


def worked_examples():
    """(urn, [(rank, trust, total, ethos, geography, phase, capacity), ...]) for each example table."""
    examples = []
    for match in re.finditer(r"\(URN (\d{6})\)\*\*.*?\n\n((?:\|[^\n]*\|\n)+)", DOC, flags=re.S):
        rows = []
        for line in match.group(2).splitlines()[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.append((int(cells[0]), cells[1], *map(int, cells[2:7])))
        examples.append((int(match.group(1)), rows))
    return examples


def test_the_doc_has_worked_examples():
    assert len(worked_examples()) >= 3


def test_worked_examples_are_what_the_app_ranks(engine, dataset):
    for urn, rows in worked_examples():
        ranking = engine.evaluate(dataset.index_of_urn(urn)).rank(PRESETS["balanced"], Filters())
        for (rank, trust, total, *scores), candidate in zip(rows, ranking.rows(len(rows))):
            name = trust.replace(" (current, scored without the school)", "")
            assert (rank, name, total) == (candidate.rank, candidate.trust_name, round(candidate.total)), urn
            assert scores == [round(candidate.scores[c]) for c in CRITERIA], (urn, trust)


def test_the_figures_quoted_are_the_fitted_files():
    split = FIT["figures"]["split: fitted 2022-07-18..2023-07-18, tested 2023-07-18..2024-07-18"]
    rows = {
        "Development window, default settings": FIT["figures"]["development window, default settings"],
        "Development window, filters lifted": FIT["figures"]["development window, filters lifted"],
        "Split: fitted on 2022-23, tested on 2023-24, defaults": split["defaults"],
        "Split: the same, filters lifted": split["filters_lifted"],
    }
    for name, f in rows.items():
        hits = " | ".join(f"{f[k]:.2f}" for k in ("hit@1", "hit@3", "hit@5", "hit@10"))
        assert f"| {name} | {f['n']} | {hits} | {f['median_rank']:g} | {f['mrr']:.2f} |" in DOC, name
    assert f"{FIT['scale']:g})" in DOC.split("## A criterion's score")[1].split("\n\n")[1]


def test_every_kept_and_dropped_signal_family_is_in_the_doc():
    table = DOC.split("**Which signals are kept**")[1].split("\n\n")[1]
    for family, result in FIT["signals"].items():
        line = next(line for line in table.splitlines() if f"| {family} |" in line)
        assert ("dropped" in line.lower()) == (result["kept"] in (False, "dropped")), family
