"""Exporting many schools at once: one file per school, or one combined CSV or workbook.

Large batches use every core (at most MAX_WORKERS processes): worker processes
each load the dataset and the fit engine once, then export school after school.  One school that fails is
reported and the rest still export.  PDF workers start fresh (spawn) and each
makes its own offscreen Qt application; CSV and Excel workers are forked where
the platform allows, sharing the parent's engine.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trustmatch.app.problems import UserError
from trustmatch.export import briefing as content
from trustmatch.export import csvfile, workbook
from trustmatch.export.files import ExportProblem, remove_parts, safe_filename, school_filename
from trustmatch.fit.ranking import RankingProblem
from trustmatch.progress import Cancelled, Task

log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "pdf")
SUFFIX = {"csv": ".csv", "xlsx": ".xlsx", "pdf": ".pdf"}
# Below these many schools, starting processes costs more than it saves.
PARALLEL_FROM = {"csv": 200, "xlsx": 40, "pdf": 4}
CHUNK = {"csv": 100, "xlsx": 10, "pdf": 1}
# Each worker holds its own dataset and fit engine (~95 MB): a process per core would take gigabytes on a big machine.
MAX_WORKERS = 8


@dataclass(frozen=True)
class Outcome:
    """What happened to one school of a batch."""

    urn: int
    name: str
    path: Path | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    combined: Path | None = None  # the one file written, when combined

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


@dataclass(frozen=True)
class Job:
    """The settings shared by every school of a batch (sent once to each worker process)."""

    fmt: str
    folder: Path
    weights: dict
    filters: object
    top: int
    dataset_path: Path  # read again by spawned worker processes
    # Drawing a PDF takes Qt, which only the front ends import: they hand in their writer (a module-level
    # function, so it reaches worker processes by name).
    write_pdf: Callable[[Path, object], None] | None = None


def _briefing(dataset, engine, job: Job, row: int):
    school = dataset.school(row)
    ranking = engine.evaluate(row).rank(job.weights, job.filters)
    if len(ranking) == 0:
        # the ranking says why (the reach limit and the nearest trust beyond it); its notice would go on to
        # speak of "the trusts below"
        raise UserError(ranking.shortfall)
    return content.for_top(dataset, engine, school, job.weights, job.filters, job.top, ranking)


def _failed(school, err: Exception) -> Outcome:
    """The outcome of a school whose export raised: its sentence, or for an unexpected error its name (logged)."""
    if isinstance(err, (UserError, RankingProblem)):
        return Outcome(school.urn, school.name, problem=str(err))
    log.error("export of %s failed", school.urn, exc_info=err)
    return Outcome(school.urn, school.name, problem=f"unexpected error ({type(err).__name__}: {err})")


def export_one(dataset, engine, job: Job, row: int) -> Outcome:
    """Export one school to its own file; any problem becomes the outcome's sentence."""
    school = dataset.school(row)
    path = job.folder / school_filename(school, SUFFIX[job.fmt])
    try:
        briefing = _briefing(dataset, engine, job, row)
        if job.fmt == "csv":
            csvfile.write(path, [briefing])
        elif job.fmt == "xlsx":
            workbook.write(path, [briefing])
        elif job.write_pdf is None:
            raise UserError("PDF packs are drawn by the app's window code, which this command was not given")
        else:
            job.write_pdf(path, briefing)
    except Cancelled:
        raise
    except Exception as err:  # noqa: BLE001 - one school's failure must not stop the batch; the log has the detail
        return _failed(school, err)
    return Outcome(school.urn, school.name, path)


def _briefings(dataset, engine, job: Job, rows: list[int], on_row=None) -> tuple[list, list[Outcome]]:
    """The briefings of the schools that can be ranked, and an outcome for every school, for one combined file.

    As for a file each, one school's unexpected error is its own outcome: it must not lose the whole file.
    """
    briefings, outcomes = [], []
    for i, row in enumerate(rows):
        if on_row is not None:
            on_row(i)
        school = dataset.school(row)
        try:
            briefings.append(_briefing(dataset, engine, job, row))
        except Cancelled:
            raise
        except Exception as err:  # noqa: BLE001 - see above
            outcomes.append(_failed(school, err))
            continue
        outcomes.append(Outcome(school.urn, school.name))
    return briefings, outcomes


def csv_block(dataset, engine, job: Job, rows: list[int]) -> tuple[str, list[Outcome]]:
    """CSV text (no header) for several schools, for one combined file."""
    briefings, outcomes = _briefings(dataset, engine, job, rows)
    return csvfile.text(briefings, with_header=False), outcomes


# --- worker processes -----------------------------------------------------------

_worker: dict = {}


def _start_worker(job: Job) -> None:
    # A Pool whose initializer raises starts new workers for ever: keep the error for the first job instead.
    try:
        if job.fmt == "pdf":
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if "engine" not in _worker:  # a forked worker has the parent's already
            from trustmatch.data.dataset import load
            from trustmatch.fit.ranking import FitEngine

            dataset = load(job.dataset_path)
            _worker.update(dataset=dataset, engine=FitEngine(dataset))
        _worker["job"] = job
    except Exception as err:  # noqa: BLE001 - re-raised in the parent by the first job
        _worker["error"] = err


def _state():
    if "error" in _worker:
        raise _worker["error"]
    return _worker["dataset"], _worker["engine"], _worker["job"]


def _work_files(rows: list[int]) -> list[Outcome]:
    dataset, engine, job = _state()
    return [export_one(dataset, engine, job, row) for row in rows]


