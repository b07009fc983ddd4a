"""Issue 9: a real import killed at random moments never leaves the data folder broken.

Each round starts `trustmatch import-gias` on the real extract in a fresh process
over a folder whose data in use is a small earlier import, kills it (SIGKILL: no
clean-up code runs) after a random delay spread over the whole import, then
starts again as the app does and checks: the data in use loads and is either
the old register or the new one, a kept previous dataset is the old one, and no
temporary file is left.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from trustmatch.data import paths
from trustmatch.data.dataset import load

KILLS = 24


def _start_import(folder, source) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "trustmatch", "--data-dir", str(folder), "import-gias", "--force", str(source)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_import_killed_at_random_moments_leaves_old_or_new(tmp_path, sample, capsys):
    from trustmatch.launch import main

    old_source = tmp_path / "edubasealldata20251101.csv"
    old_source.write_text(sample(count=3000), encoding="utf-8")
    start = tmp_path / "start"
    start.mkdir()
    assert main(["--data-dir", str(start), "import-gias", "--force", str(old_source)]) == 0
    capsys.readouterr()
    old = load(start / "dataset.json.gz")
    new_source = paths.bundled_raw_extract()

    # how long one whole import takes here, to spread the kills over all of it
    timing = tmp_path / "timing"
    shutil.copytree(start, timing)
    began = time.perf_counter()
    assert _start_import(timing, new_source).wait(timeout=300) == 0
    whole = time.perf_counter() - began
    new = load(timing / "dataset.json.gz")
    assert len(new) == 22_011 and new.data_date == "2025-07-18"

    rng = random.Random(20251123)
    outcomes = {"old": 0, "new": 0}
    for round_ in range(KILLS):
        folder = tmp_path / f"round{round_}"
        shutil.copytree(start, folder)
        process = _start_import(folder, new_source)
        time.sleep(rng.uniform(0.2, 1.25) * whole)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)

        removed = paths.remove_orphans(folder)  # what the next start does
        left = sorted(p.name for p in folder.iterdir())
        assert not [name for name in left if name.endswith(".part")], (round_, left, removed)
        in_use = load(folder / "dataset.json.gz")
        if in_use.columns == old.columns:
            outcomes["old"] += 1
            assert in_use.meta == old.meta
        else:
            outcomes["new"] += 1
            assert in_use.columns == new.columns and in_use.meta == new.meta
            assert load(folder / "dataset.previous.json.gz").columns == old.columns
        assert set(left) <= {"dataset.json.gz", "dataset.previous.json.gz", "logs"}, left
    # the kills landed on both sides of the save, not all before it
    assert outcomes["old"] >= 3 and outcomes["new"] >= 1, outcomes
