"""CSV and Excel exports read back: BOM, formula safety, sheets, headers, values, number formats; safe writing."""

from __future__ import annotations

import csv
import dataclasses
import errno
import io
from collections import Counter

import numpy as np
import openpyxl
import pytest

from trustmatch.data import paths
from trustmatch.export import briefing as content
from trustmatch.export import csvfile, files, workbook
from trustmatch.export.briefing import TrustNote
from trustmatch.export.files import ExportProblem, safe_filename
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import PRESETS, Filters

# openpyxl cannot read the data bars Excel shows on the Total column; it says so and carries on.
pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")

OTTERY = 113105  # Ottery St Mary Primary School, Devon: no religious character
LIGHTHOUSE_SCHOOL = 143283  # in LIGHTHOUSE SCHOOLS PARTNERSHIP, which is scored as its current trust


@pytest.fixture(scope="module")
def top10(dataset, engine):
    school = dataset.school_by_urn(OTTERY)
    return content.for_top(dataset, engine, school, PRESETS["balanced"], Filters(), 10)


def members_most_often_in(dataset, trust, field: str) -> str:
    """Where most of a trust's schools are, counted from the register's rows (ties: the first name)."""
    counts = Counter(getattr(dataset.school(row), field) for row in trust.members)
    return min(counts, key=lambda name: (-counts[name], name))


def far_trust(dataset, school, km: float = 60):
    """A trust with no school within `km` of the school: hidden by the default distance filter."""
    return next(
        t
        for t in dataset.trusts.of_type("MAT")
        if t.members and np.hypot(*(dataset.xy[list(t.members)] - dataset.xy[school.index]).T).min() > km * 1000
    )


def read_csv(path):
    raw = path.read_bytes()
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# --- the briefing ----------------------------------------------------------------


def test_briefing_holds_the_ranking_with_facts_members_and_evidence(top10, dataset, engine):
    ranking = engine.evaluate(top10.school.index).rank(PRESETS["balanced"], Filters())
    assert [t.code for t in top10.trusts] == [c.trust_code for c in ranking.rows(10)]
    assert top10.data_date == "2025-07-18" and "18 July 2025" in top10.attribution[0]
    first = top10.trusts[0]
    # members: every school of the trust but the subject, nearest first, distances from the school
    assert len(first.members) == first.trust.school_count
    distances = [km for _, km in first.members]
    assert distances == sorted(distances) and distances[0] == pytest.approx(first.candidate.nearest_km)
    assert {item.kind for item in first.evidence.items} == {"context", "benefit", "obstacle"}
    indicators = [item.this_trust for item in first.evidence.items]
    assert any(f"the nearest is {first.candidate.nearest_same_phase_km:.1f} km" in text for text in indicators)
    # read from the register, not written in: a refit of the scoring may put another trust first
    assert first.facts["regions"].startswith(members_most_often_in(dataset, first.trust, "region") + " ")


def test_current_trust_is_seen_without_the_school(dataset, engine):
    school = dataset.school_by_urn(LIGHTHOUSE_SCHOOL)
    briefing = content.for_top(dataset, engine, school, PRESETS["balanced"], Filters(max_km=None), 30)
    own = next(t for t in briefing.trusts if t.candidate.is_current_trust)
    assert school.index not in [s.index for s, _ in own.members]
    assert len(own.members) == own.trust.school_count - 1


def test_shortlist_keeps_order_notes_and_trusts_the_filters_hide(dataset, engine, top10):
    school = top10.school
    far = far_trust(dataset, school)
    codes = [top10.trusts[2].code, far.code, "no-such-trust", top10.trusts[0].code]
    notes = {codes[0]: TrustNote("to visit", "Ring the CEO", "Take forward", "Good fit")}
    briefing = content.for_trusts(
        dataset, engine, school, PRESETS["balanced"], Filters(), codes, notes, {"no-such-trust": "Gone Trust"}
    )
    assert [t.code for t in briefing.trusts] == [codes[0], far.code, codes[3]]
    assert briefing.missing == ["Gone Trust"]
    assert briefing.trusts[1].candidate.rank is None  # hidden by the 50 km filter, still exported
    assert briefing.trusts[0].note.notes == "Ring the CEO" and briefing.kind == "shortlist"


# --- CSV ---------------------------------------------------------------------------


