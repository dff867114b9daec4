"""Finding glossary terms in Chinese text, and renderings in English text.

Chinese matching normalises the text to a same-length form (quote styles, full/half width,
Traditional → Simplified character by character), so every offset it returns points into the
original text; an Aho–Corasick automaton finds every form at once. English matching accepts a
rendering as a whole phrase modulo inflection (plural, possessive), capitalisation, articles and
hyphenation: the terms stage, the engines' repair and QA all read renderings the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

import regex

_HAN = regex.compile(r"\p{Han}")
# Every quotation mark folds to one character, so “一带一路”, "一带一路", 「一带一路」 and the
# ‘一带一路’ nested inside another quotation all match the same term.
_QUOTES = frozenset("\"'“”‘’「」『』﹁﹂﹃﹄〝〞〟‚‛„‟‹›«»")

Entry = TypeVar("Entry")


@dataclass(frozen=True)
class TermMatch(Generic[Entry]):
    """One occurrence of a glossary term, as offsets into the text given to ``match()``."""

    start: int
    end: int
    surface: str  # text[start:end], possibly a variant or another quote style
    entry: Entry


# --- normalisation -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC  # imported here: loading its dictionaries costs time

    return OpenCC("t2s")


def _fold_char(char: str) -> str:
    code = ord(char)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII forms
        char = chr(code - 0xFEE0)
    elif char == "\u3000":
        return " "
    if char in _QUOTES:
        return '"'
    if char.isascii():
        return char.lower()
    if _HAN.match(char):
        simplified = _t2s().convert(char)
        if len(simplified) == 1:  # keep the text's length, so offsets map back 1:1
            return simplified
    return char


class _FoldTable(dict):  # type: ignore[type-arg]
    """A ``str.translate`` table that folds each character once, on first sight."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def normalise(text: str) -> str:
    """Fold quote styles, width, ASCII case and Traditional characters; the length is kept."""
    return text.translate(_FOLD)


def has_han(text: str) -> bool:
    """Whether ``text`` contains a Chinese character."""
    return bool(_HAN.search(text))


# --- Chinese terms -------------------------------------------------------------------------

def build_automaton(keys: Mapping[str, Any]) -> Any:
    """An Aho–Corasick automaton over normalised forms, each carrying ``(length, entry)``."""
    import ahocorasick  # imported here: importing the glossary must stay cheap

    automaton = ahocorasick.Automaton()
    for key, entry in keys.items():
        automaton.add_word(key, (len(key), entry))
    if len(automaton):
        automaton.make_automaton()
    return automaton


def find_terms(automaton: Any, text: str) -> list[TermMatch[Any]]:
    """Every term of ``automaton`` in ``text``: sorted by start, non-overlapping, longest wins.

    Among overlapping occurrences the longest is kept (高质量共建“一带一路” over
    共建“一带一路” over 一带一路); of two as long, the one that starts first.
    """
    if not text or not len(automaton):
        return []
    folded = normalise(text)
    found = []
    for last, (length, entry) in automaton.iter(folded):
        start = last + 1 - length
        if _inside_word(folded, start, last + 1):
            continue
        found.append((start, last + 1, entry))
    found.sort(key=lambda hit: (hit[0] - hit[1], hit[0]))
    taken = bytearray(len(text))
    kept = []
    for start, end, entry in found:
        if 1 in taken[start:end]:
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append(TermMatch(start, end, text[start:end], entry))
    kept.sort(key=lambda hit: hit.start)
    return kept


def _inside_word(folded: str, start: int, end: int) -> bool:
    """A Latin-letter term (``5G``, ``G20``) must not match inside a longer Latin word."""
    def wordy(char: str) -> bool:
        return char.isascii() and char.isalnum()

    return ((wordy(folded[start]) and start > 0 and wordy(folded[start - 1]))
            or (wordy(folded[end - 1]) and end < len(folded) and wordy(folded[end])))


# --- English renderings ---------------------------------------------------------------------------

def rendering_variants(rendering: str) -> list[str]:
    """Surface forms accepted for a rendering: as written, and with a sentence-initial capital."""
    forms = [rendering]
    capitalised = rendering[:1].upper() + rendering[1:]
    if capitalised != rendering:
        forms.append(capitalised)
    return forms


_ARTICLES = frozenset({"a", "an", "the"})
# Between the words of a rendering: spaces, hyphens (high-quality = high quality) and quotation
# marks (the “Belt and Road” Initiative).
_SEPARATOR = r"[\s\-\u2010\u2011\u2013\"“”‘’']+"
_OPTIONAL_ARTICLE = rf"(?:(?:a|an|the){_SEPARATOR})?"


def _word_pattern(word: str) -> str:
    """A word with a plural or possessive ending (community → communities, forum’s)."""
    if len(word) > 2 and word[-1] in "yY" and word[-2].lower() not in "aeiou":
        body = regex.escape(word[:-1]) + r"(?:y|ies)"
    else:
        body = regex.escape(word)
    return body + r"(?:s|es|'s|’s|s'|’)?"


@lru_cache(maxsize=4096)
def rendering_pattern(rendering: str) -> regex.Pattern[str]:
    """A rendering as a whole phrase, modulo inflection, capitalisation, articles and hyphenation.

    Each word may carry a plural or possessive ending, the case is ignored, an article may be
    added or left out between words, and words may be joined by spaces, hyphens or quotation marks.
    """
    words = [word for word in regex.split(r"[\s\-\u2010\u2011]+", rendering.strip()) if word]
    content = [word for word in words if word.lower() not in _ARTICLES] or words
    body = _SEPARATOR.join(f"{_OPTIONAL_ARTICLE}{_word_pattern(word)}" for word in content)
    return regex.compile(rf"(?<![\p{{Latin}}\p{{N}}]){body}(?![\p{{Latin}}\p{{N}}])", regex.IGNORECASE)


def count_rendering(text: str, rendering: str) -> int:
    return len(rendering_pattern(rendering).findall(text))


def replace_avoided(text: str, avoided: str, rendering: str) -> tuple[str, int]:
    """Replace each whole-phrase occurrence of ``avoided`` by ``rendering``; return the text and count."""
    body = r"\s+".join(regex.escape(word) for word in avoided.split())
    pattern = regex.compile(rf"(?<![\p{{Latin}}\p{{N}}]){body}(?![\p{{Latin}}\p{{N}}])", regex.IGNORECASE)

    def keep_capital(match: regex.Match[str]) -> str:
        return rendering[:1].upper() + rendering[1:] if match.group(0)[:1].isupper() else rendering

    return pattern.subn(keep_capital, text)
