"""Glossary constraints at decoding time, and the check of what came out.

Two mechanisms, chosen by ``--constraints``:

``hard`` (the default) — :class:`GlossaryLogitsProcessor`, a logits processor over beam search that
keeps, for every hypothesis, how many times each required rendering has been written and whether
one is under way. It (1) gives the first token of each unmet rendering a bonus, so the model can
place it where it fits; (2) once a rendering has begun, forces its remaining tokens; (3) holds back
the end of sentence while any rendering is unmet; (4) when the hypothesis's remaining token budget
only just covers the unmet renderings, allows nothing but their first tokens; and (5) bans the last
token of every ``avoid`` rendering whose other tokens have just been written. Because every
hypothesis that reaches the end of sentence or the length limit has met all renderings, the
guarantee holds for any model, however weak (a simplified form of dynamic beam allocation,
Post & Vilar 2018, without the bank-wise beam split).

``soft`` — transformers' own ``sequence_bias`` (a bonus for each whole rendering) and
``bad_words_ids`` (renderings to avoid). Cheaper to set up, but nothing is guaranteed: a model that
never leans toward a rendering never writes it.

Whichever ran, :func:`pipeline.terms.verify_terms` then reads the English: a rendering present is ``applied``; an
``avoid`` rendering that slipped through (another tokenisation than the banned one) is replaced by
the required rendering and the term marked ``repaired``; anything else is ``missing`` and becomes
a QA flag. ``benchmarks/bench_constraints.py`` compares the two on the sample article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.engines.base import TranslationRequest
from pipeline.glossary.match import rendering_variants

TokenSequence = tuple[int, ...]
Encoder = Callable[[str], list[int]]

FIRST_TOKEN_BONUS = 1.0


@dataclass(frozen=True)
class TokenConstraint:
    alternatives: tuple[TokenSequence, ...]
    count: int

    @property
    def longest(self) -> int:
        # Budgets count the longest form: a capitalised rendering may take more tokens than the
        # lower-case one, and whichever the model starts must still fit.
        return max(len(alternative) for alternative in self.alternatives)


@dataclass(frozen=True)
class RowConstraints:
    """The token-level demands on one source segment (shared by all its beams)."""

    required: tuple[TokenConstraint, ...]
    avoid: tuple[TokenSequence, ...]
    budget: int  # the most new tokens this segment may generate

    @property
    def empty(self) -> bool:
        return not self.required and not self.avoid


def encode_constraints(request: TranslationRequest, encode: Encoder, budget: int, unknown_id: int | None) -> RowConstraints:
    """Tokenise a request's renderings; a rendering the vocabulary cannot spell is left out (it will show as missing)."""
    required = []
    for item in request.required:
        alternatives = tuple(
            tuple(ids) for ids in (encode(form) for form in rendering_variants(item.rendering))
            if ids and unknown_id not in ids
        )
        if alternatives:
            required.append(TokenConstraint(alternatives, item.count))
    avoid = tuple(
        tuple(ids) for phrase in request.avoid for form in rendering_variants(phrase)
        if (ids := encode(form)) and unknown_id not in ids
    )
    extra = sum(constraint.longest * constraint.count for constraint in required)
    return RowConstraints(tuple(required), avoid, budget + extra)


@dataclass(frozen=True)
class _HypothesisState:
    met: tuple[int, ...]
    active: tuple[int, int, int] | None  # (constraint, alternative, next position)
    just_completed: bool = False  # the last token finished a rendering