def test_csv_has_bom_every_column_and_the_ranked_rows(top10, dataset, tmp_path):
    path = csvfile.write(tmp_path / "x.csv", [top10])
    raw, rows = read_csv(path)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert len(rows) == 10
    assert [r["Rank"] for r in rows] == [str(i) for i in range(1, 11)]
    assert [r["Trust"] for r in rows] == [t.name for t in top10.trusts]
    first, candidate = rows[0], top10.trusts[0].candidate
    assert first["School URN"] == str(OTTERY) and first["Data date"] == "2025-07-18"
    assert first["Weight geography"] == "1" and "within 50 km" in first["Filters"]
    assert float(first["Total"]) == round(candidate.total, 1)
    for name in CRITERIA:
        assert float(first[name.capitalize()]) == round(candidate.scores[name], 1)
        assert first[f"{name.capitalize()} reason"] == candidate.reasons[name]
    top = top10.trusts[0].trust
    assert first["Local authorities"].startswith(members_most_often_in(dataset, top, "la_name") + " ")
    assert first["Regions"].startswith(members_most_often_in(dataset, top, "region") + " ")
    assert sum(int(r["Trust schools"]) for r in rows) == sum(t.candidate.schools for t in top10.trusts)


def test_csv_neutralises_formulas_in_names(top10, tmp_path):
    evil = dataclasses.replace(top10.school, name='=HYPERLINK("http://x","click")', la_name="+cmd|' /C calc'!A0")
    briefing = dataclasses.replace(top10, school=evil)
    _, rows = read_csv(csvfile.write(tmp_path / "evil.csv", [briefing]))
    assert rows[0]["School"] == '\'=HYPERLINK("http://x","click")'
    assert rows[0]["School local authority"].startswith("'+")
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csvfile.safe_cell(start + "x") == "'" + start + "x"
    assert csvfile.safe_cell("St Mary's") == "St Mary's" and csvfile.safe_cell(-2.5) == -2.5


def test_csv_keeps_accents_and_line_breaks_in_notes(dataset, engine, top10, tmp_path):
    code = top10.trusts[0].code
    note = TrustNote("to explore", 'Café meeting,\nthen "visit"', "", "")
    briefing = content.for_trusts(dataset, engine, top10.school, PRESETS["balanced"], Filters(), [code], {code: note})
    _, rows = read_csv(csvfile.write(tmp_path / "notes.csv", [briefing]))
    assert rows[0]["Notes"] == 'Café meeting,\nthen "visit"' and rows[0]["Status"] == "to explore"


# --- Excel -------------------------------------------------------------------------


def test_workbook_sheets_headers_values_and_formats(top10, tmp_path):
    path = workbook.write(tmp_path / "x.xlsx", [top10])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Trusts", "Member schools", "Evidence", "Sources"]
    sheet = book["Trusts"]
    assert "Ottery St Mary Primary School" in sheet["A1"].value and "18 July 2025" in sheet["A2"].value
    headers = [c.value for c in sheet[4]]
    assert headers[:4] == ["Rank", "Trust", "Group UID", "Total"] and "Geography reason" in headers
    assert "Status" not in headers  # no shortlist notes in a top-N export
    column = {h: i for i, h in enumerate(headers)}
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=5)]
    assert len(rows) == 10
    assert [r[column["Trust"]].value for r in rows] == [t.name for t in top10.trusts]
    total, robust = rows[0][column["Total"]], rows[0][column["Robustness"]]
    assert total.value == pytest.approx(top10.trusts[0].candidate.total) and total.number_format == "0.0"
    assert robust.number_format == "0%" and 0 <= robust.value <= 1
    assert rows[0][column["Trust pupils"]].number_format == "#,##0"
    assert sheet.freeze_panes == "C5" and sheet.auto_filter.ref.startswith("A4:")
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width

    members = book["Member schools"]
    member_rows = list(members.iter_rows(min_row=5, values_only=True))
    assert len(member_rows) == sum(len(t.members) for t in top10.trusts)
    first_trust = [r for r in member_rows if r[1] == top10.trusts[0].code]
    assert first_trust[0][3] == top10.trusts[0].candidate.nearest_school  # nearest first
    assert members.freeze_panes == "A5"

    evidence = list(book["Evidence"].iter_rows(min_row=5, values_only=True))
    assert len(evidence) == sum(len(t.evidence.items) for t in top10.trusts)
    assert evidence[0][:2] == (top10.trusts[0].name, "What recent joiners said overall")
    first = top10.trusts[0].evidence.items
    said = {row[3]: row[4] for row in evidence if row[0] == top10.trusts[0].name}
    for item in first:
        if item.figures:
            assert said[item.title].startswith(f"{item.figures[0].percent}% ")
        else:  # each item's own source says why there is no percentage: a list, or a guidance with its date
            assert said[item.title] == item.source.caveat
    guidance = [said[i.title] for i in first if i.heading == "Dated guidance on trust size"]
    assert len(guidance) == 2 and "December 2016" in guidance[0] and "2022 White Paper" in guidance[1]
    sources = " ".join(str(v) for row in book["Sources"].iter_rows(values_only=True) for v in row if v)
    assert top10.attribution[0] in sources and top10.attribution[1] in sources
    assert "Department for Education, 17 November 2021" in sources and "hit@10" in sources
    assert "Confederation of School Trusts" in sources


