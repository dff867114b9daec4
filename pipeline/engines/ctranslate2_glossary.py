"""Glossary renderings on the CTranslate2 engine, decoded in context.

CTranslate2 has no hook into its beam search, so the glossary works around it, by re-decoding from a
prefix. The first search runs unconstrained (returning its attention); then, round after round,
each segment that still falls short is decoded again, all such segments of a batch together:

* a rendering to avoid that was written (as the vocabulary spells it): the segment is decoded again
  from just before it, with that token sequence suppressed (``suppress_sequences``; the kept words
  are the ``target_prefix``);
* a required rendering that is missing (``hard`` only): the segment is decoded again with
  ``target_prefix`` = the hypothesis up to where the term belongs + the rendering's pieces, so every
  word after the rendering is chosen by the model knowing it is there (by a greedy search, for the
  cost: ``ctranslate2_engine.REDECODE_BEAMS``). Where the term belongs is
  read from the attention: the hypothesis's attention shows which of its words translate the term's
  source pieces (known from where the glossary matched it; for a request that does not say, a
  short forced decoding of the rendering shows which source pieces it translates), and the rendering
  goes in place of that run of whole words.

Renderings are placed one per round, in the order their terms occur in the source; each is placed
after the previous one, so a later rendering's prefix builds on the earlier re-decode, and a
rendering once placed is never decoded away. What is still short after the rounds (a rendering the
vocabulary cannot spell, say) is left to ``verify_terms``, which repairs or flags it. The words
*before* a rendering were chosen before it was placed; that is the one difference from the
transformers engine, which places renderings during its search.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.glossary.match import count_rendering

# Names how renderings get into the English; part of the engine identity the translation memory keys on.
GLOSSARY_METHOD = "prefix-redecode-1"

WORD_START = "▁"

# decode(rows, prefixes, caps): beam-search the rows again from the prefixes, at most caps[i] tokens
Decode = Callable[[Sequence["Row"], Sequence[list[str]], Sequence[int]], None]
# run(sources, **options): a raw ``translate_batch`` call
Run = Callable[..., list[Any]]


@dataclass(frozen=True)
class Rendering:
    """A required rendering as the target vocabulary spells it."""

    text: str
    count: int
    variants: tuple[tuple[str, ...], ...]  # target pieces of each accepted surface form, as written first

    @property
    def shortest(self) -> int:
        return min(len(variant) for variant in self.variants)

    @property
    def longest(self) -> int:
        return max(len(variant) for variant in self.variants)


@dataclass
class Row:
    """One segment on its way through decoding and the glossary's rounds."""

    source: list[str]
    budget: int  # the most target tokens the first, unconstrained search may write
    required: tuple[Rendering, ...] = ()
    # ``required`` once per occurrence of its term, in source order, each with the weights of the
    # source pieces it translates (None: read them from a forced decoding when needed)
    sites: tuple[tuple[Rendering, Any], ...] = ()
    avoid: tuple[tuple[str, ...], ...] = ()
    tokens: list[str] = field(default_factory=list)
    score: float | None = None
    attention: Any = None  # target position × source piece weights of ``tokens``, when known
    placed: list[tuple[int, int, Rendering]] = field(default_factory=list)  # renderings in the prefix [start, end)
    suppress: bool = False  # decode with the avoid sequences suppressed
    term_weights: dict[str, Any] = field(default_factory=dict)  # rendering → source weights, when not in sites

    @property
    def limit(self) -> int:
        """The most tokens a re-decode may write: the budget plus room for every rendering (as the
        transformers engine allows)."""
        return self.budget + sum(rendering.longest * rendering.count for rendering in self.required)

    @property
    def locked(self) -> int:
        """Tokens before this position stay: they end with the last rendering placed."""
        return max((end for _, end, _ in self.placed), default=0)

    def occurrences(self, sequence: Sequence[str]) -> list[int]:
        size = len(sequence)
        wanted = list(sequence)
        return [start for start in range(len(self.tokens) - size + 1) if self.tokens[start:start + size] == wanted]

    def first_offence(self) -> int | None:
        """Where the first avoided token sequence after the placed renderings starts, if any."""
        starts = [start for sequence in self.avoid for start in self.occurrences(sequence)
                  if start >= self.locked and not any(begin < start + len(sequence) and start < end
                                                      for begin, end, _ in self.placed)]
        return min(starts) if starts else None

    def next_missing(self, text: str) -> tuple[Rendering, Any] | None:
        """The first site, in source order, of a rendering the English is short of.

        A placed rendering counts even where the next piece ran into it (``separate_placed`` parts
        them at the end); one the model wrote of its own accord counts wherever it is.
        """
        present = {rendering.text: max(count_rendering(text, rendering.text),
                                       sum(1 for *_, done in self.placed if done == rendering))
                   for rendering in self.required}
        seen: Counter[str] = Counter()
        for rendering, weights in self.sites:
            seen[rendering.text] += 1
            if seen[rendering.text] > present[rendering.text]:
                return rendering, weights
        return None

    def continue_from(self, prefix: list[str]) -> None:
        """Forget placed renderings that a decoding continuing ``prefix`` will not keep."""
        self.placed = [item for item in self.placed if item[1] <= len(prefix)]


