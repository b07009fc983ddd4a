"""The benchmark script runs with the project's own dependencies and produces every row docs/performance.md shows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# Rows only `--bundle DIR` produces (they need a frozen app built first), with their "..." follow-ups.
BUNDLE_ROWS = ("Desktop bundle", "Frozen app")


def main_section(text: str) -> list[str]:
    """The lines before the first "## " section: what a default run measures (sections such as the
    desktop bundle's come from other modes, e.g. --bundle DIR, which needs a frozen app built first)."""
    lines = text.splitlines()
    return lines[: next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))]


def measure_names(lines) -> set[str]:
    """The first column of a markdown table's rows, without the figures that vary (counts, sizes)."""
    names, head = set(), ""
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0] not in ("Measure", "---"):
            if not cells[0].startswith("..."):
                head = cells[0]
            if not head.startswith(BUNDLE_ROWS):
                names.add(re.sub(r"\s+", " ", re.sub(r"\ball\b|[\d,.]+(x\d+)?", "", cells[0])).strip())
    return names


@pytest.mark.slow
def test_the_benchmark_produces_every_documented_row():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_benchmarks.py"), "--smoke"],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    produced = measure_names(result.stdout.splitlines())
    documented = measure_names(main_section((ROOT / "docs" / "performance.md").read_text(encoding="utf-8")))
    assert len(documented) > 15
    assert documented - produced == set(), "rows in docs/performance.md that the benchmark does not produce"


def test_measure_names_drop_the_figures_and_the_bundle_rows():
    lines = [
        "| Measure | Result | Target |", "|---|---|---|", "| Batch: rank all 10,406 schools | 14 s | < 60 s |",
        "| Frozen app: start | 1 s | < 2 s |", "| ... slowest of 7 runs | 2 s | |", "| ... peak memory | 1 MB | |",
    ]
    assert measure_names(lines[:3]) == {"Batch: rank schools"}
    assert measure_names(lines[2:4] + lines[:1]) == {"Batch: rank schools"}
    assert measure_names(lines[2:3] + lines[5:]) == {"Batch: rank schools", "peak memory"}
