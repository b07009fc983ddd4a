"""The PDF briefing pack read back with poppler (pdfinfo, pdftotext, pdfimages) and rendered with pdftoppm."""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest
from PySide6.QtGui import QImage

from tests.core.test_export import far_trust
from trustmatch.export import briefing as content
from trustmatch.export import pdf
from trustmatch.export.briefing import TrustNote
from trustmatch.export.files import ExportProblem
from trustmatch.fit.ranking import PRESETS, Filters
from trustmatch.progress import Cancelled, Task

OTTERY = 113105


def poppler(*args) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def words(text: str) -> str:
    # NFKC also unifies other compatibility forms (non-breaking spaces) between the data and the text
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def top5(dataset, engine):
    school = dataset.school_by_urn(OTTERY)
    return content.for_top(dataset, engine, school, PRESETS["balanced"], Filters(), 5)


@pytest.fixture(scope="module")
def pack(top5, tmp_path_factory, qapp):
    return pdf.write(tmp_path_factory.mktemp("pack") / "pack.pdf", top5)


def test_title_pages_and_size(pack, top5):
    info = dict(line.split(":", 1) for line in poppler("pdfinfo", str(pack)).splitlines() if ":" in line)
    assert info["Title"].strip() == "Candidate trusts for Ottery St Mary Primary School"
    assert "595 x 842" in info["Page size"]  # A4
    pages = int(info["Pages"])
    assert pages >= 1 + len(top5.trusts) + 1  # a cover, a section per trust, the sources
    text = poppler("pdftotext", "-layout", str(pack), "-")
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text


def test_every_trust_its_reasons_evidence_and_the_attribution(pack, top5):
    text = words(poppler("pdftotext", str(pack), "-"))
    for t in top5.trusts:
        assert f"{t.candidate.rank}. {t.name}" in text
        assert words(t.candidate.reasons["geography"])[:60] in text
        assert t.members[0][0].name in text  # the nearest member school is listed
    assert "What recent joiners said overall" in text and "Obstacle: Loss of autonomy" in text
    assert "This trust: Trust schools by religious character" in text
    for line in top5.attribution:
        assert words(line) in text
    table = words(poppler("pdftotext", "-layout", str(pack), "-"))
    assert "Nearest member school (baseline) 0.16 0.34 0.47 0.65 6 0.30" in table  # the backtest figures
    assert "The method in brief" in text and "within 50 km" in text


def test_fi_words_copy_as_plain_letters(pack):
    # With ligatures on, pdftotext gave "brie\ufb01ng" and a search for "briefing" found nothing.
    text = poppler("pdftotext", str(pack), "-")
    assert not re.search("[\ufb00-\ufb06]", text)
    assert "A briefing prepared on" in text and "TrustMatch briefing:" in text
    assert "benefits" in text and "figures" in text


def test_maps_are_vector_drawings_not_pictures(pack):
    images = poppler("pdfimages", "-list", str(pack)).splitlines()
    assert len(images) == 2  # the header lines only: nothing raster


def test_a_trust_page_renders_with_its_map(pack, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "2", "-l", "2", str(pack), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    image = QImage(str(next(tmp_path.glob("page*.png"))))
    assert image.width() > 400
    # the map's upper part (below the heading) has land shading, boundaries and dots: many non-white pixels
    grey = sum(
        1
        for y in range(int(image.height() * 0.12), int(image.height() * 0.35), 3)
        for x in range(int(image.width() * 0.1), int(image.width() * 0.9), 3)
        if QImage.pixelColor(image, x, y).lightness() < 250
    )
    assert grey > 500


def test_shortlist_pack_has_notes_status_and_unlisted_trusts(dataset, engine, top5, tmp_path, qapp):
    far = far_trust(dataset, top5.school)
    codes = [top5.trusts[1].code, far.code]
    notes = {codes[0]: TrustNote("to visit", "Ring the CEO before half term", "Take forward", "Closest fit")}
    briefing = content.for_trusts(dataset, engine, top5.school, PRESETS["balanced"], Filters(), codes, notes)
    text = words(poppler("pdftotext", str(pdf.write(tmp_path / "s.pdf", briefing)), "-"))
    assert "Shortlisted trusts for Ottery St Mary Primary School" in text
    assert "Ring the CEO before half term" in text and "Take forward" in text and "to visit" in text
    assert f"{far.name} Group UID {far.code}" in text and "not listed under these filters" in text


def test_missing_folder_and_cancel_leave_nothing(top5, tmp_path, qapp):
    with pytest.raises(ExportProblem, match="there is no folder"):
        pdf.write(tmp_path / "nowhere" / "x.pdf", top5)
    task = Task()
    task.cancel()
    with pytest.raises(Cancelled):
        pdf.write(tmp_path / "x.pdf", top5, task)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_batch_of_packs_in_worker_processes(dataset, engine, tmp_path):
    """Spawned workers, each with its own offscreen Qt, write one pack per school; a bad school fails alone."""
    from trustmatch.data import paths
    from trustmatch.export.batch import Job, export_schools

    # 116883, a Catholic primary, has no trust of its own diocese within 50 km
    rows = [dataset.index_of_urn(u) for u in (113105, 100000, 116883, 111456)]
    job = Job("pdf", tmp_path, PRESETS["balanced"], Filters(), 2, paths.bundled_dataset())
    result = export_schools(dataset, engine, rows, job, processes=2)
    assert [o.urn for o in result.failures] == [116883]
    assert "no trust is left" in result.failures[0].problem
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 3 and all(name.endswith(".pdf") for name in written)
    for path in tmp_path.iterdir():
        assert "Candidate trusts for" in poppler("pdfinfo", str(path))
