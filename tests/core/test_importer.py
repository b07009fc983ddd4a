"""The GIAS importer on the real extract, and on every kind of bad file a user can hand it."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from tests.conftest import gzip_bytes
from trustmatch.app.register import import_register
from trustmatch.data import paths
from trustmatch.data.dataset import Dataset, load, save
from trustmatch.data.gias import ImportProblem, import_gias
from trustmatch.progress import Cancelled, Task


def import_into(source, target, task=None):
    """Import a small sample as the data in use (forced: it is smaller than the bundled register)."""
    return import_register(source, task, force=True, target=target)[0]


@pytest.fixture(scope="module")
def full_import():
    return import_gias(paths.bundled_raw_extract())


@pytest.mark.slow
def test_real_extract_counts(full_import):
    d = Dataset.from_import(full_import)
    assert len(d) == 22_011
    assert full_import.rows_read == 51_866
    assert sum(t == "MAT" for t in d.columns["trust_type"]) == 10_734
    mats = d.trusts.of_type("MAT")
    assert len(mats) == 1_268
    assert sum(t.school_count >= 2 for t in mats) == 1_152
    assert all(e > 0 and n > 0 for e, n in zip(d.columns["easting"], d.columns["northing"]))
    assert all(-7 < lon < 2 and 49.8 < lat < 56 for lat, lon in zip(d.columns["lat"], d.columns["lon"]))
    assert full_import.skipped["schools with missing or out-of-England coordinates"] == 0
    assert full_import.data_date == "2025-07-18"


@pytest.mark.slow
def test_known_school_field_by_field(full_import):
    d = Dataset.from_import(full_import)
    aldgate = d.school_by_urn(100000)
    assert (aldgate.name, aldgate.type, aldgate.phase, aldgate.phase_group) == (
        "The Aldgate School", "Voluntary aided school", "Primary", "primary")
    assert (aldgate.religious_character, aldgate.faith, aldgate.diocese) == (
        "Church of England", "cofe", "Diocese of London")
    assert (aldgate.low_age, aldgate.high_age, aldgate.pupils, aldgate.capacity, aldgate.fsm_pct) == (
        3, 11, 249, 271, 23.3)
    assert (aldgate.la_code, aldgate.la_name, aldgate.utla_code, aldgate.region, aldgate.region_code) == (
        "201", "City of London", "E09000001", "London", "E12000007")
    assert (aldgate.postcode, aldgate.town, aldgate.easting, aldgate.northing) == ("EC3A 5DE", "London", 533498, 181201)
    assert aldgate.lat == pytest.approx(51.5140, abs=1e-3) and aldgate.lon == pytest.approx(-0.0775, abs=1e-3)
    assert (aldgate.trust_code, aldgate.governance) == ("", "maintained")

    choir = d.school_by_urn(135575)
    assert (choir.name, choir.phase_group, choir.trust_code, choir.trust_name, choir.trust_type, choir.governance) == (
        "Bristol Cathedral Choir School", "secondary", "16026", "CATHEDRAL SCHOOLS TRUST", "MAT", "mat")
    assert choir.open_date == "2008-09-01"

    newman = d.school_by_urn(111456)
    assert (newman.religious_character, newman.faith, newman.diocese, newman.la_name) == (
        "Roman Catholic", "catholic", "Diocese of Shrewsbury", "Warrington")


@pytest.mark.slow
def test_known_trust_figures(full_import):
    d = Dataset.from_import(full_import)
    harris = d.trusts.by_code("3320")
    assert harris.name == "HARRIS FEDERATION" and harris.type == "MAT"
    assert harris.school_count == 55
    assert harris.schools_by_phase == {
        "primary": 20, "secondary": 27, "all-through": 3, "alternative provision": 1, "16 plus": 4}
    assert (harris.pupils, harris.capacity) == (43_007, 45_024)
    assert harris.regions == {"London": 50, "East of England": 5}
    assert harris.las["Croydon"] == 12
    assert harris.fsm_pct == pytest.approx(32.5, abs=0.05)


@pytest.mark.slow
def test_catholic_spellings_merge_and_none_values_mean_none(full_import):
    d = Dataset.from_import(full_import)
    characters = set(d.columns["religious_character"])
    assert "Catholic" not in characters and "Does not apply" not in characters and "" not in characters
    assert d.columns["religious_character"].count("Roman Catholic") == 1_901 + 37
    assert d.columns["religious_character"].count("None") == 12_801 + 2_347 + 81


@pytest.mark.slow
def test_replacement_characters_are_kept(full_import):
    names = set(full_import.columns["trust_name"])
    assert "ARET\ufffd LEARNING TRUST" in names


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_reads_cp1252_gzip_and_zip(tmp_path, sample):
    text = sample(wanted_urns=[136728])
    # The website's own encoding: the real name with its É, as cp1252 bytes.
    # (other U+FFFD in these rows were apostrophes: cp1252 has the curly one, byte 0x92)
    cp1252 = text.replace("ARET\ufffd", "ARET\u00c9").replace("\ufffd", "\u2019").encode("cp1252")
    from_cp1252 = import_gias(_write(tmp_path, "edubasealldata20250718.csv", cp1252))
    assert "ARET\u00c9 LEARNING TRUST" in from_cp1252.columns["trust_name"]
    plain = import_gias(_write(tmp_path, "plain.csv", text))
    gz = import_gias(_write(tmp_path, "plain.csv.gz", gzip_bytes(text)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("edubasealldata20250718.csv", cp1252)
    zipped = import_gias(_write(tmp_path, "download.zip", buffer.getvalue()))
    assert plain.columns["urn"] == gz.columns["urn"] == zipped.columns["urn"] == from_cp1252.columns["urn"]
    assert len(plain.columns["urn"]) > 100
    assert from_cp1252.data_date == "2025-07-18"


@pytest.mark.parametrize(
    "name, content, phrase",
    [
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n\n  \n", "is empty"),
        ("binary.csv", bytes(range(256)) * 20, "not a CSV"),
        ("page.csv", b"<!DOCTYPE html><html><body>Sign in</body></html>", "web page"),
        ("notgias.csv", b"name,age\nAnn,3\n", "not a GIAS"),
        ("broken.zip", b"PK\x03\x04garbage", "zip file that is truncated or corrupt"),
    ],
)
def test_bad_files_get_one_sentence(tmp_path, name, content, phrase):
    with pytest.raises(ImportProblem, match=phrase) as caught:
        import_gias(_write(tmp_path, name, content))
    assert "\n" not in str(caught.value)


def test_truncated_gzip(tmp_path, sample):
    data = gzip_bytes(sample())
    with pytest.raises(ImportProblem, match="truncated or corrupt"):
        import_gias(_write(tmp_path, "cut.csv.gz", data[: len(data) // 2]))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImportProblem, match="no file"):
        import_gias(tmp_path / "nope.csv")
    with pytest.raises(ImportProblem, match="folder"):
        import_gias(tmp_path)


def test_missing_columns_are_named(tmp_path, sample):
    lines = sample().splitlines(keepends=True)
    header = lines[0].replace("Easting", "East").replace("Trusts (code)", "Trust")
    with pytest.raises(ImportProblem, match=r"lacks the GIAS column\(s\) Trusts \(code\), Easting"):
        import_gias(_write(tmp_path, "cols.csv", header + "".join(lines[1:])))


def test_duplicate_urns_are_refused(tmp_path, sample):
    lines = sample().splitlines(keepends=True)
    with pytest.raises(ImportProblem, match="more than once .*100000"):
        import_gias(_write(tmp_path, "dup.csv", "".join(lines + [lines[1]])))


def test_bad_coordinates_skip_the_row_and_are_counted(tmp_path, sample, raw_lines):
    text = sample()
    good = import_gias(_write(tmp_path, "good.csv", text))
    header = raw_lines[0].rstrip("\r\n").split(",")
    # Aldgate is the first row and an open school; break its coordinates two ways.
    first = text.splitlines(keepends=True)[1]
    assert first.startswith("100000,") and ",533498,181201," in first
    for broken, label in [(",abc,181201,", "non-numeric"), (",933498,181201,", "outside England")]:
        edited = text.replace(first, first.replace(",533498,181201,", broken))
        result = import_gias(_write(tmp_path, f"{label}.csv", edited))
        assert 100000 not in result.columns["urn"], label
        assert result.skipped["schools with missing or out-of-England coordinates"] == 1
        assert len(result.columns["urn"]) == len(good.columns["urn"]) - 1
        assert "skipped 1 schools with missing" in result.summary()
    assert "Easting" in header


def test_no_open_schools(tmp_path, sample):
    lines = sample().splitlines(keepends=True)
    closed = [line.replace(",Open,", ",Closed,") for line in lines[1:]]
    with pytest.raises(ImportProblem, match="no open state-funded schools"):
        import_gias(_write(tmp_path, "closed.csv", lines[0] + "".join(closed)))


def test_progress_reaches_the_end_and_cancel_keeps_previous(tmp_path, sample):
    source = _write(tmp_path, "s.csv", sample(count=3000))
    target = tmp_path / "data" / "dataset.json.gz"
    seen = []
    first = import_into(source, target, Task(lambda f, m: seen.append(f)))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 3
    before = target.read_bytes()

    task = Task(lambda f, m: task.cancel() if f > 0.3 else None)
    with pytest.raises(Cancelled):
        import_into(source, target, task)
    assert target.read_bytes() == before
    assert len(load(target)) == len(first)


def test_failed_import_keeps_previous_dataset(tmp_path, sample):
    target = tmp_path / "dataset.json.gz"
    import_into(_write(tmp_path, "s.csv", sample()), target)
    before = target.read_bytes()
    with pytest.raises(ImportProblem):
        import_into(_write(tmp_path, "bad.csv", "<html></html>"), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


def test_crash_mid_save_keeps_previous_dataset(tmp_path, sample, monkeypatch):
    target = tmp_path / "dataset.json.gz"
    dataset = import_into(_write(tmp_path, "s.csv", sample()), target)
    before = target.read_bytes()

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", explode)
    with pytest.raises(OSError):
        save(dataset, target)
    assert target.read_bytes() == before
    assert not list(tmp_path.glob("*.part"))


def test_saved_dataset_round_trips(tmp_path, dataset):
    target = tmp_path / "copy.json.gz"
    save(dataset, target)
    again = load(target)
    assert again.columns == dataset.columns and again.meta == dataset.meta


def test_damaged_dataset_file_is_a_clear_problem(tmp_path):
    from trustmatch.data.dataset import DatasetProblem

    bad = tmp_path / "dataset.json.gz"
    bad.write_bytes(gzip.compress(b"{not json"))
    with pytest.raises(DatasetProblem, match="damaged"):
        load(bad)
    bad.write_bytes(gzip.compress(b'{"format": "other"}'))
    with pytest.raises(DatasetProblem, match="not a TrustMatch dataset"):
        load(bad)


def test_non_finite_numbers_are_unknown_values_not_a_crash(tmp_path, sample):
    """'inf' once raised OverflowError (a traceback) and 'nan' was kept as a number."""
    text = sample()
    first = text.splitlines(keepends=True)[1]  # The Aldgate School: 249 pupils, 23.30% FSM
    assert ",249," in first and ",23.30," in first
    edited = text.replace(first, first.replace(",249,", ",inf,").replace(",23.30,", ",nan,"))
    result = import_gias(_write(tmp_path, "odd.csv", edited))
    row = result.columns["urn"].index(100000)
    assert result.columns["pupils"][row] is None and result.columns["fsm_pct"][row] is None


def test_the_gias_placeholder_town_select_is_no_town(tmp_path, sample, dataset):
    """GIAS shows "Select" (a drop-down never filled in) as the postal town of 11 schools: it is read as no town,
    on import and in a dataset saved before the importer did so, so nothing is placed in a town called Select."""
    leek = 146590  # Leek First School, Staffordshire, in a trust
    text = sample(wanted_urns=[leek])
    assert ',"Select",' in text or ",Select," in text
    imported = import_gias(_write(tmp_path, "sample.csv", text))
    assert imported.columns["town"][imported.columns["urn"].index(leek)] == ""
    assert "Select" not in dataset.columns["town"] and dataset.school_by_urn(leek).town == ""
    saved = {name: list(values) for name, values in dataset.columns.items()}
    saved["town"][dataset.index_of_urn(leek)] = "Select"
    assert Dataset(saved, dict(dataset.meta)).school_by_urn(leek).town == ""
