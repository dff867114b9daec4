"""MarianMT through CTranslate2: int8 weights on the CPU, the same tokens in and text out.

The model is converted once and cached (``ctranslate2_model``); loading the conversion takes a
fraction of a second, and it is only loaded when something is left to translate (a rerun answered
by the translation memory never loads it). Tokenisation is opus-mt's own (``marian_pieces``).

Parallelism. On the CPU the batches run side by side, one per worker (CTranslate2's
``inter_threads``: a worker per ``--threads`` up to ``MAX_CPU_WORKERS``, one intra-op thread each,
more when there are more threads than workers), rather than one batch at a time on all threads: a
decoding step of a few dozen hypotheses is too small to share out among threads, and on the 2-core
machine of ``benchmarks/bench_translate.py`` two single-threaded workers decode the sample article
in under half the time of one two-threaded one. Each batch is decoded in its own Python thread
(CTranslate2 releases the GIL), and handed back as soon as it is done, so the translation memory
stores it at once. With a glossary a worker takes a chunk of batches instead (``GLOSSARY_CHUNK``),
searches them one by one, and re-decodes the rows of the whole chunk together. On a GPU there is
one worker.

Glossary constraints (``--constraints``): the first search runs unconstrained; then ``hard``
decodes each segment with a missing rendering again from a prefix that ends with the rendering, and
both ``hard`` and ``soft`` decode a segment that wrote a rendering to avoid again with it suppressed
(``ctranslate2_glossary`` explains how). ``off`` does neither.
"""

from __future__ import annotations

import atexit
import math
import weakref
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
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
from pipeline.glossary.match import rendering_variants
from pipeline.engines.ctranslate2_glossary import GLOSSARY_METHOD, Rendering, Row, enforce
from pipeline.engines.ctranslate2_model import Notify, converted_model, pick_compute_type, pick_device
from pipeline.engines.marian_pieces import MarianPieces
from pipeline.engines.model_files import locate_model
from pipeline.errors import ModelError

# Each worker keeps its own beam-search state (the model's weights are shared); beyond this many,
# the cores left over go to the workers as intra-op threads instead.
MAX_CPU_WORKERS = 8
# The glossary's re-decodes search greedily. In a batch, CTranslate2 steps through a target prefix one
# token at a time, as dear as a step of the search itself, so each re-decode costs about a whole sentence:
# with beam 4 the glossary tripled the decoding time of benchmarks/bench_translate.py's worst case
# (every rendering missing), greedily it about doubles it. The first search keeps ``--beams``.
REDECODE_BEAMS = 1
# With a glossary, a worker takes up to this many segments at a time, searched in batches of
# ``--batch-size`` and then re-decoded together: a greedy decoding step of a few rows costs nearly as
# much as one of dozens (measured: 139 re-decodes in batches of 1 took 2.4 times as long as in batches
# of 16), so the glossary's rounds gather every row of the chunk that needs one.
GLOSSARY_CHUNK = 64
# A re-decode that is mostly prefix (the tail it may write at most this share of its prefix) runs on
# its own in CTranslate2's alternatives mode, which reads the whole prefix in one pass of the decoder
# rather than a step per token; its tail is then searched without a batch. On the CPU of
# benchmarks/bench_translate.py, one thread: a prefix token 1.4 ms that way against 3.2 ms stepped in a
# batch of 16, a tail token 7.3 ms against 3.2 ms; the 139 re-decodes of its worst case took 24.3 s
# split at this share, 31.7 s all batched. A GPU keeps them batched.
ALONE_TAIL_SHARE = 0.3


