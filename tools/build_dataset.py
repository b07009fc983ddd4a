"""Rebuild the bundled dataset (resources/data/dataset.json.gz) from the raw GIAS extract in data/raw/."""

from trustmatch.app.register import check_usable
from trustmatch.data import paths
from trustmatch.data.dataset import Dataset, save
from trustmatch.data.gias import import_gias
from trustmatch.progress import Task, TerminalBar

if __name__ == "__main__":
    dataset = Dataset.from_import(import_gias(paths.bundled_raw_extract(), Task(TerminalBar())))
    check_usable(dataset)
    save(dataset, paths.bundled_dataset())
    print(f"{len(dataset):,} schools, data date {dataset.data_date} -> {paths.bundled_dataset()}")
