"""The alignment model: match costs, the dynamic programme with margins, and paragraph-level structure.

Gale & Church (1993): each match of source units with target units costs its shape's prior, a
normal length model and the anchors that disagree; the cheapest path through the grid of matches
is the alignment. On top of it, the structure of real documents: runs of salutation lines taken
as one unit, and the lines before a speech's salutation paired from both ends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.align.salutation import align_salutation_lines

# Prior probability of each match shape (Gale & Church's estimates, halved between mirror shapes).
# The wider shapes (2–2, 1–3, 3–1) are rare and get low priors: they serve salutations and openings
# that one side writes on several lines and the other on one, and headings that cross over.
MATCH_PRIORS: dict[tuple[int, int], float] = {(1, 1): 0.89, (1, 2): 0.04, (2, 1): 0.04, (1, 0): 0.01, (0, 1): 0.01,
                                              (2, 2): 0.001, (1, 3): 0.002, (3, 1): 0.002}
# Inside a matched paragraph a sentence is rarely left out: more often the English cuts it differently.
SENTENCE_PRIORS: dict[tuple[int, int], float] = {**MATCH_PRIORS, (1, 0): 0.001, (0, 1): 0.001}
# Variance of the English length per unit of expected length, measured over the matched paragraphs of
# tests/data/official (Gale & Church had 6.8 for European language pairs).
LENGTH_VARIANCE = 12.6
ANCHOR_WEIGHT = 3.0  # cost of one anchor found on one side of a match and not the other
FREE_RENDERING_WEIGHT = 1.0  # cost of a glossary term in the source whose rendering the English does not use
SET_RATIO = 1.52  # English characters per expected character over the official set's matched paragraphs
RATIO_PRIOR_WEIGHT = 500.0  # expected characters' worth of evidence the set's ratio counts for
CUES = frozenset({"salutation", "quotation", "speaker"})
HEADING_MIX_COST = 5.0  # cost of merging a heading or a salutation with prose on one side of a match


@dataclass(frozen=True)
class Unit:
    """A paragraph or sentence to align: its text, its (expected English) length and its anchors."""

    text: str
    length: float
    anchors: frozenset[str]
    group: int = 0  # source units with different groups (paragraphs) are never merged
    heading: bool = False  # a numbered heading or a lead-in line (过去一年：): it is not merged into prose
    title: bool = False  # a short title line (2024年工作回顾): it is not merged into sentences
    # What the publisher adds, not the author: a pull quote repeating the next paragraph, an editor's
    # note, a news agency's dateline lead. One side has it, the other need not.
    furniture: bool = False


Alignment = list[tuple[list[int], list[int]]]  # (source indices, target indices) per match, in order


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
    for side in (sources, targets):  # a heading or salutation with the prose after it is two units, not one
        if len(side) > 1 and _mixes_kinds(side):
            cost += HEADING_MIX_COST
    source_anchors = frozenset().union(*(unit.anchors for unit in sources))
    target_anchors = frozenset().union(*(unit.anchors for unit in targets))
    disagreeing = source_anchors ^ target_anchors
    if any(unit.furniture for unit in (*sources, *targets)):
        if not sources or not targets:
            return -math.log(priors[(1, 1)])  # left out or added as often as translated
        cost += HEADING_MIX_COST
    if not sources or not targets:  # a heading or salutation is as likely left out as any text
        if all(unit.heading or unit.title for unit in (*sources, *targets)):
            disagreeing = frozenset()  # 过去五年： over a list: its number is the list's, not a figure
        disagreeing = frozenset(anchor for anchor in disagreeing if anchor not in CUES and anchor[:2] not in ("h:", "to"))
    # A term the English renders freely leaves a glossary anchor on the Chinese side alone; that is
    # weaker evidence against a match than an English rendering with no source term.
    free_renderings = sum(1 for anchor in disagreeing if anchor.startswith("g:") and anchor in source_anchors)
    return cost + ANCHOR_WEIGHT * (len(disagreeing) - free_renderings) + FREE_RENDERING_WEIGHT * free_renderings


def _mixes_kinds(units: Sequence[Unit]) -> bool:
    """A heading or salutation together with other text, or a title line together with sentences."""
    kinds = {"heading" if unit.heading else "salutation" if "salutation" in unit.anchors else
             "title" if unit.title else "sentence" if unit.text.rstrip()[-1:] in "。！？.!?" else "other"
             for unit in units}
    return bool(kinds & {"heading", "salutation"}) and len(kinds) > 1 or {"title", "sentence"} <= kinds


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


def document_ratio(sources: Sequence[Unit], targets: Sequence[Unit]) -> float:
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
    ratio = ratio if ratio is not None else document_ratio(sources, targets)
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

    on_path = set(nodes)  # a 1–0 or 0–1 puts two boundaries of the best path in one column or row

    def boundary_margin(i: int, j: int) -> float:
        if (i, j) in ((0, 0), (rows, columns)):
            return math.inf
        others = ([through[i][b] for b in range(columns + 1) if (i, b) not in on_path]
                  + [through[a][j] for a in range(rows + 1) if (a, j) not in on_path])
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
    if len(run) == 1:
        return units[run[0]]
    chosen = [units[index] for index in run]
    return Unit(" ".join(unit.text for unit in chosen), sum(unit.length for unit in chosen),
                frozenset().union(*(unit.anchors for unit in chosen)), chosen[0].group,
                all(unit.heading for unit in chosen), all(unit.title for unit in chosen))


def align_paragraphs(sources: Sequence[Unit], targets: Sequence[Unit], ratio: float,
                     source_salutations: Sequence[bool], target_salutations: Sequence[bool]
                     ) -> tuple[Alignment, list[float]]:
    """Align paragraphs, each side's run of salutation lines taken as one unit, then lines inside a run.

    One side often writes the salutation on five lines and the other on one or two (or merges
    it with the title block); as whole runs the two sides match 1–1, and inside a matched pair of
    runs the lines are aligned again: on the titles they address where those settle it
    (``pipeline.align.salutation``), else by the length model. In a speech the lines before the salutation (title,
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
            # Whom each line addresses decides first; lengths only where the titles cannot.
            by_title = align_salutation_lines([sources[i].text for i in inner_sources], [targets[j].text for j in inner_targets])
            if by_title is not None:
                alignment += [([inner_sources[i] for i in s], [inner_targets[j] for j in t]) for s, t in by_title]
                margins += [margin] * len(by_title)
                continue
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