class CTranslate2Engine:
    """Length-sorted batches through ``Translator.translate_batch``, then the glossary's re-decodes
    (module doc). ``notify`` receives the one line said while the model is converted."""

    name = "ctranslate2"

    def __init__(self, settings: EngineSettings, notify: Notify | None = None) -> None:
        import ctranslate2  # noqa: F401 - fail here, with the install hint, when it is missing

        self.settings = settings
        self.notify = notify
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
        # The glossary method is part of what made a stored translation: translations placed by the
        # earlier after-the-search repair must not be served for renderings now decoded in context.
        return f"{self.location.identity};{self.compute_type};{GLOSSARY_METHOD}"

    def prepare(self) -> None:
        """Convert the model now (once; later runs find it cached) rather than on first translation,
        so that a model CTranslate2 cannot convert is known before anything is decoded."""
        converted_model(self.location, self.compute_type, self.notify)

    @property
    def translator(self) -> Any:
        if self._translator is None:
            import ctranslate2

            path = converted_model(self.location, self.compute_type, self.notify)
            try:
                self._translator = ctranslate2.Translator(
                    str(path), device=self.device, device_index=self.device_index, compute_type=self.compute_type,
                    inter_threads=self.workers, intra_threads=self.threads_per_worker)
            except (RuntimeError, ValueError) as error:
                raise ModelError(f"CTranslate2 cannot load {path}: {error}; `zhen cache clear` removes it "
                                 f"so that it is converted again.") from None
            _LOADED.add(self)
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
        lengths = [len(source) for source in sources]
        share = math.ceil(len(requests) / self.workers)
        batches = batches_by_length(lengths, min(self.decoding.batch_size, share), self.decoding.batch_tokens)
        demands = self.decoding.constraints != "off" and any(r.required or r.avoid for r in requests)
        placements = [sum(item.count for item in request.required) if self.decoding.constraints == "hard" else 0
                      for request in requests]
        chunks = (_chunks(batches, lengths, self.workers, self.decoding.beams, placements) if demands
                  else [[batch] for batch in batches])
        self.translator  # noqa: B018 - load (and convert) once, before the workers need it
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="zhen-ct2")
        try:
            running = {pool.submit(self._translate_rows, [[self._row(requests[i], sources[i]) for i in batch]
                                                          for batch in chunk]): [i for batch in chunk for i in batch]
                       for chunk in chunks}
            for future in as_completed(running):
                yield list(zip(running[future], future.result()))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _translate_rows(self, batches: list[list[Row]]) -> list[TranslationResult]:
        """Search each batch, then meet the glossary's demands for all of them together."""
        hard = self.decoding.constraints == "hard"
        for batch in batches:
            self._decode(batch, attention=hard and any(row.required for row in batch))
        rows = [row for batch in batches for row in batch]
        if self.decoding.constraints != "off":
            enforce(rows, self.decoding.constraints, self.pieces.detokenize,
                    lambda again, prefixes, caps: self._decode(again, prefixes, caps, hard, REDECODE_BEAMS), self._run,
                    self.decoding.length_slack, word_starts="▁" in self.pieces.vocab)
        return [TranslationResult(self.pieces.detokenize(row.tokens), row.score) for row in rows]

    def _row(self, request: TranslationRequest, source: list[str]) -> Row:
        """A segment's pieces and demands, its renderings once per term occurrence in source order."""
        budget = self.decoding.length_budget(len(source))
        if self.decoding.constraints == "off":
            return Row(source, budget)
        required: dict[str, Rendering] = {}
        for item in request.required:
            variants = tuple(dict.fromkeys(tuple(pieces) for form in rendering_variants(item.rendering)
                                           if (pieces := self.pieces.target_pieces(form))))
            if variants:  # a rendering the vocabulary cannot spell is left to show as missing
                required[item.rendering] = Rendering(item.rendering, item.count, variants)
        sites = tuple((required[text], self._source_weights(request.source, start, end, len(source)))
                      for text, start, end in request.terms if text in required) or tuple(
            (rendering, None) for rendering in required.values() for _ in range(rendering.count))
        avoid = tuple(dict.fromkeys(tuple(pieces) for phrase in request.avoid for form in rendering_variants(phrase)
                                    if (pieces := self.pieces.target_pieces(form))))
        return Row(source, budget, tuple(required.values()), sites, avoid)

    def _source_weights(self, text: str, start: int, end: int, size: int) -> Any:
        """Equal weights on the source pieces of characters ``start:end`` of ``text``."""
        import numpy

        first, last = self.pieces.source_range(text, start, end)
        weights = numpy.zeros(size, numpy.float32)
        weights[min(first, size - 1):min(last, size)] = 1.0
        return weights / weights.sum()

    def _decode(self, rows: Sequence[Row], prefixes: Sequence[list[str]] | None = None,
                caps: Sequence[int] | None = None, attention: bool = False, beams: int | None = None) -> None:
        """Beam-search ``rows``, continuing ``prefixes`` up to ``caps`` tokens when given, else from
        scratch up to their budgets: one call for them all, but rows that suppress their renderings to
        avoid (``suppress_sequences`` applies to a whole call) decode apart, by set, and greedy rows
        that are mostly prefix decode alone (``ALONE_TAIL_SHARE``).

        A re-decode keeps the row's score from its first search: CTranslate2 scores a continued
        prefix as if the prefix's tokens were certain, which would make a segment whose rendering was
        forced in look surer than the model was of it."""
        beam_size = beams or self.decoding.beams
        limits = [caps[i] if caps is not None else row.budget for i, row in enumerate(rows)]
        groups: dict[tuple[tuple[str, ...], ...], list[int]] = {}
        alone: list[int] = []
        for index, row in enumerate(rows):
            prefix = prefixes[index] if prefixes is not None else []
            if (beam_size == 1 and self.device == "cpu" and prefix
                    and limits[index] - len(prefix) <= ALONE_TAIL_SHARE * len(prefix)):
                alone.append(index)
            else:
                groups.setdefault(row.avoid if row.suppress else (), []).append(index)
        for suppressed, members in groups.items():
            limit = [limits[i] for i in members]
            # A greedy search stops each row at its own cap (a beam search runs every row to the longest).
            stop = (lambda step, limit=limit: step.step + 1 >= limit[step.batch_id]) if beam_size == 1 else None
            output = self._run(
                [rows[i].source for i in members],
                target_prefix=[prefixes[i] or None for i in members] if prefixes is not None else None,
                beam_size=beam_size, max_decoding_length=max(max(limit), 1), return_scores=prefixes is None,
                return_attention=attention, suppress_sequences=_sequences(suppressed), callback=stop)
            for i, result in zip(members, output):
                self._take(rows[i], result, limits[i], attention, first=prefixes is None)
        for i in alone:
            row = rows[i]
            [result] = self._run(
                [row.source], target_prefix=[prefixes[i]], beam_size=1, max_decoding_length=limits[i],
                return_attention=attention, return_alternatives=True, num_hypotheses=1,
                suppress_sequences=_sequences(row.avoid if row.suppress else ()))
            self._take(row, result, limits[i], attention, first=False)

    @staticmethod
    def _take(row: Row, result: Any, limit: int, attention: bool, first: bool) -> None:
        row.tokens = list(result.hypotheses[0][:limit])
        row.attention = result.attention[0][:len(row.tokens)] if attention else None
        if first and result.scores:
            row.score = float(result.scores[0])


