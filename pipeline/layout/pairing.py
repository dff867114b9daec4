"""Pair the cut ends that no word or mark ties to a continuation with the starts that cannot open a paragraph.

When a cut falls between two words, nothing runs across it; the evidence is then the grammar of
each half on its own (:mod:`pipeline.layout.syntax`): a body block that stops without closing
punctuation is certainly unfinished, and a block that starts on what no sentence opens with is
certainly a continuation. Which continues which is settled by counting: a continuation printed in
the next column follows its first half within a few paragraphs, so the unfinished ends and the
headless starts within that reach are matched one to one, and a pairing is made only when it is
the only way to match them all (an end with one headless start in reach that no other end can
take). Such a join is always flagged for review, its reason naming what each half lacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import permutations

import regex

from pipeline.document import Paragraph
from pipeline.layout.classify import STRONG_START_SIGNS, cut_start_signs, is_salutation
from pipeline.layout.evidence import cannot_open_paragraph
from pipeline.layout.syntax import dangling_end, headless_start

_CLAUSE_MARK = regex.compile(r"[，,；;]")
# A continuation set in the next column comes after at most a few whole paragraphs of the column
# it skipped; further on, a headless start is as likely to belong to another cut.
FORWARD_REACH = 5
_LARGEST_GROUP = 6  # ends and starts tied together beyond this are left apart rather than guessed


def start_reason(paragraph: Paragraph) -> str | None:
    """Why a body block cannot open a paragraph, or ``None``."""
    if paragraph.kind != "body" or paragraph.markup or is_salutation(paragraph.source):
        return None
    text = paragraph.source.lstrip()
    reason = cannot_open_paragraph(text) or headless_start(text)
    if reason:
        return reason
    # A lone short clause (我相信，) or a construction's second part is a matter of style, not grammar.
    signs = [sign for sign in cut_start_signs(text) if sign in STRONG_START_SIGNS]
    return f"it {signs[0]}" if signs else None


def end_reason(paragraph: Paragraph, cut_end: bool) -> str | None:
    """Why a block is an unfinished first half: no closing punctuation (body) or a word needing more
    (a heading-shaped block, which otherwise ends bare anyway)."""
    if paragraph.markup:
        return None
    dangling = dangling_end(paragraph.source)
    if paragraph.kind == "body" and cut_end:
        return f"it stops without closing punctuation ({dangling})" if dangling else "it stops without closing punctuation"
    if paragraph.kind == "heading" and dangling:
        return f"it {dangling}"
    if paragraph.kind == "heading" and _CLAUSE_MARK.search(paragraph.source):
        return "it is as short as a heading but holds a clause mark, and stops without closing punctuation"
    return None


def connected_groups(edges: Mapping[int, Iterable[int]]) -> list[tuple[list[int], list[int]]]:
    """Connected groups of ends and starts (each as a sorted list) of the end → starts graph."""
    groups: list[tuple[set[int], set[int]]] = []
    for end, starts in edges.items():
        touching = [group for group in groups if group[0] & {end} or group[1] & set(starts)]
        merged: tuple[set[int], set[int]] = ({end}, set(starts))
        for group in touching:
            merged[0].update(group[0])
            merged[1].update(group[1])
            groups.remove(group)
        groups.append(merged)
    return [(sorted(ends), sorted(starts)) for ends, starts in groups]


def _only_matching(ends: list[int], starts: list[int], edges: dict[int, list[int]]) -> list[tuple[int, int]]:
    """The one way to give every end of the group a start of its own, or none when there are
    several ways or none (then position would decide, and position is no evidence)."""
    if len(ends) != len(starts) or len(ends) > _LARGEST_GROUP:
        return []
    found: list[list[tuple[int, int]]] = []
    for order in permutations(starts):
        if all(start in edges[end] for end, start in zip(ends, order)):
            found.append(list(zip(ends, order)))
            if len(found) > 1:
                return []
    return found[0] if found else []


def pair_by_structure(flow: Sequence[Paragraph], cut_ends: Sequence[bool], joined_ends: set[int],
                      joined_starts: set[int], contested: set[tuple[str, int]]) -> list[tuple[int, int, str]]:
    """(end, start, reason) for each unfinished end left unjoined that counting pairs with a headless start.

    ``contested`` holds the halves (``("end", index)``, ``("start", index)``) that some word or mark
    ties to a block it was not joined with: the evidence was too weak or too evenly split to join
    them, and counting cannot settle what evidence left in doubt, so their group stays apart."""
    ends = {index: reason for index, paragraph in enumerate(flow)
            if index not in joined_ends and (reason := end_reason(paragraph, cut_ends[index]))}
    starts = {index: reason for index, paragraph in enumerate(flow)
              if index not in joined_starts and (reason := start_reason(paragraph))}
    edges = {end: [start for start in starts if end < start <= end + FORWARD_REACH] for end in ends}
    # Every end that could take a start is matched with the others at once, so a start two ends
    # could take is never given to the first that asks.
    pairs = []
    for group_ends, group_starts in connected_groups({end: found for end, found in edges.items() if found}):
        if any(("end", end) in contested for end in group_ends) or any(("start", start) in contested
                                                                      for start in group_starts):
            continue
        for end, start in _only_matching(group_ends, group_starts, edges):
            pairs.append((end, start, f"the first half is unfinished: {ends[end]}; the second cannot open a "
                                      f"paragraph: {starts[start]}; no other unfinished end or headless start "
                                      f"within {FORWARD_REACH} blocks could take either"))
    return pairs
