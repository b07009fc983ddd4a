"""A wheel carries the bundled data: built, installed in a fresh venv and run from outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from trustmatch import __version__

ROOT = Path(__file__).resolve().parents[2]


def run(*command, cwd, timeout=900):
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, cwd=cwd, timeout=timeout)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.mark.slow
def test_a_wheel_installed_elsewhere_ranks_with_the_bundled_data(tmp_path):
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "--quiet", "-w", wheels, cwd=tmp_path)
    [wheel] = wheels.glob("trustmatch-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code = "import trustmatch, pathlib; print(pathlib.Path(trustmatch.__file__).parent)"
    where = run(python, "-c", code, cwd=outside)
    assert Path(where.strip()).is_relative_to(env_dir)  # the installed copy, not this checkout
    command = env_dir / "bin" / "trustmatch"
    version = run(command, "--version", cwd=outside)
    assert f"TrustMatch {__version__}" in version and "data of 2025-07-18" in version  # read from the shipped data
    ranked = run(command, "rank", "100000", "--top", "3", cwd=outside)
    rows = [line for line in ranked.splitlines() if line[:1].isdigit()]
    assert [row.split()[0] for row in rows] == ["1", "2", "3"], ranked
