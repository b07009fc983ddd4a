"""The evidence in the detail panel: its caveat in plain view, obstacles never labelled as benefits."""

from __future__ import annotations

import re

from PySide6.QtGui import QTextDocument

from trustmatch.fit import evidence

PORTBURY = 143283  # a primary school
NEWMAN = 111456  # a secondary school


def show(window, urn: int) -> str:
    window.session.choose_school(window.session.dataset.index_of_urn(urn))
    return window.detail.toPlainText()


def test_the_caveat_is_in_plain_view_not_behind_a_click(window, qtbot):
    text = show(window, PORTBURY)
    caveat = "As reported by Education Business UK (18 Nov 2021), Keystone Knowledge and Tes (17 Nov 2021), " \
        "not read from the study's own PDF"
    assert caveat in text
    document = window.detail.document()
    found = document.find(caveat, 0, QTextDocument.FindCaseSensitively)
    assert not found.isNull()
    assert not found.charFormat().isAnchor()  # shown as text, not a link to click
    heading = document.find("Perceived benefits and obstacles of joining a trust")
    assert found.block().blockNumber() == heading.block().blockNumber() + 1  # straight under the heading
    assert "not judgements of the trust" in text
    # and it stays in view when the user scrolls to the evidence
    window.detail.scrollToAnchor("evidence")
    top = window.detail.verticalScrollBar().value()
    rect = document.documentLayout().blockBoundingRect(found.block())
    assert top <= rect.top() and rect.bottom() <= top + window.detail.viewport().height()


def test_a_primary_panel_shows_no_secondary_only_obstacle_and_no_benefit_label_on_one(window, qtbot):
    text = show(window, PORTBURY)
    assert "Less control over finances" not in text and "Things take longer" not in text
    assert "Named by school leaders as a benefit" not in text
    assert "Obstacle: Reduced autonomy" in text and "Benefit: Less burden" in text
    assert not re.search(r"(?<![\d.])0% of", text)
    assert "CST, citing DfE 2021" in text and "Cruddas" in text
    assert "December 2016" in text and "2022 Schools White Paper" in text


def test_a_secondary_panel_labels_its_obstacles_as_obstacles(window, qtbot):
    text = show(window, NEWMAN)
    assert "Obstacle: Less control over finances" in text and "Obstacle: Things take longer" in text
    session = window.session
    trust = session.dataset.trusts.by_code(session.trust_code)
    evaluation = session.engine.evaluate(session.school_row)
    candidate = evaluation.rank(session.weights).candidate_for(trust.code)
    content = evidence.evidence_for(session.school, trust, candidate, evaluation.shape_of(trust.code))
    obstacles = [i.title for i in content.items if i.kind == "obstacle"]
    assert len(obstacles) == 5
    for title in obstacles:
        assert f"Obstacle: {title}" in text and f"Benefit: {title}" not in text
    assert "32% of recent joiners saw a significant improvement in the quality of governance" in text


def test_the_schools_own_trust_of_no_other_school_says_so_not_rank_none(window, qtbot):
    # The Harvey Grammar School is the only school of THE HARVEY ACADEMY; before, the panel said "rank None, total 0"
    session = window.session
    harvey = session.dataset.school_by_urn(138480)
    session.choose_school(harvey.index)
    session.select_trust(harvey.trust_code)
    text = window.detail.toPlainText()
    assert "THE HARVEY ACADEMY" in text and "not listed: it has no school but this one" in text
    assert "None" not in text.split("The trust")[0] and "total" not in text.split("The trust")[0]
