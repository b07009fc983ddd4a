"""The backtest: the rebuilt register, the ranks it finds, the baselines, the figures and the command."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from trustmatch.fit import backtest as bt_module
from trustmatch.fit.backtest import (
    CONVERTER_TYPES,
    DEV_WINDOW,
    NEAREST,
    NEAREST_FAITH,
    NO_FILTERS,
    Backtest,
    BacktestProblem,
    Figures,
    check_window,
    reaches_reserved,
    rebuild_register,
)
from trustmatch.fit.ranking import PRESETS, Filters, FitEngine
from trustmatch.launch import main

# One day of real joins: 1 September 2023, when 83 converters joined a trust (the LEAF Trust's
# twelve founding schools among them).  Small enough to build in a few seconds.
DAY = ("2023-09-01", "2023-09-02")
STRETTON = 149613  # Stretton St Matthew's CofE Primary, joined Chester Diocesan Academies Trust (2647)
LEAF_TRUST = "17691"  # all of its schools joined on 1 September 2023: nothing to find it by before
BALANCED = PRESETS["balanced"]


@pytest.fixture(scope="module")
def day(dataset):
    return Backtest.build(dataset, *DAY)


def joiner_index(backtest, urn):
    return next(j for j, joiner in enumerate(backtest.joiners) if joiner.urn == urn)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- the rebuilt register --------------------------------------------------------


def test_joiners_are_the_converters_that_opened_in_the_window(dataset, day):
    cols = dataset.columns
    expected = {
        cols["urn"][r]
        for r in range(len(dataset))
        if cols["type"][r] in CONVERTER_TYPES
        and cols["trust_type"][r] == "MAT"
        and DAY[0] <= cols["open_date"][r] < DAY[1]
    }
    assert {j.urn for j in day.joiners} == expected and len(expected) == 83
    assert all(j.joined_on == "2023-09-01" for j in day.joiners)


def test_later_converters_are_taken_out_of_their_trusts_and_nothing_else_is(dataset, day):
    rebuilt, cols = day.rebuilt, dataset.columns
    removed = set(day.removed)
    assert all(cols["open_date"][r] >= DAY[0] for r in removed)
    for r in removed:
        assert rebuilt.columns["trust_code"][r] == "" and rebuilt.columns["governance"][r] == "maintained"
        assert rebuilt.trusts.school_trust[r] == -1
    # a joiner after the window is out too; a converter of the day before stays in its trust
    after = next(r for r in removed if cols["open_date"][r] > "2024-01-01")
    before = next(
        r
        for r in range(len(dataset))
        if cols["type"][r] == "Academy converter" and cols["open_date"][r] == "2023-08-01"
    )
    assert after in removed and before not in removed
    assert rebuilt.columns["trust_code"][before] == cols["trust_code"][before] != ""
    # sponsored academies opened since stay (the reconstruction cannot undo them: see CANNOT_UNDO)
    sponsored = next(
        r for r in range(len(dataset)) if cols["type"][r] == "Academy sponsor led" and cols["open_date"][r] >= DAY[0]
    )
    assert rebuilt.columns["trust_code"][sponsored] == cols["trust_code"][sponsored]
    # the original dataset is untouched, and the rebuilt one says the date it stands at
    assert all(cols["trust_code"][r] for r in removed)
    assert rebuilt.meta["rebuilt_before"] == DAY[0] and "rebuilt_before" not in dataset.meta


def test_chester_diocesan_trust_loses_its_later_joiners(dataset):
    rebuilt, removed = rebuild_register(dataset, DEV_WINDOW[0])
    now = dataset.trusts.by_code("2647")
    then = rebuilt.trusts.by_code("2647")
    later = [m for m in now.members if dataset.columns["open_date"][m] >= "2022-07-18" and m in set(removed)]
    assert later and then.school_count == now.school_count - len(later)
    assert set(then.members) == set(now.members) - set(later)


def test_a_trust_with_no_school_before_the_window_cannot_be_found(day):
    leaf = [j for j, joiner in enumerate(day.joiners) if joiner.trust_code == LEAF_TRUST]
    assert len(leaf) == 12
    assert day.rebuilt.trusts.by_code(LEAF_TRUST) is None
    assert not day.findable[leaf].any() and (day.chosen[leaf] == -1).all()
    for ranks in (day.ranks(BALANCED), day.baseline_ranks(NEAREST), day.baseline_ranks(NEAREST_FAITH)):
        assert (ranks[leaf] == 0).all()
    assert day.figures(day.ranks(BALANCED)).findable == len(day.joiners) - int((day.chosen == -1).sum())


# --- ranks ---------------------------------------------------------------------


def test_a_real_joiners_trust_rank_is_the_apps_ranking(dataset, day):
    """Stretton St Matthew's: the app, on the register as it stood, puts Chester Diocesan in its top three."""
    engine = FitEngine(day.rebuilt)  # built here, apart from the backtest's own
    row = dataset.index_of_urn(STRETTON)
    ranking = engine.evaluate(row).rank(BALANCED, Filters())
    j = joiner_index(day, STRETTON)
    assert day.joiners[j].trust_code == "2647"
    rank = ranking.rank_index_of("2647") + 1
    assert day.ranks(BALANCED)[j] == rank <= 3
    assert ranking.candidate(rank - 1).trust_name == "CHESTER DIOCESAN ACADEMIES TRUST"