def _sequences(suppressed: tuple[tuple[str, ...], ...]) -> list[list[str]] | None:
    return [list(sequence) for sequence in suppressed] or None


# Engines whose translator is loaded (see ``_release_translators``).
_LOADED: weakref.WeakSet[CTranslate2Engine] = weakref.WeakSet()


@atexit.register
def _release_translators() -> None:
    """Drop the loaded translators before the interpreter shuts down: one that ran a search with a
    stop callback aborts the process ("terminate called without an active exception") when it is
    destroyed during the interpreter's finalization, after the outputs are written."""
    for engine in list(_LOADED):
        engine._translator = None


def _chunks(batches: list[list[int]], lengths: Sequence[int], workers: int, beams: int,
            placements: Sequence[int]) -> list[list[list[int]]]:
    """The batches dealt into chunks of about ``GLOSSARY_CHUNK`` rows, a multiple of ``workers`` of
    them, each chunk about as much work as the others, so that the workers finish together.

    A batch's search costs its rows × its longest source × ``beams``; each of the ``placements`` a
    row may need (its renderings, all missing at worst) costs about one greedy decoding of the row
    (its source's length). The batches, dearest first, are dealt one by one to the chunk with the
    least work so far."""
    count = workers * math.ceil(sum(map(len, batches)) / (workers * GLOSSARY_CHUNK))
    chunks: list[list[list[int]]] = [[] for _ in range(count)]
    work = [0] * count
    costed = [(len(batch) * max(lengths[i] for i in batch) * beams + sum(placements[i] * lengths[i] for i in batch),
               batch) for batch in batches]
    for cost, batch in sorted(costed, key=lambda item: -item[0]):
        lightest = work.index(min(work))
        chunks[lightest].append(batch)
        work[lightest] += cost
    return [chunk for chunk in chunks if chunk]


def create_engine(settings: EngineSettings, notify: Notify | None = None) -> CTranslate2Engine:
    """The CTranslate2 engine; ``notify`` receives the line said while the model is converted."""
    return CTranslate2Engine(settings, notify)
