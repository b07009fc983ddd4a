"""Turning what a person typed into a school, a trust or the dataset to use."""

from __future__ import annotations

import sys

from trustmatch.app.problems import UserError
from trustmatch.data import paths
from trustmatch.data.dataset import DatasetProblem, load
from trustmatch.data.identifiers import URN_MAX_DIGITS, looks_like_urn, parse_urn


def load_dataset_or_bundled():
    """The dataset in use, or the bundled one with a sentence saying why it is not the user's own.

    Also clears temporary files a killed import or save left behind.
    """
    paths.remove_orphans()
    try:
        return load(paths.active_dataset()), None
    except DatasetProblem as err:
        try:
            bundled = load(paths.bundled_dataset())
        except DatasetProblem as bundled_err:
            raise UserError(f"{bundled_err} Reinstall TrustMatch.") from None
        return bundled, (
            f"{err} Using the bundled data of {bundled.data_date_text} instead; "
            "import a GIAS file again or restore the previous data to replace it."
        )


def load_dataset(warn=None):
    """For commands: the dataset in use, falling back to the bundled one with a sentence on stderr."""
    dataset, problem = load_dataset_or_bundled()
    if problem:
        (warn or (lambda text: print(f"trustmatch: {text}", file=sys.stderr)))(problem)
    return dataset


def resolve_school(dataset, text: str):
    """The school for a URN or the best match for search text."""
    text = text.strip()
    if not text:
        raise UserError("Name a school: its URN, or words of its name, town or postcode.")
    if looks_like_urn(text):
        urn = parse_urn(text)
        if urn is None:
            raise UserError(f"'{text}' is not a URN: a URN is up to {URN_MAX_DIGITS} of the digits 0-9.")
        school = dataset.school_by_urn(urn)
        if school is None:
            raise UserError(f"No open state-funded school has URN {urn}.")
        return school
    school = dataset.finder.best(text)
    if school is None:
        raise UserError(f"No school matches '{text}'.")
    return school


def resolve_urn(dataset, text: str):
    """The school with this exact URN (no searching), or None: for lists of URNs."""
    urn = parse_urn(text)
    return None if urn is None else dataset.school_by_urn(urn)


def resolve_trust(dataset, text: str):
    """The best trust for a group UID or words of a name, with how many others also matched."""
    if not text.strip():
        raise UserError("Name a trust: its group UID, or words of its name.")
    found = dataset.trusts.find(text)
    if not found:
        raise UserError(f"No trust matches '{text}'.")
    return found[0], len(found) - 1
