"""School URNs and trust group UIDs: what counts as one, checked here and nowhere else.

Both are plain ASCII digits.  `str.isdigit` is not enough: it is true for '²'
and '¹⁰⁰⁰³⁵', which `int` then refuses, and a 20-digit number overflows numpy.
"""

from __future__ import annotations

# GIAS URNs have six digits today; eight leaves room and stays far inside int64.
URN_MAX_DIGITS = 8
# GIAS group UIDs have up to five digits today.
GROUP_UID_MAX_DIGITS = 10


def _ascii_digits(text: str, most: int) -> bool:
    return 0 < len(text) <= most and text.isascii() and text.isdigit()


def parse_urn(text) -> int | None:
    """The URN written in `text`, or None if it is not one (letters, '²', blank, too long)."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        return None
    text = text.strip()
    return int(text) if _ascii_digits(text, URN_MAX_DIGITS) else None


def looks_like_urn(text: str) -> bool:
    """True when a person typed digits, so they meant a URN rather than a name to search for."""
    return text.strip().isdigit()


def is_group_uid(text) -> bool:
    """A trust's GIAS group UID, such as '3320'."""
    return isinstance(text, str) and _ascii_digits(text, GROUP_UID_MAX_DIGITS)
