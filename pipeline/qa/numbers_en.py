"""Numbers as English writes them: digits, words, ordinals, scales, decades, dates, approximations.

Number words and ordinals are read by ``number-parser`` (``two hundred and fifty``, ``twenty-first``,
``three billion five hundred million``); this module adds what a word list does not give: digits
with a scale word (``1.3 billion``, ``US$100 million``), ordinal suffixes (``3rd``), decades
(``the 1980s``), words that imply a number (``a decade``, ``two millennia`` = 2000, ``thousands
of`` = 1000), month and weekday names, and numbers inside names (``COVID-19``, ``G20``).
"""

from __future__ import annotations

from functools import lru_cache

import regex
from number_parser import parse_number, parse_ordinal

from pipeline.qa.quantity import Quantity

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_ABBREVIATIONS = {name[:3]: number for number, name in enumerate(MONTHS, start=1)} | {"sept": 9}
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# Words that state a number without spelling it; a number before them multiplies (two decades = 20).
IMPLIED = {"decade": 10, "decades": 10, "century": 100, "centuries": 100, "centennial": 100, "centenary": 100,
           "millennium": 1000, "millennia": 1000, "millenniums": 1000, "dozen": 12,
           "both": 2, "twice": 2, "double": 2, "doubled": 2, "pair": 2, "dual": 2, "biennial": 2, "bilateral": 2,
           "triple": 3, "tripled": 3, "thrice": 3, "tripartite": 3, "once": 1, "single": 1, "inaugural": 1}
# Plural scale words that give an order of magnitude (thousands of years); chained with “of” they
# multiply (tens of thousands = 10,000).
VAGUE = {"tens": 10, "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000, "millions": 10**6,
         "billions": 10**9, "trillions": 10**12}
_TOKEN = regex.compile(
    r"(?P<number>(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?)"
    r"(?:(?P<decade>(?<=\d0)'?s\b)|(?P<ordinal>st|nd|rd|th)\b)?(?!\d)"
    r"(?P<percent>\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b))?"
    r"|'(?P<short_decade>\d0)s\b"
    r"|(?P<word>[A-Za-z]+)")
_PERCENT_AFTER = regex.compile(r"\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b)", regex.I)
_SCALE_AFTER = regex.compile(r"\s*-?\s*(hundred|thousand|million|billion|trillion)\b", regex.I)
_IN_NAME = regex.compile(r"\p{L}[-‐]?$")  # COVID-19, G20: the number is part of a name


@lru_cache(maxsize=4096)
def _cardinal(words: str) -> int | None:
    return parse_number(words, language="en")


@lru_cache(maxsize=4096)
def _ordinal(words: str) -> int | None:
    value = parse_ordinal(words, language="en")
    return None if value is None or _cardinal(words) is not None else value


def _is_cardinal_word(word: str) -> bool:
    return word in SCALES or _cardinal(word) is not None


def month_number(word: str) -> int | None:
    """1–12 for a month name or abbreviation (``Oct``, ``Sept``), else None."""
    word = word.lower()
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBREVIATIONS.get(word)


def english_quantities(text: str) -> list[Quantity]:
    """Numbers the English states, in the order written."""
    found: list[Quantity] = []
    run: list[str] = []  # pending number words
    run_end = 0
    last: Quantity | None = None  # the number just before, for “two decades”, “thousands of”
    last_end = 0
    last_ordinal = False  # an ordinal does not multiply: the 21st century is not 2,100
    skip_to = 0  # the end of a scale word already read with its digits (1.3 billion)

    def gap(start: int) -> str:
        return text[last_end:start].strip(" -\u2010")

    def flush() -> None:
        nonlocal last, last_end, last_ordinal
        if run:
            words = [word for word in run if word not in ("a", "an")]
            while words and words[-1] == "and":
                words.pop()
            value = _cardinal(" ".join(words)) if words else None
            if value is None and words and all(word in SCALES for word in words):
                value = 1
                for word in words:
                    value *= SCALES[word]  # “a hundred”, “a million”
            if value is not None:
                percent = bool(_PERCENT_AFTER.match(text, run_end))
                last, last_end = Quantity(float(value), "percent" if percent else "number", " ".join(run)), run_end
                last_ordinal = False
                found.append(last)
            run.clear()

    for match in _TOKEN.finditer(text):
        if match.start() < skip_to:
            continue
        if match.group("number"):
            flush()
            value = float(match.group("number").replace(",", ""))
            last_end = match.end()
            if match.group("decade"):
                last = Quantity(value if value >= 100 else 1900 + value, "decade", match.group(0))
                found.append(last)
                continue
            name = bool(_IN_NAME.search(text[max(0, match.start() - 2):match.start()]))
            kind = "percent" if match.group("percent") else "number"
            found.append(Quantity(value, kind, match.group(0), name=name))
            scale = _SCALE_AFTER.match(text, match.end()) if kind == "number" else None
            if scale:
                found.append(Quantity(value * SCALES[scale.group(1).lower()], "number", match.group(0) + scale.group(0)))
                last_end = skip_to = scale.end()
            last, last_ordinal = found[-1], bool(match.group("ordinal"))
            continue
        if match.group("short_decade"):
            flush()
            last, last_end = Quantity(1900 + float(match.group("short_decade")), "decade", match.group(0)), match.end()
            found.append(last)
            continue
        original = match.group("word")
        word = original.lower()
        if _is_cardinal_word(word) or (word == "and" and run) or (word in ("a", "an") and not run):
            run.append(word)
            run_end = match.end()
            continue
        ordinal = _ordinal(" ".join([*(w for w in run if w not in ("a", "an", "and")), word])) if _ordinal(word) else None
        if ordinal is not None:
            run.clear()
            last, last_end, last_ordinal = Quantity(float(ordinal), "number", word), match.end(), True
            found.append(last)
            continue
        flush()
        before, between = last, gap(match.start())
        last = None
        if word in VAGUE:
            chained = before is not None and before.approximate == "vague" and between == "of"
            value = VAGUE[word] * (before.value if chained and before else 1)
            last, last_end = Quantity(float(value), "number", word, approximate="vague"), match.end()
            found.append(last)
        elif word in IMPLIED:
            found.append(Quantity(float(IMPLIED[word]), "number", word))
            if before is not None and not between and before.kind == "number" and not last_ordinal:
                # two decades, two millennia
                found.append(Quantity(before.value * IMPLIED[word], "number", f"{before.text} {word}"))
        elif word == "of" and before is not None and before.approximate == "vague" and not between:
            last = before  # tens of thousands: keep the pending order of magnitude
        elif original[:1].isupper() and month_number(word) is not None:  # “may” and “march” are verbs too
            found.append(Quantity(float(month_number(word) or 0), "month", original))
        elif word in WEEKDAYS:
            found.append(Quantity(float(WEEKDAYS.index(word) + 1), "weekday", original))
    flush()
    return found