class GlossaryLogitsProcessor:
    """Beam-search logits processor enforcing :class:`RowConstraints` per batch item (see module doc).

    Works on the flattened ``(batch × beams, vocab)`` scores transformers passes to processors;
    the state of each hypothesis is derived from its prefix and memoised by prefix, so the cost per
    step is one dictionary lookup per constrained row.
    """

    def __init__(self, rows: Sequence[RowConstraints], num_beams: int, eos_token_id: int,
                 prompt_length: int = 1, bonus: float = FIRST_TOKEN_BONUS,
                 word_continuations: Sequence[int] = ()) -> None:
        self.rows = list(rows)
        # Pieces that would glue onto the previous word ("ff" after "connectivity"): banned right
        # after a rendering, or the rendering would not survive as a word in the English.
        self.word_continuations = list(word_continuations)
        self.num_beams = num_beams
        self.eos_token_id = eos_token_id
        self.prompt_length = prompt_length
        self.bonus = bonus
        # Keyed by (batch item, prefix): items share prefixes (the start token at least) but not demands.
        self._states: dict[tuple[int, tuple[int, ...]], _HypothesisState] = {}

    def _state(self, item: int, prefix: tuple[int, ...]) -> _HypothesisState:
        state = self._states.get((item, prefix))
        if state is not None:
            return state
        row = self.rows[item]
        if len(prefix) <= self.prompt_length:
            state = _HypothesisState((0,) * len(row.required), None)
        else:
            state = _advance(row, self._state(item, prefix[:-1]), prefix[-1])
        self._states[(item, prefix)] = state
        return state

    def __call__(self, input_ids, scores):  # noqa: ANN001 - torch tensors, imported lazily
        import torch

        generated = input_ids.shape[1] - self.prompt_length
        negative_infinity = torch.finfo(scores.dtype).min
        sequences = input_ids.tolist()
        for flat_index, sequence in enumerate(sequences):
            item = flat_index // self.num_beams
            row = self.rows[item]
            prefix = tuple(sequence)
            state = self._state(item, prefix) if row.required else _HypothesisState((), None)
            if state.active is not None:  # a rendering under way is finished, budget or not
                constraint, alternative, position = state.active
                _allow_only(scores, flat_index, [row.required[constraint].alternatives[alternative][position]],
                            negative_infinity)
                continue
            if generated >= row.budget:
                _allow_only(scores, flat_index, [self.eos_token_id], negative_infinity)
                continue
            if row.empty:
                continue
            if state.just_completed and self.word_continuations:
                scores[flat_index, self.word_continuations] = negative_infinity
            unmet = [c for c, done in zip(row.required, state.met) if done < c.count]
            if unmet:
                firsts = sorted({alternative[0] for c in unmet for alternative in c.alternatives})
                needed = sum(c.longest * (c.count - done) for c, done in zip(row.required, state.met) if done < c.count)
                if needed >= row.budget - generated:
                    _allow_only(scores, flat_index, firsts, negative_infinity)
                    continue
                scores[flat_index, firsts] += self.bonus
                scores[flat_index, self.eos_token_id] = negative_infinity
            for banned in row.avoid:
                if len(banned) == 1 or prefix[len(prefix) - len(banned) + 1:] == banned[:-1]:
                    scores[flat_index, banned[-1]] = negative_infinity
        return scores


def _advance(row: RowConstraints, state: _HypothesisState, token: int) -> _HypothesisState:
    met = list(state.met)
    if state.active is not None:
        constraint, alternative, position = state.active
        sequence = row.required[constraint].alternatives[alternative]
        if sequence[position] != token:
            return _HypothesisState(state.met, None)
        if position + 1 < len(sequence):
            return _HypothesisState(state.met, (constraint, alternative, position + 1))
        met[constraint] += 1
        return _HypothesisState(tuple(met), None, just_completed=True)
    for index, constraint in enumerate(row.required):
        if met[index] >= constraint.count:
            continue
        for alternative_index, alternative in enumerate(constraint.alternatives):
            if alternative[0] == token:
                if len(alternative) == 1:
                    met[index] += 1
                    return _HypothesisState(tuple(met), None, just_completed=True)
                return _HypothesisState(state.met, (index, alternative_index, 1))
    return _HypothesisState(state.met, None) if state.just_completed else state


def word_continuation_ids(pieces: dict[str, int]) -> list[int]:
    """Ids of SentencePiece pieces that continue the previous word (no leading ▁, a letter or digit first)."""
    return sorted(index for piece, index in pieces.items()
                  if piece and piece[0] != "\u2581" and (piece[0].isalnum()) and not piece.startswith("<"))


def _allow_only(scores, flat_index: int, token_ids: Sequence[int], negative_infinity: float) -> None:  # noqa: ANN001
    kept = scores[flat_index, list(token_ids)].clone()
    scores[flat_index] = negative_infinity
    scores[flat_index, list(token_ids)] = kept
