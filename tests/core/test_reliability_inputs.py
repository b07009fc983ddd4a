"""Issue 9: every bad input gets one sentence, a non-zero exit and no traceback; output cannot be turned
against the user.  Each case is tried as a user or an attacker would."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import struct
import subprocess
import sys
import zipfile

import pytest

from trustmatch.app.lookup import resolve_school
from trustmatch.app.problems import UserError
from trustmatch.data import gias, paths
from trustmatch.data.dataset import DatasetProblem, load
from trustmatch.data.gias import ImportProblem, import_gias
from trustmatch.data.identifiers import is_group_uid, parse_urn
from trustmatch.launch import main

ALDGATE = 100000
CHOIR = 135575
FIERTE = "5188"  # FIERT\ufffd MULTI-ACADEMY TRUST in the real register


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def one_sentence(code, err, phrase):
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1 and phrase in err, err


# --- zip files ---------------------------------------------------------------------------


def _zip(entries: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return buffer.getvalue()


def _patch_central(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    """Change a field of the (first) central directory entry, where zipfile reads a member's facts."""
    at = data.index(b"PK\x01\x02") + offset
    return data[:at] + struct.pack(fmt, value) + data[at + struct.calcsize(fmt):]


@pytest.fixture
def zipped(sample):
    return _zip([("edubasealldata20250718.csv", sample(count=300))])


@pytest.mark.parametrize(
    "offset, fmt, value, phrase",
    [
        (8, "<H", 0x1, "password-protected"),  # general purpose flag bit 0: encrypted
        (10, "<H", 9, "method TrustMatch cannot read (such as Deflate64)"),
        (24, "<I", 0xFFFF0000, "would unpack to 4.3 GB"),  # the declared size: a zip bomb
    ],
)
def test_bad_zip_members_are_one_sentence(tmp_path, zipped, offset, fmt, value, phrase):
    path = tmp_path / "download.zip"
    path.write_bytes(_patch_central(zipped, offset, fmt, value))
    with pytest.raises(ImportProblem, match=re.escape(phrase)) as caught:
        import_gias(path)
    assert "\n" not in str(caught.value)


def test_a_bomb_is_stopped_while_streaming_whatever_it_declares(tmp_path, monkeypatch):
    monkeypatch.setattr(gias, "MAX_CSV_BYTES", 1 << 20)
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"URN," + b"a" * (3 << 20)))  # gzip declares nothing that can be trusted
    with pytest.raises(ImportProblem, match="unpacks to more than"):
        import_gias(path)


def test_zip_picks_the_all_establishment_csv_by_name(tmp_path, sample):
    links = "URN,LinkURN,LinkName,LinkType\n100000,1,x,y\n"
    path = tmp_path / "extract.zip"
    path.write_bytes(_zip([("links_edubasealldata20250718.csv", links),
                           ("edubasealldata20250718.csv", sample(count=300))]))
    result = import_gias(path)
    assert ALDGATE in result.columns["urn"] and result.data_date == "2025-07-18"


def test_zip_with_several_csvs_none_by_that_name(tmp_path, sample):
    path = tmp_path / "x.zip"
    path.write_bytes(_zip([("a.csv", "x\n"), ("b.csv", "y\n")]))
    with pytest.raises(ImportProblem, match="several CSV files and none is named edubasealldata"):
        import_gias(path)


# --- encodings ---------------------------------------------------------------------------


def _as_unicode_text(text: str) -> bytes:
    """What Excel saves as 'Unicode text': tab-separated UTF-16 with a byte order mark."""
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
    return out.getvalue().encode("utf-16")


def test_utf16_unicode_text_is_read(tmp_path, sample):
    text = sample(count=300)
    plain = import_gias(_file(tmp_path, "a.csv", text.encode("utf-8")))
    wide = import_gias(_file(tmp_path, "edubasealldata.txt", _as_unicode_text(text)))
    assert wide.columns == plain.columns


def test_two_byte_order_marks_are_not_missing_columns(tmp_path, sample):
    text = sample(count=300)
    twice = import_gias(_file(tmp_path, "bom.csv", ("\ufeff" + text).encode("utf-8-sig")))
    assert twice.columns["urn"] == import_gias(_file(tmp_path, "a.csv", text.encode("utf-8"))).columns["urn"]


