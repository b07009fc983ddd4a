"""`trustmatch --self-test`: proves an install works end to end, above all a frozen bundle.

Each step does what a user's first minutes would do, on the shipped data, and checks the
result: load the data, find a real school, rank the trusts for it, convert a grid
reference (pyproj, as the importer does), draw the window offscreen, write a CSV, an
Excel workbook and a PDF briefing pack and read them back, then export a small batch of
PDFs in worker processes (a frozen program must start copies of itself for that).  The
files are checked with the standard library only, since a bundle carries no test tools:
the CSV's rows and cells, the workbook's sheets and text, the PDF's structure and page
count (not its text).  One line per step; exit status 0 only if every step worked.
Nothing is written outside a temporary folder, and the user's own imported data and
settings are not read.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from html import escape
from pathlib import Path

# A real school whose name, postcode and URN the bundled register of 18 July 2025 holds.
SCHOOL_QUERY = "St Mary's Church of England Primary School Portbury"
SCHOOL_URN = 143283
EXPORT_TOP = 10
# Two more real schools for the batch step: a Catholic secondary in Bristol and a primary in Leeds.
BATCH_URNS = (109331, 107892)


EXPORT_STEPS = ("csv", "xlsx", "pdf", "batch")


def exports_available() -> bool:
    """Whether this version has the export package (it arrived after the self-test did)."""
    import importlib.util

    return importlib.util.find_spec("trustmatch.export") is not None


class StepFailed(Exception):
    """A step ran but its result was wrong."""


def expect(condition: bool, problem: str) -> None:
    if not condition:
        raise StepFailed(problem)


class SelfTest:
    def __init__(self, folder: Path, out=None):
        self.folder = folder
        self.out = out or sys.stdout
        self.dataset = None
        self.school = None
        self.session = None

    # --- steps: each returns what it found, in a few words, or raises -------------

    def data(self) -> str:
        from trustmatch.data import dataset, paths

        self.dataset = dataset.load(paths.bundled_dataset())
        mats = len(self.dataset.trusts.of_type("MAT"))
        expect(len(self.dataset) > 20_000, f"only {len(self.dataset):,} schools in {paths.bundled_dataset()}")
        expect(mats > 1_000, f"only {mats:,} multi-academy trusts in the register")
        boundaries = paths.map_file("england_bng.json")
        expect(boundaries.is_file(), f"the England boundaries {boundaries} are missing")
        attribution = paths.resource("ATTRIBUTION.md")
        expect(attribution.is_file(), f"the data licence attribution {attribution} is missing")
        licence = "Open Government Licence v3.0"
        expect(licence in attribution.read_text(encoding="utf-8"), f"{attribution} does not name the {licence}")
        d = self.dataset
        return f"{len(d):,} schools, {mats:,} MATs, data of {d.data_date_text}, from {paths.app_root()}"

    def find(self) -> str:
        rows = self.dataset.finder.search(SCHOOL_QUERY, limit=5)
        expect(bool(rows), f"no school matches '{SCHOOL_QUERY}'")
        self.school = self.dataset.school(rows[0])
        expect(self.school.urn == SCHOOL_URN, f"'{SCHOOL_QUERY}' found URN {self.school.urn}, not {SCHOOL_URN}")
        return f"'{SCHOOL_QUERY}' -> {self.school.name}, {self.school.postcode} (URN {self.school.urn})"

    def rank(self) -> str:
        from trustmatch.app.session import Session
        from trustmatch.fit import evidence

        self.session = Session(self.dataset)
        self.session.choose_school(self.school.index)
        ranking = self.session.ranking
        expect(len(ranking) >= 5, f"only {len(ranking)} trusts ranked for {self.school.name}")
        rows = ranking.rows(10)
        totals = [c.total for c in rows]
        expect(totals == sorted(totals, reverse=True), f"trusts are not in order of their totals: {totals}")
        expect(all(0 <= t <= 100 for t in totals), f"totals outside 0-100: {totals}")
        top = rows[0]
        expect(all(top.reasons.get(k) for k in top.scores), f"{top.trust_name} lacks a reason for a score")
        trust = self.dataset.trusts.by_code(top.trust_code)
        items = evidence.items_for(self.school, trust, top, self.session.evaluation.shape_of(top.trust_code))
        expect(bool(items), f"no DfE evidence items for {top.trust_name}")
        return f"{len(ranking)} trusts ranked; first {top.trust_name} ({top.total:.0f}), {len(items)} evidence items"

    def grid_references(self) -> str:
        # The GIAS importer converts British National Grid metres with pyproj, which needs its PROJ data
        # files: in a bundle they come only if the build collected them.
        from trustmatch.data.gias import _bng_to_wgs84

        lon, lat = _bng_to_wgs84().transform(self.school.easting, self.school.northing)
        error = max(abs(lat - self.school.lat), abs(lon - self.school.lon))
        expect(error < 1e-5, f"grid reference {self.school.easting}, {self.school.northing} -> {lat:.6f}, {lon:.6f}, "
                             f"the register says {self.school.lat}, {self.school.lon}")
        return f"{self.school.easting}, {self.school.northing} -> {lat:.5f} N, {-lon:.5f} W (pyproj)"

    def window(self) -> str:
        from PySide6.QtGui import QImage
        from PySide6.QtWidgets import QApplication

        from trustmatch.ui.app import app_icon
        from trustmatch.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication(sys.argv[:1])
        icon = app_icon()
        expect(len(icon.availableSizes()) >= 8, f"the app icon has {len(icon.availableSizes())} sizes, not 8")
        app.setWindowIcon(icon)
        window = MainWindow(self.session, None)
        try:
            window.resize(1280, 800)
            window.show()
            app.processEvents()
            window.map.show_chosen(self.session.school_row)
            app.processEvents()
            path = self.folder / "window.png"
            expect(window.grab().save(str(path)), f"the window could not be saved to {path}")
        finally:
            window.close()
            window.deleteLater()
        image = QImage(str(path))
        expect(image.width() == 1280 and image.height() == 800, f"window image is {image.width()}x{image.height()}")
        small = image.scaled(160, 100)
        colours = {small.pixel(x, y) for x in range(small.width()) for y in range(small.height())}
        expect(len(colours) >= 50, f"the window image looks blank ({len(colours)} colours)")
        sizes = len(icon.availableSizes())
        return f"1280x800 offscreen, {len(colours)} colours, {path.stat().st_size:,} bytes; icon in {sizes} sizes"

    def _briefing(self):
        from trustmatch.export import briefing

        s = self.session
        return briefing.for_top(self.dataset, s.engine, self.school, s.weights, s.filters, EXPORT_TOP, s.ranking)

    def csv(self) -> str:
        import csv

        from trustmatch.export import csvfile

        briefing = self._briefing()
        path = csvfile.write(self.folder / "shortlist.csv", [briefing])
        raw = path.read_bytes()
        expect(raw.startswith(b"\xef\xbb\xbf"), "the CSV lacks the UTF-8 byte order mark Excel needs")
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
        expect(len(rows) == 1 + len(briefing.trusts), f"{len(rows) - 1} CSV rows for {len(briefing.trusts)} trusts")
        top = briefing.trusts[0].candidate.trust_name
        expect(top in rows[1], f"the first CSV row does not name {top}")
        unsafe = [cell for row in rows for cell in row if cell[:1] in ("=", "+", "@", "\t", "\r")]
        expect(not unsafe, f"CSV cells that Excel would run as formulas: {unsafe[:3]}")
        return f"{path.name}: {len(rows) - 1} trusts x {len(rows[0])} columns, {len(raw):,} bytes"

    def xlsx(self) -> str:
        import zipfile

        from trustmatch.export import workbook

        briefing = self._briefing()
        path = workbook.write(self.folder / "shortlist.xlsx", [briefing])
        with zipfile.ZipFile(path) as book:
            expect(book.testzip() is None, "the workbook's zip is damaged")
            names = book.namelist()
            sheets = [n for n in names if n.startswith("xl/worksheets/sheet")]
            text = "".join(book.read(n).decode("utf-8") for n in names if n.endswith(".xml"))
        top = briefing.trusts[0].candidate.trust_name
        expect(len(sheets) >= 2, f"the workbook has {len(sheets)} sheet(s)")
        expect(escape(top, quote=False) in text, f"the workbook does not name {top}")
        return f"{path.name}: {len(sheets)} sheets, {path.stat().st_size:,} bytes"

    def pdf(self) -> str:
        import re

        from trustmatch.ui import pdf

        path = pdf.write(self.folder / "briefing.pdf", self._briefing())
        data = path.read_bytes()
        expect(data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), "the PDF is not a complete PDF file")
        pages = len(re.findall(rb"/Type\s*/Page\b", data))
        expect(pages >= 2, f"the briefing pack has {pages} page(s)")
        return f"{path.name}: {pages} pages, {len(data):,} bytes"

    def batch(self) -> str:
        # Several PDF packs in worker processes: a frozen program must start copies of itself for them.
        from trustmatch.data import paths
        from trustmatch.export.batch import Job, export_schools
        from trustmatch.ui import pdf

        s = self.session
        rows = [self.school.index] + [self.dataset.index_of_urn(urn) for urn in BATCH_URNS]
        folder = self.folder / "batch"
        folder.mkdir()
        job = Job("pdf", folder, dict(s.weights), s.filters, 3, paths.bundled_dataset(), pdf.write)
        result = export_schools(self.dataset, s.engine, rows, job, processes=2)
        expect(not result.failures, "; ".join(f"{o.urn}: {o.problem}" for o in result.failures))
        written = sorted(folder.glob("*.pdf"))
        expect(len(written) == len(rows), f"{len(written)} PDF files for {len(rows)} schools")
        expect(all(p.read_bytes().startswith(b"%PDF-") for p in written), "a batch file is not a PDF")
        return f"{len(written)} PDF packs by 2 worker processes"

    # --- running ----------------------------------------------------------------

    def steps(self) -> list[tuple[str, str | None, Callable[[], str]]]:
        """(name, the step it needs, what it does)."""
        return [
            ("data", None, self.data),
            ("find", "data", self.find),
            ("rank", "find", self.rank),
            ("grid-refs", "find", self.grid_references),
            ("window", "rank", self.window),
            ("csv", "rank", self.csv),
            ("xlsx", "rank", self.xlsx),
            ("pdf", "rank", self.pdf),
            ("batch", "pdf", self.batch),
        ]

    def run(self) -> bool:
        done: set[str] = set()
        failed = False
        exports = exports_available()
        for name, needs, step in self.steps():
            if name in EXPORT_STEPS and not exports:
                self.say("n/a", name, "this version has no exports (trustmatch.export)")
                continue
            if needs is not None and needs not in done:
                failed = True
                self.say("skip", name, f"needs the '{needs}' step")
                continue
            start = time.perf_counter()
            try:
                detail = step()
            except StepFailed as err:
                failed = True
                self.say("FAIL", name, str(err))
            except Exception as err:  # a broken install can fail in any way: report it and go on
                failed = True
                self.say("FAIL", name, f"{type(err).__name__}: {err}")
                traceback.print_exc(file=sys.stderr)
            else:
                done.add(name)
                self.say("ok", name, f"{detail} [{time.perf_counter() - start:.2f} s]")
        return not failed

    def say(self, status: str, name: str, text: str) -> None:
        print(f"{status:<4} {name:<9} {text}", file=self.out, flush=True)


def run(args=None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from trustmatch import __version__

    frozen = "frozen bundle" if getattr(sys, "frozen", False) else "Python " + sys.version.split()[0]
    print(f"TrustMatch {__version__} self-test ({frozen}, {sys.platform})", flush=True)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="trustmatch-selftest-") as folder:
        passed = SelfTest(Path(folder)).run()
    verdict = "passed" if passed else "FAILED"
    if not exports_available():
        verdict += f" ({len(EXPORT_STEPS)} export steps not available in this version)"
    print(f"self-test {verdict} in {time.perf_counter() - start:.1f} s", flush=True)
    return 0 if passed else 1
