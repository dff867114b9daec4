"""What a translation engine is: a small protocol, chosen by name and imported on demand.

Keeping the engines behind this seam means ``zhen --help`` never imports torch, and a new engine
(CTranslate2, a remote API) needs no change in the stages that call it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from pipeline.errors import ConversionError, ModelError

ConstraintMode = Literal["hard", "soft", "off"]
ProgressCallback = Callable[[int], None]
BatchResults = list[tuple[int, "TranslationResult"]]  # (index into the requests, its result)

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-zh-en"
# Padded source tokens per engine batch when --max-batch-tokens is not given. Beam search keeps a
# cache per hypothesis that grows with every step, so a batch of long segments costs memory and time
# out of proportion; on 2 CPU threads, batches of about 400 tokens were both the fastest and the
# leanest on the sample article (benchmarks/bench_translate.py).
DEFAULT_BATCH_TOKENS = 400


@dataclass(frozen=True)
class RequiredRendering:
    """An English rendering the translation must contain ``count`` times."""

    rendering: str
    count: int = 1


@dataclass(frozen=True)
class TranslationRequest:
    """One source text to translate, with the glossary's demands on its output."""

    source: str
    required: tuple[RequiredRendering, ...] = ()
    avoid: tuple[str, ...] = ()
    # Each occurrence of a term as (its rendering, start, end) in ``source``, in source order: the
    # CTranslate2 engine places renderings in this order, where the English attends to these
    # characters. Derived from the source and the glossary, so not part of a memory key.
    terms: tuple[tuple[str, int, int], ...] = ()


@dataclass
class TranslationResult:
    text: str
    score: float | None = None  # mean log-probability per generated token
    cached: bool = False  # read from the translation memory rather than produced by the engine


@dataclass(frozen=True)
class DecodingOptions:
    """Settings that change what the engine outputs (so they belong in a translation-memory key)."""

    beams: int = 4
    batch_size: int = 16
    max_batch_tokens: int | None = None
    constraints: ConstraintMode = "hard"
    # New-token budget per segment: ratio × source tokens + slack, plus the glossary renderings.
    length_ratio: float = 2.0
    length_slack: int = 10

    def length_budget(self, source_tokens: int) -> int:
        """The most new tokens a segment of ``source_tokens`` may get (before any glossary room)."""
        return int(self.length_ratio * source_tokens) + self.length_slack

    @property
    def batch_tokens(self) -> int:
        """The cap on padded source tokens per batch: ``max_batch_tokens`` or the default."""
        return self.max_batch_tokens or DEFAULT_BATCH_TOKENS

    def cache_key(self) -> str:
        return f"beams={self.beams};constraints={self.constraints};ratio={self.length_ratio};slack={self.length_slack}"


@dataclass(frozen=True)
class EngineSettings:
    model: str = DEFAULT_MODEL
    device: str = "auto"
    threads: int | None = None
    compute_type: str | None = None
    decoding: DecodingOptions = field(default_factory=DecodingOptions)


def default_threads() -> int:
    """Physical cores (hyper-threads slow matrix work down), else every logical CPU."""
    try:
        import psutil

        return psutil.cpu_count(logical=False) or os.cpu_count() or 1
    except ImportError:
        pass
    try:  # Linux without psutil: one (package, core) pair per physical core
        cores, package = set(), ""
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "physical id":
                package = value.strip()
            elif key.strip() == "core id":
                cores.add((package, value.strip()))
        if cores:
            return len(cores)
    except OSError:
        pass
    return os.cpu_count() or 1


class TranslationEngine(Protocol):
    name: str

    @property
    def identity(self) -> str:
        """Model identity (id and revision, or a hash of a local folder's file names, sizes and modification times) for caching."""

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source-side token counts, as the model's own tokenizer sees the texts."""

    def translate(
        self, requests: Sequence[TranslationRequest], on_progress: ProgressCallback | None = None
    ) -> list[TranslationResult]:
        """Translate in the order given; ``on_progress(n)`` is called as each batch of n finishes."""

    def translate_batches(self, requests: Sequence[TranslationRequest]) -> Iterator[BatchResults]:
        """Translate batch by batch, handing back each batch as it finishes (in any order)."""


