"""Reasons read as plain English on real schools and trusts: a trust of one school is named, not counted as
"1 of the trust's 1 school", and a share is never printed as 0% (or 100%) when it is not."""

from __future__ import annotations

import re

import pytest

from trustmatch.fit.ranking import PRESETS, Filters
from trustmatch.fit.words import percent

LIFTED = Filters(max_km=None, compatible_only=False)

ALDGATE = 100000  # The Aldgate School, a CofE primary in the City of London
BROOKFIELD = 100011  # Brookfield Primary, Haringey: no religious character
NORTHBURY = 101196  # Northbury Primary, Barking: its postal town is inside its local authority
RIDGMONT = 109476  # Ridgmont Lower School: 9 pupils
CHRIST_CHURCH = 100029  # Christ Church School, Camden

HIVE = "17185"  # one school: St Mary Magdalene Academy (all-through, CofE, Islington)
EMMANUEL = "17378"  # The Emmanuel School Trust: one school of another religious character
URBIS = "16080"  # Urbis Academy Trust: one primary without a religious character
TVI = "16996"  # TVI Learning: one school, Thames View Infants, in Barking
KINGSBRIDGE = "16264"  # 7 schools, 5,237 pupils
SANCTA_FAMILIA = "17728"  # 5 schools, none with a recorded roll
CARDINAL_HUME = "2543"  # 3 schools whose rolls fill 99.6% of their places


@pytest.fixture(scope="module")
def reasons(engine, dataset):
    def of(urn: int, code: str) -> dict[str, str]:
        ranking = engine.evaluate(dataset.index_of_urn(urn)).rank(PRESETS["balanced"], LIFTED)
        return ranking.candidate_for(code).reasons

    return of


def fill_is_said(engine) -> bool:
    """The capacity reason says how full rolls are only while the fitted model uses that signal."""
    return "fill" in engine.model.coefficients.get("capacity", {})


def test_a_trust_of_one_school_is_named_not_counted(engine, reasons):
    hive = reasons(ALDGATE, HIVE)
    assert hive["ethos"].startswith(
        "Church of England school; the trust's one school shares its character, in the Diocese of London"
    )
    assert hive["geography"].startswith("4.3 km from St Mary Magdalene Academy, its one school, not in City of London")
    assert "centre of its schools" not in hive["geography"]  # one school's centre is the school itself
    assert hive["phase"].startswith("Primary school; the trust's one school is all-through")
    assert ("(its one school records both)" in hive["capacity"]) == fill_is_said(engine)
    for text in hive.values():
        assert not re.search(r"\b1 of (the trust's |its )?1\b|\b0 of the trust's 1\b|of 1 schools", text), text


@pytest.mark.parametrize(
    "urn, code, reason, wording",
    [
        (BROOKFIELD, HIVE, "ethos", "No religious character; the trust's one school has a religious character"),
        (ALDGATE, EMMANUEL, "ethos", "the trust's one school has another religious character"),
        (ALDGATE, URBIS, "ethos", "Church of England school; the trust's one school has no religious character"),
        (ALDGATE, URBIS, "phase", "Primary school; the trust's one school is primary, 7.7 km away"),
        (NORTHBURY, TVI, "geography", "its one school, in Barking and Dagenham (in Barking, the school's postal town)"),
    ],
)
def test_each_reason_names_the_one_school_in_plain_words(reasons, urn, code, reason, wording):
    assert wording in reasons(urn, code)[reason]


def test_phase_words_a_reader_knows(engine, dataset):
    """Its one school "is not primary (related phases count part)" of an all-through school; "Primary school" of
    a middle school; "16 plus school"; and a hospital school's "0 pupils would be 0% of the trust's"."""
    from trustmatch.fit.ranking import PRESETS

    def first(urn, name=""):
        ranking = engine.evaluate(dataset.index_of_urn(urn)).rank(PRESETS["balanced"])
        return next(c for c in ranking.rows(len(ranking)) if name in c.trust_name).reasons

    assert first(ALDGATE, "HIVE")["phase"] == "Primary school; the trust's one school is all-through (counted in part)"
    assert first(116774)["phase"].startswith("Middle school (deemed primary); ")  # Abbey Park Middle, Pershore
    assert first(133545)["phase"].startswith("16-plus school; ")  # William Morris Sixth Form
    assert dataset.school_by_urn(100060).pupils == 0
    capacity = first(100060)["capacity"]
    assert "this school's roll is recorded as 0" in capacity and "0 pupils would be" not in capacity


@pytest.mark.parametrize("code", [EMMANUEL, URBIS])
def test_a_one_school_trust_of_another_character_is_not_placed_in_or_out_of_the_diocese(reasons, code):
    """It read "the trust's one school has no religious character, not in the Diocese of London": a diocese says
    something only of a school that shares the character."""
    assert "Diocese" not in reasons(ALDGATE, code)["ethos"]


def test_a_small_school_in_a_big_trust_is_under_1_percent_not_0(reasons):
    capacity = reasons(RIDGMONT, KINGSBRIDGE)["capacity"]
    assert capacity.startswith("7 schools, 5,237 pupils")
    assert "this school's 9 pupils would be under 1% of the trust's" in capacity  # 9 of 5,246: 0.17%


def test_rolls_just_short_of_full_are_over_99_percent_not_100(engine, reasons):
    capacity = reasons(CHRIST_CHURCH, CARDINAL_HUME)["capacity"]
    assert ("rolls fill over 99% of places (3 of 3 schools record both)" in capacity) == fill_is_said(engine)
    assert "100%" not in capacity


def test_a_trust_with_no_recorded_roll_has_unknown_pupils_not_0(reasons):
    capacity = reasons(ALDGATE, SANCTA_FAMILIA)["capacity"]
    assert capacity.startswith("5 schools, no roll recorded")
    assert "this school has 249 pupils, its share of the trust's not known" in capacity
    assert "schools, 0 pupils" not in capacity and "100%" not in capacity


@pytest.mark.parametrize(
    "fraction, text",
    [(0, "0%"), (0.0017, "under 1%"), (0.005, "under 1%"), (0.0051, "1%"), (0.14, "14%"), (0.994, "99%")]
    + [(0.996, "over 99%"), (1, "100%"), (1.003, "just over 100%"), (1.14, "114%")],
)
def test_a_percentage_never_rounds_a_share_to_none_or_all(fraction, text):
    assert percent(fraction) == text
