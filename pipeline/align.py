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

from pipeline.align_cues import (chinese_cues, chinese_heading_number, english_cues, english_heading_number,
                                 is_chinese_heading, is_chinese_salutation, is_english_heading, is_english_salutation)
from pipeline.document import Document, Flag, Paragraph, Segment
from pipeline.glossary.model import Glossary
from pipeline.qa.checks import expected_length
from pipeline.qa.numbers import english_quantities, source_quantities
from pipeline.segment import split_sentences

# Prior probability of each match shape (Gale & Church's estimates, halved between mirror shapes).
# The wider shapes (2–2, 1–3, 3–1) are rare and get low priors: they serve salutations and openings
# that one side writes on several lines and the other on one, and headings that cross over.
MATCH_PRIORS: dict[tuple[int, int], float] = {(1, 1): 0.89, (1, 2): 0.04, (2, 1): 0.04, (1, 0): 0.01, (0, 1): 0.01,
                                              (2, 2): 0.001, (1, 3): 0.002, (3, 1): 0.002}
# Inside a matched paragraph a sentence is rarely left out: more often the English cuts it differently.
SENTENCE_PRIORS: dict[tuple[int, int], float] = {**MATCH_PRIORS, (1, 0): 0.001, (0, 1): 0.001}
LENGTH_VARIANCE = 12.6  # variance of the English length per unit of expected length, measured on tests/data/official (Gale & Church had 6.8 for European pairs)
ANCHOR_WEIGHT = 3.0  # cost of one anchor found on one side of a match and not the other
FREE_RENDERING_WEIGHT = 1.0  # cost of a glossary term in the source whose rendering the English does not use
SET_RATIO = 1.52  # English characters per expected character over the official set's matched paragraphs
RATIO_PRIOR_WEIGHT = 500.0  # expected characters' worth of evidence the set's ratio counts for
CUES = frozenset({"salutation", "quotation", "speaker"})
HEADING_MIX_COST = 5.0  # cost of merging a heading with prose on one side of a match
UNCERTAIN_MARGIN = 2.0  # a match whose best rival alignment costs less than this much more is flagged (nats)

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
    heading: bool = False  # a numbered heading or a lead-in line (过去一年：): it is not merged into prose


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


# --- the dynamic programme -----------------------------------------------------------------------

def _normal_tail(delta: float) -> float:
    """Two-sided tail probability of a standard normal beyond |delta|."""
    return math.erfc(abs(delta) / math.sqrt(2))


def match_cost(sources: Sequence[Unit], targets: Sequence[Unit], ratio: float,
               priors: dict[tuple[int, int], float] = MATCH_PRIORS) -> float:
    """−log probability of a match: its shape's prior, the length model, the anchors that disagree.

    A text left out or added (1–0, 0–1) pays its prior and its anchors only: the length model
    says nothing about text with no counterpart.
    """
    cost = -math.log(priors[(len(sources), len(targets))])
    if sources and targets:
        source_length = sum(unit.length for unit in sources)
        target_length = sum(unit.length for unit in targets)
        mean = max(1.0, (source_length * ratio + target_length) / 2)
        delta = (target_length - source_length * ratio) / math.sqrt(mean * LENGTH_VARIANCE)
        cost -= math.log(max(_normal_tail(delta), 1e-12))
    for side in (sources, targets):  # a heading with the prose after it is two units, not one
        if len(side) > 1 and len({unit.heading for unit in side}) > 1:
            cost += HEADING_MIX_COST
    source_anchors = frozenset().union(*(unit.anchors for unit in sources))
    target_anchors = frozenset().union(*(unit.anchors for unit in targets))
    disagreeing = source_anchors ^ target_anchors
    if not sources or not targets:  # a heading or salutation is as likely left out as any text
        if all(unit.heading for unit in (*sources, *targets)):
            disagreeing = frozenset()  # 过去五年： over a list: its number is the list's, not a figure
        disagreeing = frozenset(anchor for anchor in disagreeing if anchor not in CUES and not anchor.startswith("h:"))
    # A term the English renders freely leaves a glossary anchor on the Chinese side alone; that is
    # weaker evidence against a match than an English rendering with no source term.
    free_renderings = sum(1 for anchor in disagreeing if anchor.startswith("g:") and anchor in source_anchors)
    return cost + ANCHOR_WEIGHT * (len(disagreeing) - free_renderings) + FREE_RENDERING_WEIGHT * free_renderings


