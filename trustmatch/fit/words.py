"""Counts in sentences: '1 school', '2,011 pupils', '3 local authorities'."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else many or word + 's'}"
