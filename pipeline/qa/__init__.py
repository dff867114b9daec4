"""QA: mechanical checks of the English, so reviewers start from flagged problems.

Each check is registered in :data:`CHECKS` with a name, a severity and a one-line description; it
yields findings that become :class:`~pipeline.document.Flag`\\ s on the segment (``segments[].flags``
in the JSON, the workbook's QA column, the Summary counts). Checks never print. Any check can be
switched off by name (``zhen translate --qa-off numbers,spacing``).

Glossary terms matched by the term stage are verified there (flags ``term-missing`` and
``term-avoided``); the ``glossary`` check here only covers terms that stage did not verify. Layout
repair puts its findings on the paragraph (``Paragraph.flags``), not here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from pipeline.document import Document, Flag, Segment, Severity
from pipeline.errors import InputError
from pipeline.glossary.model import Glossary
from pipeline.qa import checks
from pipeline.qa.checks import LOW_CONFIDENCE, CheckContext, Finding

SegmentCheck = Callable[[Segment, CheckContext], Iterator[str | Finding]]
DocumentCheck = Callable[[Document, CheckContext], Iterator[tuple[Segment, str | Finding]]]


@dataclass(frozen=True)
class Check:
    """One QA rule: its name (for flags and ``--qa-off``), severity and what it looks for."""

    name: str
    severity: Severity
    description: str
    segment: SegmentCheck | None = None
    document: DocumentCheck | None = None


CHECKS: list[Check] = [
    Check("empty", "error", "the translation is empty", segment=checks.check_empty),
    Check("numbers", "error", "numbers, dates and percentages differ from the source", segment=checks.check_numbers),
    Check("untranslated", "error", "Chinese characters left in the English", segment=checks.check_untranslated),
    Check("glossary", "error", "glossary renderings missing or avoided renderings used (terms not verified by the term stage)",
          segment=checks.check_glossary),
    Check("repetition", "warning", "repeated words and looping phrases (degenerate output)", segment=checks.check_repetition),
    Check("length", "warning", "translation suspiciously short or long for its source", segment=checks.check_length),
    Check("punctuation", "warning", "full-width punctuation, unbalanced quotes or brackets", segment=checks.check_punctuation),
    Check("spacing", "info", "doubled spaces or a space before punctuation", segment=checks.check_spacing),
    Check("consistency", "warning", "the same source sentence translated differently", document=checks.check_consistency),
    Check("low-confidence", "warning", "the engine's own score says it was unsure", segment=checks.check_confidence),
]


def check_names() -> list[str]:
    return [check.name for check in CHECKS]


def enabled_checks(off: Iterable[str] = ()) -> frozenset[str]:
    """All check names except ``off``; an unknown name is an error listing the known ones."""
    off = {name.strip() for name in off if name.strip()}
    unknown = sorted(off - set(check_names()))
    if unknown:
        raise InputError(f"unknown QA check(s): {', '.join(unknown)}; the checks are: {', '.join(check_names())}.")
    return frozenset(name for name in check_names() if name not in off)


def checks_left_on(off_options: Iterable[str]) -> frozenset[str] | None:
    """The checks to run given ``--qa-off`` values (each ``CHECK[,CHECK]``); None (all) when none is off."""
    names = [name for option in off_options for name in option.split(",") if name.strip()]
    return enabled_checks(names) if names else None


def run_checks(document: Document, glossary: Glossary | None = None, enabled: Collection[str] | None = None,
               *, low_confidence: float = LOW_CONFIDENCE) -> None:
    """Run the enabled checks (all when ``enabled`` is None) and append their flags to the segments.

    Running twice adds nothing new: a flag already on a segment is not added again.
    """
    context = CheckContext(glossary=glossary or Glossary.empty(), low_confidence=low_confidence)
    active = [check for check in CHECKS if enabled is None or check.name in enabled]
    for paragraph in document.paragraphs:
        context.paragraph = paragraph
        for segment in paragraph.segments:
            for check in active:
                if check.segment is not None:
                    for found in check.segment(segment, context):
                        _add(segment, _flag(check, found))
    context.paragraph = None
    for check in active:
        if check.document is not None:
            for segment, found in check.document(document, context):
                _add(segment, _flag(check, found))


def _flag(check: Check, found: str | Finding) -> Flag:
    """The flag of a finding: a plain message takes the check's severity, a Finding may set its own."""
    if isinstance(found, Finding):
        return Flag(check.name, found.severity or check.severity, found.message)
    return Flag(check.name, check.severity, found)


def _add(segment: Segment, flag: Flag) -> None:
    if flag not in segment.flags:
        segment.flags.append(flag)