def test_fast_ranks_match_the_engine_for_every_joiner_and_setting(day):
    for weights, filters in [
        (BALANCED, Filters()),
        (PRESETS["church school"], NO_FILTERS),
        ({"ethos": 0, "geography": 5, "phase": 1, "capacity": 0}, Filters(max_km=20)),
    ]:
        fast = day.ranks(weights, filters)
        for j, joiner in enumerate(day.joiners):
            ranking = day.engine.evaluate(joiner.row).rank(weights, filters)
            place = ranking.rank_index_of(joiner.trust_code) if day.findable[j] else None
            assert fast[j] == (0 if place is None else place + 1), (joiner.urn, weights, filters)


def test_ranks_for_totals_accepts_any_scoring(day):
    totals = day.totals(BALANCED)
    assert (day.ranks_for_totals(totals, Filters()) == day.ranks(BALANCED, Filters())).all()
    # with no filters every trust that existed is listed, so every findable joiner gets a rank
    assert ((day.ranks_for_totals(totals) > 0) == day.findable).all()
    # the chosen trust scored highest for everyone: every findable joiner at rank 1
    boosted = totals.copy()
    boosted[np.flatnonzero(day.findable), day.chosen[day.findable]] = 1e9
    assert (day.ranks_for_totals(boosted)[day.findable] == 1).all()


def test_baselines_follow_their_definitions_for_a_real_joiner(day):
    """Nearest member school, and nearest x (1 + 2 x share of another religious character), by a plain loop."""
    j = joiner_index(day, STRETTON)
    rebuilt = day.rebuilt
    cols = rebuilt.columns
    row = rebuilt.index_of_urn(STRETTON)
    x, y = rebuilt.xy[row]
    nearest, penalised = [], []
    for trust in rebuilt.trusts.of_type("MAT"):
        km = min(math.dist((x, y), rebuilt.xy[m]) / 1000 for m in trust.members)
        other = (
            sum(cols["religious_character"][m] != cols["religious_character"][row] for m in trust.members)
            / trust.school_count
        )
        nearest.append((km, int(trust.code), trust.code))
        penalised.append((km * (1 + 2 * other), int(trust.code), trust.code))
    for name, values in ((NEAREST, nearest), (NEAREST_FAITH, penalised)):
        order = [code for _, _, code in sorted(values)]
        assert day.baseline_ranks(name)[j] == order.index("2647") + 1, name
    # the faith penalty matters here: a CofE school, and a church trust further off than community ones
    assert day.baseline_ranks(NEAREST_FAITH)[j] < day.baseline_ranks(NEAREST)[j]


