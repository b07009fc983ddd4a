"""What the ranking tells a school before its list reaches the exports: a reader of the CSV, the workbook or the
pack needs it as much as the window's user (a nursery school cannot become an academy; the only school of its
trust does not see that trust listed; nothing in reach but its own trust)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from trustmatch.export import briefing as content
from trustmatch.export import csvfile, pack, workbook
from trustmatch.fit.ranking import NURSERY_NOTICE, PRESETS, Filters

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")

HARVEY = 138480  # The Harvey Grammar School, Folkestone: the only school of THE HARVEY ACADEMY
ABBEY_GREEN = 107188  # Abbey Green Nursery School, Bradford: a maintained nursery school
OTTERY = 113105  # Ottery St Mary Primary School, Devon: nothing to tell
ABBEYWOOD = 142541  # Abbeywood First School, Redditch: in CENTRAL REGION SCHOOLS TRUST, its school 0.0 km away

HARVEY_NOTICE = (
    "THE HARVEY ACADEMY is not listed: The Harvey Grammar School is its only school, so without it there is nothing "
    "to score. The trusts listed are ones the school and its trust could join or merge with."
)


def top(dataset, engine, urn, n=3, filters=None):
    school = dataset.school_by_urn(urn)
    return content.for_top(dataset, engine, school, PRESETS["balanced"], filters or Filters(), n)


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_the_briefing_carries_the_rankings_notice(dataset, engine):
    assert top(dataset, engine, HARVEY).notice == HARVEY_NOTICE
    assert top(dataset, engine, ABBEY_GREEN).notice == NURSERY_NOTICE
    assert top(dataset, engine, OTTERY).notice is None
    # filters that leave only its own trust: the reader is told why the list holds one trust
    alone = top(dataset, engine, ABBEYWOOD, 5, Filters(max_km=0.5))
    assert [t.candidate.is_current_trust for t in alone.trusts] == [True]
    assert alone.notice.startswith("No other trust is left for Abbeywood First School within 0.5 km")


def test_a_shortlist_keeps_the_schools_notice_not_the_filtered_lists(dataset, engine):
    school = dataset.school_by_urn(ABBEYWOOD)
    ranked = top(dataset, engine, ABBEYWOOD, 3)
    codes = [t.code for t in ranked.trusts]
    shortlist = content.for_trusts(dataset, engine, school, PRESETS["balanced"], Filters(max_km=0.5), codes)
    assert [t.code for t in shortlist.trusts] == codes and shortlist.notice is None  # its trusts are all there
    harvey = dataset.school_by_urn(HARVEY)
    codes = [t.code for t in top(dataset, engine, HARVEY).trusts]
    assert content.for_trusts(dataset, engine, harvey, PRESETS["balanced"], Filters(), codes).notice == HARVEY_NOTICE


def test_every_csv_row_of_a_school_has_its_notice(dataset, engine, tmp_path):
    briefings = [top(dataset, engine, HARVEY), top(dataset, engine, OTTERY), top(dataset, engine, ABBEY_GREEN)]
    rows = read_csv(csvfile.write(tmp_path / "all.csv", briefings))
    assert [(r["School URN"], r["Notice"]) for r in rows] == [
        *[(str(HARVEY), HARVEY_NOTICE)] * 3,
        *[(str(OTTERY), "")] * 3,
        *[(str(ABBEY_GREEN), NURSERY_NOTICE)] * 3,
    ]


def test_a_schools_workbook_says_its_notice_above_the_table(dataset, engine, tmp_path):
    harvey = top(dataset, engine, HARVEY)
    sheet = openpyxl.load_workbook(workbook.write(tmp_path / "h.xlsx", [harvey]))["Trusts"]
    assert sheet["A3"].value == HARVEY_NOTICE and sheet["A3"].font.b
    assert sheet["A4"].value.startswith("Scores are 0-100")
    headers = [c.value for c in sheet[5]]
    assert headers[:2] == ["Rank", "Trust"] and "Notice" not in headers
    trusts = [r[1] for r in sheet.iter_rows(min_row=6, values_only=True)]
    assert trusts == [t.name for t in harvey.trusts] and "THE HARVEY ACADEMY" not in trusts
    assert sheet.freeze_panes == "C6" and sheet.auto_filter.ref.startswith("A5:")
    # nothing to tell: the table starts where it always did
    plain = openpyxl.load_workbook(workbook.write(tmp_path / "o.xlsx", [top(dataset, engine, OTTERY)]))["Trusts"]
    assert plain["A3"].value.startswith("Scores are 0-100") and plain["A4"].value == "Rank"


def test_a_combined_workbook_has_a_notice_column(dataset, engine, tmp_path):
    briefings = [top(dataset, engine, OTTERY, 2), top(dataset, engine, ABBEY_GREEN, 2)]
    sheet = openpyxl.load_workbook(workbook.write(tmp_path / "all.xlsx", briefings))["Trusts"]
    headers = [c.value for c in sheet[4]]
    urn, notice = headers.index("School URN"), headers.index("Notice")
    rows = [(r[urn], r[notice]) for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert rows == [(OTTERY, None), (OTTERY, None), (ABBEY_GREEN, NURSERY_NOTICE), (ABBEY_GREEN, NURSERY_NOTICE)]


def test_the_packs_cover_says_the_notice_before_its_list_of_trusts(dataset, engine):
    cover = pack.cover(top(dataset, engine, HARVEY))
    notice = cover.index("THE HARVEY ACADEMY is not listed: The Harvey Grammar School is its only school")
    assert cover.index("The trusts in this pack") < notice < cover.index("<th>Trust</th>")
    assert "is not listed" not in pack.cover(top(dataset, engine, OTTERY))


def test_the_packs_cover_says_no_religious_character_in_words(dataset, engine):
    # the register's "None" read as the school's religious character was "Secondary, Academy converter, None"
    cover = pack.cover(top(dataset, engine, HARVEY))
    assert "Secondary, Academy converter, no religious character; 1,015 pupils" in cover
    assert "Catholic" in pack.cover(top(dataset, engine, 100631))  # St Bede's Catholic Infant School keeps its own


# --- the school's own trust of no other school, shown anyway (a shortlist, the window's --trust) -------------


def harvey_academy(dataset, engine, filters=None):
    """THE HARVEY ACADEMY seen from its one school: never listed, still shown when asked for."""
    harvey = dataset.school_by_urn(HARVEY)
    ranking = engine.evaluate(harvey.index).rank(PRESETS["balanced"], filters or Filters())
    return ranking.candidate_for(harvey.trust_code), ranking.evaluation.shape_of(harvey.trust_code)


def test_a_trust_of_no_other_school_has_no_rank_no_hubs_and_no_scores_to_show(dataset, engine):
    from trustmatch.export import trust_html

    candidate, shape = harvey_academy(dataset, engine)
    assert candidate.rank is None and candidate.schools == 0
    assert trust_html.rank_text(candidate) == "not listed: it has no school but this one"
    trust = dataset.trusts.by_code(candidate.trust_code)
    # before: "Hubs 0: ; spread 0 km", and scores such as ethos 57 beside "nothing to measure"
    assert "<td class='label'>Hubs</td><td>none</td>" in trust_html.facts(trust, shape)
    scores = trust_html.scores(candidate)
    assert scores.count("<td class='score'>-</td>") == 4 and "nothing to compare" in scores


def test_rank_text_of_listed_and_filtered_trusts(dataset, engine):
    from trustmatch.export import trust_html

    ranked = top(dataset, engine, OTTERY, 1).trusts[0].candidate
    assert trust_html.rank_text(ranked) == "rank 1"
    school = dataset.school_by_urn(OTTERY)
    ranking = engine.evaluate(school.index).rank(PRESETS["balanced"], Filters(max_km=3.0))
    hidden = ranking.candidate_for(ranked.trust_code)
    assert trust_html.rank_text(hidden) == "not listed under these filters"
    assert "<td class='score'>-</td>" not in trust_html.scores(hidden)  # it has schools: its scores stand
