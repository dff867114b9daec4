"""``NAME.xlsx``: the bilingual workbook translators review, one row per segment."""

from __future__ import annotations

from pathlib import Path

import regex

from pipeline.atomic import atomic_path
from pipeline.document import Document, Segment

TRANSLATION_SHEET = "Translation"
COLUMNS = (
    "ID", "Paragraph", "Type", "Source (zh)", "Machine translation (en)", "Terms", "QA",
    "Reviewed translation (en)", "Status", "Comment",
)
_ILLEGAL_XML = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@")


def safe_cell_text(text: str) -> str:
    """Text a spreadsheet stores verbatim: characters XML cannot hold become U+FFFD."""
    return _ILLEGAL_XML.sub("\ufffd", text)


def set_text(cell, text: str) -> None:  # noqa: ANN001 - openpyxl cell
    """Store ``text`` as a string, never as a formula, whatever it starts with."""
    cell.value = safe_cell_text(text)
    cell.data_type = "s"


def terms_text(segment: Segment) -> str:
    return "\n".join(f"{hit.surface or hit.zh} → {hit.en} ({hit.status})" for hit in segment.terms)


def qa_text(segment: Segment) -> str:
    return "\n".join(f"[{flag.severity}] {flag.check}: {flag.message}" for flag in segment.flags)


def write_workbook(document: Document, target: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TRANSLATION_SHEET
    sheet.append(COLUMNS)
    for paragraph in document.paragraphs:
        for segment in paragraph.segments:
            values = (segment.id, paragraph.id, paragraph.kind, segment.source, segment.target,
                      terms_text(segment), qa_text(segment), "", "To review", "")
            row = sheet.max_row + 1
            for column, value in enumerate(values, start=1):
                set_text(sheet.cell(row=row, column=column), value)
    with atomic_path(target) as temporary:
        workbook.save(temporary)
    return target
