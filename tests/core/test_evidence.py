"""The evidence beside each candidate: right figures under the right headings, plainly sourced, tied to the trust."""

from __future__ import annotations

import pytest

from trustmatch.fit import evidence
from trustmatch.fit.ranking import PRESETS

PORTBURY = 143283  # St Mary's CofE Primary, Portbury (a primary, in Lighthouse Schools Partnership)
NEWMAN = 111456  # Cardinal Newman Catholic High School, Warrington (a maintained secondary)
WOODBRIDGE = 131201  # The Woodbridge Park Education Service (alternative provision: both phases speak)
BATH_AND_WELLS = "2250"
LIGHTHOUSE = "16340"
HOLY_FAMILY = "3458"  # 9 Catholic schools in the Diocese of Shrewsbury, 3,850 pupils without Newman
KALEIDOSCOPE = "16798"  # 7 schools, 2,011 pupils
JEWISH_COMMUNITY = "17202"  # 4 schools, 1,282 pupils

BENEFITS = [
    "Collaborating with schools that share our ethos and values",
    "Being able to keep the school's identity",
    "More collaboration and more professional development",
    "Less burden through shared responsibilities",
    "More financial security",
]


@pytest.fixture(scope="module")
def panel(engine, dataset):
    def content(urn: int, code: str) -> evidence.Evidence:
        school = dataset.school_by_urn(urn)
        evaluation = engine.evaluate(school.index)
        candidate = evaluation.rank(PRESETS["balanced"]).candidate_for(code)
        return evidence.evidence_for(school, dataset.trusts.by_code(code), candidate, evaluation.shape_of(code))

    return content


def titles(content: evidence.Evidence, heading: str) -> list[str]:
    return [item.title for item in content.items if item.heading == heading]


def item(content: evidence.Evidence, title: str) -> evidence.EvidenceItem:
    return next(i for i in content.items if i.title == title)


def test_a_primary_school_sees_primary_findings_under_their_headings(panel):
    primary = panel(PORTBURY, BATH_AND_WELLS)
    assert titles(primary, "Perceived benefits") == BENEFITS
    assert titles(primary, "Other improvements recent joiners reported") == ["Sense of direction and purpose"]
    assert titles(primary, "Obstacles recent joiners reported") == [
        "No negatives at all", "Reduced autonomy", "Adapting to new processes", "Extra workload",
    ]  # less control over finances and things taking longer were reported by secondaries only
    assert titles(primary, "Why maintained schools had not joined") == [
        "Loss of autonomy", "Loss of culture, or of what is special about the school", "Expected some negatives",
    ]
    assert item(primary, "Expected some negatives").kind == "context"
    collaboration = item(primary, "More collaboration and more professional development")
    assert [(f.percent, f.phase) for f in collaboration.figures] == [(60, "primary"), (51, "primary"), (43, "primary")]
    assert all(f.source.key == "dfe2021" for f in collaboration.figures)
    assert [f.percent for f in item(primary, "Overall impact of joining").figures] == [82, 4]


def test_a_secondary_school_sees_secondary_findings_under_their_headings(panel):
    secondary = panel(NEWMAN, HOLY_FAMILY)
    assert titles(secondary, "Perceived benefits") == BENEFITS
    assert titles(secondary, "Other improvements recent joiners reported") == [
        "Sense of direction and purpose", "Quality of governance", "Leadership",
    ]
    assert titles(secondary, "Obstacles recent joiners reported") == [
        "No negatives at all", "Reduced autonomy", "Less control over finances", "Things take longer",
    ]
    collaboration = item(secondary, "More collaboration and more professional development")
    assert [f.percent for f in collaboration.figures] == [73, 34]  # staff training: primaries only
    assert [f.percent for f in item(secondary, "Things take longer").figures] == [12]
    assert [f.percent for f in item(secondary, "Expected some negatives").figures] == [87]


def test_no_obstacle_is_shown_as_a_benefit_and_no_gap_as_zero(panel):
    for content in (panel(PORTBURY, BATH_AND_WELLS), panel(NEWMAN, HOLY_FAMILY), panel(WOODBRIDGE, LIGHTHOUSE)):
        for i in content.items:
            assert i.kind in evidence.KINDS
            assert all(f.percent > 0 for f in i.figures)  # '-' in the study's tables is never 0%
            if i.kind == "obstacle":
                assert i.figures, f"{i.title}: an obstacle is shown only with the figure that makes it one"
                assert i.heading in ("Obstacles recent joiners reported", "Why maintained schools had not joined")
            if i.heading == "Perceived benefits":
                assert i.kind == "benefit" and i.source.key == "cst"
        # the improvements joiners reported are not "less burden"; burden carries no borrowed figure
        assert item(content, "Less burden through shared responsibilities").figures == ()
        assert "Less control over finances" not in titles(content, "Perceived benefits")


def test_a_school_of_neither_phase_sees_both_phases_figures(panel):
    special = panel(WOODBRIDGE, LIGHTHOUSE)
    assert [(f.percent, f.phase) for f in item(special, "Less control over finances").figures] == [(18, "secondary")]
    training = item(special, "More collaboration and more professional development").figures
    assert [(f.percent, f.phase) for f in training] == [
        (60, "primary"), (73, "secondary"), (51, "primary"), (34, "secondary"), (43, "primary"),
    ]