def enforce(rows: list[Row], constraints: str, detokenize: Callable[[Sequence[str]], str],
            decode: Decode, run: Run, slack: int, word_starts: bool = True) -> None:
    """Re-decode ``rows`` round by round until they meet their glossary demands (module doc).

    ``slack`` is how many tokens longer than the words it replaces a re-decoded tail may grow;
    ``word_starts`` says whether the vocabulary marks word starts with ``▁`` (SentencePiece does).
    """
    pending = [row for row in rows if row.required or row.avoid]
    touched = list(pending)
    rounds = max((len(row.avoid) + sum(r.count for r in row.required) for row in pending), default=-2) + 2
    for _ in range(rounds):
        redo: list[tuple[Row, list[str], int]] = []
        placing: list[tuple[Row, Rendering, Any]] = []
        for row in pending:
            offence = row.first_offence()
            if offence is not None:
                row.suppress = True
                prefix = row.tokens[:offence]
                row.continue_from(prefix)
                redo.append((row, prefix, min(row.limit, len(row.tokens) + slack)))
            elif constraints == "hard" and (site := row.next_missing(detokenize(row.tokens))) is not None:
                placing.append((row, *site))
        _read_term_weights([(row, rendering) for row, rendering, weights in placing if weights is None], run)
        redo += [_placement(row, rendering, row.term_weights[rendering.text] if weights is None else weights, slack)
                 for row, rendering, weights in placing]
        if not redo:
            break
        decode([row for row, _, _ in redo], [prefix for _, prefix, _ in redo], [cap for *_, cap in redo])
        pending = [row for row, _, _ in redo]
    for row in touched if word_starts else ():
        separate_placed(row, detokenize)


def _read_term_weights(placing: list[tuple[Row, Rendering]], run: Run) -> None:
    """Where each rendering's own pieces look in the source, for sites that do not say, read once per
    segment and rendering from one short forced decoding for the whole round."""
    needed = list({(id(row), rendering.text): (row, rendering) for row, rendering in placing
                   if rendering.text not in row.term_weights}.values())
    if not needed:
        return
    import numpy

    output = run([row.source for row, _ in needed], target_prefix=[list(r.variants[0]) for _, r in needed],
                 beam_size=1, max_decoding_length=max(len(r.variants[0]) for _, r in needed),
                 return_attention=True)
    for (row, rendering), result in zip(needed, output):
        row.term_weights[rendering.text] = numpy.asarray(result.attention[0], numpy.float32).mean(axis=0)


def _placement(row: Row, rendering: Rendering, source_weights: Any, slack: int) -> tuple[Row, list[str], int]:
    """The prefix that puts ``rendering`` where the attention aligns its term (``source_weights``
    over the source pieces), and the re-decode's cap."""
    import numpy

    weight = numpy.zeros(len(row.tokens), numpy.float32)  # no attention to go by: the first free word
    if row.tokens and row.attention is not None:
        weight = numpy.asarray(row.attention, dtype=numpy.float32).reshape(len(row.tokens), -1) @ source_weights
    taken = [(0, row.locked)] + [  # renderings already written stay whole
        (start, start + len(variant)) for written in row.required for variant in written.variants
        for start in row.occurrences(variant) if start >= row.locked]
    start, end = aligned_run(row.tokens, weight, taken, 2 * rendering.shortest + 2)
    variant = rendering.variants[1 if start == 0 and len(rendering.variants) > 1 else 0]  # sentence-initial capital
    prefix = row.tokens[:start] + list(variant)
    row.placed.append((start, len(prefix), rendering))
    # The new tail may be as long as the old one after the replaced words, and ``slack`` more: enough
    # for the rest of the sentence, and a decoding that loops stops there rather than at the limit.
    cap = min(row.limit, len(prefix) + len(row.tokens) - end + slack)
    return row, prefix, max(cap, len(prefix) + 1)


def aligned_run(tokens: list[str], weight: Any, taken: list[tuple[int, int]], cap: int) -> tuple[int, int]:
    """The run of whole words, around the free position most aligned to a term, that its rendering
    replaces; ``(len(tokens), len(tokens))`` when no position is free."""
    free = {position for position in range(len(tokens))
            if not any(start <= position < end for start, end in taken)}
    if not free:
        return len(tokens), len(tokens)
    best = max(sorted(free), key=lambda position: weight[position])
    left = right = best
    while right - left + 1 < cap:
        sides = [position for position in (left - 1, right + 1)
                 if position in free and weight[position] >= 0.5 * weight[best]]
        if not sides:
            break
        grow = max(sides, key=lambda position: weight[position])
        left, right = min(left, grow), max(right, grow)

    def joined(position: int) -> bool:  # a piece continuing the word before it
        return position in free and not tokens[position].startswith(WORD_START) and tokens[position][:1].isalnum()

    # Whole words, unless a "word" is far longer than a rendering (a model that glues pieces).
    while left > 0 and joined(left) and left - 1 in free and right - left + 1 < 2 * cap:
        left -= 1
    while right + 1 < len(tokens) and joined(right + 1) and right - left + 1 < 2 * cap:
        right += 1
    return left, right + 1


def separate_placed(row: Row, detokenize: Callable[[Sequence[str]], str]) -> None:
    """Put a word boundary after a placed rendering where the next piece would run into it."""
    for _, end, rendering in sorted(row.placed, key=lambda item: -item[1]):
        if end < len(row.tokens) and not row.tokens[end].startswith(WORD_START):
            joined = detokenize(row.tokens[max(0, end - len(rendering.variants[0])):end + 1])
            if not count_rendering(joined, rendering.text):
                row.tokens.insert(end, WORD_START)
