"""Issue 9: nothing the user has is lost, and every bad input gets one sentence (the data-loss cases).

Each test tries what a user (or an interrupted download) does, through the command
line where a user would, and checks the data in use afterwards.
"""

from __future__ import annotations

import gzip
import os

import pytest

from trustmatch.app.register import SmallerRegister, import_register
from trustmatch.data import paths
from trustmatch.data.dataset import load
from trustmatch.data.gias import ImportProblem, import_gias
from trustmatch.launch import main

NEWMAN = 111456


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def write(folder, name, text: str | bytes):
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.fixture
def imported(tmp_path, sample, private_data_dir, capsys):
    """A small register imported (forced) and in use; returns its bytes for comparing later."""
    source = write(tmp_path, "edubasealldata20251101.csv", sample(count=3000, wanted_urns=[NEWMAN]))
    code, _, err = run(capsys, "import-gias", "--force", source)
    assert code == 0, err
    return paths.imported_dataset().read_bytes()


def assert_one_sentence_refusal(code, err, *phrases):
    assert code == 1 and err.startswith("trustmatch: Nothing was imported") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for phrase in phrases:
        assert phrase in err, err


# --- refused before anything is replaced ----------------------------------------------


def test_csv_cut_off_mid_row_is_refused_and_data_kept(capsys, tmp_path, sample, imported):
    text = sample(count=3000)
    cut = text[: len(text) - 300]  # an interrupted download ends part-way through a row
    assert not cut.endswith("\n")
    code, _, err = run(capsys, "import-gias", write(tmp_path, "edubasealldata20251102.csv", cut))
    assert_one_sentence_refusal(code, err, "cut off part-way through a row")
    assert paths.imported_dataset().read_bytes() == imported
    code, out, err = run(capsys, "find", NEWMAN)
    assert code == 0 and "Cardinal Newman" in out, err


def test_csv_cut_off_inside_a_quoted_name_is_refused(tmp_path, sample):
    lines = sample(count=50).splitlines(keepends=True)
    row = lines[10].replace(",", ',"Quoted, name', 1)  # open a quote that the cut never closes
    with pytest.raises(ImportProblem, match="cut off part-way"):
        import_gias(write(tmp_path, "cut.csv", "".join(lines[:10]) + row[:-40]))


def test_unbalanced_quote_no_longer_swallows_rows(tmp_path, sample):
    lines = sample(count=100).splitlines(keepends=True)
    lines[20] = lines[20].replace(",", ',"', 1)  # a stray quote: it used to swallow the rows after it
    with pytest.raises(ImportProblem, match="damaged: a stray quote mark near line 2[1-9]"):
        import_gias(write(tmp_path, "quote.csv", "".join(lines)))


def test_row_with_too_many_fields_is_refused(tmp_path, sample):
    lines = sample(count=100).splitlines(keepends=True)
    lines[30] = lines[30].rstrip("\n") + ",extra\n"
    with pytest.raises(ImportProblem, match="has 136 fields where the header has 135"):
        import_gias(write(tmp_path, "extra.csv", "".join(lines)))


def test_blank_lines_and_missing_final_newline_on_a_whole_row_are_fine(tmp_path, sample):
    text = sample(count=200)
    full = import_gias(write(tmp_path, "a.csv", text))
    again = import_gias(write(tmp_path, "b.csv", text.replace("\n", "\n\n", 3).rstrip("\n")))
    assert again.columns["urn"] == full.columns["urn"]


def test_a_subset_of_the_register_needs_force(capsys, tmp_path, sample, private_data_dir):
    """A download cut at a row boundary is a valid file: only its size gives it away."""
    source = write(tmp_path, "edubasealldata20251101.csv", sample(count=9000))
    code, _, err = run(capsys, "import-gias", source)
    assert_one_sentence_refusal(code, err, "may be a partial download", "--force", "22,011")
    assert not paths.imported_dataset().exists()
    code, out, _ = run(capsys, "import-gias", "--force", source)
    assert code == 0 and "Imported" in out and "--restore-previous" in out
    assert load(paths.imported_dataset()).data_date == "2025-11-01"


