"""Align a Chinese document with an existing English translation, paragraph by paragraph, then sentence by sentence.

The English (by a person or another MT system) may split or merge paragraphs differently, so
paragraphs are aligned by dynamic programming over 1–1, 1–2, 2–1, 1–0 and 0–1 matches, each costed
by a Gale–Church length model (Gale & Church 1993: the English length is about proportional to the
source length, with a normal spread) plus *anchors* that must agree on both sides: numbers and
dates, glossary renderings and Latin-script names. Sentences are then aligned the same way inside
each paragraph match. The result is an ordinary :class:`~pipeline.document.Document` whose segments
carry the English, so the same QA and exports serve a human translation as a machine one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from pipeline.document import Document, Flag, Paragraph, Segment
from pipeline.glossary.model import Glossary
from pipeline.qa.checks import expected_length
from pipeline.qa.numbers import english_quantities, source_quantities
from pipeline.segment import split_sentences

# Prior probability of each match shape (Gale & Church's estimates, halved between mirror shapes).
MATCH_PRIORS: dict[tuple[int, int], float] = {(1, 1): 0.89, (1, 2): 0.045, (2, 1): 0.045, (1, 0): 0.005, (0, 1): 0.005}
LENGTH_VARIANCE = 6.8  # variance of the English length per unit of expected length (Gale & Church's s²)
ANCHOR_WEIGHT = 3.0  # cost of one anchor found on one side of a match and not the other

_ABBREVIATIONS = frozenset("""mr mrs ms dr prof st no nos vs etc e.g i.e u.s u.k u.n gen sen rep gov co ltd inc corp
    jan feb mar apr jun jul aug sep sept oct nov dec fig approx dept est univ""".split())
_ENGLISH_SENTENCE_END = regex.compile(r"""([.!?…]["”’')\]]*)\s+(?=["“‘'(\[]?[\p{Lu}\p{N}])""")
_LATIN_NAME = regex.compile(r"[\p{Latin}][\p{Latin}\p{N}\-]+")
_STOPWORDS = frozenset("and or the of in on at to for a an is are was be by with as from".split())


@dataclass(frozen=True)
class Unit:
    """A paragraph or sentence to align: its text, its (expected English) length and its anchors."""

    text: str
    length: float
    anchors: frozenset[str]
    group: int = 0  # source units with different groups (paragraphs) are never merged


Alignment = list[tuple[list[int], list[int]]]  # (source indices, target indices) per match, in order


# --- anchors -------------------------------------------------------------------------------------

class Anchors:
    """Reads anchors from Chinese and English, restricted to those the source document contains."""

    def __init__(self, source_texts: Sequence[str], glossary: Glossary | None = None) -> None:
        self.glossary = glossary or Glossary.empty()
        whole = "\n".join(source_texts)
        self.renderings = {match.entry.en.lower() for match in self.glossary.match(whole)}
        self.vocabulary = set().union(*(self.chinese(text) for text in source_texts)) if source_texts else set()

    def chinese(self, text: str) -> frozenset[str]:
        found = {("m:" if quantity.kind == "month" else "n:") + f"{quantity.value:g}" for quantity in source_quantities(text)}
        found |= {f"g:{match.entry.en.lower()}" for match in self.glossary.match(text)}
        found |= {f"l:{word.lower()}" for word in _LATIN_NAME.findall(text) if word.lower() not in _STOPWORDS}
        return frozenset(found)

    def english(self, text: str) -> frozenset[str]:
        found = {("m:" if quantity.kind == "month" else "n:") + f"{quantity.value:g}" for quantity in english_quantities(text)}
        lowered = text.lower()
        found |= {f"g:{rendering}" for rendering in self.renderings if rendering in lowered}
        found |= {f"l:{word.lower()}" for word in _LATIN_NAME.findall(text)}
        return frozenset(found & self.vocabulary)


# --- the dynamic programme -----------------------------------------------------------------------

def _normal_tail(delta: float) -> float:
    """Two-sided tail probability of a standard normal beyond |delta|."""
    return math.erfc(abs(delta) / math.sqrt(2))


def match_cost(sources: Sequence[Unit], targets: Sequence[Unit], ratio: float) -> float:
    """−log probability of a match: its shape's prior, the length model, the anchors that disagree.

    A text left out or added (1–0, 0–1) pays its prior and its anchors only: the length model
    says nothing about text with no counterpart.
    """
    cost = -math.log(MATCH_PRIORS[(len(sources), len(targets))])
    if sources and targets:
        source_length = sum(unit.length for unit in sources)
        target_length = sum(unit.length for unit in targets)
        mean = max(1.0, (source_length * ratio + target_length) / 2)
        delta = (target_length - source_length * ratio) / math.sqrt(mean * LENGTH_VARIANCE)
        cost -= math.log(max(_normal_tail(delta), 1e-12))
    source_anchors = frozenset().union(*(unit.anchors for unit in sources))
    target_anchors = frozenset().union(*(unit.anchors for unit in targets))
    return cost + ANCHOR_WEIGHT * len(source_anchors ^ target_anchors)


def align_units(sources: Sequence[Unit], targets: Sequence[Unit], ratio: float | None = None) -> Alignment:
    """The cheapest sequence of 1–1, 1–2, 2–1, 1–0 and 0–1 matches covering both sides in order."""
    if ratio is None:
        expected = sum(unit.length for unit in sources)
        ratio = (sum(unit.length for unit in targets) / expected) if expected else 1.0
        ratio = ratio or 1.0
    rows, columns = len(sources), len(targets)
    best = [[math.inf] * (columns + 1) for _ in range(rows + 1)]
    step: list[list[tuple[int, int]]] = [[(0, 0)] * (columns + 1) for _ in range(rows + 1)]
    best[0][0] = 0.0
    for i in range(rows + 1):
        for j in range(columns + 1):
            for taken_source, taken_target in MATCH_PRIORS:
                start_i, start_j = i - taken_source, j - taken_target
                if start_i < 0 or start_j < 0 or best[start_i][start_j] == math.inf:
                    continue
                chosen = sources[start_i:i]
                if len(chosen) == 2 and chosen[0].group != chosen[1].group:
                    continue
                cost = best[start_i][start_j] + match_cost(chosen, targets[start_j:j], ratio)
                if cost < best[i][j]:
                    best[i][j], step[i][j] = cost, (taken_source, taken_target)
    alignment: Alignment = []
    i, j = rows, columns
    while i or j:
        taken_source, taken_target = step[i][j]
        alignment.append((list(range(i - taken_source, i)), list(range(j - taken_target, j))))
        i, j = i - taken_source, j - taken_target
    return alignment[::-1]


# --- sentences -----------------------------------------------------------------------------------

def split_english_sentences(text: str) -> list[str]:
    """Split English into sentences, keeping abbreviations (Mr., U.S.) and initials inside them."""
    sentences: list[str] = []
    start = 0
    for match in _ENGLISH_SENTENCE_END.finditer(text):
        before = text[start:match.start(1)].split()
        last_word = before[-1].lower() if before else ""
        if last_word in _ABBREVIATIONS or regex.fullmatch(r"\p{L}|(?:\p{L}\.)+\p{L}", last_word):
            continue
        sentences.append(text[start:match.end(1)].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


# --- building the aligned document ---------------------------------------------------------------

def align_document(document: Document, english: Sequence[str], glossary: Glossary | None = None) -> Alignment:
    """Fill ``document``'s translatable paragraphs with segments carrying the ``english`` paragraphs.

    Returns the paragraph alignment as (indices into the translatable paragraphs, indices into
    ``english``). Flags mark paragraphs the English splits, merges, leaves out or adds.
    """
    paragraphs = [paragraph for paragraph in document.paragraphs if paragraph.translatable]
    anchors = Anchors([paragraph.source for paragraph in paragraphs], glossary)
    source_units = [Unit(p.source, expected_length(p.source), anchors.chinese(p.source)) for p in paragraphs]
    target_units = [Unit(text, float(len(text)), anchors.english(text)) for text in english]
    alignment = align_units(source_units, target_units)
    total = sum(unit.length for unit in source_units)
    ratio = (sum(unit.length for unit in target_units) / total if total else 1.0) or 1.0
    for paragraph in document.paragraphs:
        paragraph.segments = []
        if not paragraph.translatable:
            paragraph.target = paragraph.source
    unmatched: list[str] = []  # English paragraphs with no source, before any segment exists
    for sources, targets in alignment:
        chosen = [paragraphs[index] for index in sources]
        texts = [english[index] for index in targets]
        _flag_paragraph_match(chosen, targets)
        if chosen:
            _align_sentences(chosen, texts, anchors, ratio)
            segments = [segment for paragraph in chosen for segment in paragraph.segments]
            if unmatched and segments:
                _add_unmatched(segments[0], unmatched, before=True)
                unmatched = []
        else:
            done = [segment for paragraph in paragraphs for segment in paragraph.segments]
            if done:
                _add_unmatched(done[-1], texts)
            else:
                unmatched += texts
    return alignment


def _add_unmatched(segment: Segment, texts: Sequence[str], before: bool = False) -> None:
    """Keep English that matches no source on a neighbouring segment, flagged, so none is lost."""
    text = " ".join(texts)
    segment.target = (f"{text} {segment.target}" if before else f"{segment.target} {text}").strip()
    _flag(segment, f"The English “{_shorten(text)}” has no counterpart in the source.")


def _align_sentences(paragraphs: Sequence[Paragraph], english: Sequence[str], anchors: Anchors, ratio: float) -> None:
    sentences = [(number, sentence) for number, paragraph in enumerate(paragraphs)
                 for sentence in split_sentences(paragraph.source)]
    english_sentences = [sentence for text in english for sentence in split_english_sentences(text)]
    source_units = [Unit(text, expected_length(text), anchors.chinese(text), group) for group, text in sentences]
    target_units = [Unit(text, float(len(text)), anchors.english(text)) for text in english_sentences]
    extra: list[str] = []  # English sentences with no source before the first segment
    last: Segment | None = None
    for sources, targets in align_units(source_units, target_units, ratio):
        target = " ".join(english_sentences[index] for index in targets)
        if not sources:
            if last is not None:
                _add_unmatched(last, [target])
            else:
                extra.append(target)
            continue
        paragraph = paragraphs[sentences[sources[0]][0]]
        source = "".join(sentences[index][1] for index in sources)
        segment = Segment(id=f"{paragraph.id}.s{len(paragraph.segments) + 1}", source=source, parts=[source],
                          part_targets=[target], target=target)
        if extra:
            _add_unmatched(segment, extra, before=True)
            extra = []
        paragraph.segments.append(segment)
        last = segment


def _flag(segment: Segment, message: str) -> None:
    segment.flags.append(Flag("alignment", "warning", message))


def _flag_paragraph_match(chosen: Sequence[Paragraph], targets: Sequence[int]) -> None:
    numbers = " and ".join(str(index + 1) for index in targets)
    if len(chosen) == 1 and len(targets) == 2:
        chosen[0].flags.append(Flag("alignment", "info", f"The English splits this paragraph in two (English paragraphs {numbers})."))
    elif len(chosen) == 2:
        chosen[0].flags.append(Flag("alignment", "info",
                                    f"The English merges this paragraph and {chosen[1].id} into one (English paragraph {numbers})."))
    elif chosen and not targets:
        chosen[0].flags.append(Flag("alignment", "warning", "No English paragraph corresponds to this paragraph; it may be untranslated."))


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def alignment_record(document: Document, alignment: Alignment) -> list[dict[str, list]]:
    """The paragraph links for the JSON: source paragraph ids ↔ English paragraph numbers (1-based)."""
    paragraphs = [paragraph for paragraph in document.paragraphs if paragraph.translatable]
    return [{"source": [paragraphs[index].id for index in sources], "english": [index + 1 for index in targets]}
            for sources, targets in alignment]
