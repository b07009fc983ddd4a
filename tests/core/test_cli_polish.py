"""What a new user trips over on the command line: each problem ends in one sentence, on the real data."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.core.test_shortlist_cli import saved_shortlist
from trustmatch.fit.ranking import PRESETS, Filters
from trustmatch.launch import main

PORTBURY = 143283  # St Mary's CofE Primary, Portbury: a South West school
ALDGATE = 100000  # The Aldgate School, London
KINGSLEY = 110995  # Kingsley Community Primary School and Nursery, Frodsham: maintained


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("trustmatch: ") and "Traceback" not in err and "usage:" not in err
    return lines[0]


def test_window_without_a_display_is_one_sentence():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "trustmatch"], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        "trustmatch: No display found: run TrustMatch on a desktop, "
        "or use --screenshot FILE.png to render the window offscreen."
    )


@pytest.mark.parametrize("spelling", ["south west", "SOUTH-WEST", "  South  west "])
def test_region_in_any_case_or_with_a_hyphen(engine, dataset, spelling):
    evaluation = engine.evaluate(dataset.index_of_urn(PORTBURY))
    exact = evaluation.rank(PRESETS["balanced"], Filters(region="South West"))
    loose = evaluation.rank(PRESETS["balanced"], Filters(region=spelling))
    assert len(exact) > 0
    assert [c.trust_code for c in loose.rows(20)] == [c.trust_code for c in exact.rows(20)]


def test_region_from_the_command_line_in_lower_case(capsys):
    code, out, err = run(capsys, "rank", str(PORTBURY), "--region", "south west", "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)) == 10


def test_unknown_region_still_lists_the_regions(capsys):
    code, _, err = run(capsys, "rank", str(PORTBURY), "--region", "south wst")
    assert code == 1 and "There is no region 'south wst'" in one_line(err) and "South West" in err


def test_batch_names_the_schools_left_with_no_trust(capsys, tmp_path):
    # Portbury is in a trust, always listed; the two maintained schools have no trust within 1 km
    urns = tmp_path / "urns.txt"
    urns.write_text(f"{PORTBURY}\n{ALDGATE}\n{KINGSLEY}\n", encoding="utf-8")
    code, out, err = run(capsys, "rank", "--urns-file", str(urns), "--max-km", "1", "--top", "1")
    assert code == 0
    line = one_line(err)
    assert "2 school(s)" in line
    assert f"{ALDGATE} The Aldgate School" in line
    assert f"{KINGSLEY} Kingsley Community Primary School and Nursery" in line
    assert str(PORTBURY) not in line


def test_schools_and_urns_file_together_are_refused(capsys, tmp_path):
    urns = tmp_path / "urns.txt"
    urns.write_text(f"{ALDGATE}\n", encoding="utf-8")
    code, out, err = run(capsys, "rank", str(PORTBURY), "--urns-file", str(urns))
    assert code == 1 and out == ""
    assert one_line(err) == "trustmatch: Give either schools or --urns-file, not both."


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_find_limit_below_one_is_refused(capsys, limit):
    code, out, err = run(capsys, "find", "oak", "--limit", limit)
    assert code == 1 and out == ""
    assert one_line(err) == "trustmatch: --limit must be 1 or more."


def test_import_joins_its_sentences_in_lower_case(capsys, tmp_path):
    missing = tmp_path / "edubasealldata.csv"
    code, _, err = run(capsys, "import-gias", str(missing))
    assert code == 1
    assert one_line(err).startswith("trustmatch: Nothing was imported: there is no file")


def test_minimum_above_maximum_says_so(capsys):
    code, _, err = run(capsys, "rank", str(PORTBURY), "--min-schools", "50", "--max-schools", "10")
    assert code == 1
    assert "--min-schools 50 is above --max-schools 10" in one_line(err)


@pytest.mark.parametrize(
    "args, names",
    [
        (["rank", "1", "--preset", "balancd"], ["--preset", "'church school'", "'trustmatch rank --help'"]),
        (["rank", "1", "--max-km", "far"], ["--max-km", "'none' for no limit", "'trustmatch rank --help'"]),
        (["backtest", "--preset", "nope"], ["--preset", "'balanced'", "'trustmatch backtest --help'"]),
        (["find", "oak", "--limit", "ten"], ["--limit", "'ten'", "'trustmatch find --help'"]),
        (["frobnicate"], ["'frobnicate'", "'rank'", "'trustmatch --help'"]),
    ],
)
def test_a_mistyped_option_is_one_line_not_the_usage_block(capsys, args, names):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    line = one_line(err)
    for name in names:
        assert name in line


def test_shortlist_without_when_added_is_a_clear_sentence(capsys, dataset, engine, tmp_path):
    path = tmp_path / "hand.trustmatch"
    saved_shortlist(dataset, engine, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["trusts"][0]["when_added"]
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run(capsys, "shortlist", str(path))
    assert code == 1
    line = one_line(err)
    assert "has no 'when_added' record (the scores it had when it was added)." in line
    assert "scores when added has no scores" not in line
