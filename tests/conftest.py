"""Shared fixtures: the real bundled data, loaded once, and a private data folder per test."""

from __future__ import annotations

import os

# Qt must never try to reach a display in tests; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gzip
import io

import pytest

from trustmatch.data import paths


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    """Every test gets its own empty data folder, so nothing touches the user's."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(folder))
    paths.set_data_dir(None)
    yield folder
    paths.set_data_dir(None)


@pytest.fixture(scope="session")
def dataset():
    from trustmatch.data.dataset import load

    return load(paths.bundled_dataset())


@pytest.fixture(scope="session")
def engine(dataset):
    from trustmatch.fit.ranking import FitEngine

    return FitEngine(dataset)


@pytest.fixture(scope="session")
def raw_lines() -> list[str]:
    """The real GIAS extract's lines (header first), as text."""
    with gzip.open(paths.bundled_raw_extract(), "rt", encoding="utf-8", newline="") as f:
        return f.read().splitlines(keepends=True)


def sample_text(raw_lines, wanted_urns=(), count=400) -> str:
    """A small extract made of real rows: the header, the first `count` rows and any wanted URNs."""
    picked = raw_lines[1 : count + 1]
    picked += [line for line in raw_lines[count + 1 :] if line.split(",", 1)[0] in {str(u) for u in wanted_urns}]
    return raw_lines[0] + "".join(picked)


@pytest.fixture
def sample(raw_lines):
    return lambda *a, **k: sample_text(raw_lines, *a, **k)


def gzip_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as f:
        f.write(text.encode("utf-8"))
    return buffer.getvalue()