def _best_costs(sources: Sequence[Unit], targets: Sequence[Unit], ratio: float, priors: dict[tuple[int, int], float]
                ) -> tuple[list[list[float]], list[list[tuple[int, int]]]]:
    """Forward dynamic programme: the cheapest cost of aligning the first i sources with the first j targets."""
    rows, columns = len(sources), len(targets)
    best = [[math.inf] * (columns + 1) for _ in range(rows + 1)]
    step: list[list[tuple[int, int]]] = [[(0, 0)] * (columns + 1) for _ in range(rows + 1)]
    best[0][0] = 0.0
    for i in range(rows + 1):
        for j in range(columns + 1):
            for taken_source, taken_target in priors:
                start_i, start_j = i - taken_source, j - taken_target
                if start_i < 0 or start_j < 0 or best[start_i][start_j] == math.inf:
                    continue
                chosen = sources[start_i:i]
                if len(chosen) > 1 and any(unit.group != chosen[0].group for unit in chosen):
                    continue
                cost = best[start_i][start_j] + match_cost(chosen, targets[start_j:j], ratio, priors)
                if cost < best[i][j]:
                    best[i][j], step[i][j] = cost, (taken_source, taken_target)
    return best, step


def _document_ratio(sources: Sequence[Unit], targets: Sequence[Unit]) -> float:
    """English length per unit of expected length: the document's own, drawn towards the set's.

    A short document's own ratio is swayed by one paragraph left out or added, which would then
    look like a merge; so the measured ratio of the official set counts as ``RATIO_PRIOR_WEIGHT``
    characters of evidence, and a long document's own ratio outweighs it.
    """
    expected = sum(unit.length for unit in sources)
    english = sum(unit.length for unit in targets)
    return (english + RATIO_PRIOR_WEIGHT * SET_RATIO) / (expected + RATIO_PRIOR_WEIGHT)


def align_units(sources: Sequence[Unit], targets: Sequence[Unit], ratio: float | None = None,
                priors: dict[tuple[int, int], float] = MATCH_PRIORS) -> Alignment:
    """The cheapest sequence of matches (1–1, 1–2, 2–1, 2–2, 1–3, 3–1, 1–0, 0–1) covering both sides in order."""
    return align_with_margins(sources, targets, ratio, priors)[0]


def align_with_margins(sources: Sequence[Unit], targets: Sequence[Unit], ratio: float | None = None,
                       priors: dict[tuple[int, int], float] = MATCH_PRIORS) -> tuple[Alignment, list[float]]:
    """The cheapest alignment, and for each match how much more the best alignment that disagrees costs.

    A match's margin is the extra cost (in nats) of the cheapest alignment that moves one of its
    two boundaries — ends the match's source text against other English, or its English against
    other source text. A small margin means the text itself cannot decide where the match ends.
    (Alignments that jump over a boundary with a wider shape are not counted, so the margin is an
    upper bound.)
    """
    ratio = ratio if ratio is not None else _document_ratio(sources, targets)
    forward, step = _best_costs(sources, targets, ratio, priors)
    backward_reversed, _ = _best_costs(sources[::-1], targets[::-1], ratio, priors)
    rows, columns = len(sources), len(targets)
    through = [[forward[i][j] + backward_reversed[rows - i][columns - j] for j in range(columns + 1)]
               for i in range(rows + 1)]
    total = forward[rows][columns]
    alignment: Alignment = []
    nodes = [(rows, columns)]  # the boundaries between matches, from the end back to the start
    i, j = rows, columns
    while i or j:
        taken_source, taken_target = step[i][j]
        alignment.append((list(range(i - taken_source, i)), list(range(j - taken_target, j))))
        i, j = i - taken_source, j - taken_target
        nodes.append((i, j))
    alignment.reverse()
    nodes.reverse()

    def boundary_margin(i: int, j: int) -> float:
        if (i, j) in ((0, 0), (rows, columns)):
            return math.inf
        others = [through[i][b] for b in range(columns + 1) if b != j] + [through[a][j] for a in range(rows + 1) if a != i]
        return min(others, default=math.inf) - total

    margins = [min(boundary_margin(*nodes[k]), boundary_margin(*nodes[k + 1])) for k in range(len(alignment))]
    return alignment, margins


def _runs(salutations: Sequence[bool]) -> list[list[int]]:
    """Consecutive salutation lines as one run each; every other unit on its own."""
    runs: list[list[int]] = []
    for index, salutation in enumerate(salutations):
        if salutation and runs and salutations[runs[-1][-1]]:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _joined(units: Sequence[Unit], run: list[int]) -> Unit:
    chosen = [units[index] for index in run]
    return Unit(" ".join(unit.text for unit in chosen), sum(unit.length for unit in chosen),
                frozenset().union(*(unit.anchors for unit in chosen)), chosen[0].group, all(unit.heading for unit in chosen))


