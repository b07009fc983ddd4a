"""The register in use: a GIAS download checked before it replaces anything, and one step back.

An import builds everything the app needs from the new file (the dataset, its
trusts, the fit engine, one ranking) before a byte is written, refuses a
register far smaller than the one in use unless the user confirms, and keeps
the dataset it replaces as the previous one.
"""

from __future__ import annotations

from pathlib import Path

from trustmatch.data import paths
from trustmatch.data.dataset import Dataset, DatasetProblem, load, restore_previous, save
from trustmatch.data.gias import ImportProblem, import_gias
from trustmatch.fit.ranking import PRESETS, Filters, FitEngine
from trustmatch.progress import Task

# A new register with fewer than this share of the schools or multi-academy trusts
# of the one in use is more likely a partial download than a real change.
SMALLEST_SHARE = 0.8


class SmallerRegister(ImportProblem):
    """A valid file far smaller than the data in use: imported only if the user confirms."""


def check_usable(dataset: Dataset) -> FitEngine:
    """Build what the app builds from a dataset, and rank one school, so a bad one fails here, not later."""
    engine = FitEngine(dataset)
    engine.evaluate(0).rank(PRESETS["balanced"], Filters()).rows(10)
    return engine


def compare_with_in_use(new: Dataset, source_name: str, target: Path) -> None:
    """Refuse a register far smaller than the one at `target` (or the bundled one, before any import)."""
    try:
        current = load(target if target.exists() else paths.bundled_dataset())
    except DatasetProblem:
        return  # nothing sound to compare with; the new file has passed its own checks
    schools, mats = len(new), len(new.trusts.of_type("MAT"))
    old_schools, old_mats = len(current), len(current.trusts.of_type("MAT"))
    if schools < SMALLEST_SHARE * old_schools or mats < SMALLEST_SHARE * old_mats:
        raise SmallerRegister(
            f"{source_name} has {schools:,} schools and {mats:,} multi-academy trusts where the data in use "
            f"has {old_schools:,} and {old_mats:,}, so it may be a partial download; import it only if you "
            "meant to (--force)."
        )


def import_register(source: Path | str, task: Task | None = None, force: bool = False,
                    target: Path | None = None) -> tuple[Dataset, FitEngine]:
    """Import a GIAS download and make it the data in use, keeping the data it replaces as the previous.

    Nothing is written until the file has been read and everything built from
    it has worked, so a bad file, a refusal or a cancel leaves the data as it was.
    """
    task = task or Task()
    target = Path(target or paths.imported_dataset())
    paths.remove_orphans(target.parent)
    result = import_gias(source, task)
    task.step(0.9, "Checking the trusts and the fit engine")
    dataset = Dataset.from_import(result)
    try:
        engine = check_usable(dataset)
    except Exception as err:  # noqa: BLE001 - whatever breaks, the file is refused and nothing is saved
        raise ImportProblem(
            f"{result.source_name} cannot be used: building the trusts from it failed ({err})."
        ) from err
    if not force:
        compare_with_in_use(dataset, result.source_name, target)
    task.step(0.95, "Saving dataset")
    save(dataset, target, keep_previous=True)
    task.step(1.0, "Done")
    return dataset, engine


def restore_previous_register(task: Task | None = None) -> tuple[Dataset, FitEngine, str]:
    """Swap the data in use with the previous data; returns the data now in use and a sentence saying so.

    The data to go back to is loaded and its engine built first (this can be
    cancelled); the files change places only once that has worked.
    """
    task = task or Task()
    task.step(0.0, "Loading the previous data")
    paths.remove_orphans()
    current, previous = paths.imported_dataset(), paths.previous_dataset()
    if not previous.exists() and not current.exists():
        raise DatasetProblem("There is no previous data to go back to: nothing has been imported.")
    dataset = load(previous if previous.exists() else paths.bundled_dataset())
    task.step(0.4, "Building the fit engine")
    engine = FitEngine(dataset)
    task.step(0.9, "Restoring the previous data")
    now = restore_previous(current)
    where = "the bundled data" if now == "bundled" else f"the data imported from {dataset.source_name}"
    return dataset, engine, (
        f"Now using {where} ({len(dataset):,} schools, GIAS of {dataset.data_date_text}); "
        "restoring again goes back to the data you had."
    )
