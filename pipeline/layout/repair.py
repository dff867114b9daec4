"""Repair a page layout flattened into text: rejoin cut paragraphs, restore reading order, set captions aside.

A newspaper page extracted column by column leaves paragraphs cut in two, their halves apart, with
photo captions and credits dropped in between. :func:`repair_layout` rewrites the document's
paragraphs so that:

- each cut end is joined to its cut start — at once when they are adjacent (captions and credits
  between them do not count), across distance when the evidence is clear (a quotation opened in one
  half and closed in the other, a glossary term or a word of the document spanning the cut), and as
  a *probable* join, flagged for review, on weaker evidence (a construction opened in one half and
  closed in the other, the only remaining candidate, the next paragraph);
- the text that followed a moved half moves with it, so the paragraphs come in reading order;
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
from pipeline.layout.classify import STRONG_START_SIGNS, cut_start_signs, frames_closed, frames_left_open, is_cut_end, open_quotes

ASIDE_KINDS = frozenset({"caption", "credit"})
SPANNING_WORD_MIN_COUNT = 2  # times a word across the cut must occur elsewhere in the document
_TRAILING_HAN = regex.compile(r"\p{Han}{1,4}$")
_LEADING_HAN = regex.compile(r"^\p{Han}{1,4}")


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
    flow: list[Paragraph] = []
    asides: list[tuple[int | None, Paragraph]] = []  # (block the aside came after, caption)
    for paragraph in document.paragraphs:
        if paragraph.kind in ASIDE_KINDS:
            _add_aside(asides, paragraph, flow[-1].block if flow else None)
        else:
            flow.append(paragraph)
    fragments = [_fragment(paragraph) for paragraph in flow]
    joins = find_joins(flow, fragments, glossary, document.text)
    merged = _merge(flow, reading_order(len(flow), joins), joins, fragments)
    paragraphs = _place_asides(merged, asides)
    for number, paragraph in enumerate(paragraphs, start=1):
        paragraph.id = f"p{number}"
    document.paragraphs = paragraphs


# --- captions and credits --------------------------------------------------------------------------

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
    if paragraph.kind != "body" or paragraph.markup:
        return _Fragment(False, ())
    return _Fragment(is_cut_end(paragraph.source), cut_start_signs(paragraph.source))


def spanning_word(end: str, start: str, glossary: Glossary | None, text: str) -> str | None:
    """A glossary term, or a word found elsewhere in the document, that the cut runs through."""
    end, start = end.rstrip(), start.lstrip()
    if glossary is not None:
        tail, head = end[-16:], start[:16]
        for match in glossary.match(tail + head, approved_only=False):
            if match.start < len(tail) < match.end:
                return f"the glossary term {match.entry.zh} runs across the cut"
    tail_match, head_match = _TRAILING_HAN.search(end), _LEADING_HAN.match(start)
    if not (tail_match and head_match):
        return None
    tail, head = tail_match.group(), head_match.group()
    for length in (4, 5, 6):
        for taken in range(1, len(tail) + 1):
            rest = length - taken
            if 1 <= rest <= len(head):
                word = tail[-taken:] + head[:rest]
                if text.count(word) >= SPANNING_WORD_MIN_COUNT:
                    return f"“{word}”, a phrase of the document, runs across the cut"
    return None


def _clear_candidates(flow: Sequence[Paragraph], fragments: Sequence[_Fragment], ends: Sequence[int],
                      starts: Sequence[int], glossary: Glossary | None, text: str) -> list[tuple[int, int, str]]:
    """(end, start, reason) pairs with clear evidence, strongest first: a quotation or a word across
    the cut outweighs mere adjacency; among equals the nearer pair comes first."""
    ranked = []
    for end in ends:
        for start in starts:
            if start == end:
                continue
            reasons = []
            if open_quotes(flow[end].source) > 0 and "closes a quotation opened elsewhere" in fragments[start].start_signs:
                reasons.append("a quotation opened in one half is closed in the other")
            word = spanning_word(flow[end].source, flow[start].source, glossary, text)
            if word:
                reasons.append(word)
            adjacent = start == end + 1
            if adjacent:
                reasons.append("the next paragraph starts mid-sentence")
            if reasons:
                strength = 2 * (len(reasons) - adjacent) + adjacent + fragments[start].strong_start
                ranked.append((-strength, abs(start - end), end, start, "; ".join(reasons)))
    return [(end, start, reason) for _, _, end, start, reason in sorted(ranked)]


def find_joins(flow: Sequence[Paragraph], fragments: Sequence[_Fragment], glossary: Glossary | None,
               text: str) -> dict[int, _Join]:
    """Map each cut end (index in ``flow``) to the paragraph that continues it, surest evidence first."""
    joins: dict[int, _Join] = {}
    ends = [index for index, fragment in enumerate(fragments) if fragment.cut_end]
    starts = [index for index, fragment in enumerate(fragments) if fragment.cut_start]

    def free(end: int, start: int) -> bool:
        return end not in joins and start != end and all(join.start != start for join in joins.values())

    for end, start, reason in _clear_candidates(flow, fragments, ends, starts, glossary, text):
        if free(end, start):
            joins[end] = _Join(start, True, reason)
    # Probable: a construction opened in one half and closed in the other.
    for end in ends:
        for start in starts:
            if free(end, start) and frames_left_open(flow[end].source) & frames_closed(flow[start].source):
                joins[end] = _Join(start, False, "a construction begun at the cut (such as 通过……) is completed by the other half")
    # Probable: the only cut end and cut start left.
    open_ends = [end for end in ends if end not in joins]
    open_starts = [start for start in starts if all(join.start != start for join in joins.values())]
    if len(open_ends) == 1 and len(open_starts) == 1 and free(open_ends[0], open_starts[0]):
        joins[open_ends[0]] = _Join(open_starts[0], False, "it is the only paragraph left that starts mid-sentence")
    # Probable: a cut end continued by the next body paragraph, which looks whole.
    for end in ends:
        following = end + 1
        if following < len(flow) and flow[following].kind == "body" and not flow[following].markup and free(end, following):
            joins[end] = _Join(following, False, "the next paragraph is taken as its continuation")
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


def reading_order(count: int, joins: dict[int, _Join]) -> list[int]:
    """Flow indices in reading order: each chunk followed by the chunk its last paragraph continues in."""
    chunks = _chunks(count, joins)
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
        if fragments[group[-1]].cut_end and group[-1] not in joins:
            paragraph.flags.append(Flag("layout-fragment", "warning",
                                        "This paragraph stops mid-sentence and its continuation was not found; "
                                        "the source text may be incomplete."))
        if fragments[group[0]].strong_start and group[0] not in joined_starts:
            paragraph.flags.append(Flag("layout-fragment", "warning",
                                        "This paragraph starts mid-sentence and the text before it was not found; "
                                        "the source text may be incomplete."))
        merged.append(paragraph)
    return merged