def test_smaller_register_is_judged_against_the_data_in_use_not_the_bundled(tmp_path, sample, imported):
    # the data in use is a 3,000-row import: a 2,800-row file is not "far smaller" than it
    dataset, engine = import_register(write(tmp_path, "s.csv", sample(count=2800, wanted_urns=[NEWMAN])))
    assert len(dataset) > 0 and engine is not None
    with pytest.raises(SmallerRegister, match="may be a partial download"):
        import_register(write(tmp_path, "t.csv", sample(count=500)))


@pytest.mark.slow
def test_full_register_imports_without_force(capsys, private_data_dir):
    code, out, err = run(capsys, "import-gias", paths.bundled_raw_extract())
    assert code == 0, err
    assert "Imported 22,011 open state-funded schools" in out


def _without_trusts(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join([lines[0]] + [line.replace("Supported by a multi-academy trust", "Not applicable")
                                 .replace("Supported by a single-academy trust", "Not applicable")
                                 .replace("Supported by a trust", "Not applicable") for line in lines[1:]])


def test_schools_without_trusts_import_forced_and_every_command_still_works(capsys, tmp_path, sample, private_data_dir):
    """Saved first and checked after, this once crashed every later rank, screenshot and window start."""
    source = write(tmp_path, "notrusts.csv", _without_trusts(sample(count=2000, wanted_urns=[NEWMAN])))
    code, _, err = run(capsys, "import-gias", source)
    assert_one_sentence_refusal(code, err, "0 multi-academy trusts")
    code, out, err = run(capsys, "import-gias", "--force", source)
    assert code == 0, err
    code, _, err = run(capsys, "rank", NEWMAN)
    assert code == 1 and "No trust is left" in err and "Traceback" not in err
    code, _, err = run(capsys, "trust", "harris")
    assert code == 1 and "No trust matches" in err


def test_one_school_imports_forced_and_ranks_nothing(capsys, tmp_path, sample, private_data_dir):
    lines = sample(count=0, wanted_urns=[NEWMAN]).splitlines(keepends=True)
    assert len(lines) == 2
    code, _, err = run(capsys, "import-gias", "--force", write(tmp_path, "one.csv", "".join(lines)))
    assert code == 0, err
    code, _, err = run(capsys, "rank", NEWMAN)
    assert code == 1 and "No trust is left" in err


def test_engine_copes_with_no_trusts(dataset):
    from trustmatch.data.dataset import Dataset
    from trustmatch.fit.ranking import PRESETS, FitEngine

    columns = {name: values[:300] for name, values in dataset.columns.items()}
    for name in ("trust_code", "trust_name", "trust_type"):
        columns[name] = [""] * 300
    engine = FitEngine(Dataset(columns, dict(dataset.meta)))
    assert engine.codes == [] and engine.graph.shapes == {}
    assert len(engine.evaluate(0).rank(PRESETS["balanced"])) == 0


def test_build_failure_after_reading_saves_nothing(tmp_path, sample, imported, monkeypatch):
    def broken(dataset):
        raise ValueError("boom")

    monkeypatch.setattr("trustmatch.app.register.FitEngine", broken)
    with pytest.raises(ImportProblem, match="cannot be used: building the trusts from it failed"):
        import_register(write(tmp_path, "s.csv", sample(count=3000)), force=True)
    assert paths.imported_dataset().read_bytes() == imported


# --- one step back ----------------------------------------------------------------------


def test_previous_data_is_kept_and_restored_both_ways(capsys, tmp_path, sample, imported):
    newer = write(tmp_path, "edubasealldata20251201.csv", sample(count=2500))
    code, _, _ = run(capsys, "import-gias", "--force", newer)
    assert code == 0
    assert load(paths.imported_dataset()).data_date == "2025-12-01"
    assert paths.previous_dataset().read_bytes() == imported

    code, out, _ = run(capsys, "import-gias", "--restore-previous")
    assert code == 0 and "Now using the data imported from edubasealldata20251101.csv" in out
    assert paths.imported_dataset().read_bytes() == imported
    code, out, _ = run(capsys, "--version")
    assert "2025-11-01" in out
    code, out, _ = run(capsys, "import-gias", "--restore-previous")  # and back again
    assert code == 0 and load(paths.imported_dataset()).data_date == "2025-12-01"
    assert not [p for p in paths.data_dir().iterdir() if p.name.endswith(".part")]


def test_restore_after_a_first_import_goes_back_to_the_bundled_data(capsys, imported):
    code, out, _ = run(capsys, "import-gias", "--restore-previous")
    assert code == 0 and "Now using the bundled data (22,011 schools, GIAS of 18 July 2025)" in out
    assert not paths.imported_dataset().exists()
    code, out, _ = run(capsys, "import-gias", "--restore-previous")
    assert code == 0 and paths.imported_dataset().read_bytes() == imported


def test_restore_with_nothing_imported_says_so(capsys, private_data_dir):
    code, _, err = run(capsys, "import-gias", "--restore-previous")
    assert code == 1 and "no previous data" in err and err.count("\n") == 1
    code, _, err = run(capsys, "import-gias")
    assert code == 1 and "Name the GIAS file" in err


def test_a_damaged_previous_file_is_not_restored(capsys, imported):
    paths.previous_dataset().write_bytes(b"not a dataset")
    code, _, err = run(capsys, "import-gias", "--restore-previous")
    assert code == 1 and "Nothing was changed" in err and "damaged" in err
    assert paths.imported_dataset().read_bytes() == imported


# --- implausible places, leftovers, dates -----------------------------------------------


def test_swapped_coordinates_in_every_row_are_refused(tmp_path, sample):
    lines = sample(count=1500).splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    e, n = header.index("Easting"), header.index("Northing")
    swapped = [lines[0]]
    for line in lines[1:]:
        cells = line.rstrip("\n").split(",")
        if len(cells) == len(header):  # rows with quoted commas keep their place
            cells[e], cells[n] = cells[n], cells[e]
        swapped.append(",".join(cells) + "\n")
    with pytest.raises(ImportProblem, match="outside England: its Easting and Northing columns are wrong"):
        import_gias(write(tmp_path, "swapped.csv", "".join(swapped)))


def test_northing_zero_is_skipped_and_counted(tmp_path, sample):
    text = sample()
    first = text.splitlines(keepends=True)[1]
    assert ",533498,181201," in first
    edited = text.replace(first, first.replace(",533498,181201,", ",533498,0,"))
    result = import_gias(write(tmp_path, "zero.csv", edited))
    assert 100000 not in result.columns["urn"]
    assert result.skipped["schools with missing or out-of-England coordinates"] == 1


def test_a_point_in_the_sea_inside_the_box_is_skipped(tmp_path, sample):
    text = sample()
    first = text.splitlines(keepends=True)[1]
    # the Bristol Channel: inside the old box around England, but no school is there
    edited = text.replace(first, first.replace(",533498,181201,", ",300000,170000,"))
    result = import_gias(write(tmp_path, "sea.csv", edited))
    assert 100000 not in result.columns["urn"]
    assert result.skipped["schools with missing or out-of-England coordinates"] == 1


def test_orphan_temporary_files_are_cleaned_on_next_start(capsys, imported):
    folder = paths.data_dir()
    dead = 2**22 + 12345  # above Linux's default pid_max: never a running process
    orphan = folder / f"dataset.json.gz.{dead}.x1y2.part"
    orphan.write_bytes(b"\0" * 1000)
    mine = folder / f"dataset.json.gz.{os.getpid()}.abcd.part"  # a write in progress: left alone
    mine.write_bytes(b"\0")
    code, _, _ = run(capsys, "--version")
    assert code == 0 and not orphan.exists() and mine.exists()
    mine.unlink()


def test_zip_is_dated_from_the_gias_file_inside(tmp_path, sample):
    import zipfile

    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("edubasealldata20250718.csv", sample(count=300))
    os.utime(path, (0, 0))
    result = import_gias(path)
    assert result.data_date == "2025-07-18"


def test_gzip_dataset_save_leaves_no_temporary_file(tmp_path, sample, imported):
    assert sorted(p.name for p in paths.data_dir().iterdir()) == ["dataset.json.gz"]
    with gzip.open(paths.imported_dataset()) as f:
        assert f.read(1) == b"{"
