"""Apply a reviewed workbook: the final English, a check of it, and a translation memory.

For each segment the final English is the reviewer's text where given, else the machine
translation. The glossary and QA checks run again on it, and ``NAME.final.en.md``,
``NAME.final.md``, ``NAME.tmx`` and ``NAME.review.txt`` are written, all only after the workbook has
passed every integrity check (``pipeline.review.workbook``). The reviewer's wording is never
rewritten here: what the checks find is reported, not repaired.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.document import Document, Paragraph, Segment, TermHit
from pipeline.errors import PipelineError
from pipeline.export.markdown import bilingual_markdown, english_markdown
from pipeline.export.tmx import TmxUnit, tmx_document
from pipeline.glossary.model import Glossary
from pipeline.ingest.docx import read_docx
from pipeline.outputs import APPLIED_MARK, file_sha256, prepare_output_folder, review_output_paths, write_texts_together
from pipeline.postprocess import join_english
from pipeline.qa import run_checks
from pipeline.review.workbook import read_reviewed_workbook
from pipeline.review.xliff import XLIFF_SUFFIXES, read_reviewed_xliff
from pipeline.terms import assign_hits, verify_terms


@dataclass(frozen=True)
class Finding:
    """A check's finding on a segment of the final English, located by its workbook row."""

    segment: str
    row: int
    severity: str
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.segment} (row {self.row}): {self.severity}: {self.check}: {self.message}"


@dataclass
class ReviewResult:
    name: str
    document: Document
    rows: dict[str, Any]  # segment id → ReviewedRow
    findings: list[Finding] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    workbook_sha256: str = ""  # of the workbook applied: lets a new run see the review was applied

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def rejected_unrevised(self) -> list[Any]:
        """Rows marked Rejected that give no reviewed text: the machine translation was kept."""
        return [row for row in self.rows.values() if row.status == "Rejected" and not row.reviewed]

    def status_counts(self) -> Counter[str]:
        return Counter(row.status for row in self.rows.values())


# --- rebuilding the document ----------------------------------------------------------------------

def rebuild_document(reviewed: Any) -> Document:
    """The document as the run left it, with each segment's final English as its target."""
    info = reviewed.document
    document = Document(path=Path(info.get("source_file") or reviewed.name), text="",
                        encoding=info.get("encoding", "utf-8"), metadata=dict(info.get("metadata") or {}))
    for paragraph_id, record in reviewed.paragraphs:
        paragraph = Paragraph(
            id=paragraph_id, kind=record["kind"], source=record["source"], markup=record.get("markup", ""),
            lines=tuple(record.get("lines") or (0, 0)), block=record.get("block", 0),  # type: ignore[arg-type]
            joined_from=list(record.get("joined_from") or []), origin=dict(record.get("origin") or {}),
        )
        for segment_id in record.get("segments", []):
            row, data = reviewed.rows[segment_id], reviewed.segments[segment_id]
            paragraph.segments.append(Segment(
                id=segment_id, source=row.source, parts=[row.source], part_targets=[row.reviewed or row.machine],
                # the engine's score describes its own output, not a reviewer's rewrite of it
                target=row.reviewed or row.machine, score=None if row.reviewed else data.get("score"),
                terms=[TermHit(zh=hit["zh"], en=hit["en"], start=hit["start"], end=hit["end"],
                               surface=hit.get("surface", ""), avoid=tuple(hit.get("avoid") or ()),
                               accepted=tuple(hit.get("accepted") or ()))
                       for hit in data.get("terms", [])],
            ))
        paragraph.target = (join_english([s.target for s in paragraph.segments]) if paragraph.translatable
                            else paragraph.source)
        document.paragraphs.append(paragraph)
    document.text = "\n\n".join(paragraph.source for paragraph in document.paragraphs) + "\n"
    return document


# --- checking the final English -------------------------------------------------------------------

def check_terms(segment: Segment) -> None:
    """Set each term's outcome from the final English; the reviewer's wording is final, so nothing is repaired.

    A missing rendering stays an error here (``--strict`` gates on it): the reviewer worked from the
    workbook that lists each term's rendering.
    """
    for hit in segment.terms:
        hit.status = "pending"
    verify_terms(segment, repair=False, missing="error")


def recheck(document: Document, glossary: Any = None) -> None:
    """Run the glossary and QA checks again on the final English (flags replace the run's)."""
    for paragraph in document.paragraphs:
        paragraph.flags = []
        for segment in paragraph.segments:
            segment.flags = []
            if glossary is not None and len(glossary):
                assign_hits(segment, 0, glossary.match(segment.source))  # the glossary may have changed
            check_terms(segment)
    run_checks(document, glossary if glossary is not None else Glossary.empty())