# --- figures -------------------------------------------------------------------


def test_figures_count_misses_as_not_found():
    ranks = np.array([1, 2, 4, 11, 0, 0])
    findable = np.array([True, True, True, True, True, False])
    f = Figures.of(ranks, findable)
    assert f.n == 6 and f.findable == 5 and f.ceiling == pytest.approx(5 / 6)
    assert f.hits == {
        1: pytest.approx(1 / 6),
        3: pytest.approx(2 / 6),
        5: pytest.approx(3 / 6),
        10: pytest.approx(3 / 6),
    }
    assert f.median_rank == pytest.approx(7.5)  # 4 and 11 in the middle; misses sort last
    assert f.mrr == pytest.approx((1 + 1 / 2 + 1 / 4 + 1 / 11) / 6)
    assert Figures.of(np.array([0, 0, 3]), np.array([True, True, True])).median_rank is None


def test_report_breaks_down_by_phase_character_setting_and_region(day):
    report = day.report(BALANCED)
    assert set(report.breakdowns) == {"phase", "religious character", "urban/rural", "region"}
    for groups in report.breakdowns.values():
        assert sum(by["TrustMatch"].n for by in groups.values()) == len(day.joiners)
    assert set(report.breakdowns["urban/rural"]) <= {"Urban", "Rural", "unknown"}
    document = report.to_json()
    assert document["joiners"] == 83 and set(document["rankings"]) == {"TrustMatch", NEAREST, NEAREST_FAITH}


def test_features_line_up_with_the_engine_and_the_distances(day):
    features = day.features()
    j = joiner_index(day, STRETTON)
    assert features.values.shape == (len(day.joiners), len(day.codes), len(features.names))
    assert features.codes[features.chosen[j]] == "2647"
    assert np.allclose(features.column("log_km")[j], np.log1p(day.nearest_km[j]), atol=1e-5)
    assert np.allclose(features.column("tm_geography"), day.scores[:, :, 1], atol=1e-3)
    chester = features.values[j, features.chosen[j]]
    named = dict(zip(features.names, chester))
    trust = day.rebuilt.trusts.by_code("2647")
    assert named["same_faith_share"] == pytest.approx(trust.faiths.get("cofe", 0) / trust.school_count, abs=1e-6)
    assert named["log_schools"] == pytest.approx(math.log(trust.school_count), abs=1e-5)


# --- windows -------------------------------------------------------------------


def test_bad_windows_are_one_sentence():
    for start, end, phrase in [
        ("2022-13-01", "2023-01-01", "is not a date"),
        ("yesterday", "2023-01-01", "is not a date"),
        ("2023-01-01", "2023-01-01", "must end after it starts"),
        ("2023-06-01", "2022-06-01", "must end after it starts"),
        ("2026-01-01", "2026-02-01", "after the data date"),
    ]:
        with pytest.raises(BacktestProblem, match=phrase):
            check_window(start, end, "2025-07-18")


def test_reserved_period_is_refused_unless_asked_for(dataset, monkeypatch):
    assert not reaches_reserved(DEV_WINDOW[1]) and reaches_reserved(check_window("2024-01-01", "2024-07-19")[1])

    def must_not_run(*args, **kwargs):
        raise AssertionError("the register was rebuilt for a reserved window")

    monkeypatch.setattr(bt_module, "rebuild_register", must_not_run)
    with pytest.raises(BacktestProblem, match="reserved"):
        Backtest.build(dataset, "2024-01-01", "2025-01-01")


def test_command_warns_of_the_reserved_period_first(capsys, monkeypatch):
    """The warning is printed before anything is computed (this test stops it there)."""

    def stop(*args, **kwargs):
        raise BacktestProblem("Stopped here by the test.")

    monkeypatch.setattr(Backtest, "build", stop)
    code, _, err = run(capsys, "backtest", "--joined-from", "2024-01-01", "--joined-to", "2025-01-01")
    assert code == 1 and "RESERVED" in err and "never use them to tune" in err and "Stopped here" in err


