"""How common a Chinese string is in general usage, from jieba's word-frequency dictionary.

jieba (MIT) ships ``dict.txt``: about 350,000 words with their frequency in a large general
corpus. A word that is frequent there (绿色, 数字, 合作) is everyday language, whatever the
article; a string made only of frequent words (国际合作 = 国际 + 合作) is a phrase of everyday
language; a string that is absent, rare, or that the dictionary can only spell character by
character (小而美, 软联通, 幸福草) is a coinage or a domain term. The dictionary is read from
jieba's package folder on first use, without importing jieba (which would build its own index).
"""

from __future__ import annotations

import importlib.util
import math
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], dict[str, str]]:
    """jieba's ``dict.txt``, read once: word → frequency and word → word class (its part-of-speech
    tag); both empty when jieba is not installed."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        return {}, {}
    frequencies: dict[str, int] = {}
    classes: dict[str, str] = {}
    with (Path(spec.origin).parent / "dict.txt").open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                frequencies[parts[0]] = int(parts[1])
            if len(parts) >= 3:
                classes[parts[0]] = parts[2]
    return frequencies, classes


def word_frequencies() -> dict[str, int]:
    """jieba's dictionary as word → frequency; empty when jieba is not installed."""
    return _dictionary()[0]


def word_classes() -> dict[str, str]:
    """jieba's dictionary as word → word class (its part-of-speech tag); empty without jieba."""
    return _dictionary()[1]


@lru_cache(maxsize=1)
def log_total() -> float:
    """The log of the dictionary's total frequency (0 without jieba)."""
    total = sum(word_frequencies().values())
    return math.log(total) if total else 0.0


def best_segmentation(text: str, longest: int = 8) -> tuple[float, tuple[int, ...]]:
    """The likeliest split of ``text`` into dictionary words of at most ``longest`` characters
    (unknown characters stand alone, as rare words): its log-probability and where its words end."""
    frequencies, total = word_frequencies(), log_total()
    best: list[tuple[float, int]] = [(0.0, 0)] + [(-math.inf, 0)] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - longest), end):
            frequency = frequencies.get(text[start:end], 0)
            if not frequency and end - start > 1:
                continue
            score = best[start][0] + math.log(max(frequency, 1)) - total
            if score > best[end][0]:
                best[end] = (score, start)
    ends, position = [], len(text)
    while position > 0:
        ends.append(position)
        position = best[position][1]
    return best[len(text)][0], tuple(sorted(ends))


def segment(text: str) -> list[str]:
    """The most probable split of ``text`` into dictionary words (unknown characters stand alone)."""
    _, ends = best_segmentation(text)
    return [text[start:end] for start, end in zip((0, *ends), ends)]


def dictionary_frequency(term: str) -> int:
    """The frequency of ``term`` as a word of jieba's dictionary (0 when it is not a word there)."""
    return word_frequencies().get(term, 0)


def commonness(term: str) -> float:
    """How frequent ``term`` is in general Chinese, as a dictionary frequency (0 = unknown or coined).

    A dictionary word has its own frequency. A string the dictionary splits into words has the
    frequency of its rarest word (国际合作 is as common as 合作 or 国际, whichever is rarer) — unless a
    piece is a lone character, which marks a coinage (小而美 = 小 + 而 + 美), counted as unknown.
    """
    frequencies = word_frequencies()
    if not frequencies:
        return 0.0
    if term in frequencies:
        return float(frequencies[term])
    pieces = segment(term)
    if any(len(piece) == 1 for piece in pieces):
        return 0.0
    return float(min(frequencies.get(piece, 0) for piece in pieces))


def generality_discount(term: str) -> float:
    """A factor in (0, 1]: 1 for a coined string, under 0.1 for an everyday word (frequency 200 and up).

    Squared, so that an everyday word the article repeats fifty times (共建) still ranks below a
    term it uses five times.
    """
    return 1.0 / (1.0 + math.log10(1.0 + commonness(term))) ** 2
