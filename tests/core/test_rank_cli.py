"""`trustmatch rank`: one school, many schools, every output format, and its errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from trustmatch.cli.output import safe_cell
from trustmatch.launch import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_rank_json_rows(capsys):
    code, out, err = run(capsys, "rank", "cardinal newman warrington", "--top", "5", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and "Cardinal Newman Catholic High School" in err  # the best match is announced
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["total"] >= rows[-1]["total"]
    for row in rows:
        assert set(row["criteria"]) == {"ethos", "geography", "phase", "capacity"}
        assert all(0 <= c["score"] <= 100 and c["reason"] for c in row["criteria"].values())
        assert {"trust_code", "trust_name", "nearest_km", "robustness"} <= set(row)


@pytest.mark.slow
def test_rank_weights_and_preset_change_the_order(capsys):
    _, first, _ = run(
        capsys, "rank", "143283", "--format", "json", "--any-character", "--weights", "ethos=0,geography=5")
    _, second, _ = run(capsys, "rank", "143283", "--format", "json", "--any-character", "--preset", "church school")
    assert [r["trust_code"] for r in json.loads(first)] != [r["trust_code"] for r in json.loads(second)]


@pytest.mark.slow
def test_rank_table_flags_the_current_trust(capsys):
    code, out, _ = run(capsys, "rank", "143283", "--top", "5")
    assert code == 0 and "LIGHTHOUSE SCHOOLS PARTNERSHIP *" in out and "current trust" in out


@pytest.mark.slow
def test_batch_json_and_unknown_urn(capsys, tmp_path):
    urns = tmp_path / "urns.csv"
    urns.write_text("Name,URN\nAldgate,100000\nNobody,999999\nNewman,111456\n")
    code, out, err = run(capsys, "rank", "--urns-file", str(urns), "--format", "json", "--top", "3")
    document = json.loads(out)
    assert code == 0 and [d["urn"] for d in document] == [100000, 111456]
    assert all(len(d["candidates"]) == 3 for d in document)
    assert "999999" in err


@pytest.mark.slow
def test_batch_csv_has_a_block_per_school(capsys, tmp_path):
    urns = tmp_path / "urns.txt"
    urns.write_text("100000\n111456\n")
    code, out, _ = run(capsys, "rank", "--urns-file", str(urns), "--format", "csv", "--top", "4")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 8
    assert [r["school_urn"] for r in rows] == ["100000"] * 4 + ["111456"] * 4
    assert rows[0]["rank"] == "1" and rows[0]["ethos_reason"]


def test_spreadsheet_formulas_are_neutralised():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("+1") == "'+1" and safe_cell("@x") == "'@x" and safe_cell("-2") == "'-2"
    assert safe_cell("St Mary's") == "St Mary's" and safe_cell(5) == 5


@pytest.mark.slow
def test_rank_errors_are_one_sentence(capsys, tmp_path):
    for args, phrase in [
        (["rank", "999999"], "No open state-funded school has URN 999999"),
        (["rank", "qqqzzzxx"], "No school matches"),
        (["rank", "100000", "--weights", "ethos=lots"], "must be a number"),
        (["rank", "100000", "--max-km", "0.01"], "No trust is left"),
        (["rank", "100000", "--region", "Atlantis"], "no region"),
        (["rank"], "Name a school"),
        (["rank", "--urns-file", str(tmp_path / "none.csv")], "no URN file"),
    ]:
        code, _, err = run(capsys, *args)
        assert code == 1 and phrase in err and "Traceback" not in err and err.count("\n") == 1, (args, err)
