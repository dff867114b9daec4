"""The translate stage: every part of every segment through the engine, each distinct text once.

Parts become engine requests carrying the glossary renderings of the terms inside them. A request
seen before in this document, or stored in the translation memory, is not sent to the engine again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.document import Segment
from pipeline.engines.base import TranslationEngine, TranslationRequest, TranslationResult
from pipeline.postprocess import join_english
from pipeline.terms import part_requests


def translate_segments(segments: Sequence[Segment], engine: TranslationEngine, memory: Any = None,
                       progress: Any = None) -> None:
    """Fill each segment's ``part_targets`` (and ``score``, ``cached``) from the engine or the memory."""
    requests: list[TranslationRequest] = []
    owners: list[tuple[Segment, int]] = []
    for segment in segments:
        segment.part_targets = [""] * len(segment.parts)
        for index, request in enumerate(part_requests(segment)):
            if request.source.strip():
                requests.append(request)
                owners.append((segment, index))
    results = translate_unique(requests, engine, memory, progress)
    scores: dict[str, list[float]] = {}
    for (segment, index), result in zip(owners, results):
        segment.part_targets[index] = result.text
        if result.score is not None:
            scores.setdefault(segment.id, []).append(result.score)
        segment.cached = segment.cached or getattr(result, "cached", False)
    for segment in segments:
        segment.target = join_english(segment.part_targets)  # the engine's English, before post-processing
        if segment.id in scores:
            segment.score = sum(scores[segment.id]) / len(scores[segment.id])


def translate_unique(requests: Sequence[TranslationRequest], engine: TranslationEngine, memory: Any = None,
                     progress: Any = None) -> list[TranslationResult]:
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
        if progress is not None:
            progress.update(count)

    if memory is not None:
        known = memory.lookup(unique)
        on_progress(sum(1 for request in requests if request in known))
    todo = [request for request in unique if request not in known]
    if todo:
        if memory is not None:
            known.update(memory.translate_and_store(engine, todo, on_progress))
        else:
            known.update(zip(todo, engine.translate(todo, on_progress)))
    on_progress(len(requests) - reported)
    return [known[request] for request in requests]


def count_parts(segments: Sequence[Segment]) -> int:
    """How many engine requests the segments make (the progress bar's total)."""
    return sum(1 for segment in segments for part in segment.parts if part.strip())
