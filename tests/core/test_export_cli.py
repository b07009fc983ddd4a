"""`trustmatch export`: a file per school (or one combined), failures reported, the exit code, worker processes."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from trustmatch.data import paths
from trustmatch.data.paths import PART_SUFFIX
from trustmatch.export import batch
from trustmatch.export.batch import Job, export_schools
from trustmatch.fit.ranking import PRESETS, Filters
from trustmatch.launch import main

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def csv_rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_one_file_per_school_and_a_bad_one_reported(capsys, tmp_path):
    out = tmp_path / "packs"
    code, stdout, err = run(
        capsys, "export", "113105", "100000", "999999", "--top", "3", "--format", "csv", "--out", str(out)
    )
    assert code == 1  # not everything succeeded
    assert "999999" in err and "Exported 2 of 3 schools" in stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == ["100000 The Aldgate School.csv", "113105 Ottery St Mary Primary School.csv"]
    rows = csv_rows(out / names[1])
    assert len(rows) == 3 and {r["School URN"] for r in rows} == {"113105"}


def test_all_succeeded_exit_zero_with_settings(capsys, tmp_path):
    urns = tmp_path / "urns.csv"
    urns.write_text("Name,URN\nOttery,113105\nAldgate,100000\n")
    code, stdout, _ = run(
        capsys,
        "export",
        "--urns-file",
        str(urns),
        "--format",
        "xlsx",
        "--out",
        str(tmp_path / "x"),
        "--preset",
        "rural primary",
        "--max-km",
        "30",
        "--top",
        "4",
    )
    assert code == 0 and "Exported 2 of 2 schools" in stdout
    book = openpyxl.load_workbook(tmp_path / "x" / "113105 Ottery St Mary Primary School.xlsx")
    assert "geography 3" in book["Trusts"]["A2"].value and "within 30 km" in book["Trusts"]["A2"].value
    assert len(list(book["Trusts"].iter_rows(min_row=5))) == 4


def test_combined_csv(capsys, tmp_path):
    code, stdout, _ = run(
        capsys, "export", "113105", "100000", "--top", "2", "--format", "csv", "--out", str(tmp_path), "--combined"
    )
    path = tmp_path / "TrustMatch trusts for 2 schools.csv"
    assert code == 0 and str(path) in stdout
    assert [r["School URN"] for r in csv_rows(path)] == ["113105", "113105", "100000", "100000"]


def test_a_school_with_no_trust_left_fails_alone(capsys, tmp_path):
    # a 3 km limit leaves Ottery (nearest trust school 5 km) with no trust; Aldgate, in central London, keeps two
    code, stdout, err = run(
        capsys, "export", "113105", "100000", "--max-km", "3", "--format", "csv", "--out", str(tmp_path)
    )
    assert code == 1 and "Exported 1 of 2" in stdout
    # the ranking's sentence, naming what to do: before, only "no trust is left after the filters; loosen them"
    assert "No trust is left for Ottery St Mary Primary School within 3 km: the nearest multi-academy trust" in err
    assert "Lift the reach limit to see the trusts beyond it." in err
    assert [p.name for p in tmp_path.iterdir()] == ["100000 The Aldgate School.csv"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "pdf", "--combined"], "one per school"),
        (["--format", "csv", "--weights", "ethos=x"], "must be a number"),
        (["--format", "csv", "--top", "0"], "--top must be 1 or more"),
    ],
)
def test_bad_requests_are_one_sentence(capsys, tmp_path, args, message):
    code, _, err = run(capsys, "export", "113105", "--out", str(tmp_path / "o"), *args)
    assert code == 1 and message in err and "Traceback" not in err


def test_output_folder_under_a_missing_folder(capsys, tmp_path):
    code, _, err = run(capsys, "export", "113105", "--format", "csv", "--out", str(tmp_path / "a" / "b"))
    assert code == 1 and "There is no folder" in err


def test_worker_processes_give_the_same_files(dataset, engine, tmp_path):
    rows = [dataset.index_of_urn(u) for u in (113105, 100000, 111456, 143283)] + list(range(0, 600, 100))
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir(), parallel.mkdir()
    job = Job("csv", serial, PRESETS["balanced"], Filters(), 3, paths.bundled_dataset())
    one = export_schools(dataset, engine, rows, job, combined=True, processes=1)
    from dataclasses import replace

    two = export_schools(dataset, engine, rows, replace(job, folder=parallel), combined=True, processes=2)
    assert one.combined.read_bytes() == two.combined.read_bytes()
    assert [o.urn for o in two.outcomes] == [o.urn for o in one.outcomes]


def test_a_cancelled_batch_keeps_finished_files_and_no_parts(dataset, engine, tmp_path):
    from trustmatch.progress import Cancelled, Task

    rows = [dataset.index_of_urn(u) for u in (113105, 100000, 111456)]
    seen = []
    task = Task(lambda fraction, message: seen.append(fraction) or (len(seen) == 2 and task.cancel()))
    job = Job("csv", tmp_path, PRESETS["balanced"], Filters(), 3, paths.bundled_dataset())
    with pytest.raises(Cancelled):
        export_schools(dataset, engine, rows, job, task)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 2 and not any(name.endswith(PART_SUFFIX) for name in left)


@pytest.mark.parametrize("processes", [1, 2])
def test_a_combined_csv_is_written_as_it_comes_and_only_whole(dataset, engine, tmp_path, processes):
    from trustmatch.export.files import ExportProblem
    from trustmatch.progress import Cancelled, Task

    rows = [dataset.index_of_urn(u) for u in (113105, 100000)] + list(range(0, 1200, 12))
    job = Job("csv", tmp_path, PRESETS["balanced"], Filters(), 3, paths.bundled_dataset())
    sizes = []

    def watch(fraction, message):  # the unfinished file grows on disk while the workers go on
        sizes.extend(p.stat().st_size for p in tmp_path.glob(f"*{PART_SUFFIX}"))
        if fraction > 0.5:
            task.cancel()

    task = Task(watch)
    with pytest.raises(Cancelled):
        export_schools(dataset, engine, rows, job, task, combined=True, processes=processes)
    assert list(tmp_path.iterdir()) == []  # cancelled: neither the file nor its temporary part
    assert len(set(sizes)) > 1

    nowhere = Job("csv", tmp_path, PRESETS["balanced"], Filters(max_km=1), 3, paths.bundled_dataset())
    with pytest.raises(ExportProblem, match="No school could be exported"):
        export_schools(dataset, engine, rows[:3], nowhere, combined=True, processes=processes)
    assert list(tmp_path.iterdir()) == []


def test_a_worker_that_cannot_start_reports_instead_of_hanging(tmp_path):
    # multiprocessing.Pool restarts a worker whose initializer raises, for ever: the error must wait for a job
    from trustmatch.data.dataset import DatasetProblem

    job = Job("pdf", tmp_path, PRESETS["balanced"], Filters(), 3, tmp_path / "no-dataset.json.gz")
    batch._worker.clear()
    try:
        batch._start_worker(job)  # does not raise
        with pytest.raises(DatasetProblem):
            batch._work_files([0])
    finally:
        batch._worker.clear()


@pytest.mark.parametrize(
    "fmt, schools, combined, cores, workers",
    [
        ("csv", 199, False, 64, 1),  # too few to be worth a process
        ("csv", 20_000, False, 2, 4),  # a file per school: twice the cores, as the disk waits
        ("csv", 20_000, True, 2, 2),
        ("csv", 20_000, False, 64, batch.MAX_WORKERS),  # ~95 MB each: never a process per core on a big machine
        ("xlsx", 20_000, True, 64, batch.MAX_WORKERS),
        ("pdf", 20_000, False, 64, batch.MAX_WORKERS),
        ("pdf", 5, False, 64, 5),  # never more workers than pieces of work
        ("xlsx", 45, False, 64, 4),  # 10 schools a piece
    ],
)
def test_a_batch_gets_a_capped_number_of_worker_processes(fmt, schools, combined, cores, workers):
    assert batch.worker_count(fmt, schools, combined, cores) == workers


def test_a_refusal_is_the_rankings_one_sentence_about_the_empty_list(capsys, tmp_path):
    # The Harvey Grammar School is the only school of its trust; TURNER SCHOOLS' nearest school is 0.503 km away.
    # Before, the refusal began with its notice ("... the trusts below are ranked ...") above no trust at all,
    # and said the nearest trust "is 0.5 km away" of a 0.5 km limit.
    code, _, err = run(capsys, "export", "138480", "--max-km", "0.5", "--format", "csv", "--out", str(tmp_path))
    assert code == 1 and list(tmp_path.iterdir()) == []
    assert err.strip().endswith(
        "The Harvey Grammar School: No other trust is left for The Harvey Grammar School within 0.5 km: the nearest "
        "multi-academy trust, TURNER SCHOOLS, is 0.50 km away. Lift the reach limit to see the trusts beyond it."
    )
    code, _, err = run(capsys, "rank", "138480", "--max-km", "0.5")
    assert code == 1 and "trusts below" not in err and "TURNER SCHOOLS, is 0.50 km away" in err


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_one_schools_unexpected_error_does_not_lose_a_combined_file(dataset, engine, tmp_path, monkeypatch, fmt):
    # A file each already kept such a school to itself; a combined file was lost whole, with a traceback.
    real = batch.content.for_top

    def for_top(dataset, engine, school, *args, **kwargs):
        if school.urn == 100000:
            raise ValueError("a fault in one school's row")
        return real(dataset, engine, school, *args, **kwargs)

    monkeypatch.setattr(batch.content, "for_top", for_top)
    rows = [dataset.index_of_urn(u) for u in (113105, 100000, 138480)]
    job = Job(fmt, tmp_path, PRESETS["balanced"], Filters(), 2, paths.bundled_dataset())
    result = export_schools(dataset, engine, rows, job, combined=True, processes=1)
    assert [(o.urn, o.problem) for o in result.outcomes] == [
        (113105, None),
        (100000, "unexpected error (ValueError: a fault in one school's row)"),
        (138480, None),
    ]
    if fmt == "csv":
        urns = [r["School URN"] for r in csv_rows(result.combined)]
    else:
        sheet = openpyxl.load_workbook(result.combined)["Trusts"]
        urns = [str(r[0]) for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert urns == ["113105", "113105", "138480", "138480"]


def test_a_urn_files_names_are_never_searched_for(capsys, tmp_path):
    # A client list with the name first and no header: before, each name was searched for and the best match
    # exported, silently and with exit status 0 (St Bede's Catholic High School, Lytham for St Bede's Infant).
    urns = tmp_path / "clients.csv"
    urns.write_text("St Mary's Primary,143283\nSt Bede's,100631\n113105,Ottery\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "export", "--urns-file", str(urns), "--format", "csv", "--out", str(out))
    assert code == 1 and "Exported 1 of 3 schools" in stdout
    assert [p.name for p in out.iterdir()] == ["113105 Ottery St Mary Primary School.csv"]
    assert "skipped St Bede's: not a URN; a URN file's entries are URNs" in err
    # a school named on the command line is still searched for
    code, stdout, _ = run(capsys, "export", "ottery st mary primary", "--format", "csv", "--out", str(out))
    assert code == 0 and "Exported 1 of 1 school" in stdout


def test_a_combined_workbook_lists_the_schools_left_out_and_why(capsys, tmp_path):
    # Before, a reader of the workbook alone saw 1 school and could not know 3 were asked for.
    urns = tmp_path / "clients.txt"
    urns.write_text("113105\n100000\n999999\nSt Bede's\n", encoding="utf-8")
    args = ["--urns-file", str(urns), "--max-km", "3", "--format", "xlsx", "--combined", "--out", str(tmp_path)]
    code, stdout, _ = run(capsys, "export", *args)
    assert code == 1 and "Exported 1 of 4 schools" in stdout
    book = openpyxl.load_workbook(tmp_path / "TrustMatch trusts for 2 schools.xlsx")
    # one school exported: its evidence too
    assert book.sheetnames == ["Trusts", "Not exported", "Member schools", "Evidence", "Sources"]
    assert book["Trusts"]["A1"].value.endswith("; 3 more asked for are on the Not exported sheet")
    left = list(book["Not exported"].iter_rows(min_row=5, values_only=True))
    ottery = ("113105", "Ottery St Mary Primary School")
    assert [row[:2] for row in left] == [("999999", None), ("St Bede's", None), ottery]
    assert left[0][2] == "No open state-funded school has URN 999999."
    assert left[1][2].startswith("not a URN")
    assert left[2][2].startswith("No trust is left for Ottery St Mary Primary School within 3 km")
