"""Counts and shares in sentences: '1 school', '2,011 pupils', '3 local authorities', 'under 1%'."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def percent(fraction: float) -> str:
    """A share as a whole percentage that never rounds a fact away: 9 pupils among 5,246 are 'under 1%', not
    '0%' (which reads as none), rolls just short of their places fill 'over 99%', not '100%', and rolls just over
    them 'just over 100%'."""
    text = f"{fraction * 100:.0f}"
    if text == "0" and fraction > 0:
        return "under 1%"
    if text == "100" and fraction < 1:
        return "over 99%"
    if text == "100" and fraction > 1:  # rolls a few pupils over their places are more than full
        return "just over 100%"
    return f"{text}%"