def _file(folder, name, data: bytes):
    path = folder / name
    path.write_bytes(data)
    return path


# --- URNs and codes are ASCII digits -------------------------------------------------------


@pytest.mark.parametrize("text", ["²", "¹⁰⁰⁰³⁵", "١٠٠٠٠٠", "12345678901234567890", "100000.0", "-1", "", " "])
def test_what_is_not_a_urn(text):
    assert parse_urn(text) is None


def test_what_is_a_urn_and_a_group_uid():
    assert parse_urn(" 100000 ") == 100000 and parse_urn(100000) == 100000 and parse_urn(True) is None
    assert is_group_uid("3320") and not is_group_uid("²") and not is_group_uid("") and not is_group_uid(3320)


@pytest.mark.parametrize("text", ["²", "¹⁰⁰⁰³⁵", "12345678901234567890"])
def test_rank_and_school_refuse_digits_that_are_not_a_urn(capsys, dataset, text):
    code, _, err = run(capsys, "rank", text)
    one_sentence(code, err, "is not a URN")
    with pytest.raises(UserError, match="is not a URN"):
        resolve_school(dataset, text)  # what the window's --school uses


def test_importer_skips_rows_whose_urn_or_trust_code_is_not_ascii_digits(tmp_path, sample):
    text = sample(count=400, wanted_urns=[CHOIR])
    urn = CHOIR  # Bristol Cathedral Choir School, in trust 16026
    assert ",16026,CATHEDRAL SCHOOLS TRUST," in text
    edited = text.replace(",16026,CATHEDRAL SCHOOLS TRUST,", ",²,CATHEDRAL SCHOOLS TRUST,")
    edited = edited.replace("\n100000,", "\n¹⁰⁰⁰⁰⁰,", 1)
    result = import_gias(_file(tmp_path, "digits.csv", edited.encode("utf-8")))
    assert urn not in result.columns["urn"] and ALDGATE not in result.columns["urn"]
    assert result.skipped["schools with an invalid trust code"] == 1
    assert result.skipped["rows without a valid URN"] >= 1
    assert all(code == "" or is_group_uid(code) for code in result.columns["trust_code"])


# --- the saved dataset ---------------------------------------------------------------------


def _document(dataset, **changes) -> dict:
    columns = {name: list(values) for name, values in dataset.columns.items()}
    document = {"format": "trustmatch-dataset", "version": 2, "meta": dict(dataset.meta), "columns": columns}
    for key, value in changes.items():
        if key == "columns":
            document["columns"] = value
        else:
            columns[key] = value(columns[key]) if callable(value) else value
    return document


BAD_SHAPES = {
    "no columns": lambda d: {k: v for k, v in _document(d).items() if k != "columns"},
    "null columns": lambda d: _document(d, columns=None),
    "columns a list": lambda d: _document(d, columns=[1, 2]),
    "a column null": lambda d: _document(d, pupils=None),
    "text for numbers": lambda d: _document(d, pupils=lambda v: ["many"] + v[1:]),
    "a bool for a URN": lambda d: _document(d, urn=lambda v: [True] + v[1:]),
    "NaN easting": lambda d: _document(d, easting=lambda v: [float("nan")] + v[1:]),
    "huge number": lambda d: _document(d, capacity=lambda v: [10**400] + v[1:]),
    "uneven lengths": lambda d: _document(d, name=lambda v: v[:-1]),
    "empty": lambda d: _document(d, columns={k: [] for k in d.columns}),
    "unknown phase": lambda d: _document(d, phase_group=lambda v: ["secret"] + v[1:]),
    "bad trust code": lambda d: _document(d, trust_code=lambda v: ["²"] + v[1:]),
    "duplicate URNs": lambda d: _document(d, urn=lambda v: [v[1]] + v[1:]),
    "a nine-digit URN": lambda d: _document(d, urn=lambda v: [10**8] + v[1:]),
    "a negative URN": lambda d: _document(d, urn=lambda v: [-v[0]] + v[1:]),
    "a float URN": lambda d: _document(d, urn=lambda v: [float(v[0])] + v[1:]),
    "NaN for a missing pupil count": lambda d: _document(d, pupils=lambda v: [float("nan")] + v[1:]),
    "a trust code too long": lambda d: _document(d, trust_code=lambda v: ["1" * 11] + v[1:]),
    "meta not a dict": lambda d: {**_document(d), "meta": [1]},
}