def align_paragraphs(sources: Sequence[Unit], targets: Sequence[Unit], ratio: float,
                     source_salutations: Sequence[bool], target_salutations: Sequence[bool]
                     ) -> tuple[Alignment, list[float]]:
    """Align paragraphs, each side's run of salutation lines taken as one unit, then lines inside a run.

    One side often writes the salutation on five lines and the other on one or two (or merges
    it with the title block); as whole runs the two sides match 1–1, and inside a matched pair of
    runs the lines are aligned again. In a speech the lines before the salutation (title,
    subtitle, date, speaker) are aligned on their own: where they do not match line by line —
    the English reorders them — they are kept together as one match. Returns the alignment and
    each match's margin.
    """
    opening = (source_salutations.index(True) if True in source_salutations else 0,
               target_salutations.index(True) if True in target_salutations else 0)
    if not all(opening):
        opening = (0, 0)
    # The opening is the run of short lines (no sentence ends them) just before the salutation;
    # prose before it (a news agency's lead) is aligned as usual.
    first = (_short_lines_before(sources, opening[0]), _short_lines_before(targets, opening[1]))
    if first[0] == opening[0] or first[1] == opening[1]:
        first = opening = (0, 0)
    alignment, margins = align_with_margins(sources[:first[0]], targets[:first[1]], ratio) if all(first) else ([], [])
    alignment += [([i + first[0] for i in s], [j + first[1] for j in t]) for s, t in
                  _align_opening(sources[first[0]:opening[0]], targets[first[1]:opening[1]])]
    margins += [math.inf] * (len(alignment) - len(margins))
    source_runs = [[index + opening[0] for index in run] for run in _runs(source_salutations[opening[0]:])]
    target_runs = [[index + opening[1] for index in run] for run in _runs(target_salutations[opening[1]:])]
    grouped, grouped_margins = align_with_margins([_joined(sources, run) for run in source_runs],
                                                  [_joined(targets, run) for run in target_runs], ratio)
    for (source_indices, target_indices), margin in zip(grouped, grouped_margins):
        inner_sources = [index for run in source_indices for index in source_runs[run]]
        inner_targets = [index for run in target_indices for index in target_runs[run]]
        if len(inner_sources) > 1 and len(inner_targets) > 1 and len(source_indices) == len(target_indices) == 1:
            inner, _ = align_with_margins([sources[i] for i in inner_sources], [targets[j] for j in inner_targets], ratio)
            if all(match_sources and match_targets for match_sources, match_targets in inner):
                alignment += [([inner_sources[i] for i in s], [inner_targets[j] for j in t]) for s, t in inner]
                margins += [margin] * len(inner)  # lines inside a run: the run's certainty
                continue
        alignment.append((inner_sources, inner_targets))
        margins.append(margin)
    return alignment, margins


def _short_lines_before(units: Sequence[Unit], end: int) -> int:
    """Where the run of short lines (titles, dates, speaker) ending just before ``end`` begins."""
    start = end
    while start > 0 and units[start - 1].length <= 160 and units[start - 1].text.rstrip()[-1:] not in "。！？：.!?:":
        start -= 1
    return start


def _align_opening(sources: Sequence[Unit], targets: Sequence[Unit]) -> Alignment:
    """The lines before a speech's salutation: line by line from each end while they agree, the rest as one match.

    The English often reorders these lines (the speaker before the date, the occasion split off
    the title), so pairing them one by one would link a date to a name. Lines pair off from the
    top and from the bottom while their numbers, dates and speaker cues agree; what is left in
    the middle, where the two sides cross, stays together as one match.
    """
    if not sources or not targets:
        return []

    def agree(source: Unit, target: Unit) -> bool:
        # Titles render terms freely: only numbers, dates, names and the speaker cue decide.
        source_anchors = frozenset(a for a in source.anchors if not a.startswith("g:"))
        target_anchors = frozenset(a for a in target.anchors if not a.startswith("g:"))
        return source_anchors <= target_anchors and ("speaker" in source_anchors) == ("speaker" in target_anchors)

    top = 0
    while top < min(len(sources), len(targets)) and agree(sources[top], targets[top]):
        top += 1
    bottom = 0
    while (bottom < min(len(sources), len(targets)) - top
           and agree(sources[len(sources) - 1 - bottom], targets[len(targets) - 1 - bottom])):
        bottom += 1
    head = [([k], [k]) for k in range(top)]
    tail = [([len(sources) - bottom + k], [len(targets) - bottom + k]) for k in range(bottom)]
    middle = (list(range(top, len(sources) - bottom)), list(range(top, len(targets) - bottom)))
    if middle[0] and middle[1]:
        return head + [middle] + tail
    if not middle[0] and not middle[1]:
        return head + tail
    # One side has lines left over (Wen Jiabao / Premier of the State Council for 国务院总理 温家宝):
    # they belong with the neighbouring line on the other side.
    if tail:
        tail[0] = (middle[0] + tail[0][0], middle[1] + tail[0][1])
    elif head:
        head[-1] = (head[-1][0] + middle[0], head[-1][1] + middle[1])
    else:
        return [middle]
    return head + tail


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
    source_units = [Unit(p.source, expected_length(p.source), anchors.chinese(p.source), heading=is_chinese_heading(p.source))
                    for p in paragraphs]
    target_units = [Unit(text, float(len(text)), anchors.english(text), heading=is_english_heading(text)) for text in english]
    ratio = _document_ratio(source_units, target_units)
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
