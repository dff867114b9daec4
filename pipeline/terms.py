"""Glossary terms in the document: find them in the source, demand them of the engine, check the English.

Terms are matched on whole paragraphs (so a term is found even where a long sentence is later cut),
their spans protect the cut points, and each hit is then owned by the segment — and the part of the
segment — that contains it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pipeline.document import Flag, Paragraph, Segment, Severity, TermHit
from pipeline.engines.base import RequiredRendering, TranslationRequest
from pipeline.glossary.match import count_rendering, replace_avoided
from pipeline.glossary.model import Glossary
from pipeline.glossary.match import TermMatch
from pipeline.qa.calibration import PERSON_TERM_MISSING


def match_paragraph(glossary: Glossary, paragraph: Paragraph) -> list[TermMatch]:
    return glossary.match(paragraph.source) if paragraph.translatable else []


def assign_hits(segment: Segment, offset: int, matches: Sequence[TermMatch]) -> None:
    """Give ``segment`` (starting at ``offset`` in its paragraph) the matches that lie inside it."""
    end = offset + len(segment.source)
    segment.terms = [
        TermHit(zh=match.entry.zh, en=match.entry.en, start=match.start - offset, end=match.end - offset,
                surface=match.surface, avoid=match.entry.avoid, accepted=match.entry.accepted)
        for match in matches if offset <= match.start and match.end <= end
    ]


def part_requests(segment: Segment) -> list[TranslationRequest]:
    """One engine request per part of the segment, carrying the renderings of the terms inside that part."""
    requests = []
    offset = 0
    for part in segment.parts:
        hits = [hit for hit in segment.terms if offset <= hit.start and hit.end <= offset + len(part)]
        counts = Counter(hit.en for hit in hits)
        avoid = tuple(dict.fromkeys(phrase for hit in hits for phrase in hit.avoid))
        requests.append(TranslationRequest(
            source=part,
            required=tuple(RequiredRendering(en, count) for en, count in counts.items()),
            avoid=avoid,
            terms=tuple((hit.en, hit.start - offset, hit.end - offset) for hit in sorted(hits, key=lambda h: h.start)),
        ))
        offset += len(part)
    return requests


def verify_terms(segment: Segment, repair: bool = True, missing: Severity | None = None) -> None:
    """Set each term's outcome from the English and flag what is missing or ruled out.

    With ``repair`` (machine output), an ``avoid`` rendering that slipped through is replaced by the
    required one; without it (a person's wording, which is final), it is only flagged, and an
    accepted alternative of the entry counts as present (status ``accepted``). ``missing`` is the
    severity of a missing rendering: by default an error in machine output (a broken constraint)
    and, in a person's translation, the severity measured on official translations.
    """
    severity: Severity = missing or ("error" if repair else PERSON_TERM_MISSING)
    by_rendering: dict[str, list[TermHit]] = {}
    for hit in segment.terms:
        by_rendering.setdefault(hit.en, []).append(hit)
    for rendering, hits in by_rendering.items():
        present = count_rendering(segment.target, rendering)
        repaired = accepted = 0
        if repair and present < len(hits):
            for avoided in dict.fromkeys(a for hit in hits for a in hit.avoid):
                segment.target, replaced = replace_avoided(segment.target, avoided, rendering)
                repaired += replaced
        elif not repair and present < len(hits):
            accepted = sum(count_rendering(segment.target, alternative)
                           for alternative in dict.fromkeys(a for hit in hits for a in hit.accepted))
        for index, hit in enumerate(hits):
            if index < present:
                hit.status = "applied"
            elif index < present + repaired:
                hit.status = "repaired"
            elif index < present + accepted:
                hit.status = "accepted"
            else:
                hit.status = "missing"
                segment.flags.append(Flag(
                    "term-missing", severity,
                    f"Glossary term {hit.surface or hit.zh} must be rendered as “{rendering}”, "
                    f"which the translation does not contain.",
                ))
    for hit in segment.terms:
        for avoided in hit.avoid:
            if count_rendering(segment.target, avoided):
                segment.flags.append(Flag(
                    "term-avoided", "error",
                    f"The translation uses “{avoided}”, which the glossary rules out for {hit.zh} "
                    f"(use “{hit.en}”).",
                ))


def term_counts(segments: Sequence[Segment]) -> dict[str, int]:
    """Term outcomes for summaries; an accepted alternative counts as applied."""
    counts = Counter(hit.status for segment in segments for hit in segment.terms)
    return {"applied": counts.get("applied", 0) + counts.get("accepted", 0),
            "repaired": counts.get("repaired", 0), "missing": counts.get("missing", 0)}
