"""Finding a school by URN, name, postcode or town, forgiving of how people write names."""

from __future__ import annotations

import bisect
import difflib
import re

import numpy as np

# Phrases written several ways, each as one word; one pattern, so a text is scanned once.
_PHRASES = re.compile(r"\b(church of england|c\s*of\s*e|roman catholic|saint)\b")
_PHRASE_WORDS = {"church of england": " cofe ", "roman catholic": " rc ", "saint": " st "}  # else c of e
_TOKEN_ALIASES = {"ce": "cofe", "coe": "cofe", "saints": "sts", "catholic": "rc"}
_STOPWORDS = {"the", "and", "of"}
# A whole word (between spaces or line ends) that is an alias or a stopword, for texts already folded.
_ALIAS_OR_STOPWORD = re.compile(r"(?<![^ \n])(?:" + "|".join(sorted({*_TOKEN_ALIASES, *_STOPWORDS})) + r")(?![^ \n])")
_FULL_POSTCODE = re.compile(r"^([a-z]{1,2}\d[a-z\d]?)\s*(\d[a-z]{2})$")

# How much a query word counts when it matches each field.
NAME, PLACE, POSTCODE, URN = 3.0, 1.0, 2.5, 6.0
PREFIX_FACTOR = 0.6  # a word typed only in part counts for less than a whole one


def _fold(text: str) -> str:
    text = text.lower().replace("&", " and ")
    text = re.sub(r"['’‘`.]", "", text)
    return _PHRASES.sub(lambda match: _PHRASE_WORDS.get(match[1], " cofe "), text)


def _words(folded: str) -> list[str]:
    words = re.split(r"[^0-9a-z\ufffd]+", folded)
    return [_TOKEN_ALIASES.get(w, w) for w in words if w and w not in _STOPWORDS]


def normalise(text: str) -> list[str]:
    """Lower-case words with apostrophes, dots and '&' folded, and common variants unified."""
    return _words(_fold(text))


def normalise_many(texts: list[str]) -> list[list[str]]:
    """`normalise` for many texts at once (each word once), a pass over all of them per step: the
    search index folds every school's name as the app starts."""
    folded = _fold("\n".join(t.replace("\n", " ") for t in texts))
    folded = re.sub(r"[^0-9a-z\ufffd\n]+", " ", folded)
    folded = _ALIAS_OR_STOPWORD.sub(lambda match: _TOKEN_ALIASES.get(match[0], ""), folded)
    return [list(dict.fromkeys(line.split())) for line in folded.split("\n")]


def _postcode_tokens(postcode: str) -> list[str]:
    """The whole postcode without its space, and its outward code (the part before the space)."""
    parts = postcode.lower().split()
    return ["".join(parts), parts[0]] if len(parts) == 2 else parts


class SchoolFinder:
    """An inverted index over the schools.

    Every (word, school, weight) posting sits in flat arrays sorted by word, and
    words are numbered in alphabetical order, so all the words that start with a
    typed prefix are one contiguous slice: a prefix search costs one slice.
    """

    def __init__(self, dataset):
        self.dataset = dataset
        cols = dataset.columns
        words: list[str] = []
        rows: list[np.ndarray] = []
        weights: list[np.ndarray] = []

        def add(row_words: list[list[str]], weight: float) -> None:
            lengths = [len(these) for these in row_words]
            words.extend(w for these in row_words for w in these)
            rows.append(np.repeat(np.arange(len(row_words)), lengths))
            weights.append(np.full(sum(lengths), weight))

        add(normalise_many(cols["name"]), NAME)
        for field in ("town", "la_name"):
            distinct = sorted(set(cols[field]))
            folded = dict(zip(distinct, normalise_many(distinct)))
            add([folded[v] for v in cols[field]], PLACE)
        add([_postcode_tokens(p) for p in cols["postcode"]], POSTCODE)
        add([[str(u)] for u in cols["urn"]], URN)

        self._vocabulary_set = set(words)
        self._vocabulary = sorted(self._vocabulary_set)
        number = {w: i for i, w in enumerate(self._vocabulary)}
        word_ids = np.fromiter(map(number.__getitem__, words), dtype=np.int64, count=len(words))
        order = np.argsort(word_ids, kind="stable")
        self._rows = np.concatenate(rows)[order]
        self._weights = np.concatenate(weights)[order]
        self._starts = np.searchsorted(word_ids[order], np.arange(len(self._vocabulary) + 1))
        names = np.array([n.lower() for n in cols["name"]])
        self._name_rank = np.empty(len(names), dtype=np.int64)
        self._name_rank[np.argsort(names, kind="stable")] = np.arange(len(names))

    def _slice(self, first: int, last: int) -> slice:
        return slice(self._starts[first], self._starts[last])

    def _word_scores(self, word: str) -> np.ndarray:
        n = len(self.dataset)
        first = bisect.bisect_left(self._vocabulary, word)
        exact = np.zeros(n)
        if first < len(self._vocabulary) and self._vocabulary[first] == word:
            part = self._slice(first, first + 1)
            # a word in both the town and the LA name counts for both
            np.add.at(exact, self._rows[part], self._weights[part])
            first += 1
        if len(word) < 2:
            return exact
        last = bisect.bisect_left(self._vocabulary, word + "\uffff", lo=first)
        if last == first:
            return exact
        partial = np.zeros(n)
        part = self._slice(first, last)
        np.maximum.at(partial, self._rows[part], self._weights[part] * PREFIX_FACTOR)
        return np.maximum(exact, partial)

    def _close_words(self, word: str) -> list[str]:
        if len(word) < 4 or word.isdigit():
            return []
        return difflib.get_close_matches(word, self._vocabulary, n=3, cutoff=0.8)

    def search(self, text: str, limit: int = 10) -> list[int]:
        """Row indices of the best matches, best first."""
        words = normalise(text)
        postcode = _FULL_POSTCODE.match(text.lower().replace(" ", ""))
        if postcode:
            # a full postcode no school has falls back to its outward code (the area)
            whole = postcode.group(0)
            words = [whole] if whole in self._vocabulary_set else [postcode.group(1)]
        if not words:
            return []
        total = np.zeros(len(self.dataset))
        matched = np.zeros(len(self.dataset), dtype=np.int64)
        for word in words:
            scores = self._word_scores(word)
            if not scores.any():
                for close in self._close_words(word):
                    # a misspelt word still helps, for a little less than a correct one
                    np.maximum(scores, self._word_scores(close) * 0.8, out=scores)
            total += scores
            matched += scores > 0
        best = matched.max()
        if best == 0:
            return []
        candidates = np.flatnonzero(matched == best)
        # more words matched, then a higher score, then alphabetical by name
        order = np.lexsort((self._name_rank[candidates], -total[candidates]))
        return [int(i) for i in candidates[order][:limit]]

    def best(self, text: str):
        rows = self.search(text, limit=1)
        return self.dataset.school(rows[0]) if rows else None