def test_combined_workbook_lists_schools_and_each_trust_once(dataset, engine, tmp_path):
    schools = [dataset.school_by_urn(u) for u in (OTTERY, 100000)]
    briefings = [content.for_top(dataset, engine, s, PRESETS["balanced"], Filters(), 5) for s in schools]
    book = openpyxl.load_workbook(workbook.write(tmp_path / "all.xlsx", briefings))
    assert book.sheetnames == ["Trusts", "Member schools", "Sources"]
    rows = list(book["Trusts"].iter_rows(min_row=5, values_only=True))
    assert [r[0] for r in rows] == [OTTERY] * 5 + [100000] * 5
    codes = {t.code for b in briefings for t in b.trusts}
    member_codes = [r[1] for r in book["Member schools"].iter_rows(min_row=5, values_only=True)]
    assert set(member_codes) == codes
    assert len(member_codes) == sum(dataset.trusts.by_code(c).school_count for c in codes)


def test_workbook_with_shortlist_notes(dataset, engine, top10, tmp_path):
    code = top10.trusts[1].code
    briefing = content.for_trusts(
        dataset,
        engine,
        top10.school,
        PRESETS["balanced"],
        Filters(),
        [code],
        {code: TrustNote("to visit", "@risk: check finances", "Need more information", "")},
    )
    sheet = openpyxl.load_workbook(workbook.write(tmp_path / "s.xlsx", [briefing]))["Trusts"]
    headers = [c.value for c in sheet[4]]
    row = {h: c.value for h, c in zip(headers, sheet[5])}
    assert row["Status"] == "to visit" and row["Notes"] == "'@risk: check finances"
    assert row["Rank"] == top10.trusts[1].candidate.rank


# --- safe writing ------------------------------------------------------------------


def _only(folder):
    return sorted(p.name for p in folder.iterdir())


def test_missing_folder_is_one_sentence_and_nothing_is_written(top10, tmp_path):
    with pytest.raises(ExportProblem, match="there is no folder"):
        workbook.write(tmp_path / "nowhere" / "x.xlsx", [top10])
    assert not (tmp_path / "nowhere").exists()


