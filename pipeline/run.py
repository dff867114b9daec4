"""One run of the pipeline: the ordered stages that take an input file to its outputs.

``ingest → layout → match terms → segment → translate → post-process → verify terms → QA``, then
export. Each stage is a plain function ``(document, context) -> None`` that enriches the document
in place; ``disable=`` switches stages off by name.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.document import Document, Segment
from pipeline.engines.base import EngineSettings, TranslationEngine, TranslationRequest, TranslationResult
from pipeline.glossary import Glossary, TermMatch

Stage = Callable[[Document, "RunContext"], None]


@dataclass
class RunSettings:
    engine: str = "auto"
    engine_settings: EngineSettings = field(default_factory=EngineSettings)
    max_segment_tokens: int = 200
    encoding: str | None = None
    repair_layout: bool = True
    use_cache: bool = True
    disable: tuple[str, ...] = ()
    command: str = ""
    qa_checks: frozenset[str] | None = None  # names of the QA checks to run; None runs them all


@dataclass
class RunContext:
    settings: RunSettings
    glossary: Glossary
    engine: TranslationEngine
    progress: Any = None  # a tqdm-like object with update(n), or None
    matches: dict[str, list[TermMatch]] = field(default_factory=dict)  # paragraph id → matches
    memory: Any = None  # a translation memory with lookup/store, when caching is on


# --- stages ---------------------------------------------------------------------------------------

def stage_layout(document: Document, context: RunContext) -> None:
    from pipeline.ingest import split_blocks
    from pipeline.layout import classify_blocks

    document.paragraphs = classify_blocks(split_blocks(document.text))
    if context.settings.repair_layout:
        from pipeline.layout_repair import repair_layout

        repair_layout(document, context.glossary)


def stage_match_terms(document: Document, context: RunContext) -> None:
    from pipeline.terms import match_paragraph

    context.matches = {paragraph.id: match_paragraph(context.glossary, paragraph) for paragraph in document.paragraphs}


def stage_segment(document: Document, context: RunContext) -> None:
    from pipeline.segment import split_long_sentence, split_sentences
    from pipeline.terms import assign_hits

    for paragraph in document.paragraphs:
        if not paragraph.translatable:
            paragraph.segments = []
            continue
        matches = context.matches.get(paragraph.id, [])
        offset = 0
        segments: list[Segment] = []
        for sentence in split_sentences(paragraph.source):
            protected = [(m.start - offset, m.end - offset) for m in matches
                         if offset <= m.start and m.end <= offset + len(sentence)]
            segment = Segment(id=f"{paragraph.id}.s{len(segments) + 1}", source=sentence)
            segment.parts = split_long_sentence(sentence, context.engine.count_tokens,
                                                context.settings.max_segment_tokens, protected)
            assign_hits(segment, offset, matches)
            segments.append(segment)
            offset += len(sentence)
        paragraph.segments = segments


def stage_translate(document: Document, context: RunContext) -> None:
    from pipeline.terms import part_requests

    requests: list[TranslationRequest] = []
    owners: list[tuple[Segment, int]] = []
    for segment in document.segments:
        segment.part_targets = [""] * len(segment.parts)
        for index, request in enumerate(part_requests(segment)):
            if request.source.strip():
                requests.append(request)
                owners.append((segment, index))
    results = translate_unique(requests, context)
    scores: dict[str, list[float]] = {}
    for (segment, index), result in zip(owners, results):
        segment.part_targets[index] = result.text
        if result.score is not None:
            scores.setdefault(segment.id, []).append(result.score)
        segment.cached = segment.cached or getattr(result, "cached", False)
    for segment in document.segments:
        if segment.id in scores:
            segment.score = sum(scores[segment.id]) / len(scores[segment.id])


def translate_unique(requests: Sequence[TranslationRequest], context: RunContext) -> list[TranslationResult]:
    """Translate each distinct request once, consulting the translation memory when there is one.

    Progress counts requests: those answered by the memory or by an earlier identical request are
    reported as they are known, the rest as the engine finishes each batch.
    """
    unique = list(dict.fromkeys(requests))
    known: dict[TranslationRequest, TranslationResult] = {}
    reported = 0

    def on_progress(count: int) -> None:
        nonlocal reported
        reported += count
        if context.progress is not None:
            context.progress.update(count)

    if context.memory is not None:
        known = context.memory.lookup(unique)
        on_progress(sum(1 for request in requests if request in known))
    todo = [request for request in unique if request not in known]
    if todo:
        if context.memory is not None:
            known.update(context.memory.translate_and_store(context.engine, todo, on_progress))
        else:
            known.update(zip(todo, context.engine.translate(todo, on_progress)))
    on_progress(len(requests) - reported)
    return [known[request] for request in requests]


def stage_postprocess(document: Document, context: RunContext) -> None:
    from pipeline.postprocess import finish_segment

    for paragraph in document.paragraphs:
        for segment in paragraph.segments:
            finish_segment(segment)


def stage_verify_terms(document: Document, context: RunContext) -> None:
    from pipeline.postprocess import assemble_paragraph
    from pipeline.terms import verify_terms

    for paragraph in document.paragraphs:
        for segment in paragraph.segments:
            verify_terms(segment)
        assemble_paragraph(paragraph)


def stage_qa(document: Document, context: RunContext) -> None:
    from pipeline.qa import run_checks

    run_checks(document, context.glossary, context.settings.qa_checks)


STAGES: list[tuple[str, Stage]] = [
    ("layout", stage_layout),
    ("match_terms", stage_match_terms),
    ("segment", stage_segment),
    ("translate", stage_translate),
    ("postprocess", stage_postprocess),
    ("verify_terms", stage_verify_terms),
    ("qa", stage_qa),
]


def count_parts(document: Document) -> int:
    return sum(1 for segment in document.segments for part in segment.parts if part.strip())


def translate_document(document: Document, context: RunContext,
                       on_segmented: Callable[[Document], None] | None = None) -> Document:
    """Run every enabled stage over ``document``; ``on_segmented`` sees it before translation starts."""
    started = time.perf_counter()
    stage_seconds: dict[str, float] = {}
    for name, stage in STAGES:
        if name in context.settings.disable:
            continue
        if name == "translate" and on_segmented is not None:
            on_segmented(document)
        stage_started = time.perf_counter()
        stage(document, context)
        stage_seconds[name] = round(time.perf_counter() - stage_started, 4)
    document.metadata.update(run_metadata(document, context))
    document.timings = {**stage_seconds, "total": round(time.perf_counter() - started, 4)}
    return document


def flag_counts(document: Document) -> dict[str, int]:
    """QA findings by check, over segments and paragraphs (layout and alignment findings sit on paragraphs)."""
    counts: dict[str, int] = {}
    for paragraph in document.paragraphs:
        for flag in [*paragraph.flags, *(f for segment in paragraph.segments for f in segment.flags)]:
            counts[flag.check] = counts.get(flag.check, 0) + 1
    return dict(sorted(counts.items()))


def run_date() -> str:
    """Now in UTC, or ``SOURCE_DATE_EPOCH`` when set, so that a rerun can reproduce its outputs exactly."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch.isdigit()
              else _dt.datetime.now(_dt.timezone.utc))
    return moment.replace(microsecond=0).isoformat()


