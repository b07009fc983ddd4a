"""Turning what a person typed into a school, a trust or the dataset to use."""

from __future__ import annotations

from trustmatch.app.problems import UserError
from trustmatch.data import paths
from trustmatch.data.dataset import DatasetProblem, load


def load_dataset():
    """The dataset in use: the user's import if there is one, else the bundled register."""
    try:
        return load(paths.active_dataset())
    except DatasetProblem as err:
        raise UserError(
            f"{err} Run 'trustmatch import-gias FILE' again, or delete it to use the bundled data."
        ) from err


def load_dataset_or_bundled():
    """For the window: the dataset in use, or the bundled one with a sentence saying why."""
    try:
        return load(paths.active_dataset()), None
    except DatasetProblem as err:
        bundled = load(paths.bundled_dataset())
        return bundled, f"{err} Using the bundled data of {bundled.data_date_text} instead."


def resolve_school(dataset, text: str):
    """The school for a URN or the best match for search text."""
    text = text.strip()
    if text.isdigit():
        school = dataset.school_by_urn(int(text))
        if school is None:
            raise UserError(f"No open state-funded school has URN {text}.")
        return school
    school = dataset.finder.best(text)
    if school is None:
        raise UserError(f"No school matches '{text}'.")
    return school


def resolve_trust(dataset, text: str):
    """The best trust for a group UID or words of a name, with how many others also matched."""
    found = dataset.trusts.find(text)
    if not found:
        raise UserError(f"No trust matches '{text}'.")
    return found[0], len(found) - 1