def test_sources_caveat_and_dated_guidance_are_stated(panel):
    content = panel(PORTBURY, BATH_AND_WELLS)
    assert "17 November 2021" in content.caveat
    assert "as reported by education business uk" in content.caveat.lower()
    assert "Keystone Knowledge and Tes" in content.caveat and "not read from the study's own PDF" in content.caveat
    assert "not judgements of the trust" in content.disclaimer
    cst = item(content, BENEFITS[0]).source
    assert "Confederation of School Trusts" in cst.citation and "Cruddas" in cst.citation
    assert "Joining a Trust - the case for collaboration" in cst.citation and "DfE's 2021 research" in cst.citation
    scrutiny, size = (i for i in content.items if i.heading == "Dated guidance on trust size")
    assert "December 2016" in scrutiny.title and "2,000 pupils" in scrutiny.title
    assert "2022 Schools White Paper" in size.title and "10 schools or 7,500 pupils" in size.title
    assert scrutiny.kind == size.kind == "context"
    assert all("not as a current rule" in i.source.caveat for i in (scrutiny, size))


def test_each_item_is_tied_to_the_trusts_own_figures(panel):
    content = panel(NEWMAN, HOLY_FAMILY)
    tie = {i.title: i.this_trust for i in content.items}
    assert tie[BENEFITS[0]] == (
        "Trust schools by religious character: 9 Roman Catholic; dioceses: 9 in the Diocese of Shrewsbury. "
        "This school: Roman Catholic, Diocese of Shrewsbury."
    )
    assert tie[BENEFITS[1]].startswith("This school would be one of 10 schools")
    assert tie[BENEFITS[2]] == "2 secondary schools in the trust; the nearest is 29.8 km from this school."
    assert "3,850 pupils in 9 schools, below the 7,500" in tie[BENEFITS[3]]
    assert tie["Reduced autonomy"] == "Its schools are in 4 local authorities and 1 region, in 3 hubs."
    assert "its nearest school 1.3 km" in tie["Things take longer"]
    assert tie["Loss of culture, or of what is special about the school"] == tie[BENEFITS[1]]
    assert tie["Quality of governance"] == ""  # the register holds nothing on it: no tie claimed
    assert "over that line" in tie[next(t for t in tie if t.startswith("December 2016"))]
    assert "short of both" in tie[next(t for t in tie if t.startswith("2022"))]


def test_dated_guidance_ties_to_the_trusts_size(panel):
    small = {i.title[:4]: i.this_trust for i in panel(PORTBURY, KALEIDOSCOPE).items}
    assert small["Dece"] == "2,011 pupils: over that line." and small["2022"].endswith("short of both.")
    tiny = {i.title[:4]: i.this_trust for i in panel(PORTBURY, JEWISH_COMMUNITY).items}
    assert tiny["Dece"] == "1,282 pupils: under that line."
    large = {i.title[:4]: i.this_trust for i in panel(PORTBURY, BATH_AND_WELLS).items}
    assert large["2022"] == "45 schools and 8,549 pupils: at or past that size."


def test_the_school_is_left_out_of_its_own_trusts_figures(panel, dataset):
    lighthouse = dataset.trusts.by_code(LIGHTHOUSE)
    assert lighthouse.religious_characters["Church of England"] == 17  # Portbury among them
    ethos = item(panel(PORTBURY, LIGHTHOUSE), BENEFITS[0]).this_trust
    assert "16 Church of England" in ethos
    primaries = item(panel(PORTBURY, LIGHTHOUSE), BENEFITS[2]).this_trust
    assert primaries.startswith(f"{lighthouse.schools_by_phase['primary'] - 1} primary schools in the trust")


def test_the_content_file_is_consistent():
    content = evidence.load()
    headings = {h["title"] for h in content["headings"]}
    for entry in content["items"]:
        assert entry["heading"] in headings and entry["kind"] in evidence.KINDS
        assert entry["indicator"] is None or entry["indicator"] in evidence.INDICATORS
        assert entry["source"] in content["sources"]
        for figure in entry["figures"]:
            assert any(figure.get(phase) for phase in ("primary", "secondary"))
            assert figure.get("source", entry["source"]) in content["sources"]


def test_a_trust_of_the_school_alone_ties_nothing_it_has_not_got(panel):
    harvey = panel(138480, "3333")  # The Harvey Grammar School, the only school of The Harvey Academy
    ties = {i.this_trust for i in harvey.items if i.this_trust}
    assert ties == {"The trust has no school but this one."}  # no 'inf km', no '0 schools'


def test_a_share_in_the_ties_is_never_rounded_to_none_or_all(panel):
    """Ridgmont Lower's 9 pupils among Kingsbridge's 5,237 are under 1%, not 0%; the Cardinal Hume trust's 3,437
    pupils in 3,440 places fill over 99%, not 100%."""
    small = {i.title: i.this_trust for i in panel(109476, "16264").items}  # Ridgmont Lower, Kingsbridge
    assert small[BENEFITS[1]] == "This school would be one of 8 schools, with under 1% of the trust's 5,246 pupils."
    full = {i.title: i.this_trust for i in panel(100029, "2543").items}  # Christ Church, Camden; Cardinal Hume
    assert "Rolls fill over 99% of the trust's recorded places (3,437 pupils in places for 3,440)." in full.values()
