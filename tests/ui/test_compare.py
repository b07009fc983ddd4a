"""The comparison: two to four trusts side by side, the best value per row marked, printable to PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import escape

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from trustmatch.app import shortlist as sl
from trustmatch.fit.ranking import PRESETS, Filters
from trustmatch.ui.compare import CompareView, best_columns
from trustmatch.ui.trust_map import TrustMap

NEWMAN = 111456


def shortlisted(dataset, engine, count):
    row = dataset.index_of_urn(NEWMAN)
    evaluation = engine.evaluate(row)
    ranking = evaluation.rank(PRESETS["balanced"])
    doc = sl.ShortlistDocument.new(dataset.school(row), dataset.data_date, PRESETS["balanced"], Filters())
    for candidate in ranking.rows(count):
        doc.add(candidate, dataset.data_date, PRESETS["balanced"])
    return sl.shortlisted_trusts(doc.shortlist, dataset, evaluation), row


def make_view(qtbot, dataset, engine, count, size=(1280, 720)):
    trusts, row = shortlisted(dataset, engine, count)
    view = CompareView(trusts, dataset, dataset.school(row), row)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def row_labels(view, name):
    """The cells of the row whose first column says `name`."""
    grid = view.grid
    for r in range(grid.rowCount()):
        head = grid.itemAtPosition(r, 0)
        if head is not None and isinstance(head.widget(), QLabel) and head.widget().text() == f"<b>{name}</b>":
            return [grid.itemAtPosition(r, c).widget() for c in range(1, grid.columnCount())]
    raise AssertionError(f"no row {name}")


def test_best_columns():
    assert best_columns([70, 90, 90, 10]) == {1, 2}
    assert best_columns([5.0, 1.2, None], higher_is_better=False) == {1}
    assert best_columns([50, 50]) == set()  # nothing stands out
    assert best_columns([None, 40]) == set()


@pytest.mark.parametrize("count", [2, 3, 4])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_renders_side_by_side_with_best_marked(qtbot, dataset, engine, count, size, tmp_path):
    view = make_view(qtbot, dataset, engine, count, size)
    QApplication.processEvents()
    image = view.grab()
    assert (image.width(), image.height()) == size
    assert image.save(str(tmp_path / f"compare-{count}-{size[0]}.png"))
    assert len(view.findChildren(TrustMap)) == count
    totals = [t.total for t in view.trusts]
    cells = row_labels(view, "Total")
    best = [i for i, cell in enumerate(cells) if cell.property("best")]
    assert best == [totals.index(max(totals))]
    assert "\u2605 best" in cells[best[0]].text()
    nearest = row_labels(view, "Nearest school")
    km = [t.candidate.nearest_km for t in view.trusts]
    assert [i for i, c in enumerate(nearest) if c.property("best")] == [km.index(min(km))]
    for name in ("Ethos", "Geography", "Phase", "Capacity"):
        texts = [c.text() for c in row_labels(view, name)]
        for item, text in zip(view.trusts, texts):
            assert f"{item.scores[name.lower()]:.0f}" in text
            assert escape(item.reasons[name.lower()]) in text


def test_compare_needs_two_to_four(dataset, engine):
    trusts, row = shortlisted(dataset, engine, 5)
    with pytest.raises(ValueError):
        CompareView(trusts[:1], dataset, dataset.school(row), row)
    with pytest.raises(ValueError):
        CompareView(trusts, dataset, dataset.school(row), row)


def test_prints_to_a_pdf_without_cutting_rows(qtbot, dataset, engine, tmp_path):
    view = make_view(qtbot, dataset, engine, 4)
    path = tmp_path / "compare.pdf"
    pages = view.save_pdf(str(path))
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and pages >= 2
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == pages
    cuts = view._row_cuts(600)
    assert cuts[0][0] == 0 and cuts[-1][1] == view.sheet.height()
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:]))  # contiguous, nothing lost or repeated
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60).stdout
        words = " ".join(text.split())
        assert all(t.name in words for t in view.trusts) and "best" in words
