"""One run of the pipeline: the settings, the ordered stages, and the runner that drives them.

A stage is a plain function ``(document, context) -> None`` that enriches the document in place.
``zhen translate`` and ``zhen align`` are two lists over the same stages:

- translate: ``layout → match terms → segment → translate → post-process → verify terms → assemble → QA``
- align: ``layout → match terms → align → verify terms (flag only) → assemble → QA``

``RunSettings.disable`` switches stages off by name; the runner records each stage's time and the
run's metadata (what was run, on what, with which glossary, and the counts).
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
from pipeline.align.document import Alignment, align_document, alignment_record
from pipeline.document import Document
from pipeline.engines.base import EngineSettings, TranslationEngine
from pipeline.glossary.match import TermMatch
from pipeline.glossary.model import Glossary
from pipeline.ingest.text import split_blocks
from pipeline.layout.classify import classify_blocks
from pipeline.layout.repair import repair_layout
from pipeline.postprocess import assemble_paragraph, finish_segment
from pipeline.qa import run_checks
from pipeline.segment import segment_paragraph
from pipeline.terms import assign_hits, match_paragraph, term_counts, verify_terms
from pipeline.translate import translate_segments

Stage = Callable[[Document, "RunContext"], None]


@dataclass
class RunSettings:
    engine: str = "auto"
    engine_settings: EngineSettings = field(default_factory=EngineSettings)
    max_segment_tokens: int = 200
    encoding: str | None = None
    repair_layout: bool = True
    repair_terms: bool = True  # replace avoided renderings; off where the English is a person's
    use_cache: bool = True
    disable: tuple[str, ...] = ()
    command: str = ""
    qa_checks: frozenset[str] | None = None  # names of the QA checks to run; None runs them all


@dataclass
class RunContext:
    settings: RunSettings
    glossary: Glossary
    engine: TranslationEngine | None = None  # None when aligning a person's translation
    progress: Any = None  # a tqdm-like object with update(n), or None
    matches: dict[str, list[TermMatch[Any]]] = field(default_factory=dict)  # paragraph id → matches
    memory: Any = None  # a translation memory with lookup/store, when caching is on
    english: Sequence[str] = ()  # the English paragraphs to align, for the align stages
    english_file: Path | None = None
    alignment: Alignment | None = None  # set by the align stage


# --- stages ---------------------------------------------------------------------------------------

def stage_layout(document: Document, context: RunContext) -> None:
    if document.paragraphs:
        return  # a PDF or Word reader laid the paragraphs out from the file's geometry or styles
    document.paragraphs = classify_blocks(split_blocks(document.text))
    if context.settings.repair_layout:
        repair_layout(document, context.glossary)


def stage_match_terms(document: Document, context: RunContext) -> None:
    context.matches = {paragraph.id: match_paragraph(context.glossary, paragraph) for paragraph in document.paragraphs}


def stage_segment(document: Document, context: RunContext) -> None:
    assert context.engine is not None, "segmenting counts tokens with the engine's tokenizer"
    for paragraph in document.paragraphs:
        segment_paragraph(paragraph, context.matches.get(paragraph.id, []), context.engine.count_tokens,
                          context.settings.max_segment_tokens)


def stage_translate(document: Document, context: RunContext) -> None:
    assert context.engine is not None
    translate_segments(document.segments, context.engine, context.memory, context.progress)


def stage_align(document: Document, context: RunContext) -> None:
    context.alignment = align_document(document, context.english, context.glossary)
    for paragraph in document.paragraphs:
        offset = 0
        for segment in paragraph.segments:
            assign_hits(segment, offset, context.matches.get(paragraph.id, []))
            offset += len(segment.source)


def stage_postprocess(document: Document, context: RunContext) -> None:
    for segment in document.segments:
        finish_segment(segment)


def stage_verify_terms(document: Document, context: RunContext) -> None:
    for segment in document.segments:
        verify_terms(segment, repair=context.settings.repair_terms)


def stage_assemble(document: Document, context: RunContext) -> None:
    for paragraph in document.paragraphs:
        assemble_paragraph(paragraph)


def stage_qa(document: Document, context: RunContext) -> None:
    run_checks(document, context.glossary, context.settings.qa_checks)


TRANSLATE_STAGES: list[tuple[str, Stage]] = [
    ("layout", stage_layout),
    ("match_terms", stage_match_terms),
    ("segment", stage_segment),
    ("translate", stage_translate),
    ("postprocess", stage_postprocess),
    ("verify_terms", stage_verify_terms),
    ("assemble", stage_assemble),
    ("qa", stage_qa),
]

ALIGN_STAGES: list[tuple[str, Stage]] = [
    ("layout", stage_layout),
    ("match_terms", stage_match_terms),
    ("align", stage_align),
    ("verify_terms", stage_verify_terms),
    ("assemble", stage_assemble),
    ("qa", stage_qa),
]


# --- the runner -----------------------------------------------------------------------------------

def run_stages(document: Document, context: RunContext, stages: Sequence[tuple[str, Stage]],
               before: dict[str, Callable[[Document], None]] | None = None) -> Document:
    """Run every enabled stage over ``document``; ``before[name]`` sees the document before that stage."""
    started = time.perf_counter()
    stage_seconds: dict[str, float] = {}
    for name, stage in stages:
        if name in context.settings.disable:
            continue
        if before and name in before:
            before[name](document)
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


def _translation_fields(context: RunContext) -> dict[str, Any]:
    """What made the English: the engine and its settings, or the aligned file."""
    settings = context.settings
    if context.engine is None:
        english = context.english_file
        return {"model": "", "model_identity": "", "engine": "aligned translation", "device": "",
                "settings": {"english_file": str(english),
                             "english_sha256": hashlib.sha256(english.read_bytes()).hexdigest() if english else "",
                             "repair_layout": settings.repair_layout}}
    decoding = settings.engine_settings.decoding
    return {"model": settings.engine_settings.model, "model_identity": context.engine.identity,
            "engine": context.engine.name,
            "device": getattr(context.engine, "device", settings.engine_settings.device),
            "compute_type": getattr(context.engine, "compute_type", None),
            "workers": getattr(context.engine, "workers", 1),
            "settings": {"beams": decoding.beams, "batch_size": decoding.batch_size,
                         "max_batch_tokens": decoding.max_batch_tokens, "constraints": decoding.constraints,
                         "max_segment_tokens": settings.max_segment_tokens,
                         "repair_layout": settings.repair_layout}}


def run_metadata(document: Document, context: RunContext) -> dict[str, Any]:
    glossary = context.glossary
    metadata = {
        "source_file": str(document.path),
        "source_sha256": hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
        "encoding": document.encoding,
        **_translation_fields(context),
        "glossary": {"name": glossary.name, "version": glossary.version, "sha256": glossary.digest,
                     "entries": len(glossary.entries), "path": glossary.path},
        "date": run_date(),
        "zhen_version": __version__,
        "command": context.settings.command or " ".join(sys.argv),
        "counts": {
            "paragraphs": len(document.paragraphs),
            "segments": len(document.segments),
            "terms": term_counts(document.segments),
            "flags": flag_counts(document),
        },
    }
    if context.alignment is not None:
        metadata["alignment"] = alignment_record(document, context.alignment)
    return metadata
