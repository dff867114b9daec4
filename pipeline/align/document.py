"""Align a Chinese document with an existing English translation, paragraph by paragraph, then sentence by sentence.

The English (by a person or another MT system) may split or merge paragraphs differently, so
paragraphs are aligned by dynamic programming (``pipeline.align.model``) over 1–1, 1–2, 2–1, 2–2,
1–3, 3–1, 1–0 and 0–1 matches, each costed by a Gale–Church length model (Gale & Church 1993: the
English length is about proportional to the source length, with a normal spread) plus *anchors*
that must agree on both sides: numbers and dates, glossary renderings, Latin-script names, and for
short units heading numbers, salutations, quotation marks and speaker lines
(``pipeline.align.cues``). Sentences are then aligned the same way inside each paragraph match.
A match is flagged only where the alignment itself is uncertain (a rival alignment costs little
more) or where one side has no counterpart. The result is an ordinary
:class:`~pipeline.document.Document` whose segments carry the English, so the same QA and exports
serve a human translation as a machine one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import regex

from pipeline.align.cues import chinese_cues, chinese_heading_number, english_cues, english_heading_number, is_chinese_heading, is_chinese_salutation, is_chinese_title_line, is_english_heading, is_chinese_furniture, is_english_furniture, is_english_salutation, is_english_title_line, quotes_later, repeats_next
from pipeline.align.model import SENTENCE_PRIORS, Alignment, Unit, align_paragraphs, align_units, document_ratio
from pipeline.document import Document, Flag, Paragraph, Segment
from pipeline.glossary.model import Glossary
from pipeline.qa.checks import expected_length
from pipeline.qa.numbers import english_quantities, source_quantities
from pipeline.segment import split_sentences

UNCERTAIN_MARGIN = 1.0  # a match whose best rival alignment costs less than this much more is flagged (nats)

_ABBREVIATIONS = frozenset("""mr mrs ms dr prof st no nos vs etc e.g i.e u.s u.k u.n gen sen rep gov co ltd inc corp
    jan feb mar apr jun jul aug sep sept oct nov dec fig approx dept est univ""".split())
_ENGLISH_SENTENCE_END = regex.compile(r"""([.!?…]["”’')\]]*)\s+(?=["“‘'(\[]?[\p{Lu}\p{N}])""")
_LATIN_NAME = regex.compile(r"[\p{Latin}][\p{Latin}\p{N}\-]+")
_STOPWORDS = frozenset("and or the of in on at to for a an is are was be by with as from".split())


# --- anchors -------------------------------------------------------------------------------------

class Anchors:
    """Reads anchors from Chinese and English, restricted to those the source document contains."""

    def __init__(self, source_texts: Sequence[str], glossary: Glossary | None = None) -> None:
        self.glossary = glossary or Glossary.empty()
        whole = "\n".join(source_texts)
        self.renderings = {match.entry.en.lower() for match in self.glossary.match(whole)}
        self.vocabulary = set().union(*(self.chinese(text) for text in source_texts)) if source_texts else set()

    def chinese(self, text: str) -> frozenset[str]:
        found = chinese_cues(text)
        _, text = chinese_heading_number(text)  # a heading's number is a cue, not a quantity
        found |= {("m:" if quantity.kind == "month" else "n:") + f"{quantity.value:g}" for quantity in source_quantities(text)}
        found |= {f"g:{match.entry.en.lower()}" for match in self.glossary.match(text)}
        found |= {f"l:{word.lower()}" for word in _LATIN_NAME.findall(text) if word.lower() not in _STOPWORDS}
        return frozenset(found)

    def english(self, text: str) -> frozenset[str]:
        found = english_cues(text)
        _, text = english_heading_number(text)
        found |= {("m:" if quantity.kind == "month" else "n:") + f"{quantity.value:g}" for quantity in english_quantities(text)}
        lowered = text.lower()
        found |= {f"g:{rendering}" for rendering in self.renderings if rendering in lowered}
        found |= {f"l:{word.lower()}" for word in _LATIN_NAME.findall(text)}
        return frozenset(found & self.vocabulary)


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
    sources = [paragraph.source for paragraph in paragraphs]
    anchors = Anchors(sources, glossary)
    source_units = [Unit(p.source, expected_length(p.source), anchors.chinese(p.source),
                         heading=is_chinese_heading(p.source), title=is_chinese_title_line(p.source),
                         furniture=is_chinese_furniture(p.source) or quotes_later(sources, index))
                    for index, p in enumerate(paragraphs)]
    target_units = [Unit(text, float(len(text)), anchors.english(text), heading=is_english_heading(text),
                         title=is_english_title_line(text),
                         furniture=repeats_next(english, index) or is_english_furniture(text))
                    for index, text in enumerate(english)]
    ratio = document_ratio(source_units, target_units)
    alignment, margins = align_paragraphs(source_units, target_units, ratio,
                                          [is_chinese_salutation(p.source) for p in paragraphs],
                                          [is_english_salutation(text) for text in english])
    for paragraph in document.paragraphs:
        paragraph.segments = []
        if not paragraph.translatable:
            paragraph.target = paragraph.source
    unmatched: list[str] = []  # English paragraphs with no source, before any segment exists
    for (sources, targets), margin in zip(alignment, margins):
        chosen = [paragraphs[index] for index in sources]
        texts = [english[index] for index in targets]
        _flag_paragraph_match(chosen, targets, margin)
        if chosen and texts and (all(is_chinese_salutation(p.source) for p in chosen) or len(chosen) > 1 < len(texts)):
            _keep_together(chosen, texts)  # salutation lines, a reordered title block: no sentences to pair
        elif chosen:
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


def _keep_together(paragraphs: Sequence[Paragraph], english: Sequence[str]) -> None:
    """One segment per paragraph, the first carrying all the English: the lines match only as a whole."""
    target = " ".join(english)
    for number, paragraph in enumerate(paragraphs):
        text = target if number == 0 else ""
        paragraph.segments = [Segment(id=f"{paragraph.id}.s1", source=paragraph.source, parts=[paragraph.source],
                                      part_targets=[text], target=text)]


def _align_sentences(paragraphs: Sequence[Paragraph], english: Sequence[str], anchors: Anchors, ratio: float) -> None:
    sentences = [(number, sentence) for number, paragraph in enumerate(paragraphs)
                 for sentence in split_sentences(paragraph.source)]
    english_sentences = [sentence for text in english for sentence in split_english_sentences(text)]
    source_units = [Unit(text, expected_length(text), anchors.chinese(text), group) for group, text in sentences]
    target_units = [Unit(text, float(len(text)), anchors.english(text)) for text in english_sentences]
    extra: list[str] = []  # English sentences with no source before the first segment
    last: Segment | None = None
    for sources, targets in align_units(source_units, target_units, ratio, SENTENCE_PRIORS):
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
        if not targets and english and not is_chinese_salutation(source):  # (a paragraph without English is flagged as such)
            _flag(segment, "No English sentence corresponds to this sentence; it may be untranslated.")
        paragraph.segments.append(segment)
        last = segment


def _flag(segment: Segment, message: str) -> None:
    segment.flags.append(Flag("alignment", "warning", message))


def _flag_paragraph_match(chosen: Sequence[Paragraph], targets: Sequence[int], margin: float = math.inf) -> None:
    """Info on splits and merges (the English is free to paragraph its own way); a warning where unsure."""
    numbers = " and ".join(str(index + 1) for index in targets)
    others = " and ".join(paragraph.id for paragraph in chosen[1:])
    if len(chosen) == 1 and len(targets) >= 2:
        parts = {2: "two", 3: "three"}.get(len(targets), str(len(targets)))
        chosen[0].flags.append(Flag("alignment", "info", f"The English splits this paragraph in {parts} "
                                    f"(English paragraphs {numbers})."))
    elif len(chosen) >= 2 and targets:
        chosen[0].flags.append(Flag("alignment", "info", f"The English merges this paragraph and {others} into "
                                    f"{'one' if len(targets) == 1 else len(targets)} (English paragraph {numbers})."))
    if chosen and not targets:
        chosen[0].flags.append(Flag("alignment", "warning", "No English paragraph corresponds to this paragraph; it may be untranslated."))
    elif chosen and margin < UNCERTAIN_MARGIN:
        chosen[0].flags.append(Flag("alignment", "warning", f"Uncertain alignment: English paragraph {numbers} may belong "
                                    f"with a neighbouring paragraph instead; check where this paragraph's English begins and ends."))


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def alignment_record(document: Document, alignment: Alignment) -> list[dict[str, list]]:
    """The paragraph links for the JSON: source paragraph ids ↔ English paragraph numbers (1-based)."""
    paragraphs = [paragraph for paragraph in document.paragraphs if paragraph.translatable]
    return [{"source": [paragraphs[index].id for index in sources], "english": [index + 1 for index in targets]}
            for sources, targets in alignment]