@pytest.mark.parametrize("shape", sorted(BAD_SHAPES))
def test_dataset_of_the_wrong_shape_is_refused_on_load(tmp_path, dataset, shape):
    path = tmp_path / "dataset.json.gz"
    path.write_bytes(gzip.compress(json.dumps(BAD_SHAPES[shape](dataset)).encode("utf-8")))
    with pytest.raises(DatasetProblem, match="damaged|not a TrustMatch dataset") as caught:
        load(path)
    assert "\n" not in str(caught.value)


def test_deeply_nested_dataset_is_refused(tmp_path):
    path = tmp_path / "dataset.json.gz"
    path.write_bytes(gzip.compress(b"[" * 200_000 + b"]" * 200_000))
    with pytest.raises(DatasetProblem, match="damaged"):
        load(path)


def test_commands_fall_back_to_the_bundled_data_and_say_so(capsys, dataset, private_data_dir):
    private_data_dir.mkdir()
    text_for_numbers = BAD_SHAPES["text for numbers"](dataset)
    paths.imported_dataset().write_bytes(gzip.compress(json.dumps(text_for_numbers).encode("utf-8")))
    code, out, err = run(capsys, "rank", ALDGATE, "--format", "json")
    assert code == 0 and json.loads(out)[0]["rank"] == 1
    assert "holds values of the wrong kind" in err and "Using the bundled data of 18 July 2025 instead" in err
    code, out, err = run(capsys, "--version")
    assert code == 0 and "2025-07-18" in out and "Using the bundled data" in err


# --- command-line arguments ------------------------------------------------------------------


def test_urns_file_lines_that_are_not_urns_are_not_found_and_duplicates_rank_once(capsys, tmp_path):
    urns = tmp_path / "urns.txt"
    urns.write_text("N/A\nhello\n100000\n 100000\n²\n12345678901234567890\n", encoding="utf-8")
    code, out, err = run(capsys, "rank", "--urns-file", urns, "--format", "json")
    assert code == 0
    assert [block["urn"] for block in json.loads(out)] == [ALDGATE]
    assert "4 entries not found" in err and "'N/A'" in err and "'hello'" in err and "'²'" in err


def test_urns_file_with_a_semicolon_header(capsys, tmp_path):
    urns = tmp_path / "urns.csv"
    urns.write_text("name;urn\nAldgate;100000\nNewman;111456\n", encoding="utf-8")
    code, out, _ = run(capsys, "rank", "--urns-file", urns, "--format", "json")
    assert code == 0 and [block["urn"] for block in json.loads(out)] == [ALDGATE, 111456]


def test_urns_file_with_no_urn_at_all(capsys, tmp_path):
    urns = tmp_path / "urns.txt"
    urns.write_text("hello\nworld\n", encoding="utf-8")
    code, _, err = run(capsys, "rank", "--urns-file", urns)
    assert code == 1 and "None of the 2 entries" in err


@pytest.mark.parametrize("text", ["", "  "])
def test_empty_trust_is_refused(capsys, text):
    code, _, err = run(capsys, "trust", text)
    one_sentence(code, err, "Name a trust")


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "0", "lots"])
def test_max_km_must_be_a_real_distance(capsys, value):
    with pytest.raises(SystemExit) as stopped:
        main(["rank", str(ALDGATE), "--max-km", value])
    _, err = capsys.readouterr()
    assert stopped.value.code == 2 and "--max-km: must be a distance in km" in err and value in err


def test_huge_weights_are_refused(capsys):
    code, _, err = run(capsys, "rank", ALDGATE, "--weights", "ethos=1e308")
    one_sentence(code, err, "at most 1000")


