"""`trustmatch shortlist FILE`: the table, the JSON, and one sentence for a bad file."""

from __future__ import annotations

import json

import pytest

from trustmatch.app import shortlist as sl
from trustmatch.fit.ranking import PRESETS, Filters
from trustmatch.launch import main

NEWMAN = 111456


def saved_shortlist(dataset, engine, path, count=3):
    row = dataset.index_of_urn(NEWMAN)
    ranking = engine.evaluate(row).rank(PRESETS["church school"])
    doc = sl.ShortlistDocument.new(dataset.school(row), dataset.data_date, PRESETS["church school"], Filters())
    for candidate in ranking.rows(count):
        doc.add(candidate, dataset.data_date, PRESETS["church school"])
    code = doc.shortlist.codes[0]
    doc.set_notes(code, "=HYPERLINK(\"x\") strong on SEND")
    doc.set_decision(code, "proceed")
    doc.set_answer(code, "local-governance", "How is local governance arranged?", answer="A local board per school")
    doc.save(path)
    return doc, ranking


@pytest.mark.slow
def test_table(capsys, dataset, engine, tmp_path):
    path = tmp_path / "newman.trustmatch"
    doc, ranking = saved_shortlist(dataset, engine, path)
    assert main(["shortlist", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Shortlist for Cardinal Newman Catholic High School (URN 111456)" in out
    assert "18 July 2025" in out and "(church school)" in out
    for candidate in ranking.rows(3):
        assert candidate.trust_name in out and candidate.trust_code in out
    assert "Take forward" in out and "Undecided" in out
    assert "Asked: How is local governance arranged? - A local board per school" in out
    assert "Since the data" not in out  # same data: nothing moved


@pytest.mark.slow
def test_json_has_the_file_and_the_scores_now(capsys, dataset, engine, tmp_path):
    path = tmp_path / "newman.trustmatch"
    doc, ranking = saved_shortlist(dataset, engine, path)
    assert main(["shortlist", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == sl.FORMAT and document["school"]["urn"] == NEWMAN
    assert [t["trust_code"] for t in document["trusts"]] == doc.shortlist.codes
    first = document["trusts"][0]
    assert first["decision"] == "proceed" and first["answers"]["local-governance"]["asked"] is True
    assert first["now"]["rank"] == 1 and first["now"]["total"] == round(ranking.candidate(0).total, 1)
    assert first["when_added"]["rank"] == 1
    assert document["opened_on"] == {"data_date": "2025-07-18", "notes": []}


def test_bad_file_is_one_sentence(capsys, tmp_path):
    path = tmp_path / "broken.trustmatch"
    path.write_bytes(b'{"format": "trustmatch-shortlist", "version": 1, "trusts": [')
    assert main(["shortlist", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "trustmatch: 'broken.trustmatch' is incomplete: it ends part-way through, as if a copy or save was cut short."
    )
    assert main(["shortlist", str(tmp_path / "none.trustmatch")]) == 1
    assert "There is no file" in capsys.readouterr().err
