"""Rebuild the bundled dataset (resources/data/dataset.json.gz) from the raw GIAS extract in data/raw/."""

from trustmatch.data import paths
from trustmatch.data.dataset import import_into
from trustmatch.progress import Task, TerminalBar

if __name__ == "__main__":
    dataset = import_into(paths.bundled_raw_extract(), paths.bundled_dataset(), Task(TerminalBar()))
    print(f"{len(dataset):,} schools, data date {dataset.data_date} -> {paths.bundled_dataset()}")