def test_data_dir_that_is_a_file_or_missing_is_named(capsys, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    code, _, err = run(capsys, "--data-dir", a_file, "--version")
    one_sentence(code, err, "is a file, not a folder")
    code, _, err = run(capsys, "--data-dir", tmp_path / "typo", "find", "aldgate")
    one_sentence(code, err, "does not exist")


def test_import_creates_a_missing_data_dir(capsys, tmp_path, sample):
    source = tmp_path / "s.csv"
    source.write_text(sample(count=300), encoding="utf-8")
    code, _, err = run(capsys, "--data-dir", tmp_path / "new", "import-gias", "--force", source)
    assert code == 0, err
    assert (tmp_path / "new" / "dataset.json.gz").exists()


# --- output that cannot be turned against the user ---------------------------------------------

EVIL = "The \x1b[2J\x1b]0;pwned\x07Aldgate\x9b31m School\u202e"


@pytest.fixture
def evil_names(tmp_path, sample, capsys):
    """A register whose school and trust names carry terminal escape sequences."""
    text = sample(count=3000, wanted_urns=[CHOIR])
    trust_name = "CATHEDRAL SCHOOLS TRUST"
    text = text.replace("The Aldgate School", EVIL).replace(trust_name, "\x1b[31m" + trust_name)
    source = tmp_path / "evil.csv"
    source.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "import-gias", "--force", source)
    assert code == 0, err
    return trust_name


def test_control_characters_never_reach_the_terminal(capsys, evil_names):
    for args in (["find", "aldgate"], ["find", "aldgate", "--json"], ["trust", evil_names],
                 ["trust", evil_names, "--json"], ["rank", ALDGATE, "--max-km", "none", "--any-character"],
                 ["rank", ALDGATE, "--format", "csv", "--max-km", "none", "--any-character"]):
        code, out, err = run(capsys, *args)
        assert code == 0, (args, err)
        for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert bad not in out and bad not in err, (args, bad)
    code, out, _ = run(capsys, "find", "aldgate", "--json")
    assert json.loads(out)[0]["name"] == EVIL  # JSON keeps the name, escaped


def _subprocess(*args, encoding="cp1252", cwd=None):
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    return subprocess.run([sys.executable, "-m", "trustmatch", *map(str, args)], capture_output=True,
                          env=env, timeout=120, cwd=cwd)


def test_a_cp1252_console_never_crashes_on_replacement_characters():
    result = _subprocess("trust", FIERTE)
    assert result.returncode == 0, result.stderr.decode("cp1252")
    assert "FIERT? MULTI-ACADEMY TRUST (group UID 5188, MAT)" in result.stdout.decode("cp1252")
    result = _subprocess("rank", "140677", "--format", "csv")  # North Star 180\ufffd, redirected
    lines = result.stdout.decode("cp1252").splitlines()
    assert result.returncode == 0 and len(lines) == 11 and "North Star 180?" in lines[1]


def test_out_writes_utf8_with_a_bom_for_csv(capsys, tmp_path):
    target = tmp_path / "ranked.csv"
    code, out, err = run(capsys, "rank", "140677", "--format", "csv", "--out", target)
    assert code == 0 and out == "" and "Saved" in err
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 11 and rows[1][1] == "North Star 180\ufffd"
    target = tmp_path / "trust.txt"
    code, _, _ = run(capsys, "trust", FIERTE, "--out", target)
    assert code == 0 and target.read_text(encoding="utf-8").startswith("FIERT\ufffd MULTI-ACADEMY TRUST")
    target = tmp_path / "found.json"
    code, _, _ = run(capsys, "find", "north star", "--json", "--out", target)
    assert code == 0 and json.loads(target.read_text(encoding="utf-8"))


def test_out_to_a_missing_folder_or_a_folder(capsys, tmp_path):
    code, _, err = run(capsys, "rank", ALDGATE, "--out", tmp_path / "nope" / "x.csv")
    one_sentence(code, err, "There is no folder")
    code, _, err = run(capsys, "rank", ALDGATE, "--out", tmp_path)
    one_sentence(code, err, "is a folder")
