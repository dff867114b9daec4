"""``NAME.xlsx``: the bilingual workbook translators review, one row per segment.

Sheets: ``Translation`` (the work: only ``Reviewed translation``, ``Status`` and ``Comment`` are
editable), ``Glossary`` (the terms of this document), ``Summary`` (how the translation was made) and
the hidden ``_zhen``, which keeps what ``zhen review apply`` needs to rebuild the document from the
workbook alone: the paragraph structure, the segment ids and hashes of the texts a reviewer must
not change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


from pipeline.atomic import atomic_path
from pipeline.document import Document, Flag, Paragraph, Segment
from pipeline.export.cells import count_unsafe, display_width, safe_cell_text, set_text, text_hash
from pipeline.export.workbook_sheets import fit_row_heights, set_print_layout, write_glossary_sheet, write_summary_sheet

logger = logging.getLogger(__name__)

TRANSLATION_SHEET = "Translation"
GLOSSARY_SHEET = "Glossary"
SUMMARY_SHEET = "Summary"
DATA_SHEET = "_zhen"
# The source, the translation and the cell a reviewer types in sit side by side; what supports
# the decision (terms, QA) follows, then where the segment comes from.
COLUMNS = (
    "ID", "Source (zh)", "Machine translation (en)", "Reviewed translation (en)", "Status", "Comment",
    "Terms", "QA", "Type", "Paragraph", "Confidence",
)
# In an aligned document the English is a person's translation, not the machine's; this header
# stands in for "Machine translation (en)" there, and a reader accepts either.
ALIGNED_TRANSLATION = "Translation (en)"
FROZEN_AFTER = "Source (zh)"  # panes are frozen after this column and the header row
EDITABLE_COLUMNS = ("Reviewed translation (en)", "Status", "Comment")
STATUSES = ("To review", "Edited", "Approved", "Rejected")
INITIAL_STATUS = STATUSES[0]
# Mean log-probability per target token below which the model was unsure enough to deserve a look.
LOW_CONFIDENCE = -1.0

DATA_FORMAT = "zhen-review-data"
DATA_VERSION = 1
CELL_CHUNK = 30_000  # a cell holds at most 32,767 characters; longer records span several cells

# (minimum, maximum) width in characters; the content decides in between.
_WIDTHS = {
    "ID": (8, 12), "Paragraph": (10, 10), "Type": (9, 24), "Source (zh)": (24, 50),
    "Machine translation (en)": (24, 50), "Terms": (12, 32), "QA": (10, 36),
    "Reviewed translation (en)": (30, 50), "Status": (12, 12), "Comment": (20, 30), "Confidence": (12, 12),
}
_HEADER_NOTES = {
    "Reviewed translation (en)": "Type the corrected English here. Leave it empty to keep the machine translation.",
    "Status": "To review, Edited, Approved or Rejected (pick from the list).",
    "Comment": "A note for the team; it is kept in the translation memory (TMX).",
    "Confidence": "How sure the model was of its translation, 0 to 100: the average probability it gave "
                  "each word piece it wrote (the geometric mean). Below 37 (highlighted) deserves a careful "
                  "look; empty when a reviewer's text or a person's translation stands there. The JSON keeps "
                  "the raw score (mean log-probability per word piece).",
    "Terms": "Glossary terms in the source, their required English and whether the translation has it.",
    "Type": "The kind of block (title, heading, body, list item, caption) and, when the page layout had "
            "cut a paragraph, the input lines it was rejoined from.",
    ALIGNED_TRANSLATION: "The English translation being checked, as it came; put corrections in "
                         "Reviewed translation.",
}

_READ_ONLY_HEADER = "44546A"
_EDITABLE_HEADER = "2E6B30"
_SHADE = "EEF1F5"
_EDITABLE = "FFF8DC"
_EDITABLE_SHADE = "FCEFC4"
_ATTENTION = "F8CBAD"
_LOW_CONFIDENCE_FILL = "FFD966"


# --- cell text ------------------------------------------------------------------------------------

def column_letter(name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(COLUMNS.index(name) + 1)


# --- what a row shows -----------------------------------------------------------------------------

def confidence_percent(score: float) -> int:
    """A mean log-probability per word piece as 0–100: the geometric mean of the pieces' probabilities."""
    return round(100 * math.exp(min(0.0, score)))


