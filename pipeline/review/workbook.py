"""Read a reviewed workbook back, safely, and check it still belongs to the run that wrote it.

The workbook comes from outside: it is checked to be a real, reasonably sized xlsx before openpyxl
sees it; only the expected sheets and columns are read, cell values as text, and formulas are never
evaluated. Rows are matched to the run by segment ID using the hidden ``_zhen`` sheet the workbook
was written with. Every problem found is reported at once, with its sheet, row and column.
"""

from __future__ import annotations

import datetime as _dt
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ReviewError
from pipeline.export.workbook import ALIGNED_TRANSLATION, DATA_FORMAT, DATA_SHEET, DATA_VERSION, INITIAL_STATUS, STATUSES, TRANSLATION_SHEET, column_letter, records_digest
from pipeline.export.cells import text_hash

MAX_WORKBOOK_BYTES = 64 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # a zip bomb expands far beyond this
MAX_MEMBER_RATIO = 200  # compression ratio of a single member beyond which it is not a spreadsheet
MAX_MEMBERS = 5_000
MAX_ROWS = 200_000
MAX_PROBLEMS_SHOWN = 50
_PROLOGUE_BYTES = 4096
# The columns a review is read from, found by their header wherever they stand, so a workbook
# written with another column order (an older zhen, or columns a reviewer moved) still applies.
READ_COLUMNS = ("ID", "Paragraph", "Source (zh)", "Machine translation (en)", "Reviewed translation (en)",
                "Status", "Comment")
_HEADER_ALIASES = {ALIGNED_TRANSLATION: "Machine translation (en)"}  # align's name for the English


@dataclass
class ReviewedRow:
    """What the reviewer left in one row of the Translation sheet."""

    row: int
    id: str
    paragraph: str
    source: str
    machine: str
    reviewed: str
    status: str
    comment: str
    # where each read column stands in this workbook: name → (column letter, header as written)
    columns: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class ReviewedWorkbook:
    """A reviewed workbook that passed every check: the run's records and the reviewer's rows."""

    path: Path
    name: str
    document: dict[str, Any]
    paragraphs: list[tuple[str, dict[str, Any]]]
    segments: dict[str, dict[str, Any]]
    rows: dict[str, ReviewedRow] = field(default_factory=dict)


def refusal(path: Path, problems: list[str], what: str = "workbook") -> ReviewError:
    """One error listing every problem (the first ``MAX_PROBLEMS_SHOWN``) of a reviewed file."""
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > len(shown):
        shown.append(f"… and {len(problems) - len(shown)} more")
    return ReviewError(f"{path}: the reviewed {what} cannot be applied; nothing was written.\n"
                       + "\n".join(f"  {problem}" for problem in shown))


def _fail(path: Path, problems: list[str]) -> ReviewError:
    return refusal(path, problems)


def check_file(path: Path, limit: int, what: str) -> None:
    """Refuse a reviewed file that is missing or too large before anything reads it."""
    if not path.is_file():
        raise ReviewError(f"{path}: no such file.")
    size = path.stat().st_size
    if size > limit:
        raise ReviewError(f"{path}: {size:,} bytes is over the {limit:,}-byte limit for {what}.")


def check_container(path: Path) -> None:
    """Refuse anything that is not a plain xlsx of sane size before a parser sees it."""
    path = Path(path)
    check_file(path, MAX_WORKBOOK_BYTES, "a workbook")
    if not zipfile.is_zipfile(path):
        raise ReviewError(f"{path}: not an xlsx workbook (an xlsx file is a zip archive). If it is "
                          f"password-protected, save it again without a password; if it is .xls or .ods, "
                          f"save it as Excel Workbook (.xlsx).")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise ReviewError(f"{path}: a zip archive but not an xlsx workbook (no xl/workbook.xml).")
            if len(members) > MAX_MEMBERS:
                raise ReviewError(f"{path}: {len(members):,} parts is too many for a workbook.")
            total = sum(member.file_size for member in members)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise ReviewError(f"{path}: expands to {total:,} bytes, over the "
                                  f"{MAX_UNCOMPRESSED_BYTES:,}-byte limit; it is not a plain workbook.")
            for member in members:
                if member.file_size > 1_000_000 and member.file_size > MAX_MEMBER_RATIO * max(1, member.compress_size):
                    raise ReviewError(f"{path}: {member.filename} is compressed {member.file_size // max(1, member.compress_size)}:1, "
                                      f"far beyond any spreadsheet; refusing to open it.")
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as handle:
                        prologue = handle.read(_PROLOGUE_BYTES)
                    if b"<!DOCTYPE" in prologue or b"<!ENTITY" in prologue:
                        raise ReviewError(f"{path}: {member.filename} declares a DTD, which no spreadsheet "
                                          f"program writes; refusing to open it.")
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise ReviewError(f"{path}: a damaged xlsx archive ({error}).") from None


