"""Finding schools the way people type them."""

from __future__ import annotations

import pytest

from trustmatch.data.search import normalise, normalise_many


def names(dataset, rows):
    return [dataset.columns["name"][r] for r in rows]


def test_normalise_folds_variants():
    assert normalise("St Mary's C of E Primary & Nursery") == normalise("st marys cofe primary and nursery")
    assert normalise("St. Mary’s CE Primary") == ["st", "marys", "cofe", "primary"]
    assert normalise("Saint Mary's Church of England") == ["st", "marys", "cofe"]


@pytest.mark.parametrize(
    "query",
    ["st marys cofe primary bristol", "St Mary's C of E Primary, Bristol", "st. mary's ce primary bristol",
     "Saint Marys Church of England Primary Bristol"],
)
def test_forgiving_name_search(dataset, query):
    best = dataset.school(dataset.finder.search(query)[0])
    assert best.name.startswith("St Mary's Church of England Primary School")
    assert best.town == "Bristol"


def test_urn_postcode_outward_code_and_town(dataset):
    finder = dataset.finder
    assert dataset.school(finder.search("100000")[0]).name == "The Aldgate School"
    assert dataset.school(finder.search("ec3a 5de")[0]).urn == 100000
    outward = [dataset.school(r).postcode.startswith("BS1 ") for r in finder.search("BS1", limit=50)]
    # every school in BS1 comes before any school of BS10, BS11... (matched only as a prefix)
    in_bs1 = sum(p.startswith("BS1 ") for p in dataset.columns["postcode"])
    assert 0 < in_bs1 < 50 and outward == [True] * in_bs1 + [False] * (50 - in_bs1)
    # a full postcode no school has falls back to its outward code
    assert all(dataset.school(r).postcode.startswith("BS1 ") for r in finder.search("BS1 9ZZ", limit=in_bs1))
    towns = [dataset.school(r) for r in finder.search("Warrington", limit=30)]
    assert all("Warrington" in (s.town, s.la_name) or "warrington" in s.name.lower() for s in towns)


def test_and_ampersand_and_partial_words(dataset):
    finder = dataset.finder
    ampersand = finder.search("st mary & st john", limit=3)
    assert names(dataset, ampersand) == names(dataset, finder.search("st mary and st john", limit=3))
    assert "Bristol Cathedral Choir School" in names(dataset, finder.search("bristol cathedral ch"))


def test_misspelt_word_still_finds(dataset):
    assert "Cardinal Newman Catholic High School" in names(dataset, dataset.finder.search("cardinal nueman warrington"))


def test_nothing_found_and_empty_query(dataset):
    assert dataset.finder.search("qqqqzzzz xxyyq") == []
    assert dataset.finder.search("   ") == []
    assert dataset.finder.search("'&.") == []


def test_replacement_character_names_are_searchable(dataset):
    rows = dataset.finder.search("norton college")
    assert rows and dataset.columns["trust_name"][rows[0]] == "ARET\ufffd LEARNING TRUST"


def test_many_names_fold_as_each_name_alone(dataset):
    """The index folds all names in one pass; a query is folded alone: both must give the same words."""
    texts = dataset.columns["name"][::50] + dataset.columns["town"][::200] + [
        "St Mary's C of E", "Church of England", "Saint Gregory's R.C.", "The and of", "catholic ce coe",
        "x&y", "Ça va", "roman catholicism", "saints", "C\tOF\tE", "sainte", "the\ufffd", "ce\ufffdx",
    ]
    assert normalise_many(texts) == [list(dict.fromkeys(normalise(t))) for t in texts]