def run_metadata(document: Document, context: RunContext) -> dict[str, Any]:
    from pipeline.terms import term_counts

    settings = context.settings
    decoding = settings.engine_settings.decoding
    return {
        "source_file": str(document.path),
        "source_sha256": hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
        "encoding": document.encoding,
        "model": settings.engine_settings.model,
        "model_identity": context.engine.identity,
        "engine": context.engine.name,
        "device": getattr(context.engine, "device", settings.engine_settings.device),
        "compute_type": getattr(context.engine, "compute_type", None),
        "workers": getattr(context.engine, "workers", 1),
        "settings": {"beams": decoding.beams, "batch_size": decoding.batch_size,
                     "max_batch_tokens": decoding.max_batch_tokens, "constraints": decoding.constraints,
                     "max_segment_tokens": settings.max_segment_tokens, "repair_layout": settings.repair_layout},
        "glossary": {"name": context.glossary.name, "version": context.glossary.version,
                     "sha256": context.glossary.digest, "entries": len(context.glossary.entries)},
        "date": run_date(),
        "zhen_version": __version__,
        "command": settings.command or " ".join(sys.argv),
        "counts": {
            "paragraphs": len(document.paragraphs),
            "segments": len(document.segments),
            "terms": term_counts(document.segments),
            "flags": flag_counts(document),
        },
    }


def read_input(path: Path, settings: RunSettings) -> Document:
    from pipeline.ingest import read_document

    return read_document(path, settings.encoding)