def _listed(numbers: Sequence[int]) -> str:
    words = [str(number) for number in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def type_text(paragraph: Paragraph) -> str:
    """The block kind in a translator's words, with the input lines a rejoined paragraph came from."""
    kind = paragraph.kind.replace("_", " ")
    if paragraph.joined_lines:
        return f"{kind}, rejoined from lines {_listed(paragraph.joined_lines)}"
    if paragraph.joined_from:  # a record without line numbers: block numbers count from 1 for people
        return f"{kind}, rejoined from blocks {_listed([block + 1 for block in paragraph.joined_from])}"
    return kind


def translation_header(document: Document) -> str:
    """``Machine translation (en)``, or ``Translation (en)`` when the English is a person's (align)."""
    return ALIGNED_TRANSLATION if "alignment" in document.metadata else "Machine translation (en)"


def headers(document: Document) -> list[str]:
    """The Translation sheet's header row for ``document``."""
    label = translation_header(document)
    return [label if name == "Machine translation (en)" else name for name in COLUMNS]


def terms_text(segment: Segment) -> str:
    return "\n".join(f"{hit.surface or hit.zh} → {hit.en} ({hit.status})" for hit in segment.terms)


def flags_text(flags: Iterable[Flag]) -> str:
    return "\n".join(f"[{flag.severity}] {flag.check}: {flag.message}" for flag in flags)


def qa_text(segment: Segment) -> str:
    return flags_text(segment.flags)


def segment_rows(document: Document) -> list[tuple[Paragraph, Segment]]:
    return [(paragraph, segment) for paragraph in document.paragraphs for segment in paragraph.segments]


def row_values(paragraph: Paragraph, segment: Segment, first_of_paragraph: bool) -> list[str]:
    """The text cells of a row, in ``COLUMNS`` order up to (not including) Confidence."""
    flags = list(segment.flags) + (list(paragraph.flags) if first_of_paragraph else [])
    return [segment.id, segment.source, segment.target, "", INITIAL_STATUS, "",
            terms_text(segment), flags_text(flags), type_text(paragraph), paragraph.id]


# --- the Translation sheet ------------------------------------------------------------------------

def _fill(color: str) -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill(fill_type="solid", start_color=color, end_color=color)


def _row_styles(workbook: Any) -> dict[tuple[str, bool, bool], str]:
    """Named styles for the data cells, by (column kind, shaded paragraph, first row of a paragraph).

    Named styles are registered once; assigning one per cell is much cheaper than setting fill,
    border and protection on each of thousands of cells.
    """
    from openpyxl.styles import Alignment, Border, NamedStyle, Protection, Side

    boundary = Border(top=Side(style="thin", color="8497B0"))
    fills = {("text", False): None, ("text", True): _SHADE, ("editable", False): _EDITABLE,
             ("editable", True): _EDITABLE_SHADE, ("score", False): None, ("score", True): _SHADE}
    names: dict[tuple[str, bool, bool], str] = {}
    for (kind, shaded), color in fills.items():
        for first in (False, True):
            name = f"zhen {kind}{' shaded' if shaded else ''}{' first' if first else ''}"
            style = NamedStyle(name=name, alignment=Alignment(wrap_text=kind != "score", vertical="top"),
                               protection=Protection(locked=kind != "editable"),
                               number_format={"editable": "@", "score": "0"}.get(kind, "General"))
            if color:
                style.fill = _fill(color)
            if first:
                style.border = boundary
            workbook.add_named_style(style)
            names[(kind, shaded, first)] = name
    return names


def _write_translation(sheet: Any, document: Document) -> int:
    """Fill the Translation sheet; return how many characters had to be replaced."""
    from openpyxl.styles import Alignment, Font

    sheet.title = TRANSLATION_SHEET
    editable = {COLUMNS.index(name) + 1 for name in EDITABLE_COLUMNS}
    for column, name in enumerate(headers(document), start=1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _fill(_EDITABLE_HEADER if column in editable else _READ_ONLY_HEADER)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if name in _HEADER_NOTES:
            from openpyxl.comments import Comment

            cell.comment = Comment(_HEADER_NOTES[name], "zhen")
    styles = _row_styles(sheet.parent)
    widths = {name: display_width(name) for name in COLUMNS}
    replaced = 0
    row = 1
    for index, paragraph in enumerate(document.paragraphs):
        shaded = index % 2 == 1
        for position, segment in enumerate(paragraph.segments):
            row += 1
            first = position == 0
            values = row_values(paragraph, segment, first)
            replaced += sum(count_unsafe(value) for value in values)
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column)
                # editable cells are unlocked and formatted as text: what a reviewer types is never a formula
                cell.style = styles[("editable" if column in editable else "text", shaded, first)]
                set_text(cell, value)
                widths[COLUMNS[column - 1]] = max(widths[COLUMNS[column - 1]], display_width(value))
            confidence = sheet.cell(row=row, column=len(COLUMNS))
            confidence.style = styles[("score", shaded, first)]
            if segment.score is not None:
                confidence.value = confidence_percent(segment.score)
    widths["Reviewed translation (en)"] = max(widths["Reviewed translation (en)"], widths["Machine translation (en)"])
    _fit_columns(sheet, widths)
    _fit_rows(sheet, row)
    _decorate_translation(sheet, row)
    return replaced


def _fit_columns(sheet: Any, widths: dict[str, int]) -> None:
    for name in COLUMNS:
        low, high = _WIDTHS[name]
        sheet.column_dimensions[column_letter(name)].width = min(high, max(low, widths[name] + 2))


def _fit_rows(sheet: Any, last_row: int) -> None:
    fit_row_heights(sheet, [sheet.column_dimensions[column_letter(name)].width for name in COLUMNS],
                    first_row=2, last_row=last_row)


def _decorate_translation(sheet: Any, last_row: int) -> None:
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.worksheet.datavalidation import DataValidation

    last_column = column_letter(COLUMNS[-1])
    # header row, ID and source stay in view while the reviewer scrolls to the right
    sheet.freeze_panes = f"{column_letter(COLUMNS[COLUMNS.index(FROZEN_AFTER) + 1])}2"
    sheet.auto_filter.ref = f"A1:{last_column}{max(last_row, 1)}"
    sheet.row_dimensions[1].height = 30
    status = column_letter("Status")
    validation = DataValidation(
        type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True, showDropDown=False,
        showErrorMessage=True, errorTitle="Status", error="Pick a status from the list: " + ", ".join(STATUSES) + ".",
        showInputMessage=True, promptTitle="Status", prompt="To review, Edited, Approved or Rejected",
    )
    sheet.add_data_validation(validation)
    if last_row >= 2:
        validation.add(f"{status}2:{status}{last_row}")
        qa, terms = column_letter("QA"), column_letter("Terms")
        # Segments with a QA flag or a missing term: the read-only cells turn salmon.
        sheet.conditional_formatting.add(
            f"A2:{column_letter('Machine translation (en)')}{last_row} {terms}2:{column_letter('Paragraph')}{last_row}",
            FormulaRule(formula=[f'OR(LEN(${qa}2)>0,ISNUMBER(SEARCH("(missing)",${terms}2)))'],
                        fill=_fill(_ATTENTION)))
        confidence = column_letter("Confidence")
        sheet.conditional_formatting.add(
            f"{confidence}2:{confidence}{last_row}",
            CellIsRule(operator="lessThan", formula=[str(confidence_percent(LOW_CONFIDENCE))],
                       fill=_fill(_LOW_CONFIDENCE_FILL)))
    set_print_layout(sheet)
    _protect(sheet)


def _protect(sheet: Any) -> None:
    """Protect without a password: it guards against accidents, not against intent."""
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = False  # False allows: filtering, sorting and resizing stay possible
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False


# --- the hidden sheet -----------------------------------------------------------------------------

def data_records(document: Document) -> list[tuple[str, str, dict[str, Any]]]:
    """What ``zhen review apply`` needs to rebuild the document: (record, id, payload) triples."""
    records: list[tuple[str, str, dict[str, Any]]] = [
        ("document", document.name, {"metadata": document.metadata, "encoding": document.encoding,
                                     "source_file": str(document.path)}),
    ]
    row = 1
    for paragraph in document.paragraphs:
        records.append(("paragraph", paragraph.id, {
            "kind": paragraph.kind, "markup": paragraph.markup, "source": paragraph.source,
            "lines": list(paragraph.lines), "block": paragraph.block, "joined_from": list(paragraph.joined_from),
            "segments": [segment.id for segment in paragraph.segments],
            **({"origin": paragraph.origin} if paragraph.origin else {}),
        }))
        for segment in paragraph.segments:
            row += 1
            records.append(("segment", segment.id, {
                "paragraph": paragraph.id, "row": row,
                "source_sha256": text_hash(safe_cell_text(segment.source)),
                "target_sha256": text_hash(safe_cell_text(segment.target)),
                "score": segment.score,
                "terms": [{**hit.to_json(), "avoid": list(hit.avoid), "accepted": list(hit.accepted)}
                          for hit in segment.terms],
            }))
    return records


def record_text(payload: dict[str, Any]) -> str:
    # json escapes control characters itself; U+FFFE/U+FFFF it does not, and XML cannot hold them.
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


def records_digest(rows: Sequence[tuple[str, str, str]]) -> str:
    """A checksum over the hidden records as written, so a damaged sheet is recognised."""
    digest = hashlib.sha256()
    for record, key, text in rows:
        digest.update(f"{record}\x1f{key}\x1f{text}\x1e".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _write_data(sheet: Any, document: Document) -> None:
    rows = [(record, safe_cell_text(key), record_text(payload)) for record, key, payload in data_records(document)]
    sheet.append([DATA_FORMAT, str(DATA_VERSION), records_digest(rows)])
    for record, key, text in rows:
        chunks = [text[start:start + CELL_CHUNK] for start in range(0, len(text), CELL_CHUNK)] or [""]
        sheet.append([record, key, *chunks])
    sheet.sheet_state = "hidden"
    _protect(sheet)


# --- the workbook ---------------------------------------------------------------------------------

def build_workbook(document: Document, glossary: Any = None) -> Any:
    """The reviewer workbook as an openpyxl ``Workbook`` (``glossary`` adds notes to the Glossary sheet)."""
    from openpyxl import Workbook

    workbook = Workbook()
    replaced = _write_translation(workbook.active, document)
    if replaced:
        logger.warning("%s: %d character(s) a spreadsheet cannot hold were replaced by U+FFFD in the workbook.",
                       document.name, replaced)
    write_glossary_sheet(workbook.create_sheet(GLOSSARY_SHEET), document, glossary)
    write_summary_sheet(workbook.create_sheet(SUMMARY_SHEET), document, replaced)
    for sheet in workbook.worksheets[1:]:
        _protect(sheet)
    _write_data(workbook.create_sheet(DATA_SHEET), document)
    workbook.active = 0
    properties = workbook.properties
    properties.title = f"{document.name}: review"
    properties.creator = "zhen"
    properties.keywords = DATA_FORMAT
    return workbook


def write_workbook(document: Document, target: Path, glossary: Any = None) -> Path:
    """Write the reviewer workbook atomically to ``target``."""
    workbook = build_workbook(document, glossary)
    with atomic_path(Path(target)) as temporary:
        workbook.save(temporary)
    return Path(target)