def test_full_disk_leaves_no_partial_file_and_keeps_the_old_one(top10, tmp_path, monkeypatch):
    target = tmp_path / "x.csv"
    target.write_text("old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(paths.os, "fsync", full)
    with pytest.raises(ExportProblem, match="is full"):
        csvfile.write(target, [top10])
    assert _only(tmp_path) == ["x.csv"] and target.read_text() == "old"


def test_file_open_in_another_program(top10, tmp_path, monkeypatch):
    target = tmp_path / "x.xlsx"
    target.write_bytes(b"old")

    def refuse(src, dst):  # what Windows does while Excel holds the file
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(paths.os, "replace", refuse)
    with pytest.raises(ExportProblem, match="open in another program"):
        workbook.write(target, [top10])
    assert _only(tmp_path) == ["x.xlsx"] and target.read_bytes() == b"old"


def test_unwritable_folder(top10, tmp_path, monkeypatch):
    def denied(**where):  # what a folder without write permission gives (root, running the tests, is never refused)
        raise PermissionError(errno.EACCES, "Permission denied", str(where.get("dir")))

    monkeypatch.setattr(paths.tempfile, "mkstemp", denied)
    with pytest.raises(ExportProblem, match="cannot be written to"):
        csvfile.write(tmp_path / "x.csv", [top10])
    assert _only(tmp_path) == []


def test_a_cancel_mid_write_leaves_nothing(top10, tmp_path):
    from trustmatch.progress import Cancelled, Task

    task = Task()
    task.cancel()
    with pytest.raises(Cancelled):
        csvfile.write(tmp_path / "x.csv", [top10, top10], task)
    assert _only(tmp_path) == []


@pytest.mark.parametrize(
    "stem, expected",
    [
        ("100000 Sir John Cass's Foundation Primary School", "100000 Sir John Cass's Foundation Primary School.pdf"),
        ('123 St Mary & St John C/E: "Primary"?', "123 St Mary and St John C E Primary.pdf"),
        ("CON", "_CON.pdf"),
        ("lpt1.backup", "_lpt1.backup.pdf"),
        ("École Saint-Étienne", "Ecole Saint-Etienne.pdf"),
        ("...", "_.pdf"),
        ("name. ", "name.pdf"),
    ],
)
def test_safe_filenames(stem, expected):
    assert safe_filename(stem, ".pdf") == expected


def test_long_names_are_cut(dataset):
    name = safe_filename("9" * 300, ".xlsx")
    assert len(name) == files.MAX_STEM + len(".xlsx")


def test_backtest_figures_are_those_of_docs_validation():
    """The packs quote docs/validation.md; the copy they read must not drift from it."""
    from pathlib import Path

    document = (Path(__file__).resolve().parents[2] / "docs" / "validation.md").read_text(encoding="utf-8")
    figures = content.backtest()
    assert len(figures["rows"]) >= 3
    for row in figures["rows"]:
        cells = " | ".join(f"{row[c]:.2f}" if isinstance(row[c], float) else str(row[c]) for c in figures["columns"])
        assert f"| {cells} |" in document, row["ranking"]


def test_the_packs_quote_the_ranking_in_use_not_its_first_version():
    """The method page gave the first version's figures (hit@1 0.28, hit@10 0.70) as TrustMatch's while the
    calibrated scoring in use found more (docs/validation.md marks its row "scoring.json` now")."""
    from pathlib import Path

    document = (Path(__file__).resolve().parents[2] / "docs" / "validation.md").read_text(encoding="utf-8")
    current = next(line for line in document.splitlines() if "scoring.json` now" in line and line.startswith("|"))
    figures = content.backtest()
    ours = [row for row in figures["rows"] if row["ranking"].startswith("TrustMatch")]
    assert ours, "the pack names no TrustMatch row"
    cells = " | ".join(f"{ours[0][c]:.2f}" if isinstance(ours[0][c], float) else str(ours[0][c])
                       for c in figures["columns"])
    assert current.rstrip().endswith(f"| {cells} |"), (current, cells)


def test_the_method_in_brief_says_how_the_total_is_made():
    """It said "the average of the four"; the total is a weighted geometric mean (docs/scoring.md), which is
    why one very low score (nothing near the school) sinks a trust."""
    from pathlib import Path

    scoring = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    assert "weighted geometric mean" in scoring
    assert "weighted geometric mean" in content.METHOD and "average" not in content.METHOD


def test_a_real_shortlist_exports_in_its_order_with_its_notes(dataset, engine, top10, tmp_path):
    from trustmatch.app.shortlist import ShortlistDocument

    weights = PRESETS["rural primary"]
    document = ShortlistDocument.new(top10.school, dataset.data_date, weights, Filters())
    ranking = engine.evaluate(top10.school.index).rank(weights, Filters())
    for i in (3, 0):
        document.add(ranking.candidate(i), dataset.data_date, weights)
    first, second = ranking.candidate(3).trust_code, ranking.candidate(0).trust_code
    document.set_status(first, "to visit")
    document.set_notes(first, "=1+1 is not a formula here")
    document.set_decision(second, "proceed")
    briefing = content.for_shortlist(dataset, engine, document.shortlist)
    assert [t.code for t in briefing.trusts] == [first, second] and briefing.preset == "rural primary"
    _, rows = read_csv(csvfile.write(tmp_path / "s.csv", [briefing]))
    assert [r["Status"] for r in rows] == ["to visit", "to explore"]
    assert rows[0]["Notes"] == "'=1+1 is not a formula here" and rows[1]["Decision"] == "Take forward"
    assert rows[0]["Rank"] == "4" and "(preset 'rural primary')" not in rows[0]["Filters"]
