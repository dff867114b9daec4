"""Cut paragraphs into sentences, and sentences too long for the model into clause-sized parts.

Nothing is ever dropped: a paragraph's sentences concatenate back to the paragraph, and a
sentence's parts concatenate back to the sentence. Closing quotes and brackets stay with the
sentence they close; whitespace after a sentence stays with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import regex

from pipeline.document import Paragraph, Segment
from pipeline.glossary.match import TermMatch
from pipeline.terms import assign_hits

# A sentence ends at 。！？；… (or their ASCII forms), any closing quotes/brackets, then spaces.
# ASCII "." ends a sentence only before whitespace or the end, so 3.5 and U.S. stay whole.
_SENTENCE_END = regex.compile(
    r"""(?:[。！？；!?;]+|…+|\.{3,}|\.(?=\s|$))[”’"'」』）)\]】》〉]*\s*""",
)
_CLAUSE_END = regex.compile(r"""[，、：,:﹐﹑︰]+[”’"'」』）)\]】》〉]*\s*""")

TokenCounter = Callable[[Sequence[str]], list[int]]

# Well under Marian's 512 positions: long inputs degrade quality before they hit the limit.
DEFAULT_MAX_TOKENS = 200


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; ``"".join(result) == text``."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > start and text[start:match.start()].strip():
            sentences.append(text[start:match.end()])
            start = match.end()
    if start < len(text):
        if sentences and not text[start:].strip():
            sentences[-1] += text[start:]
        else:
            sentences.append(text[start:])
    return sentences


def _cut_points(text: str, pattern: regex.Pattern[str]) -> list[int]:
    return [match.end() for match in pattern.finditer(text) if 0 < match.end() < len(text)]


def _allowed(position: int, protected: Sequence[tuple[int, int]]) -> bool:
    return not any(start < position < end for start, end in protected)


def split_long_sentence(
    sentence: str,
    count_tokens: TokenCounter,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    protected: Sequence[tuple[int, int]] = (),
) -> list[str]:
    """Cut ``sentence`` into parts of at most ``max_tokens`` model tokens; ``"".join(parts) == sentence``.

    Cuts go after clause punctuation (，、：) where possible, else at a character position, and
    never inside a ``protected`` span (a glossary term) unless a term alone is over the limit.
    """
    if count_tokens([sentence])[0] <= max_tokens:
        return [sentence]
    clause_cuts = [p for p in _cut_points(sentence, _CLAUSE_END) if _allowed(p, protected)]
    pieces = _cut(sentence, clause_cuts)
    counts = count_tokens(pieces)
    parts: list[str] = []
    current, current_tokens = "", 0
    for piece, tokens in zip(pieces, counts):
        if tokens > max_tokens:
            if current:
                parts.append(current)
                current, current_tokens = "", 0
            offset = sentence.find(piece)  # pieces are disjoint and in order, first hit is right
            parts.extend(_split_by_characters(piece, count_tokens, max_tokens,
                                              [(s - offset, e - offset) for s, e in protected]))
        elif current and current_tokens + tokens > max_tokens:
            parts.append(current)
            current, current_tokens = piece, tokens
        else:
            current += piece
            current_tokens += tokens
    if current:
        parts.append(current)
    return parts


def _cut(text: str, positions: Sequence[int]) -> list[str]:
    bounds = [0, *positions, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _split_by_characters(
    text: str, count_tokens: TokenCounter, max_tokens: int, protected: Sequence[tuple[int, int]]
) -> list[str]:
    """Last resort for a clause with no punctuation: cut into runs that each fit the model."""
    parts: list[str] = []
    start = 0
    while start < len(text):
        remaining = text[start:]
        if count_tokens([remaining])[0] <= max_tokens:
            parts.append(remaining)
            break
        low, high = 1, len(remaining)
        while low < high:  # the longest prefix that fits
            middle = (low + high + 1) // 2
            if count_tokens([remaining[:middle]])[0] <= max_tokens:
                low = middle
            else:
                high = middle - 1
        end = start + low
        for span_start, span_end in protected:
            if span_start < end < span_end and span_start > start:
                end = span_start
        parts.append(text[start:end])
        start = end
    return parts


def segment_paragraph(paragraph: Paragraph, matches: Sequence[TermMatch[Any]], count_tokens: TokenCounter,
                      max_tokens: int) -> None:
    """Give ``paragraph`` its segments: one per sentence, each cut into parts the model can take.

    Glossary matches protect their spans from the cuts, and each segment receives the terms inside it.
    """
    if not paragraph.translatable:
        paragraph.segments = []
        return
    offset = 0
    segments: list[Segment] = []
    for sentence in split_sentences(paragraph.source):
        protected = [(m.start - offset, m.end - offset) for m in matches
                     if offset <= m.start and m.end <= offset + len(sentence)]
        segment = Segment(id=f"{paragraph.id}.s{len(segments) + 1}", source=sentence)
        segment.parts = split_long_sentence(sentence, count_tokens, max_tokens, protected)
        assign_hits(segment, offset, matches)
        segments.append(segment)
        offset += len(sentence)
    paragraph.segments = segments