# --- the command -----------------------------------------------------------------


def test_command_errors_are_one_sentence(capsys, tmp_path):
    for args, phrase in [
        (["--joined-from", "2022-02-30"], "is not a date"),
        (["--joined-to", "2022-01-01"], "must end after it starts"),
        (["--weights", "ethos=lots"], "must be a number"),
        (["--misses", str(tmp_path / "nowhere" / "m.csv")], "There is no folder"),
        (["--misses", str(tmp_path)], "is a folder"),
        (["--joined-from", "2005-01-01", "--joined-to", "2006-01-01"], "No academy converter joined"),
    ]:
        code, out, err = run(capsys, "backtest", *args)
        assert code == 1 and phrase in err and "Traceback" not in err and err.count("\n") == 1, (args, err)


@pytest.mark.slow
def test_command_table_json_and_misses_file(capsys, tmp_path, day):
    misses = tmp_path / "misses.csv"
    code, out, err = run(capsys, "backtest", "--joined-from", DAY[0], "--joined-to", DAY[1], "--misses", str(misses))
    assert code == 0 and "RESERVED" not in err
    for phrase in (
        "83 academy converters",
        "nearest member school",
        "nearest, faith-penalised",
        "Ceiling",
        "By phase",
        "By religious character",
        "By urban/rural",
        "By region",
        "cannot undo",
    ):
        assert phrase in out, phrase
    raw = misses.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    written = int(err.split(" misses written")[0].rsplit(" ", 1)[-1].replace(",", ""))
    assert len(rows) == written > 12
    leaf = [r for r in rows if r["trust_code"] == LEAF_TRUST]
    assert len(leaf) == 12 and all(r["rank"] == "" and "no school before" in r["why"] for r in leaf)
    for r in rows:
        assert r["rank"] == "" or int(r["rank"]) > 10
        assert r["top1_trust"] and float(r["top1_total"]) >= float(r["top2_total"]) >= float(r["top3_total"])
        if r["rank"]:
            assert float(r["total"]) <= float(r["top3_total"]) and r["geography_score"]

    report = tmp_path / "report.json"
    settings = ["--format", "json", "--any-character", "--max-km", "none", "--out", str(report)]
    code, out, _ = run(capsys, "backtest", "--joined-from", DAY[0], "--joined-to", DAY[1], *settings)
    assert out == ""
    document = json.loads(report.read_text(encoding="utf-8"))
    assert code == 0 and document["joiners"] == 83 and document["reserved"] is False
    assert document["filters"]["max_km"] is None and document["filters"]["compatible_only"] is False
    assert document["ceiling"] == round(float(day.findable.mean()), 3)
    unfindable = [r for r in rows if "no school before" in r["why"]]
    assert len(unfindable) == len(day.joiners) - day.findable.sum()
    assert set(document["breakdowns"]) == {"phase", "religious character", "urban/rural", "region"}
    assert "cannot_undo" in document


# --- the development window (slow: the full rebuild and 772 joiners) --------------


@pytest.mark.slow
def test_development_window_figures(dataset):
    backtest = Backtest.build(dataset)
    assert len(backtest.joiners) == 772 and len(backtest.removed) == 1316
    assert round(float(backtest.findable.mean()), 2) == 0.91
    report = backtest.report(BALANCED)
    # the figures measured when the backtest was specified (docs/validation.md), to two places
    tm, near, faith = (report.overall[k] for k in ("TrustMatch", NEAREST, NEAREST_FAITH))
    assert round(near.hits[1], 2) == 0.16 and round(near.hits[10], 2) == 0.65 and near.median_rank == 6
    assert round(faith.hits[10], 2) == 0.73 and faith.median_rank == 4
    assert faith.hits[1] > near.hits[1] and faith.mrr > near.mrr
    assert tm.n == 772 and tm.findable == 704
