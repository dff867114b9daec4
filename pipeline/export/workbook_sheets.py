"""The reference sheets of the reviewer workbook: ``Glossary`` (the terms of this document) and
``Summary`` (source, model, settings, glossary and counts: how the translation was made)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from pipeline import __version__
from pipeline.document import Document
from pipeline.export.cells import display_width, set_text

GLOSSARY_COLUMNS = ("Term (zh)", "Rendering (en)", "Forms in text", "Occurrences", "Applied", "Repaired",
                    "Missing", "Avoid", "Note", "Glossary status", "Segments")
SUMMARY_COLUMNS = ("Item", "Value")
_MAX_SEGMENT_IDS = 30  # the Segments cell lists this many ids, then a count


def _header(sheet: Any, names: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill(fill_type="solid", start_color="44546A", end_color="44546A")
        cell.alignment = Alignment(vertical="center")
    sheet.freeze_panes = "A2"


def _append(sheet: Any, values: Sequence[Any]) -> None:
    from openpyxl.styles import Alignment

    row = sheet.max_row + 1
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.value = value
        else:
            set_text(cell, "" if value is None else str(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _fit(sheet: Any, limits: Sequence[tuple[int, int]]) -> None:
    from openpyxl.utils import get_column_letter

    widths = []
    for column, (low, high) in enumerate(limits, start=1):
        width = max((display_width(str(cell.value)) for cell in next(sheet.iter_cols(
            min_col=column, max_col=column)) if cell.value is not None), default=0)
        widths.append(min(high, max(low, width + 2)))
        sheet.column_dimensions[get_column_letter(column)].width = widths[-1]
    fit_row_heights(sheet, widths, first_row=2, last_row=sheet.max_row)
    set_print_layout(sheet)


LINE_HEIGHT = 15  # points per line of the default 11-point font
MAX_ROW_HEIGHT = 409  # the most a spreadsheet row can be


def fit_row_heights(sheet: Any, widths: Sequence[float], first_row: int, last_row: int) -> None:
    """Set each row's height from its wrapped text, so no text runs over the next row.

    Spreadsheet programs measure only rows they wrote themselves; a file written here would
    otherwise show every row one line high, with wrapped text hidden or drawn over its neighbour.
    """
    for row in range(first_row, last_row + 1):
        lines = 1
        for column, width in enumerate(widths, start=1):
            value = sheet.cell(row=row, column=column).value
            if isinstance(value, str) and value:
                lines = max(lines, wrapped_lines(value, width))
        sheet.row_dimensions[row].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, wrapped."""
    room = max(1, int(width) - 1)
    return sum(max(1, -(-display_width(line) // room)) for line in text.split("\n"))


def set_print_layout(sheet: Any) -> None:
    """Print on landscape pages as wide as the sheet (scaled to fit), header row on every page,
    with gridlines: a printed review reads like the screen."""
    from openpyxl.worksheet.page import PageMargins

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5, header=0.3, footer=0.3)


def glossary_rows(document: Document, glossary: Any = None) -> list[list[Any]]:
    """One row per glossary term found in the document, in order of first occurrence."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for segment in document.segments:
        for hit in segment.terms:
            entry = found.setdefault((hit.zh, hit.en), {"forms": {}, "statuses": Counter(), "avoid": {},
                                                        "segments": {}})
            entry["forms"][hit.surface or hit.zh] = None
            entry["statuses"][hit.status] += 1
            entry["avoid"].update(dict.fromkeys(hit.avoid))
            entry["segments"][segment.id] = None
    rows = []
    for (zh, en), entry in found.items():
        known = glossary.lookup(zh) if glossary is not None else None
        segments = list(entry["segments"])
        listed = ", ".join(segments[:_MAX_SEGMENT_IDS])
        if len(segments) > _MAX_SEGMENT_IDS:
            listed += f" … ({len(segments) - _MAX_SEGMENT_IDS} more)"
        statuses = entry["statuses"]
        rows.append([zh, en, ", ".join(entry["forms"]), sum(statuses.values()), statuses["applied"] + statuses["accepted"],
                     statuses["repaired"], statuses["missing"], ", ".join(entry["avoid"]),
                     known.note if known else "", known.status if known else "", listed])
    return rows


def write_glossary_sheet(sheet: Any, document: Document, glossary: Any = None) -> None:
    _header(sheet, GLOSSARY_COLUMNS)
    rows = glossary_rows(document, glossary)
    for row in rows:
        _append(sheet, row)
    sheet.auto_filter.ref = f"A1:K{len(rows) + 1}"
    _fit(sheet, [(12, 30), (16, 40), (12, 30), (12, 12), (9, 9), (10, 10), (9, 9), (12, 40), (16, 60),
                 (16, 16), (12, 40)])


def summary_rows(document: Document, replaced: int = 0) -> list[tuple[str, Any]]:
    """(item, value) pairs: source, model, engine and settings, glossary, date, version, counts, command."""
    metadata = document.metadata
    glossary = metadata.get("glossary") or {}
    rows: list[tuple[str, Any]] = [
        ("Source file", metadata.get("source_file", str(document.path))),
        ("Source SHA-256", metadata.get("source_sha256", "")),
        ("Encoding", metadata.get("encoding", document.encoding)),
        ("Model", metadata.get("model", "")),
        ("Model identity", metadata.get("model_identity", "")),
        ("Engine", metadata.get("engine", "")),
        ("Device", metadata.get("device", "")),
    ]
    # Runs recorded before these were reported have no such keys, and show no such rows.
    rows += [(item, metadata[key]) for item, key in (("Compute type", "compute_type"), ("Workers", "workers"))
             if metadata.get(key) is not None]
    rows += [(f"Setting: {key}", "none" if value is None else str(value))
             for key, value in (metadata.get("settings") or {}).items()]
    rows += [
        ("Glossary", glossary.get("name", "")),
        ("Glossary file or folder", glossary.get("path", "")),
        ("Glossary version", glossary.get("version", "")),
        ("Glossary SHA-256", glossary.get("sha256", "")),
        ("Glossary entries", glossary.get("entries", "")),
        ("Date", metadata.get("date", "")),
        ("zhen version", metadata.get("zhen_version", __version__)),
        ("Paragraphs", len(document.paragraphs)),
        ("Segments", len(document.segments)),
    ]
    terms = Counter(hit.status for segment in document.segments for hit in segment.terms)
    terms["applied"] += terms["accepted"]  # an accepted alternative in a person's translation
    rows += [(f"Terms {status}", terms.get(status, 0)) for status in ("applied", "repaired", "missing")]
    flags = Counter(flag.check for segment in document.segments for flag in segment.flags)
    flags.update(flag.check for paragraph in document.paragraphs for flag in paragraph.flags)
    rows.append(("QA flags", sum(flags.values())))
    rows += [(f"QA flags: {check}", count) for check, count in sorted(flags.items())]
    rows.append(("Characters replaced (not allowed in a spreadsheet)", replaced))
    rows.append(("Command", metadata.get("command", "")))
    return rows


def write_summary_sheet(sheet: Any, document: Document, replaced: int = 0) -> None:
    _header(sheet, SUMMARY_COLUMNS)
    for item, value in summary_rows(document, replaced):
        _append(sheet, [item, value])
    _fit(sheet, [(18, 40), (20, 90)])
