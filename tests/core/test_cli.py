"""The command line: exit codes, one-sentence errors, and the JSON the docs describe."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from trustmatch.launch import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_names_the_data_date(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and "0.1.0" in out and "2025-07-18" in out


@pytest.mark.slow
def test_python_dash_m_works():
    result = subprocess.run(
        [sys.executable, "-m", "trustmatch", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "2025-07-18" in result.stdout


@pytest.mark.slow
def test_find_json(capsys):
    code, out, _ = run(capsys, "find", "cardinal", "newman", "warrington", "--json")
    rows = json.loads(out)
    assert code == 0 and rows[0]["urn"] == 111456
    for key in ("urn", "name", "phase", "la", "postcode", "trust_code", "trust_name"):
        assert key in rows[0]


@pytest.mark.slow
def test_find_table_and_nothing_found(capsys):
    code, out, _ = run(capsys, "find", "aldgate")
    assert code == 0 and "The Aldgate School" in out and "EC3A 5DE" in out
    code, out, err = run(capsys, "find", "qqqzzz")
    assert code == 1 and err.count("\n") == 1 and "No school matches" in err


@pytest.mark.slow
def test_trust_json_by_code_and_name(capsys):
    code, out, _ = run(capsys, "trust", "3320", "--json")
    document = json.loads(out)
    assert code == 0 and document["name"] == "HARRIS FEDERATION" and len(document["schools"]) == 55
    assert {"code", "name", "type", "pupils", "schools"} <= set(document)
    code, out, _ = run(capsys, "trust", "harris", "federation")
    assert code == 0 and "HARRIS FEDERATION (group UID 3320, MAT)" in out and "55 schools" in out


def test_unknown_trust(capsys):
    code, _, err = run(capsys, "trust", "no such trust anywhere")
    assert code == 1 and "No trust matches" in err


def test_import_bad_file_is_one_sentence_and_keeps_bundled(capsys, tmp_path, private_data_dir):
    bad = tmp_path / "page.csv"
    bad.write_text("<html><body>Login</body></html>")
    code, _, err = run(capsys, "import-gias", str(bad))
    assert code == 1 and "Traceback" not in err and err.startswith("trustmatch: Nothing was imported")
    assert not (private_data_dir / "dataset.json.gz").exists()
    code, out, _ = run(capsys, "--version")
    assert "2025-07-18" in out


@pytest.mark.slow
def test_import_then_use_the_new_data(capsys, tmp_path, sample, private_data_dir):
    source = tmp_path / "edubasealldata20251101.csv"
    source.write_text(sample(count=2000), encoding="utf-8")
    code, out, err = run(capsys, "import-gias", str(source))  # far smaller than the bundled register
    assert code == 1 and "may be a partial download" in err and not (private_data_dir / "dataset.json.gz").exists()
    code, out, _ = run(capsys, "import-gias", "--force", str(source))
    assert code == 0 and "Imported" in out and (private_data_dir / "dataset.json.gz").exists()
    code, out, _ = run(capsys, "--version")
    assert "2025-11-01" in out
    (tmp_path / "elsewhere").mkdir()
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "elsewhere"), "--version")
    assert "2025-07-18" in out


def test_import_to_unwritable_folder(capsys, tmp_path, sample, monkeypatch):
    import os

    if os.geteuid() == 0:
        # root ignores permissions; make the data folder path a file instead
        blocker = tmp_path / "blocker"
        blocker.write_text("x")
        monkeypatch.setenv("TRUSTMATCH_DATA_DIR", str(blocker / "data"))
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        monkeypatch.setenv("TRUSTMATCH_DATA_DIR", str(locked / "data"))
    source = tmp_path / "s.csv"
    source.write_text(sample(), encoding="utf-8")
    code, _, err = run(capsys, "import-gias", str(source))
    assert code == 1 and "Nothing was imported" in err and "Traceback" not in err


def test_damaged_imported_dataset_is_a_clear_message(capsys, private_data_dir):
    private_data_dir.mkdir(parents=True)
    (private_data_dir / "dataset.json.gz").write_bytes(b"garbage")
    code, out, err = run(capsys, "find", "aldgate")
    assert code == 0 and "The Aldgate School" in out and "Traceback" not in err
    assert "damaged" in err and "Using the bundled data of 18 July 2025 instead" in err and err.count("\n") == 1