def open_workbook(path: Path) -> Any:
    """The workbook in openpyxl's streaming, read-only mode, after ``check_container``."""
    check_container(path)
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ReviewError(f"{path}: cannot be read as an xlsx workbook ({type(error).__name__}: {error}).") from None


def cell_text(value: Any) -> str:
    """A cell's value as the text a reviewer sees (numbers and dates a spreadsheet may have converted)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _where(row: int, name: str, columns: dict[str, tuple[str, str]] | None = None) -> str:
    letter, header = (columns or {}).get(name) or (column_letter(name), name)
    return f"sheet {TRANSLATION_SHEET}, row {row}, column {letter} ({header})"


def read_data_sheet(workbook: Any, path: Path) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]],
                                                        dict[str, dict[str, Any]]]:
    """The run's records from the hidden sheet: document, paragraphs in order, segments by id."""
    if DATA_SHEET not in workbook.sheetnames:
        raise _fail(path, [f"the hidden sheet {DATA_SHEET} is missing: this workbook was not written by "
                           f"zhen translate, or a program dropped its hidden sheet. Review in the original "
                           f"workbook, or translate again."])
    damaged = f"the hidden sheet {DATA_SHEET} is damaged"
    rows = []
    header: tuple[Any, ...] = ()
    for number, values in enumerate(workbook[DATA_SHEET].iter_rows(values_only=True), start=1):
        if number > 3 * MAX_ROWS:
            raise _fail(path, [f"{damaged}: too many rows."])
        if number == 1:
            header = tuple(values)
            continue
        if not values or values[0] is None:
            continue
        cells = [cell_text(value) for value in values]
        rows.append((cells[0], cells[1], "".join(cells[2:])))
    if len(header) < 3 or header[0] != DATA_FORMAT:
        raise _fail(path, [f"{damaged}: it does not start with {DATA_FORMAT}."])
    if str(header[1]) != str(DATA_VERSION):
        raise _fail(path, [f"the hidden sheet {DATA_SHEET} is format {header[1]}; this version of zhen "
                           f"reads format {DATA_VERSION}. Use the zhen version that wrote the workbook."])
    if records_digest(rows) != header[2]:
        raise _fail(path, [f"{damaged}: its checksum does not match (it was edited). Review in the "
                           f"original workbook, or translate again."])
    return parse_records(rows, path, damaged)


RunRecords = tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], dict[str, dict[str, Any]]]


def parse_records(rows: list[tuple[str, str, str]], path: Path, damaged: str) -> RunRecords:
    """The run's records (``(kind, key, JSON)`` rows, checksum already verified): the document,
    the paragraphs in order and the segments by id, as the workbook and the XLIFF file carry them."""
    document: dict[str, Any] = {}
    paragraphs: list[tuple[str, dict[str, Any]]] = []
    segments: dict[str, dict[str, Any]] = {}
    try:
        for record, key, text in rows:
            payload = json.loads(text)
            if record == "document":
                document = {"name": key, **payload}
            elif record == "paragraph":
                paragraphs.append((key, payload))
            elif record == "segment":
                segments[key] = payload
    except json.JSONDecodeError as error:
        raise _fail(path, [f"{damaged}: {error}."]) from None
    return document, paragraphs, segments


def header_columns(header: tuple[Any, ...], problems: list[str]) -> dict[str, int]:
    """Where each column of ``READ_COLUMNS`` stands (0-based), found by its header text.

    A missing or repeated header is added to ``problems``.
    """
    from openpyxl.utils import get_column_letter

    found: dict[str, int] = {}
    for index, value in enumerate(header):
        text = cell_text(value).strip()
        name = _HEADER_ALIASES.get(text, text)
        if name not in READ_COLUMNS:
            continue
        if name in found:
            problems.append(f"sheet {TRANSLATION_SHEET}, row 1: the column {text!r} appears twice (columns "
                            f"{get_column_letter(found[name] + 1)} and {get_column_letter(index + 1)}); delete the copy")
            continue
        found[name] = index
    for name in READ_COLUMNS:
        if name not in found:
            problems.append(f"sheet {TRANSLATION_SHEET}, row 1: no column headed {name!r} (columns may be "
                            f"moved, but not renamed or deleted)")
    return found


