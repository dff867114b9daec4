"""Repair a page layout flattened into text: rejoin cut paragraphs, restore reading order, set captions aside.

A newspaper page extracted column by column leaves paragraphs cut in two, their halves apart, with
photo captions and credits dropped in between. :func:`repair_layout` rewrites the document's
paragraphs so that:

- each cut end is joined to its cut start only on evidence (:mod:`pipeline.layout.evidence`: a
  quotation closed in the other half, a word, glossary term or phrase of the document across the
  cut, a number cut from its measure word, a clause continued by text that cannot open a paragraph,
  a hard-wrapped last line ended early because the number opening the other half would not fit),
  wherever the halves lie (a second half printed before its first not on a three-character run alone);
  captions and credits between them do not count. A join is certain when
  its evidence is and no other pairing of either half has any; otherwise it is flagged as probable,
  and when two pairings are about as likely, or nothing but position speaks for one, the blocks stay
  apart and are flagged as fragments ("paragraph seems cut") for the reviewer;
- the text that followed a moved half moves with it, so the paragraphs come in reading order (a column
  read out of turn), but body blocks standing alone between the halves follow the rejoined paragraph;
- a credit is folded into the caption before it, and captions follow the section they interrupted;
- nothing is lost or duplicated: every character of every block ends up in exactly one paragraph.

Every join is recorded in ``Paragraph.joined_from`` (the input block numbers) and on the paragraph's
flags; an unresolved fragment is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from pipeline.document import Document, Flag, Paragraph
from pipeline.glossary.model import Glossary
from pipeline.ingest.text import join_wrapped_lines
from pipeline.layout.classify import (
    STRONG_START_SIGNS, cut_start_signs, frames_closed, frames_left_open, is_caption, is_cut_end, is_salutation,
)
from pipeline.layout.reading import pair_by_reading
from pipeline.layout.evidence import PUSHED_RUN_REASON, SHORT_RUN_REASON, Evidence, join_evidence, pushed_run
from pipeline.layout.pairing import FORWARD_REACH, pair_by_structure

ASIDE_KINDS = frozenset({"caption", "credit"})
SECTION_KINDS = frozenset({"title", "heading"})  # a block of these kinds opens a section
_INNER_CLAUSE_MARK = regex.compile(r"[，,、；;]")
# Halves of one paragraph lie on the same page or the next: looking further only finds chance matches
# (and costs time in proportion to the document's length squared).
SEARCH_WINDOW = 24
RIVAL_MARGIN = 2.0  # a join must outweigh every other pairing still open to either half by this much


@dataclass(frozen=True)
class _Fragment:
    """What a flow paragraph looks like at its two edges."""

    cut_end: bool
    start_signs: tuple[str, ...]

    @property
    def cut_start(self) -> bool:
        return bool(self.start_signs)

    @property
    def strong_start(self) -> bool:
        return bool(set(self.start_signs) & STRONG_START_SIGNS)


@dataclass(frozen=True)
class _Join:
    start: int  # index in the flow of the paragraph that continues the cut end
    certain: bool
    reason: str


def repair_layout(document: Document, glossary: Glossary | None = None) -> None:
    """Rewrite ``document.paragraphs`` in reading order with cut paragraphs joined (see the module doc)."""
    _restore_continuations_taken_for_captions(document.paragraphs, glossary, document.text)
    flow: list[Paragraph] = []
    asides: list[tuple[int | None, Paragraph]] = []  # (block the aside came after, caption)
    for paragraph in document.paragraphs:
        if paragraph.kind in ASIDE_KINDS:
            _add_aside(asides, paragraph, flow[-1].block if flow else None)
        else:
            flow.append(paragraph)
    fragments = [_fragment(paragraph) for paragraph in flow]
    joins = find_joins(flow, fragments, glossary, document.text)
    merged = _merge(flow, reading_order(flow, joins), joins, fragments)
    paragraphs = _place_asides(merged, asides)
    for number, paragraph in enumerate(paragraphs, start=1):
        paragraph.id = f"p{number}"
    document.paragraphs = paragraphs


# --- captions and credits --------------------------------------------------------------------------

def _restore_continuations_taken_for_captions(paragraphs: Sequence[Paragraph], glossary: Glossary | None,
                                              text: str) -> None:
    """A block taken for a caption only because a credit follows it (it says nothing of a picture) may
    be the second half of a cut paragraph printed above a lone photo credit: it is body text when a
    cut end is joined to it with the block counted as body, and a caption otherwise."""
    by_position = [paragraph for paragraph in paragraphs
                   if paragraph.kind == "caption" and not paragraph.markup and not is_caption(paragraph.source)]
    if not by_position:
        return
    for paragraph in by_position:
        paragraph.kind = "body"
    flow = [paragraph for paragraph in paragraphs if paragraph.kind not in ASIDE_KINDS]
    joins = find_joins(flow, [_fragment(paragraph) for paragraph in flow], glossary, text)
    continuations = {id(flow[join.start]) for join in joins.values()}
    for paragraph in by_position:
        if id(paragraph) not in continuations:
            paragraph.kind = "caption"


def _add_aside(asides: list[tuple[int | None, Paragraph]], paragraph: Paragraph, anchor: int | None) -> None:
    """Keep a caption aside; a credit right after a caption (and without markup) is folded into it."""
    if paragraph.kind == "credit" and asides:
        previous_anchor, caption = asides[-1]
        last_block = (caption.joined_from or [caption.block])[-1]
        if (caption.kind == "caption" and last_block == paragraph.block - 1 and previous_anchor == anchor
                and not paragraph.markup and not caption.markup):
            caption.joined_from = [*(caption.joined_from or [caption.block]), paragraph.block]
            caption.joined_lines = [*(caption.joined_lines or [caption.lines[0]]), paragraph.lines[0]]
            caption.source = join_wrapped_lines([caption.source, paragraph.source])
            caption.lines = (caption.lines[0], paragraph.lines[1])
            return
    asides.append((anchor, paragraph))


def _place_asides(merged: list[Paragraph], asides: Sequence[tuple[int | None, Paragraph]]) -> list[Paragraph]:
    """Put each caption at the end of the section (heading to heading) holding the text it came after."""
    position_of_block = {block: position for position, paragraph in enumerate(merged)
                         for block in (paragraph.joined_from or [paragraph.block])}
    inserts: dict[int, list[Paragraph]] = {}
    for anchor, aside in asides:
        position = position_of_block.get(anchor, 0) if anchor is not None else 0
        end = next((later for later in range(position + 1, len(merged))
                    if merged[later].kind in {"title", "heading"}), len(merged))
        inserts.setdefault(end, []).append(aside)
    result: list[Paragraph] = []
    for position in range(len(merged) + 1):
        result.extend(inserts.get(position, []))
        if position < len(merged):
            result.append(merged[position])
    return result


# --- finding the joins -------------------------------------------------------------------------------

def _fragment(paragraph: Paragraph) -> _Fragment:
    if paragraph.kind != "body" or paragraph.markup or is_salutation(paragraph.source):
        return _Fragment(False, ())
    return _Fragment(is_cut_end(paragraph.source), cut_start_signs(paragraph.source))


def _strength(evidence: Sequence[Evidence]) -> float:
    return sum(piece.weight for piece in evidence)


def _enough_for_a_heading(evidence: Sequence[Evidence]) -> bool:
    """A heading-shaped block ends without punctuation anyway: only certain evidence, a second half
    that cannot stand alone, or a last line ended early for the second half's first word makes it
    the first half of a paragraph."""
    return any(piece.certain or "cannot stand alone" in piece.reason or PUSHED_RUN_REASON in piece.reason
               for piece in evidence)


def _candidates(flow: Sequence[Paragraph], fragments: Sequence[_Fragment], glossary: Glossary | None,
                text: str) -> list[tuple[int, int, list[Evidence]]]:
    """(end, start, evidence) for every cut end and every body paragraph the evidence says may continue it."""
    found = []
    starts = [index for index, paragraph in enumerate(flow) if paragraph.kind == "body" and not paragraph.markup]
    closed = {start: frames_closed(flow[start].source) for start in starts}
    for end, fragment in enumerate(fragments):
        # A first half short enough to look like a heading is one only until a word runs across its end.
        heading_shaped = flow[end].kind == "heading" and not flow[end].markup
        if not (fragment.cut_end or heading_shaped):
            continue
        left_open = frames_left_open(flow[end].source)
        for start in starts:
            if start == end or abs(start - end) > SEARCH_WINDOW:
                continue
            evidence = join_evidence(flow[end].source, flow[start].source, text, glossary)
            if start > end and (pushed := pushed_run(flow[end].column_shortfall, flow[start].source)):
                evidence.append(pushed)
            if left_open and left_open & closed[start]:
                evidence.append(Evidence("a construction begun at the cut (such as 通过……) is completed by the other half",
                                         False, 2.0))
            if heading_shaped and not _enough_for_a_heading(evidence):
                continue
            if start < end:
                # A second half printed before its first needs a column read out of order: a
                # three-character run of the document, which recurs by chance, does not stretch that far.
                evidence = [piece for piece in evidence if not piece.reason.endswith(SHORT_RUN_REASON)]
            if evidence:
                found.append((end, start, evidence))
    return found


def find_joins(flow: Sequence[Paragraph], fragments: Sequence[_Fragment], glossary: Glossary | None,
               text: str) -> dict[int, _Join]:
    """Map each cut end (index in ``flow``) to the paragraph that continues it, on evidence only.

    Strongest evidence first; among equals the continuation that follows the cut end, nearest
    first. A join is certain when its evidence is and no other pairing of either half has any
    evidence at all; otherwise it is probable and flagged. A cut end with no evidence for any
    continuation stays apart (and is flagged as a fragment).
    """
    candidates = _candidates(flow, fragments, glossary, text)
    ranked = sorted(candidates, key=lambda item: (-_strength(item[2]), item[1] < item[0], abs(item[1] - item[0])))
    by_half: dict[tuple[str, int], list[tuple[int, int, list[Evidence]]]] = {}
    for item in candidates:
        by_half.setdefault(("end", item[0]), []).append(item)
        by_half.setdefault(("start", item[1]), []).append(item)
    joins: dict[int, _Join] = {}
    taken_starts: set[int] = set()
    for end, start, evidence in ranked:
        if end in joins or start in taken_starts:
            continue
        rivals = [item for item in by_half[("end", end)] + by_half[("start", start)] if item[:2] != (end, start)]
        free_rivals = [item for item in rivals if item[0] not in joins and item[1] not in taken_starts]
        if free_rivals and _strength(evidence) < RIVAL_MARGIN + max(_strength(item[2]) for item in free_rivals):
            continue  # two pairings about as likely: a wrong join is worse than two flagged fragments
        taken_starts.add(start)
        certain = any(piece.certain for piece in evidence) and not rivals
        reason = "; ".join(piece.reason for piece in evidence)
        if rivals:
            reason += f" (other pairings also had some evidence: {len(rivals)})"
        joins[end] = _Join(start, certain, reason)
    joined_starts = {join.start for join in joins.values()}
    # Only a word, phrase or mark across a cut contests a half; the grammar of a start alone is what
    # counting weighs anyway.
    within_reach = [item for item in candidates if 0 < item[1] - item[0] <= FORWARD_REACH
                    and any("runs across the cut" in piece.reason for piece in item[2])]
    contested = {("end", item[0]) for item in within_reach} | {("start", item[1]) for item in within_reach}
    cut_ends = [fragment.cut_end for fragment in fragments]
    for end, start, reason in pair_by_structure(flow, cut_ends, set(joins), joined_starts, contested):
        joins[end] = _Join(start, False, reason)
    weights = {(end, start): _strength(evidence) for end, start, evidence in candidates}
    for end, start, reason in pair_by_reading(flow, cut_ends, set(joins), {join.start for join in joins.values()},
                                              weights):
        joins[end] = _Join(start, False, reason)
    _drop_cycles(len(flow), joins)
    return joins



# --- reading order -----------------------------------------------------------------------------------

def _chunks(count: int, joins: dict[int, _Join]) -> list[list[int]]:
    """Runs of the flow that stay together: cut before every joined start, after every joined end."""
    starts = {join.start for join in joins.values()}
    chunks: list[list[int]] = []
    for index in range(count):
        if not chunks or index in starts or index - 1 in joins:
            chunks.append([])
        chunks[-1].append(index)
    return chunks


def _successors(chunks: list[list[int]], joins: dict[int, _Join]) -> dict[int, int]:
    chunk_of = {index: number for number, chunk in enumerate(chunks) for index in chunk}
    return {number: chunk_of[joins[chunk[-1]].start] for number, chunk in enumerate(chunks) if chunk[-1] in joins}


def _cycle(count: int, joins: dict[int, _Join]) -> list[int]:
    """The joined ends along a cycle of chunks (each continuing the next, back to the first), if any.

    Joins are only one-to-one, so a cycle means some chunk boundary went unseen; a join on the
    cycle must then go.
    """
    chunks = _chunks(count, joins)
    successors = _successors(chunks, joins)
    for first in successors:
        path, current = [first], successors[first]
        while current != first and current in successors and len(path) <= len(successors):
            path.append(current)
            current = successors[current]
        if current == first:
            return [chunks[number][-1] for number in path]
    return []


def _drop_cycles(count: int, joins: dict[int, _Join]) -> None:
    """Break every cycle by dropping the join on it found last (the weakest evidence)."""
    while cycle := _cycle(count, joins):
        weakest = max(cycle, key=list(joins).index)
        del joins[weakest]


def reading_order(flow: Sequence[Paragraph], joins: dict[int, _Join]) -> list[int]:
    """Flow indices in reading order: each chunk followed by the chunk its last paragraph continues in
    (a column read out of turn: the text after a second half came with it), except where only
    standalone body blocks lie between a first half and the second half after it. Whether those
    belonged after the whole moved chunk (a sidebar) or right after the rejoined paragraph (the
    paragraphs it was printed after) the text does not tell, so they go right after it, where
    being wrong displaces them least."""
    chunks = _chunks(len(flow), joins)
    successors = _successors(chunks, joins)
    continued = set(successors.values())
    order: list[int] = []
    for number in range(len(chunks)):
        if number in continued:
            continue
        current: int | None = number
        while current is not None:
            order.extend(chunks[current])
            current = successors.get(current)
    chunk_of = {index: number for number, chunk in enumerate(chunks) for index in chunk}
    for end, join in sorted(joins.items()):
        between = range(chunk_of[end] + 1, chunk_of[join.start])
        if (not between or any(number in continued or number in successors for number in between)
                or flow[chunks[between[0]][0]].kind in SECTION_KINDS):
            continue  # adjacent halves, a chain, or a new section between: the chunks stand
        stranded = [index for number in between for index in chunks[number]]
        moving = set(stranded)
        order = [index for index in order if index not in moving]
        place = order.index(join.start) + 1
        order[place:place] = stranded
    return order


# --- merging -----------------------------------------------------------------------------------------

def _describe_lines(paragraph: Paragraph) -> str:
    first, last = paragraph.lines
    return f"line {first}" if first == last else f"lines {first}–{last}"


def _merge(flow: Sequence[Paragraph], order: Sequence[int], joins: dict[int, _Join],
           fragments: Sequence[_Fragment]) -> list[Paragraph]:
    merged: list[Paragraph] = []
    joined_starts = {join.start for join in joins.values()}
    position = 0
    while position < len(order):
        group = [order[position]]
        while group[-1] in joins and position + 1 < len(order) and order[position + 1] == joins[group[-1]].start:
            position += 1
            group.append(order[position])
        position += 1
        paragraph = flow[group[0]]
        if len(group) > 1:
            paragraph.kind = "body"  # a heading-shaped first half, once joined, is body text
            parts = [flow[index] for index in group]
            pieces = " and ".join(_describe_lines(part) for part in parts)
            paragraph.source = join_wrapped_lines([part.source for part in parts])
            paragraph.lines = (parts[0].lines[0], parts[-1].lines[1])
            paragraph.joined_from = [part.block for part in parts]
            paragraph.joined_lines = [part.lines[0] for part in parts]
            for index in group[:-1]:
                join = joins[index]
                if join.certain:
                    paragraph.flags.append(Flag("layout-join", "info",
                                                f"Rejoined from pieces the page layout had separated ({pieces}): {join.reason}."))
                else:
                    paragraph.flags.append(Flag("layout-join-probable", "warning",
                                                f"Probably one paragraph, so joined ({pieces}) because {join.reason}; "
                                                f"check that the text reads on across the join."))
        if paragraph.kind == "heading" and not paragraph.markup and _INNER_CLAUSE_MARK.search(paragraph.source):
            paragraph.flags.append(Flag("layout-fragment", "warning",
                                        "Paragraph seems cut: it is taken as a heading, but a heading rarely holds a "
                                        "comma, and it ends without closing punctuation; check the source."))
        if fragments[group[-1]].cut_end and group[-1] not in joins:
            paragraph.flags.append(Flag("layout-fragment", "warning",
                                        "Paragraph seems cut: it ends without closing punctuation, and no text was found "
                                        "that continues it on clear evidence, so nothing was joined; check the source."))
        if fragments[group[0]].strong_start and group[0] not in joined_starts:
            paragraph.flags.append(Flag("layout-fragment", "warning",
                                        "Paragraph seems cut: it starts mid-sentence, and no text was found that it "
                                        "continues on clear evidence, so nothing was joined; check the source."))
        merged.append(paragraph)
    return merged
