"""Issue 9: Hypothesis fuzzing of the importer (rows and headers) and of the dataset loader.

Every generated input either works or is refused with one sentence (`ImportProblem`,
`DatasetProblem`); never another exception.  After every refusal the data in use is
byte for byte what it was, with no temporary file left.  A dataset the loader accepts
must also build everything the app builds from it.

The slow tests run 10,000 cases each; the quick ones a few hundred, so that the
default quick run (-m "not slow") still tries every kind of damage.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustmatch.app.register import check_usable, import_register
from trustmatch.data.dataset import DatasetProblem, load, save
from trustmatch.data.gias import ImportProblem

FUZZ = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=True)

# --- the importer ----------------------------------------------------------------------------

CELLS = st.one_of(
    st.text(max_size=10),
    st.sampled_from([
        "", '"', '""', ",", "\n", "\r\n", "\t", ";", "\ufeff", "\x00", "\x1b[2J", "\ufffd", "²", "¹⁰⁰⁰³⁵", "١٢٣",
        "nan", "inf", "-inf", "1e308", "-1", "0", "12345678901234567890", "100000", "3320", "Open", "Closed",
        "Academies", "Supported by a multi-academy trust", "Primary", "<html>", "999999", "533498", "181201",
    ]),
)
ROW_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("cell"), st.integers(0, 10**6), st.integers(0, 10**6), CELLS),
        st.tuples(st.just("drop row"), st.integers(0, 10**6)),
        st.tuples(st.just("copy row"), st.integers(0, 10**6)),
        st.tuples(st.just("short row"), st.integers(0, 10**6), st.integers(0, 140)),
    ),
    max_size=6,
)
HEADER_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("rename"), st.integers(0, 10**6), CELLS),
        st.tuples(st.just("drop column"), st.integers(0, 10**6)),
        st.tuples(st.just("swap columns"), st.integers(0, 10**6), st.integers(0, 10**6)),
        st.tuples(st.just("bom"), st.integers(1, 3)),
    ),
    max_size=3,
)
BYTE_OPS = st.tuples(
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"]),
    st.booleans(),  # written by the csv module (quoted properly) or joined naively
    st.one_of(st.none(), st.floats(0, 1)),  # cut the bytes off here
    st.one_of(st.none(), st.tuples(st.floats(0, 1), st.binary(max_size=8))),  # insert raw bytes here
    st.sampled_from(["plain", "gzip", "zip", "zip-other-name"]),
)


@pytest.fixture(scope="module")
def base_rows(raw_lines):
    """About 40 real rows: open schools of several multi-academy trusts, and others."""
    rows = list(csv.reader(io.StringIO("".join(raw_lines[:1]))))
    header = rows[0]
    names = ("EstablishmentStatus (name)", "TrustSchoolFlag (name)", "Trusts (code)")
    at = {name: header.index(name) for name in names}
    mats, others = [], []
    for line in raw_lines[1:]:
        [row] = csv.reader([line])
        status, flag = row[at["EstablishmentStatus (name)"]], row[at["TrustSchoolFlag (name)"]]
        open_mat = status == "Open" and "multi-academy" in flag
        if open_mat and row[at["Trusts (code)"]] in ("3320", "16026", "2939", "15596") and len(mats) < 30:
            mats.append(row)
        elif len(others) < 12 and not open_mat:
            others.append(row)
    return header, mats + others


@pytest.fixture(scope="module")
def in_use(tmp_path_factory, base_rows):
    """A folder whose data in use is the base rows, imported; returns (target, its bytes)."""
    folder = tmp_path_factory.mktemp("in_use")
    source = folder.parent / "base.csv"
    source.write_bytes(_csv_bytes(*base_rows, properly=True, encoding="utf-8"))
    target = folder / "dataset.json.gz"
    import_register(source, force=True, target=target)
    return target, target.read_bytes()


def _csv_bytes(header, rows, properly: bool, encoding: str) -> bytes:
    if properly:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([header, *rows])
        text = out.getvalue()
    else:
        text = "".join(",".join(row) + "\n" for row in [header, *rows])
    return text.encode(encoding, errors="replace")


def _mutated_file(folder: Path, base_rows, row_ops, header_ops, byte_ops) -> Path:
    header, rows = list(base_rows[0]), [list(r) for r in base_rows[1]]
    for op in header_ops:
        if op[0] == "rename":
            header[op[1] % len(header)] = op[2]
        elif op[0] == "drop column":
            k = op[1] % len(header)
            header.pop(k)
            for row in rows:
                row.pop(k)
        elif op[0] == "swap columns":
            i, j = op[1] % len(header), op[2] % len(header)
            header[i], header[j] = header[j], header[i]
        elif op[0] == "bom":
            header[0] = "\ufeff" * op[1] + header[0]
    for op in row_ops:
        if not rows:
            break
        k = op[1] % len(rows)
        if op[0] == "cell" and rows[k]:
            rows[k][op[2] % len(rows[k])] = op[3]
        elif op[0] == "drop row":
            rows.pop(k)
        elif op[0] == "copy row":
            rows.append(list(rows[k]))
        elif op[0] == "short row":
            rows[k] = rows[k][: op[2]]
    encoding, properly, cut, insert, wrapper = byte_ops
    data = _csv_bytes(header, rows, properly, encoding)
    if insert is not None:
        at = int(insert[0] * len(data))
        data = data[:at] + insert[1] + data[at:]
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = folder / "edubasealldata20251101.csv"
    if wrapper == "gzip":
        path = folder / "edubasealldata20251101.csv.gz"
        data = gzip.compress(data)
    elif wrapper.startswith("zip"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("edubasealldata20251101.csv" if wrapper == "zip" else "other.csv", data)
        path, data = folder / "download.zip", buffer.getvalue()
    path.write_bytes(data)
    return path


def _import_once(folder, in_use, base_rows, row_ops, header_ops, byte_ops, force) -> None:
    target, original = in_use
    source = _mutated_file(folder, base_rows, row_ops, header_ops, byte_ops)
    try:
        dataset, _ = import_register(source, force=force, target=target)
    except ImportProblem as err:
        message = str(err)
        assert message and "\n" not in message and "Traceback" not in message
        assert target.read_bytes() == original, "a refused file changed the data in use"
    else:
        assert load(target).columns == dataset.columns
        save(load(target.with_name("dataset.previous.json.gz")), target)  # put the data in use back
        assert target.read_bytes() == original
    finally:
        source.unlink()
    assert not [p.name for p in target.parent.iterdir() if p.name.endswith(".part")]


def _importer_property(examples: int):
    @settings(FUZZ, max_examples=examples)
    @given(row_ops=ROW_OPS, header_ops=HEADER_OPS, byte_ops=BYTE_OPS, force=st.booleans())
    def check(folder, in_use, base_rows, row_ops, header_ops, byte_ops, force):
        _import_once(folder, in_use, base_rows, row_ops, header_ops, byte_ops, force)

    return check


def test_importer_fuzz_quick(tmp_path_factory, in_use, base_rows):
    _importer_property(100)(tmp_path_factory.mktemp("sources"), in_use, base_rows)


@pytest.mark.slow
def test_importer_fuzz_10000(tmp_path_factory, in_use, base_rows):
    _importer_property(10_000)(tmp_path_factory.mktemp("sources"), in_use, base_rows)


def test_the_fuzz_base_imports_and_has_trusts(in_use):
    dataset = load(in_use[0])
    assert len(dataset) >= 25 and len(dataset.trusts.of_type("MAT")) >= 2


# --- the dataset loader -------------------------------------------------------------------------

JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True),
    st.text(max_size=8), st.sampled_from(["", "MAT", "primary", "²", "3320", "catholic", "\ufffd"]),
)
JSON_ANY = st.recursive(JSON_LEAF, lambda children: st.lists(children, max_size=3)
                        | st.dictionaries(st.text(max_size=5), children, max_size=3), max_leaves=8)
DOC_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("value"), st.integers(0, 100), st.integers(0, 10**6), JSON_LEAF),
        st.tuples(st.just("column"), st.integers(0, 100), JSON_ANY),
        st.tuples(st.just("drop"), st.integers(0, 100)),
        st.tuples(st.just("shorten"), st.integers(0, 100), st.integers(0, 40)),
        st.tuples(st.just("meta"), st.sampled_from(["data_date", "source_name", "skipped"]), JSON_ANY),
        st.tuples(st.just("top"), st.sampled_from(["format", "version", "meta", "columns"]), JSON_ANY),
    ),
    max_size=4,
)
DOC_BYTES = st.tuples(
    st.one_of(st.none(), st.floats(0, 1)),  # cut the JSON text
    st.one_of(st.none(), st.integers(1, 5000)),  # wrap it in this many brackets
    st.booleans(),  # gzip it (as TrustMatch does) or not
)


@pytest.fixture(scope="module")
def base_document(dataset):
    rows = list(range(0, len(dataset), len(dataset) // 30))[:30]
    mats = [m for t in dataset.trusts.of_type("MAT")[:3] for m in t.members[:4]]
    columns = {name: [values[r] for r in rows + mats] for name, values in dataset.columns.items()}
    return {"format": "trustmatch-dataset", "version": 2, "meta": dict(dataset.meta), "columns": columns}


def _load_once(folder: Path, base_document, ops, byte_ops) -> None:
    document = json.loads(json.dumps(base_document))
    names = sorted(document["columns"])
    for op in ops:
        columns = document.get("columns")
        if op[0] == "top":
            document[op[1]] = op[2]
        elif op[0] == "meta":
            if isinstance(document.get("meta"), dict):
                document["meta"][op[1]] = op[2]
        elif isinstance(columns, dict) and columns:
            name = names[op[1] % len(names)]
            if op[0] == "value" and isinstance(columns.get(name), list) and columns[name]:
                columns[name][op[2] % len(columns[name])] = op[3]
            elif op[0] == "column":
                columns[name] = op[2]
            elif op[0] == "drop":
                columns.pop(name, None)
            elif op[0] == "shorten" and isinstance(columns.get(name), list):
                columns[name] = columns[name][: op[2]]
    cut, brackets, zipped = byte_ops
    text = json.dumps(document)
    if brackets:
        text = "[" * brackets + text + "]" * brackets
    if cut is not None:
        text = text[: int(cut * len(text))]
    path = folder / "dataset.json.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")) if zipped else text.encode("utf-8"))
    try:
        dataset = load(path)
    except DatasetProblem as err:
        assert str(err) and "\n" not in str(err)
        return
    # accepted: then everything the app builds from it must work
    engine = check_usable(dataset)
    dataset.school(len(dataset) - 1)
    for trust in dataset.trusts:
        trust.summary()
    assert engine is not None


def _loader_property(examples: int):
    @settings(FUZZ, max_examples=examples)
    @given(ops=DOC_OPS, byte_ops=DOC_BYTES)
    def check(folder, base_document, ops, byte_ops):
        _load_once(folder, base_document, ops, byte_ops)

    return check


def test_loader_fuzz_quick(tmp_path_factory, base_document):
    _loader_property(100)(tmp_path_factory.mktemp("loader"), base_document)


@pytest.mark.slow
def test_loader_fuzz_10000(tmp_path_factory, base_document):
    _loader_property(10_000)(tmp_path_factory.mktemp("loader"), base_document)


def test_the_loader_base_is_a_valid_dataset(tmp_path, base_document):
    path = tmp_path / "d.json.gz"
    path.write_bytes(gzip.compress(json.dumps(base_document).encode("utf-8")))
    check_usable(load(path))