def _read_row(number: int, cells: tuple[Any, ...], positions: dict[str, int],
              columns: dict[str, tuple[str, str]], problems: list[str]) -> ReviewedRow | None:
    values: dict[str, str] = {}
    for name, index in positions.items():
        cell = cells[index] if index < len(cells) else None
        if getattr(cell, "data_type", None) == "f":
            problems.append(f"{_where(number, name, columns)}: holds a formula ({cell.value}); formulas are not "  # type: ignore[union-attr]
                            f"evaluated, type the text itself")
            values[name] = ""
        else:
            values[name] = cell_text(getattr(cell, "value", None))
    if not any(value.strip() for value in values.values()):
        return None  # an empty row (a cleared row, or formatting that reaches further down)
    status = values.get("Status", "").strip()
    canonical = {known.casefold(): known for known in STATUSES}
    if not status:
        status = INITIAL_STATUS
    elif status.casefold() in canonical:
        status = canonical[status.casefold()]
    else:
        problems.append(f"{_where(number, 'Status', columns)}: {status!r} is not a status; use one of {', '.join(STATUSES)}")
    return ReviewedRow(number, values.get("ID", "").strip(), values.get("Paragraph", "").strip(),
                       values.get("Source (zh)", ""), values.get("Machine translation (en)", ""),
                       values.get("Reviewed translation (en)", "").strip(), status,
                       values.get("Comment", "").strip(), columns)


def read_translation_rows(workbook: Any, path: Path, problems: list[str]) -> list[ReviewedRow]:
    """The reviewer's rows, as text; header and cell problems are added to ``problems``."""
    if TRANSLATION_SHEET not in workbook.sheetnames:
        raise _fail(path, [f"the sheet {TRANSLATION_SHEET} is missing (found: {', '.join(workbook.sheetnames)})"])
    from openpyxl.utils import get_column_letter

    rows = []
    sheet = workbook[TRANSLATION_SHEET]
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    positions = header_columns(tuple(header), problems)
    if problems:
        raise _fail(path, problems)
    columns = {name: (get_column_letter(index + 1), cell_text(header[index]).strip())
               for name, index in positions.items()}
    for number, cells in enumerate(sheet.iter_rows(max_col=max(positions.values()) + 1), start=1):
        if number > MAX_ROWS + 1:
            raise _fail(path, [f"sheet {TRANSLATION_SHEET} has more than {MAX_ROWS:,} rows"])
        if number == 1:
            continue
        row = _read_row(number, tuple(cells), positions, columns, problems)
        if row is not None:
            rows.append(row)
    return rows


def match_rows(rows: list[ReviewedRow], segments: dict[str, dict[str, Any]], problems: list[str]) -> dict[str, ReviewedRow]:
    """Match rows to the run's segments by ID; every mismatch becomes a problem."""
    matched: dict[str, ReviewedRow] = {}
    for row in rows:
        if not row.id:
            problems.append(f"{_where(row.row, 'ID', row.columns)}: the ID is empty (rows must not be added or their ID cleared)")
            continue
        record = segments.get(row.id)
        if record is None:
            problems.append(f"{_where(row.row, 'ID', row.columns)}: unknown segment ID {row.id!r} (not in this run)")
            continue
        if row.id in matched:
            problems.append(f"{_where(row.row, 'ID', row.columns)}: segment {row.id} appears twice (also row "
                            f"{matched[row.id].row}); delete the copy")
            continue
        matched[row.id] = row
        if row.paragraph != record["paragraph"]:
            problems.append(f"{_where(row.row, 'Paragraph', row.columns)}: was {record['paragraph']!r}, now {row.paragraph!r}")
        if text_hash(row.source) != record["source_sha256"]:
            problems.append(f"{_where(row.row, 'Source (zh)', row.columns)}: the source text of {row.id} was changed; "
                            f"restore it (the source is not editable)")
        if text_hash(row.machine) != record["target_sha256"]:
            problems.append(f"{_where(row.row, 'Machine translation (en)', row.columns)}: the machine translation of {row.id} "
                            f"was changed; restore it and put your wording in column "
                            f"{row.columns.get('Reviewed translation (en)', (column_letter('Reviewed translation (en)'),))[0]} "
                            f"(Reviewed translation)")
    for segment_id, record in segments.items():
        if segment_id not in matched and not any(row.id == segment_id for row in rows):
            problems.append(f"sheet {TRANSLATION_SHEET}: the row of segment {segment_id} (originally row "
                            f"{record.get('row', '?')}) is missing; it was deleted or its ID changed")
    return matched


def read_reviewed_workbook(path: Path) -> ReviewedWorkbook:
    """Read and check a reviewed workbook; raise ``ReviewError`` listing every problem found."""
    path = Path(path)
    workbook = open_workbook(path)
    try:
        document, paragraphs, segments = read_data_sheet(workbook, path)
        problems: list[str] = []
        rows = read_translation_rows(workbook, path, problems)
        matched = match_rows(rows, segments, problems)
    finally:
        workbook.close()
    if problems:
        raise _fail(path, problems)
    return ReviewedWorkbook(path, str(document.get("name") or path.stem), document, paragraphs, segments, matched)
