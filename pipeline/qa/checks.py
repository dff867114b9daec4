"""The QA checks, one small function per rule.

A segment check takes the segment and the run's :class:`CheckContext` and yields messages a
translator understands; a document check sees every segment at once (for consistency). Neither
prints nor changes the text. The registry in :mod:`pipeline.qa` gives each its name and severity.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import regex

from pipeline.document import Document, Paragraph, Segment, Severity
from pipeline.glossary.match import count_rendering
from pipeline.glossary.model import Glossary
from pipeline.qa.calibration import NUMBER_SEVERITY
from pipeline.qa.numbers import number_problems

LOW_CONFIDENCE = -1.0  # mean log-probability per token below which the engine counts as unsure
SHORT_RATIO = 0.3  # translation length over the expected length below which it is suspiciously short
LONG_RATIO = 3.5  # … and above which it is suspiciously long
ENGLISH_CHARS_PER_HAN = 3.0  # English characters a Chinese character usually becomes

_HAN = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(r"\p{Han}+")
_LATIN_OR_DIGIT = regex.compile(r"[\p{Latin}\p{N}]")
_CONTENT = regex.compile(r"[\p{L}\p{N}]")
# Chinese and full-width punctuation, full-width letters and the ideographic space (curly quotes are English).
_FULL_WIDTH = regex.compile(r"[\u3000-\u303f\uff01-\uff60\uffe0-\uffee]")
_WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’][\p{L}]+)?")
_DOUBLED_WORD_ALLOWED = frozenset({"had", "that", "is", "do", "very", "bye", "no", "so", "yes", "ha"})
_SPACE_BEFORE_PUNCTUATION = regex.compile(r"\S \s*[,.;:!?)](?!\d)")


@dataclass
class CheckContext:
    """What checks may consult besides the segment: the glossary and the tunable thresholds."""

    glossary: Glossary = field(default_factory=Glossary.empty)
    low_confidence: float = LOW_CONFIDENCE
    paragraph: Paragraph | None = None  # the paragraph of the segment being checked


@dataclass(frozen=True)
class Finding:
    """A message with a severity of its own, where a check's findings differ in how far they can be
    trusted (see :mod:`pipeline.qa.calibration`); a plain message takes the check's severity."""

    message: str
    severity: Severity | None = None


def has_content(text: str) -> bool:
    return bool(_CONTENT.search(text))


# --- segment checks ------------------------------------------------------------------------------

def check_empty(segment: Segment, context: CheckContext) -> Iterator[str]:
    """The source has text but the translation is empty."""
    if has_content(segment.source) and not segment.target.strip():
        yield "The translation is empty; translate this segment."


def check_numbers(segment: Segment, context: CheckContext) -> Iterator[Finding]:
    """Numbers, dates and percentages must carry over (17家 ↔ 17, 2023年10月 ↔ October 2023)."""
    if segment.target.strip():
        renderings = tuple(form for hit in segment.terms for form in (hit.en, *hit.accepted))
        for problem in number_problems(segment.source, segment.target, renderings):
            yield Finding(problem.message, NUMBER_SEVERITY.get(problem.kind))


def check_untranslated(segment: Segment, context: CheckContext) -> Iterator[str]:
    """Chinese characters left in the English."""
    runs = _HAN_RUN.findall(segment.target)
    if runs:
        shown = "、".join(dict.fromkeys(runs[:5]))
        yield f"Chinese text is left in the translation ({shown}); translate it or give the pinyin."


def check_glossary(segment: Segment, context: CheckContext) -> Iterator[str]:
    """Glossary terms whose renderings were not verified by the term stage (it was off, or the
    term was not matched): the approved rendering must be present, an avoided one absent."""
    verified = {(hit.start, hit.end) for hit in segment.terms if hit.status != "pending"}
    if not segment.target.strip():
        return
    for match in context.glossary.match(segment.source):
        if (match.start, match.end) in verified:
            continue
        entry = match.entry
        if not count_rendering(segment.target, entry.en):
            yield f"Glossary term {match.surface} must be rendered as “{entry.en}”, which the translation does not contain."
        for avoided in entry.avoid:
            if count_rendering(segment.target, avoided):
                yield f"The translation uses “{avoided}”, which the glossary rules out for {entry.zh} (use “{entry.en}”)."


