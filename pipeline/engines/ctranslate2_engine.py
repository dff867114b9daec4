"""MarianMT through CTranslate2: int8 weights on the CPU, the same tokens in and text out.

The model is converted once and cached (``ctranslate2_model``); loading the conversion takes a
fraction of a second, and it is only loaded when something is left to translate (a rerun answered
by the translation memory never loads it). Tokenisation is opus-mt's own (``marian_pieces``).

Parallelism. On the CPU the batches run side by side, one per worker (CTranslate2's
``inter_threads``: a worker per ``--threads`` up to ``MAX_CPU_WORKERS``, one intra-op thread each,
more when there are more threads than workers), rather than one batch at a time on all threads: a
decoding step of a few dozen hypotheses is too small to share out among threads, and on the 2-core
machine of ``benchmarks/bench_translate.py`` two single-threaded workers decode the sample article
in under half the time of one two-threaded one. Each batch is decoded and repaired in its own
Python thread (CTranslate2 releases the GIL), and handed back as soon as it is done, so the
translation memory stores it at once. On a GPU there is one worker.

Glossary constraints (``--constraints``). CTranslate2 has no hook into its beam search, so the
glossary is applied around it:

``hard`` — the beam search runs unconstrained, returning its attention, and each segment with
glossary demands is then checked and repaired: (1) where a rendering to avoid was written (as the
vocabulary spells it), the segment is decoded again from just before it with that token sequence
suppressed (``suppress_sequences``, continuing the kept words as ``target_prefix``); (2) where a
required rendering is missing, it replaces the words the model aligned to it: a short forced
decoding of the rendering shows which source pieces it translates, the hypothesis's attention shows
which of its words translate those pieces, and that run of whole words becomes the rendering. Each
repair is checked again, a later insertion never overwrites an earlier one, and a rendering that the
next piece would run into gets a word boundary, so every rendering the vocabulary can spell is in the
output as often as required. No decoding is repeated for a missing rendering, which keeps the
glossary's cost low; the price is that the words around an inserted rendering were chosen before it
was there (the transformers engine places renderings during the search instead).
``soft`` — only step (1). ``off`` — neither.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from pipeline.engines.base import (
    BatchResults,
    EngineSettings,
    ProgressCallback,
    TranslationRequest,
    TranslationResult,
    batches_by_length,
    collect_batches,
    default_threads,
)
from pipeline.glossary.match import count_rendering, rendering_variants
from pipeline.engines.ctranslate2_model import converted_model, pick_compute_type, pick_device
from pipeline.engines.marian_pieces import MarianPieces
from pipeline.engines.model_files import locate_model
from pipeline.errors import ModelError

# Each worker keeps its own beam-search state (the model's weights are shared); beyond this many,
# the cores left over go to the workers as intra-op threads instead.
MAX_CPU_WORKERS = 8

# --- the engine -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Rendering:
    text: str
    count: int
    variants: tuple[tuple[str, ...], ...]  # target pieces of each accepted surface form, as written first

    @property
    def shortest(self) -> int:
        return min(len(variant) for variant in self.variants)


@dataclass
class _Row:
    """One segment on its way through decoding and glossary repair."""

    source: list[str]
    budget: int  # the most target tokens the model may write
    required: tuple[_Rendering, ...] = ()
    avoid: tuple[tuple[str, ...], ...] = ()
    tokens: list[str] = field(default_factory=list)
    score: float | None = None
    attention: Any = None  # target position × source piece weights of ``tokens``, when known
    spliced: list[tuple[int, int, _Rendering]] = field(default_factory=list)  # inserted renderings [start, end)
    suppress: bool = False  # decode with the avoid sequences suppressed

    def occurrences(self, sequence: Sequence[str]) -> list[int]:
        size = len(sequence)
        wanted = list(sequence)
        return [start for start in range(len(self.tokens) - size + 1) if self.tokens[start:start + size] == wanted]

    def first_offence(self) -> int | None:
        """Where the first avoided token sequence outside the inserted renderings starts, if any."""
        starts = [start for sequence in self.avoid for start in self.occurrences(sequence)
                  if not any(begin < start + len(sequence) and start < end for begin, end, _ in self.spliced)]
        return min(starts) if starts else None

    def deficits(self, text: str) -> list[tuple[_Rendering, int]]:
        """Renderings short of their count; an inserted one counts even where the next piece ran
        into it (``separate_spliced`` parts them at the end)."""
        missing = [(rendering, rendering.count - max(
            count_rendering(text, rendering.text), sum(1 for *_, done in self.spliced if done == rendering)))
            for rendering in self.required]
        return [(rendering, deficit) for rendering, deficit in missing if deficit > 0]

    def continue_from(self, prefix: list[str]) -> None:
        """Forget inserted renderings that a decoding continuing ``prefix`` will not keep."""
        self.spliced = [item for item in self.spliced if item[1] <= len(prefix)]


class CTranslate2Engine:
    """Length-sorted batches through ``Translator.translate_batch``, then glossary repair (module doc)."""

    name = "ctranslate2"

    def __init__(self, settings: EngineSettings) -> None:
        import ctranslate2  # noqa: F401 - fail here, with the install hint, when it is missing

        self.settings = settings
        self.decoding = settings.decoding
        self.location = locate_model(settings.model)
        self.device, self.device_index = pick_device(settings.device)
        self.compute_type = pick_compute_type(settings.compute_type, self.device)
        try:
            self.pieces = MarianPieces(self.location.directory)
        except (OSError, ValueError, RuntimeError) as error:
            raise ModelError(f"cannot read the tokenizer files in {self.location.directory}: {error}") from None
        self._translator: Any = None
        # Batches decoded side by side (module doc); a GPU runs one at a time.
        threads = max(1, settings.threads or default_threads())
        self.workers = min(threads, MAX_CPU_WORKERS) if self.device == "cpu" else 1
        self.threads_per_worker = threads // self.workers if self.device == "cpu" else 0  # 0: CTranslate2 decides

    @property
    def identity(self) -> str:
        return f"{self.location.identity};{self.compute_type}"

    @property
    def translator(self) -> Any:
        if self._translator is None:
            import ctranslate2

            path = converted_model(self.location, self.compute_type)
            try:
                self._translator = ctranslate2.Translator(
                    str(path), device=self.device, device_index=self.device_index, compute_type=self.compute_type,
                    inter_threads=self.workers, intra_threads=self.threads_per_worker)
            except (RuntimeError, ValueError) as error:
                raise ModelError(f"CTranslate2 cannot load {path}: {error}; `zhen cache clear` removes it "
                                 f"so that it is converted again.") from None
        return self._translator

    def _run(self, sources: list[list[str]], **options: Any) -> list[Any]:
        """``translate_batch`` with the output layer restricted to the target-side pieces."""
        return self.translator.translate_batch(sources, use_vmap=True, **options)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(self.pieces.source_pieces(text)) for text in texts]

    def translate(self, requests: Sequence[TranslationRequest],
                  on_progress: ProgressCallback | None = None) -> list[TranslationResult]:
        return collect_batches(len(requests), self.translate_batches(requests), on_progress)

    def translate_batches(self, requests: Sequence[TranslationRequest]) -> Iterator[BatchResults]:
        """Length-sorted batches, ``workers`` at a time, each handed back as soon as it is done."""
        if not requests:
            return
        sources = [self.pieces.source_pieces(request.source) for request in requests]
        # Small enough that every worker gets a batch, when there are enough segments for that.
        batch_size = min(self.decoding.batch_size, math.ceil(len(requests) / self.workers))
        batches = batches_by_length([len(source) for source in sources], batch_size, self.decoding.batch_tokens)
        self.translator  # noqa: B018 - load (and convert) once, before the workers need it
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="zhen-ct2")
        try:
            running = {pool.submit(self._translate_rows, [self._row(requests[i], sources[i]) for i in batch]): batch
                       for batch in batches}
            for future in as_completed(running):
                yield list(zip(running[future], future.result()))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _translate_rows(self, rows: list[_Row]) -> list[TranslationResult]:
        self._decode(rows, attention=self.decoding.constraints == "hard" and any(row.required for row in rows))
        if self.decoding.constraints != "off":
            self._enforce([row for row in rows if row.required or row.avoid])
        return [TranslationResult(self.pieces.detokenize(row.tokens), row.score) for row in rows]

    def _row(self, request: TranslationRequest, source: list[str]) -> _Row:
        """A segment's pieces and demands. Its length budget is the transformers engine's without the
        room that engine leaves for renderings: here they replace words instead of adding to them."""
        budget = self.decoding.length_budget(len(source))
        if self.decoding.constraints == "off":
            return _Row(source, budget)
        required = []
        for item in request.required:
            variants = tuple(dict.fromkeys(tuple(pieces) for form in rendering_variants(item.rendering)
                                           if (pieces := self.pieces.target_pieces(form))))
            if variants:  # a rendering the vocabulary cannot spell is left to show as missing
                required.append(_Rendering(item.rendering, item.count, variants))
        avoid = tuple(dict.fromkeys(tuple(pieces) for phrase in request.avoid for form in rendering_variants(phrase)
                                    if (pieces := self.pieces.target_pieces(form))))
        return _Row(source, budget, tuple(required), avoid)

    def _decode(self, rows: Sequence[_Row], prefixes: Sequence[list[str]] | None = None,
                attention: bool = False) -> None:
        """Beam-search ``rows`` (continuing ``prefixes`` when given); rows that suppress decode apart."""
        groups: dict[tuple[tuple[str, ...], ...], list[int]] = {}
        for index, row in enumerate(rows):
            groups.setdefault(row.avoid if row.suppress else (), []).append(index)
        for suppressed, members in groups.items():
            prefix = [prefixes[i] or None for i in members] if prefixes is not None else None
            longest = max([rows[i].budget for i in members] + [len(p or ()) for p in prefix or ()])
            output = self._run(
                [rows[i].source for i in members], target_prefix=prefix, beam_size=self.decoding.beams,
                max_decoding_length=max(longest, 1), return_scores=True, return_attention=attention,
                suppress_sequences=[list(sequence) for sequence in suppressed] or None)
            for position, (i, result) in enumerate(zip(members, output)):
                row = rows[i]
                tokens = list(result.hypotheses[0][:row.budget])
                kept = len(prefix[position] or ()) if prefix is not None else 0
                if result.scores and len(tokens) > kept:  # the score is the decoded continuation's
                    row.score = float(result.scores[0])
                row.tokens = tokens
                row.attention = result.attention[0][:len(tokens)] if attention else None

    def _enforce(self, pending: list[_Row]) -> None:
        """Check and repair rows until they meet their glossary demands (module doc)."""
        touched = list(pending)
        for _ in range(max(len(row.avoid) + sum(r.count for r in row.required) for row in pending) + 2
                       if pending else 0):
            offences: list[tuple[_Row, list[str]]] = []
            missing: list[tuple[_Row, list[tuple[_Rendering, int]]]] = []
            for row in pending:
                offence = row.first_offence()
                if offence is not None:
                    row.suppress = True
                    row.continue_from(row.tokens[:offence])
                    offences.append((row, row.tokens[:offence]))
                elif self.decoding.constraints == "hard":
                    deficits = row.deficits(self.pieces.detokenize(row.tokens))
                    if deficits:
                        missing.append((row, deficits))
            if not offences and not missing:
                break
            self._splice(missing)
            if offences:
                self._decode([row for row, _ in offences], [prefix for _, prefix in offences],
                             attention=self.decoding.constraints == "hard")
            pending = [row for row, _ in offences + missing]
        for row in touched:
            self._separate_spliced(row)

    def _splice(self, missing: list[tuple[_Row, list[tuple[_Rendering, int]]]]) -> None:
        """Put each missing rendering in place of the words the model aligned to it (module doc)."""
        if not missing:
            return
        import numpy

        stale = [row for row, _ in missing if row.attention is None and row.tokens]
        if stale:  # the hypothesis changed since it was decoded: read its attention afresh
            output = self._run(
                [row.source for row in stale], target_prefix=[row.tokens for row in stale], beam_size=1,
                max_decoding_length=max(len(row.tokens) for row in stale), return_attention=True)
            for row, result in zip(stale, output):
                row.attention = result.attention[0][:len(row.tokens)]
        # Where each rendering's own pieces look in the source, read from one short forced decoding.
        pairs = [(row, rendering) for row, deficits in missing for rendering, _ in deficits]
        output = self._run(
            [row.source for row, _ in pairs], target_prefix=[list(r.variants[0]) for _, r in pairs], beam_size=1,
            max_decoding_length=max(len(r.variants[0]) for _, r in pairs), return_attention=True)
        source_weights = {(id(row), rendering.text): numpy.asarray(result.attention[0], numpy.float32).mean(axis=0)
                          for (row, rendering), result in zip(pairs, output)}
        for row, deficits in missing:
            runs = []
            short = {rendering for rendering, _ in deficits}
            taken = [(start, end) for start, end, _ in row.spliced] + [  # and renderings already written
                (start, start + len(variant)) for rendering in row.required if rendering not in short
                for variant in rendering.variants for start in row.occurrences(variant)]
            alignment = numpy.asarray(row.attention, dtype=numpy.float32).reshape(len(row.tokens), -1)
            for rendering, deficit in deficits:
                for _ in range(deficit):
                    start, end = self._aligned_run(row.tokens, alignment @ source_weights[(id(row), rendering.text)],
                                                   taken, 2 * rendering.shortest + 2)
                    taken.append((start, end))
                    capitalise = start == 0 and len(rendering.variants) > 1
                    runs.append((start, end, rendering, rendering.variants[1 if capitalise else 0]))
            self._apply(row, runs)

    @staticmethod
    def _aligned_run(tokens: list[str], weight: Any, taken: list[tuple[int, int]], cap: int) -> tuple[int, int]:
        """The run of whole words, around the position most aligned to the rendering, to replace."""
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
            return position in free and not tokens[position].startswith("▁") and tokens[position][:1].isalnum()

        # Whole words, unless a "word" is far longer than a rendering (a model that glues pieces).
        while left > 0 and joined(left) and left - 1 in free and right - left + 1 < 2 * cap:
            left -= 1
        while right + 1 < len(tokens) and joined(right + 1) and right - left + 1 < 2 * cap:
            right += 1
        return left, right + 1

    @staticmethod
    def _apply(row: _Row, runs: list[tuple[int, int, _Rendering, tuple[str, ...]]]) -> None:
        """Replace each run of ``row.tokens`` by its rendering, keeping earlier insertions in place."""
        edits = sorted(runs + [(start, end, rendering, tuple(row.tokens[start:end]))
                               for start, end, rendering in row.spliced], key=lambda edit: (edit[0], edit[1]))
        tokens: list[str] = []
        spliced = []
        cursor = 0
        for start, end, rendering, pieces in edits:
            tokens += row.tokens[cursor:start]
            spliced.append((len(tokens), len(tokens) + len(pieces), rendering))
            tokens += pieces
            cursor = max(cursor, end)
        row.tokens = tokens + row.tokens[cursor:]
        row.spliced = spliced
        row.attention = None

    def _separate_spliced(self, row: _Row) -> None:
        """Put a word boundary after an inserted rendering where the next piece would run into it."""
        if "▁" not in self.pieces.vocab:
            return
        for _, end, rendering in sorted(row.spliced, key=lambda item: -item[1]):
            if end < len(row.tokens) and not row.tokens[end].startswith("▁"):
                joined = self.pieces.detokenize(row.tokens[max(0, end - len(rendering.variants[0])):end + 1])
                if not count_rendering(joined, rendering.text):
                    row.tokens.insert(end, "▁")


def create_engine(settings: EngineSettings) -> CTranslate2Engine:
    return CTranslate2Engine(settings)