def _work_csv(rows: list[int]) -> tuple[str, list[Outcome]]:
    return csv_block(*_state(), rows)


def _chunks(rows: list[int], size: int) -> list[list[int]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _qt_running() -> bool:
    """Forking a process that runs Qt copies its threads' locks mid-use; such a process spawns instead."""
    gui = sys.modules.get("PySide6.QtGui")
    return gui is not None and gui.QGuiApplication.instance() is not None


def _pool(job: Job, dataset, engine, processes: int):
    if job.fmt != "pdf" and "fork" in multiprocessing.get_all_start_methods() and not _qt_running():
        _worker.update(dataset=dataset, engine=engine)  # inherited by the forked workers
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
    return context.Pool(processes, initializer=_start_worker, initargs=(job,))


def _processes(job: Job, count: int, processes: int | None, combined: bool) -> int:
    if processes is not None:
        return max(1, processes)
    return worker_count(job.fmt, count, combined, os.cpu_count() or 1)


def worker_count(fmt: str, schools: int, combined: bool, cores: int) -> int:
    """How many worker processes export `schools` schools on a machine with `cores` cores (1: none started)."""
    if schools < PARALLEL_FROM[fmt]:
        return 1
    workers = cores
    if not combined and fmt != "pdf":
        # A small file per school spends as long waiting for the disk (each is synced) as being made:
        # twice as many workers as cores keep the cores busy meanwhile.
        workers *= 2
    return max(1, min(workers, MAX_WORKERS, schools // CHUNK[fmt]))


def _run(job: Job, dataset, engine, chunks: list[list[int]], work, local, task: Task, processes: int, on_result):
    """Run work over chunks (in processes when asked), calling on_result in order of completion."""
    total = sum(map(len, chunks))
    done = 0
    if processes <= 1:
        for row in (row for chunk in chunks for row in chunk):
            task.step(done / total, f"Exporting {done + 1:,} of {total:,}")
            on_result(local([row]))
            done += 1
        return
    pool = _pool(job, dataset, engine, processes)
    try:
        ordered = job.fmt == "csv"  # combined CSV keeps the schools in the order asked
        results = (pool.imap if ordered else pool.imap_unordered)(work, chunks)
        task.step(0.0, f"Exporting {total:,} schools on {processes} cores")
        for chunk, result in zip(chunks, results):
            on_result(result)
            done += len(chunk)
            task.step(done / total, f"Exported {done:,} of {total:,}")
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _worker.clear()


def export_schools(
    dataset,
    engine,
    rows: list[int],
    job: Job,
    task: Task | None = None,
    combined: bool = False,
    processes: int | None = None,
    on_outcome=None,
    left_out=(),
) -> BatchResult:
    """Export each school (dataset rows) to its own file in job.folder, or all to one combined file.

    One outcome per school, reported to on_outcome as it comes.  A cancel
    removes any half-written file and re-raises Cancelled; files already
    finished stay.  `left_out` (given, school name, why) are schools asked for
    and not found, which a combined workbook lists with those that fail here.
    """
    task = task or Task()
    on_outcome = on_outcome or (lambda outcome: None)
    outcomes: list[Outcome] = []

    def keep(results) -> None:
        for outcome in results:
            outcomes.append(outcome)
            on_outcome(outcome)

    count = _processes(job, len(rows), processes, combined)
    if not combined:
        planned = [job.folder / school_filename(dataset.school(r), SUFFIX[job.fmt]) for r in rows]
        try:
            _run(
                job,
                dataset,
                engine,
                _chunks(rows, CHUNK[job.fmt]),
                _work_files,
                lambda chunk: [export_one(dataset, engine, job, r) for r in chunk],
                task,
                count,
                keep,
            )
        except BaseException:
            remove_parts(planned)  # a stopped worker may have left a temporary file
            raise
        task.step(1.0, "Done")
        return BatchResult(outcomes)

    if job.fmt == "pdf":
        raise UserError("PDF briefing packs are one per school; --combined is for CSV and Excel.")
    path = job.folder / combined_filename(job.fmt, len(rows))
    if job.fmt == "csv":
        # Each block is written as it comes (in the order asked), so the disk works while the workers rank
        # and memory stays flat; a failure or cancel removes the unfinished file (atomic_file).
        with csvfile.blocks(path) as add:

            def gather(result) -> None:
                text, results = result
                add(text)
                keep(results)

            _run(
                job,
                dataset,
                engine,
                _chunks(rows, CHUNK["csv"]),
                _work_csv,
                lambda chunk: csv_block(dataset, engine, job, chunk),
                task,
                count,
                gather,
            )
            _some_succeeded(outcomes)
    else:
        briefings, results = _briefings(
            dataset, engine, job, rows, lambda i: task.step(0.8 * i / len(rows), f"Ranking {i + 1:,} of {len(rows):,}")
        )
        keep(results)
        _some_succeeded(outcomes)
        task.step(0.85, "Writing the workbook")
        failed = [(str(o.urn), o.name, o.problem) for o in results if not o.ok]
        workbook.write(path, briefings, left_out=[*left_out, *failed])
    task.step(1.0, "Done")
    return BatchResult(outcomes, path)


def _some_succeeded(outcomes: list[Outcome]) -> None:
    if not any(o.ok for o in outcomes):
        why = outcomes[0].problem if outcomes else "none given"
        raise ExportProblem(f"No school could be exported ({why}), so nothing was written.")


def combined_filename(fmt: str, count: int) -> str:
    return safe_filename(f"TrustMatch trusts for {count} school{'s' if count != 1 else ''}", SUFFIX[fmt])