def check_repetition(segment: Segment, context: CheckContext) -> Iterator[str]:
    """A word doubled (“the the”) or a phrase looping (“of the of the of the”): degenerate output."""
    words = [word.lower() for word in _WORD.findall(segment.target)]
    source_words = {word.lower() for word in _WORD.findall(segment.source)}
    reported: set[str] = set()
    for size in range(1, 7):
        for start in range(len(words) - 2 * size + 1):
            phrase = words[start:start + size]
            repeats = 1
            while words[start + repeats * size:start + (repeats + 1) * size] == phrase:
                repeats += 1
            text = " ".join(phrase)
            if repeats < 2 or any(text in seen for seen in reported):
                continue
            if size == 1 and repeats == 2 and (text in _DOUBLED_WORD_ALLOWED or text in source_words or text.isdigit()
                                               or _hyphenated_pair(segment.target, text)):
                continue
            if size == 2 and repeats == 2 and phrase[0] == phrase[1]:
                continue
            if _source_repeats(segment.source, repeats):  # 不不不 → “no, no, no”
                continue
            reported.add(text)
            if size == 1 and repeats == 2:
                yield f"The word “{text}” is doubled; remove the repetition."
            else:
                yield f"“{text}” repeats {repeats} times in a row: the machine translation looped; retranslate the segment."


def _hyphenated_pair(target: str, word: str) -> bool:
    """``win-win``, ``step-by-step``: a word repeated across a hyphen is an English compound."""
    return bool(regex.search(rf"(?<!\p{{L}}){regex.escape(word)}-(?:\p{{L}}+-)?{regex.escape(word)}(?!\p{{L}})",
                             target, regex.IGNORECASE))


def _source_repeats(source: str, times: int) -> bool:
    letters = "".join(char for char in source if char.isalnum())
    return bool(regex.search(rf"(.{{1,4}})\1{{{times - 1}}}", letters))


def expected_length(source: str) -> float:
    """About how many characters of English the source should give."""
    han = len(_HAN.findall(source))
    return ENGLISH_CHARS_PER_HAN * han + len(_LATIN_OR_DIGIT.findall(source))


def check_length(segment: Segment, context: CheckContext) -> Iterator[str]:
    """A translation much shorter or longer than the source suggests (text dropped or invented)."""
    target = segment.target.strip()
    han = len(_HAN.findall(segment.source))
    if not target or han == 0:
        return
    ratio = len(target) / expected_length(segment.source)
    if han >= 6 and ratio < SHORT_RATIO:
        yield (f"The translation is suspiciously short ({len(target)} characters for {han} Chinese characters); "
               f"check that nothing was left out.")
    elif han >= 10 and ratio > LONG_RATIO:
        yield (f"The translation is suspiciously long ({len(target)} characters for {han} Chinese characters); "
               f"check for repeated or invented text.")


def _balance(text: str, opening: str, closing: str) -> int:
    return sum(text.count(mark) for mark in opening) - sum(text.count(mark) for mark in closing)


def check_punctuation(segment: Segment, context: CheckContext) -> Iterator[str]:
    """Chinese or full-width punctuation in the English; brackets or quotes opened and not closed."""
    target = segment.target
    marks = _FULL_WIDTH.findall(target)
    if marks:
        yield (f"Chinese or full-width punctuation in the English ({' '.join(dict.fromkeys(marks))}); "
               f"use the English forms.")
    if _balance(segment.source, "(（[【", ")）]】") == 0 and _balance(target, "([", ")]") != 0:
        yield "A bracket in the translation is opened and not closed (or closed and not opened)."
    if _balance(segment.source, "“「『", "”」』") == 0:
        if _balance(target, "“", "”") != 0 or target.count('"') % 2:
            yield "A quotation in the translation is opened and not closed (or closed and not opened)."


def check_spacing(segment: Segment, context: CheckContext) -> Iterator[str]:
    """Doubled spaces, or a space before a comma or full stop."""
    if "  " in segment.target.strip():
        yield "The translation has doubled spaces."
    if _SPACE_BEFORE_PUNCTUATION.search(segment.target):
        yield "The translation has a space before a punctuation mark."


def check_confidence(segment: Segment, context: CheckContext) -> Iterator[str]:
    """The engine's own score (mean log-probability per token) says it was unsure."""
    if segment.score is not None and segment.score < context.low_confidence and segment.target.strip():
        yield (f"The engine was unsure of this translation (score {segment.score:.2f}, below "
               f"{context.low_confidence:.2f}); review it with extra care.")


# --- document checks -----------------------------------------------------------------------------

def _sentence_key(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def _translation_key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def check_consistency(document: Document, context: CheckContext) -> Iterator[tuple[Segment, str]]:
    """The same source sentence translated two different ways in one document."""
    groups: dict[str, list[Segment]] = {}
    for segment in document.segments:
        key = _sentence_key(segment.source)
        if len(_HAN.findall(segment.source)) >= 4 and segment.target.strip():
            groups.setdefault(key, []).append(segment)
    for segments in groups.values():
        renderings = {_translation_key(segment.target) for segment in segments}
        if len(renderings) < 2:
            continue
        for segment in segments:
            others = [other for other in segments if _translation_key(other.target) != _translation_key(segment.target)]
            yield segment, (f"The same source sentence is translated differently in {others[0].id} "
                            f"(“{_shorten(others[0].target)}”); make the translations consistent.")


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