ENGINE_MODULES = {
    "transformers": "pipeline.engines.transformers_engine",
    "ctranslate2": "pipeline.engines.ctranslate2_engine",
}


def available_engines() -> list[str]:
    return [name for name, module in ENGINE_MODULES.items() if importlib.util.find_spec(module) is not None]


def resolve_engine_name(name: str) -> str:
    """``auto`` picks CTranslate2 when it is installed, else transformers."""
    if name != "auto":
        return name
    if importlib.util.find_spec("ctranslate2") is not None and importlib.util.find_spec(
        ENGINE_MODULES["ctranslate2"]
    ) is not None:
        return "ctranslate2"
    return "transformers"


def load_engine(name: str, settings: EngineSettings, notify: Callable[[str], None] | None = None) -> TranslationEngine:
    """The engine called ``name``; ``notify`` receives the lines worth telling the user on the way.

    ``auto`` converts the model for CTranslate2 at once (a file check once it is cached), so that a
    model CTranslate2 cannot convert falls back to transformers, saying so, before anything is
    translated; named explicitly, ``ctranslate2`` converts on first use and such a model is an error.
    """
    if name == "auto" and resolve_engine_name(name) == "ctranslate2":
        try:
            engine = _create_engine("ctranslate2", settings, notify)
            engine.prepare()
            return engine
        except ConversionError as error:
            if notify is not None:
                notify(f"{error.reason}; translating with the transformers engine instead.")
            name = "transformers"
    return _create_engine(resolve_engine_name(name), settings, notify)


def _create_engine(name: str, settings: EngineSettings, notify: Callable[[str], None] | None) -> TranslationEngine:
    """Import the engine's module and create it; a library it lacks is named with how to install it."""
    if name not in ENGINE_MODULES:
        raise ModelError(f"unknown engine {name!r}; choose one of: auto, {', '.join(ENGINE_MODULES)}.")
    try:
        # Engines import their library when created, so a missing one surfaces here too.
        return importlib.import_module(ENGINE_MODULES[name]).create_engine(settings, notify)
    except ImportError as error:
        package = (error.name or "").split(".")[0]
        if package in ENGINE_PACKAGES:
            raise ModelError(missing_engine_message(name, package)) from None
        if not package or package == "pipeline":
            raise
        raise ModelError(f"the {name} engine is not installed ({error.name} is missing); "
                         f"install zhen's dependencies again (pip install -e .), or choose another --engine.") from None


# The libraries each engine needs, and how to install one that is missing.
ENGINE_PACKAGES = {
    "ctranslate2": "pip install 'ctranslate2>=4.5,<5' (a core dependency: pip install -e . in a source checkout)",
    "torch": "pip install torch (the CPU build: pip install torch --index-url https://download.pytorch.org/whl/cpu)",
    "transformers": "pip install 'transformers>=5,<6'",
    "sentencepiece": "pip install 'sentencepiece>=0.2,<0.3'",
}


def missing_engine_message(engine: str, package: str) -> str:
    """One line: which library the engine lacks, how to install it, and the other way out."""
    other = "transformers" if engine == "ctranslate2" else "ctranslate2"
    return (f"the {engine} engine needs {package}, which is not installed; install it with: "
            f"{ENGINE_PACKAGES[package]}, or use --engine {other}.")


def batches_by_length(lengths: Sequence[int], batch_size: int, max_batch_tokens: int | None) -> list[list[int]]:
    """Group indices into batches of similar length (longest first); the caller restores order.

    A batch holds at most ``batch_size`` items and, when given, at most ``max_batch_tokens``
    padded tokens (items × longest item).
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = lengths[current[0]] if current else lengths[index]
        too_many = len(current) >= batch_size
        too_big = max_batch_tokens is not None and current and (len(current) + 1) * longest > max_batch_tokens
        if current and (too_many or too_big):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def collect_batches(count: int, batches: Iterable[BatchResults],
                    on_progress: ProgressCallback | None = None) -> list[TranslationResult]:
    """The results of ``translate_batches`` in the order of the requests."""
    results: list[TranslationResult | None] = [None] * count
    for pairs in batches:
        for index, result in pairs:
            results[index] = result
        if on_progress:
            on_progress(len(pairs))
    return [result for result in results if result is not None]
