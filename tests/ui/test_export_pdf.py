"""The PDF briefing pack read back with poppler (pdfinfo, pdftotext, pdfimages) and rendered with pdftoppm."""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest
from PySide6.QtGui import QImage

from tests.core.test_export import far_trust
from trustmatch.export import briefing as content
from trustmatch.export.briefing import TrustNote
from trustmatch.export.files import ExportProblem
from trustmatch.fit.ranking import PRESETS, Filters
from trustmatch.progress import Cancelled, Task
from trustmatch.ui import pdf

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
    job = Job("pdf", tmp_path, PRESETS["balanced"], Filters(), 2, paths.bundled_dataset(), pdf.write)
    result = export_schools(dataset, engine, rows, job, processes=2)
    assert [o.urn for o in result.failures] == [116883]
    refusal = "No trust is left for Our Lady's RC Primary School after the filters; loosen them."
    assert result.failures[0].problem == refusal
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 3 and all(name.endswith(".pdf") for name in written)
    for path in tmp_path.iterdir():
        assert "Candidate trusts for" in poppler("pdfinfo", str(path))


def test_map_labels_never_cover_one_another(dataset, engine, qapp):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    image = QImage(round(pdf.mm(pdf.pack.MAP_WIDTH_MM)), round(pdf.mm(pdf.pack.MAP_HEIGHT_MM)), QImage.Format_RGB32)
    bounds = QRectF(0, 0, image.width(), image.height())
    left_out = 0
    for urn in (OTTERY, 100000):  # a Devon village and the City of London, where a national trust's hubs crowd
        briefing = content.for_top(dataset, engine, dataset.school_by_urn(urn), PRESETS["balanced"], Filters(), 10)
        for t in briefing.trusts:
            painter = QPainter(image)
            labels = pdf.draw_map(painter, bounds, dataset, briefing.school, t)
            painter.end()
            texts = [text for text, _ in labels.placed]
            assert texts[0] == briefing.school.name  # the school's name always, before any hub's
            rects = [rect for _, rect in labels.placed]
            assert all(bounds.contains(r) for r in rects)
            assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :]), t.name
            left_out += min(len(t.shape.hubs), 8) - (len(texts) - 1)
    assert left_out > 0  # some maps were crowded: their lesser hubs' names were left out, not piled up


def test_the_member_table_repeats_its_header_on_the_next_page(pack, top5):
    pages = poppler("pdftotext", "-layout", str(pack), "-").split("\f")
    header = re.compile(r"^School\s+Phase\s+Religious character\s+Town\s+Pupils\s+km$", re.M)
    continued = 0
    for number, page in enumerate(pages[1:], start=1):
        previous = pages[number - 1]
        if header.search(previous) and "Its schools nearest to" in previous and "Method and sources" not in page:
            # a table that starts near a page's foot goes on over the page: its header comes again first
            first_rows = [line for line in page.splitlines() if line.strip()][:1]
            if first_rows and not first_rows[0].startswith(tuple(f"{i}. " for i in range(1, 11))):
                continued += 1
                assert header.match(first_rows[0].strip()), f"page {number + 1} goes on without the header"
    assert continued > 0


# Headings of a trust's section that lead what follows them (the evidence headings are the study's own).
SECTION_HEADINGS = ("The trust", "Why it scores as it does", "Perceived benefits", "What recent joiners said overall",
                    "Other improvements recent joiners reported", "Obstacles recent joiners reported",
                    "Why maintained schools had not joined", "Dated guidance on trust size")


@pytest.mark.parametrize("urn", [145944, 143283])  # St Edward's CofE Academy; St Mary's CofE Primary, Portbury
def test_no_heading_is_left_alone_at_the_foot_of_a_page(dataset, engine, tmp_path, qapp, urn):
    """Their packs had "Its schools nearest to ..." and "What recent joiners said overall" as a page's last line,
    with the table or the item they lead on the next page."""
    school = dataset.school_by_urn(urn)
    briefing = content.for_top(dataset, engine, school, PRESETS["balanced"], Filters(), 10)
    pages = poppler("pdftotext", "-layout", str(pdf.write(tmp_path / "p.pdf", briefing)), "-").split("\f")
    table_header = re.compile(r"^School\s+Phase\s+Religious character")
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith("TrustMatch briefing:")]
        for i, line in enumerate(lines):
            if line.startswith("Its schools nearest to"):
                assert any(table_header.match(rest) for rest in lines[i + 1 : i + 4]), (
                    f"page {number}: the heading of the member schools without its table"
                )
            elif line in SECTION_HEADINGS:
                assert i < len(lines) - 1, f"page {number} ends with the heading '{line}'"


def test_the_footer_never_runs_into_the_page_number(dataset, engine, tmp_path, qapp):
    """St Mary's Church of England Primary School, Portbury: its footer ran over "Page 4 of 31"."""
    school = dataset.school_by_urn(143283)
    briefing = content.for_top(dataset, engine, school, PRESETS["balanced"], Filters(), 1)
    path = pdf.write(tmp_path / "p.pdf", briefing)
    boxes = poppler("pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-")
    words_at = [
        (float(x0), float(x1), float(y0), text)
        for x0, y0, x1, text in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" [^>]*>([^<]*)<', boxes)
    ]
    footer_y = max(y for _, _, y, _ in words_at)
    line = sorted((x0, x1, text) for x0, x1, y, text in words_at if abs(y - footer_y) < 1)
    assert "Page" in [text for _, _, text in line] and "2025" in [text for _, _, text in line]  # the data date kept
    assert all(a[1] <= b[0] for a, b in zip(line, line[1:])), f"words overlap: {line}"


@pytest.mark.parametrize("urn", [143283, 111456])  # St Mary's, Portbury; Cardinal Newman Catholic High School
def test_no_member_school_is_cut_between_two_pages(dataset, engine, qapp, urn):
    """A member school's two-line name had its first line at one page's foot and its second on the next."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QTextTable

    briefing = content.for_top(dataset, engine, dataset.school_by_urn(urn), PRESETS["balanced"], Filters(), 10)
    buffer = QBuffer(QByteArray())
    buffer.open(QIODevice.WriteOnly)
    document, _drawings, _width, height = pdf.pack_document(briefing, pdf.pdf_writer(buffer, briefing))
    document.markContentsDirty(0, document.characterCount())  # measured on a layout made afresh
    layout = document.documentLayout()
    checked = 0
    for table in (f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable)):
        for row in range(table.rows()):
            pages = set()
            for column in range(table.columns()):
                cell = table.cellAt(row, column)
                block = cell.firstCursorPosition().block()
                while block.isValid() and block.position() <= cell.lastCursorPosition().position():
                    top = layout.blockBoundingRect(block).top()
                    for i in range(block.layout().lineCount()):
                        line = block.layout().lineAt(i)
                        pages.add(int((top + line.y() + line.height() / 2) // height))
                    block = block.next()
            assert len(pages) <= 1, f"{cell.firstCursorPosition().block().text()} is on pages {sorted(pages)}"
            checked += 1
    assert checked > 100