def findings_of(document: Document, rows: dict[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    for paragraph in document.paragraphs:
        first_row = rows[paragraph.segments[0].id].row if paragraph.segments else 0
        for flag in dict.fromkeys(paragraph.flags):
            findings.append(Finding(paragraph.id, first_row, flag.severity, flag.check, flag.message))
        for segment in paragraph.segments:
            for flag in dict.fromkeys(segment.flags):  # the same finding once, however many checks see it
                findings.append(Finding(segment.id, rows[segment.id].row, flag.severity, flag.check, flag.message))
    return findings


# --- outputs --------------------------------------------------------------------------------------

REVIEWED_STATUSES = ("Approved", "Edited")


def tmx_reviewed(row: Any) -> bool:
    """Whether a person vouched for the row's English: Approved, Edited, or a reviewed text typed in."""
    return row.status != "Rejected" and (row.status in REVIEWED_STATUSES or bool(row.reviewed))


def tmx_units(document: Document, rows: dict[str, Any], approved_only: bool = False,
              include_unreviewed: bool = False) -> list[Any]:
    """The translation units of the final English: what people reviewed, never a Rejected row.

    A translation memory is reused without looking back, so by default it holds only reviewed
    English; ``include_unreviewed`` adds the machine output still To review, marked
    ``x-reviewed: no``; ``approved_only`` keeps the rows whose status is Approved or Edited.
    """
    units = []
    for paragraph in document.paragraphs:
        for segment in paragraph.segments:
            row = rows[segment.id]
            reviewed = tmx_reviewed(row)
            if row.status == "Rejected" or (approved_only and row.status not in REVIEWED_STATUSES):
                continue
            if not reviewed and not include_unreviewed:
                continue
            units.append(TmxUnit(
                id=segment.id, source=segment.source, target=segment.target,
                properties=(("x-status", row.status), ("x-origin", "reviewed" if row.reviewed else "machine"),
                            ("x-reviewed", "yes" if reviewed else "no"),
                            ("x-paragraph", paragraph.id), ("x-kind", paragraph.kind)),
                notes=(row.comment,) if row.comment else (),
            ))
    return units


def review_report(result: ReviewResult) -> str:
    """The report written beside the outputs: what the reviewers did and what the checks found."""
    counts = result.status_counts()
    edited = sum(1 for row in result.rows.values() if row.reviewed)
    lines = [f"Review of {result.name}"]
    if result.workbook_sha256:
        lines.append(f"{APPLIED_MARK}{result.workbook_sha256}")
    lines += ["",
             f"Segments: {len(result.rows)} ({edited} with a reviewed translation)"]
    lines += [f"  {status}: {counts.get(status, 0)}" for status in ("To review", "Edited", "Approved", "Rejected")]
    rejected = result.rejected_unrevised
    if rejected:
        lines += ["", f"Rejected without a reviewed translation ({len(rejected)}; the machine translation was kept):"]
        lines += [f"  {row.id} (row {row.row})" + (f": {row.comment}" if row.comment else "") for row in rejected]
    by_severity = Counter(finding.severity for finding in result.findings)
    lines += ["", f"Findings on the final English: {len(result.findings)} "
                  f"({by_severity.get('error', 0)} errors, {by_severity.get('warning', 0)} warnings, "
                  f"{by_severity.get('info', 0)} info)"]
    lines += [f"  {finding}" for finding in result.findings]
    return "\n".join(lines) + "\n"


def apply_review(path: Path, out: Path | None = None, glossary: Any = None,
                 approved_only: bool = False, include_unreviewed: bool = False) -> ReviewResult:
    """Check a reviewed workbook (or XLIFF file), rebuild the final document and write its outputs."""
    path = Path(path)
    reader = read_reviewed_xliff if path.suffix.lower() in XLIFF_SUFFIXES else read_reviewed_workbook
    reviewed = reader(path)  # raises before anything is written
    name = path.stem
    document = rebuild_document(reviewed)
    recheck(document, glossary)
    result = ReviewResult(name, document, reviewed.rows, findings_of(document, reviewed.rows),
                          workbook_sha256=file_sha256(path))
    metadata = document.metadata
    texts = {
        "en.md": english_markdown(document),
        "md": bilingual_markdown(document),
        "tmx": tmx_document(tmx_units(document, reviewed.rows, approved_only, include_unreviewed), metadata.get("date"),
                            Path(str(metadata.get("source_file") or name)).name),
        "report": review_report(result),
    }
    word, note = word_source(document)
    if note:
        texts["report"] += f"\n{note}\n"
    out = Path(out) if out is not None else path.parent
    prepare_output_folder(out)
    result.outputs = write_texts_together(review_output_paths(out, name), texts,
                                          (document, word) if word is not None else None)
    return result


def word_source(document: Document) -> tuple[Path | None, str]:
    """The Word file the run translated, when the final English can go back into it; else a note why not.

    The file must still be where the run read it and hold the same text (the paragraph places
    recorded in the workbook point into it).
    """
    if not any(paragraph.origin.get("format") == "docx" for paragraph in document.paragraphs):
        return None, ""
    source = Path(str(document.metadata.get("source_file") or document.path))
    if not source.is_file():
        return None, f"The Word source {source} is no longer there: the final Word document was not written."
    try:
        current = read_docx(source).text
    except PipelineError as error:
        return None, f"The Word source cannot be read ({error}): the final Word document was not written."
    if hashlib.sha256(current.encode("utf-8")).hexdigest() != document.metadata.get("source_sha256"):
        return None, (f"The Word source {source} has changed since the translation run: the final Word "
                      f"document was not written.")
    return source, ""
