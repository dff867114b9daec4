"""The reviewer workbook, opened with openpyxl: sheets, columns, layout, validation, protection, escaping."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from conftest import REPO

from pipeline.document import Document, Flag, Paragraph, Segment, TermHit
from pipeline.export.workbook import (
    CELL_CHUNK, COLUMNS, DATA_SHEET, EDITABLE_COLUMNS, LOW_CONFIDENCE, STATUSES, column_letter, write_workbook,
)
from pipeline.glossary.model import Glossary, GlossaryEntry

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = os.environ.get("ZHEN_UPDATE_GOLDEN") == "1"


def handmade_document() -> Document:
    """A small document built by hand (stable, unlike the random test model) with every kind of row."""
    def segment(id_: str, source: str, target: str, terms: list[TermHit] | None = None,
                flags: list[Flag] | None = None, score: float | None = -0.25) -> Segment:
        return Segment(id=id_, source=source, parts=[source], part_targets=[target], target=target,
                       terms=terms or [], flags=flags or [], score=score)

    paragraphs = [
        Paragraph("p1", "title", "八项行动奠定良好开局", segments=[
            segment("p1.s1", "八项行动奠定良好开局", "Eight Major Steps make a good start",
                    [TermHit("八项行动", "Eight Major Steps", 0, 4, "applied", "八项行动")])]),
        Paragraph("p2", "heading", "“小而美”项目", markup="## ", segments=[
            segment("p2.s1", "“小而美”项目", "small yet smart projects",
                    [TermHit("小而美", "small yet smart", 1, 4, "applied", "小而美")])]),
        Paragraph("p3", "body", "“小而美”项目卓有成效。鲁班工坊落地扎根。", segments=[
            segment("p3.s1", "“小而美”项目卓有成效。", "Small and beautiful projects work.",
                    [TermHit("小而美", "small yet smart", 1, 4, "missing", "小而美", ("small and beautiful",))],
                    [Flag("term-missing", "error", "Glossary term 小而美 must be rendered as “small yet smart”.")],
                    score=-1.7),
            segment("p3.s2", "鲁班工坊落地扎根。", "Luban Workshop takes root.",
                    [TermHit("鲁班工坊", "Luban Workshop", 0, 4, "repaired", "鲁班工坊")])]),
        Paragraph("p4", "caption", "图为鲁班工坊。", joined_from=[60, 38], joined_lines=[61, 39], segments=[
            segment("p4.s1", "图为鲁班工坊。", "The picture shows a Luban Workshop.",
                    [TermHit("鲁班工坊", "Luban Workshop", 2, 6, "applied", "鲁班工坊")], score=None)]),
        Paragraph("p5", "body", "=1+1 是公式吗？-2 @user +3", segments=[
            segment("p5.s1", "=1+1 是公式吗？", "=SUM(A1:A9) is it a formula?"),
            segment("p5.s2", "-2 @user +3", "@user -2 +3\x07bell")]),
        Paragraph("p6", "code", "```\nprint('不翻译')\n```"),
        Paragraph("p7", "list_item", "丝路海运发展。", markup="- ", segments=[
            segment("p7.s1", "丝路海运发展。", "Silk Road Maritime develops.")]),
    ]
    metadata = {
        "source_file": "handmade.zh.txt", "source_sha256": "a" * 64, "encoding": "utf-8",
        "model": "Helsinki-NLP/opus-mt-zh-en", "model_identity": "hub:opus-mt-zh-en:0123", "engine": "transformers",
        "device": "cpu", "settings": {"beams": 4, "batch_size": 16, "max_batch_tokens": None, "constraints": "hard",
                                      "max_segment_tokens": 200, "repair_layout": True},
        "glossary": {"name": "belt_and_road", "version": "1.0", "sha256": "b" * 64, "entries": 3},
        "date": "2024-05-01T12:00:00+00:00", "zhen_version": "0.1.0",
        "command": "zhen translate handmade.zh.txt", "counts": {}, "seconds": 1.0,
    }
    return Document(path=Path("handmade.zh.txt"), text="", paragraphs=paragraphs, metadata=metadata)


def handmade_glossary() -> Glossary:
    return Glossary([
        GlossaryEntry("八项行动", "Eight Major Steps", note="The 2023 announcement."),
        GlossaryEntry("小而美", "small yet smart", avoid=("small and beautiful",), note="Lower case mid-sentence."),
        GlossaryEntry("鲁班工坊", "Luban Workshop", status="approved"),
    ], name="belt_and_road", version="1.0")


@pytest.fixture()
def workbook_path(tmp_path: Path) -> Path:
    return write_workbook(handmade_document(), tmp_path / "handmade.xlsx", handmade_glossary())


@pytest.fixture()
def workbook(workbook_path: Path) -> Any:
    return load_workbook(workbook_path)


def data_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


# --- structure ------------------------------------------------------------------------------------

def test_sheets_and_columns(workbook: Any) -> None:
    assert workbook.sheetnames == ["Translation", "Glossary", "Summary", DATA_SHEET]
    assert [sheet.sheet_state for sheet in workbook.worksheets] == ["visible", "visible", "visible", "hidden"]
    assert workbook.active.title == "Translation"
    sheet = workbook["Translation"]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    # source, machine translation and the cell a reviewer types in side by side
    assert list(COLUMNS) == ["ID", "Source (zh)", "Machine translation (en)", "Reviewed translation (en)", "Status",
                             "Comment", "Terms", "QA", "Type", "Paragraph", "Confidence"]


def test_one_row_per_segment_in_order(workbook: Any) -> None:
    rows = data_rows(workbook["Translation"])
    assert [row[0] for row in rows] == [s.id for s in handmade_document().segments]
    assert all(row[COLUMNS.index("Status")] == "To review" for row in rows)
    assert all(row[COLUMNS.index("Reviewed translation (en)")] in (None, "") for row in rows)
    assert all(row[COLUMNS.index("Comment")] in (None, "") for row in rows)
    assert "p6" not in {row[COLUMNS.index("Paragraph")] for row in rows}  # code is not translated: no row


def test_row_contents_terms_qa_type_confidence(workbook: Any) -> None:
    rows = {row[0]: dict(zip(COLUMNS, row)) for row in data_rows(workbook["Translation"])}
    assert rows["p2.s1"]["Terms"] == "小而美 → small yet smart (applied)"
    assert rows["p3.s1"]["Terms"] == "小而美 → small yet smart (missing)"
    assert rows["p3.s1"]["QA"].startswith("[error] term-missing: ")
    assert rows["p3.s2"]["Terms"] == "鲁班工坊 → Luban Workshop (repaired)"
    assert rows["p4.s1"]["Type"] == "caption, rejoined from lines 61 and 39"
    assert rows["p7.s1"]["Type"] == "list item"
    assert rows["p2.s1"]["Type"] == "heading"
    assert rows["p3.s1"]["Confidence"] == 18  # 100 × e^-1.7: the geometric mean probability per piece
    assert rows["p3.s2"]["Confidence"] == 78  # 100 × e^-0.25
    assert rows["p4.s1"]["Confidence"] is None


@pytest.mark.parametrize(("joined_from", "joined_lines", "expected"), [
    ([], [], "body"),
    ([60, 38], [61, 39], "body, rejoined from lines 61 and 39"),
    ([3, 4, 9], [7, 9, 20], "body, rejoined from lines 7, 9 and 20"),
    ([9, 15], [], "body, rejoined from blocks 10 and 16"),  # a record without line numbers
])
def test_type_in_words(joined_from: list[int], joined_lines: list[int], expected: str) -> None:
    from pipeline.export.workbook import type_text

    assert type_text(Paragraph("p1", "body", "正文。", joined_from=joined_from, joined_lines=joined_lines)) == expected


def test_frozen_after_source_autofilter_wrap_widths(workbook: Any) -> None:
    sheet = workbook["Translation"]
    assert sheet.freeze_panes == "C2"  # header row, ID and source stay in view
    last = len(handmade_document().segments) + 1
    assert sheet.auto_filter.ref == f"A1:{column_letter(COLUMNS[-1])}{last}"
    assert all(cell.alignment.wrap_text for cell in sheet[2][:10])
    widths = {name: sheet.column_dimensions[column_letter(name)].width for name in COLUMNS}
    assert 8 <= widths["ID"] <= 12 and 24 <= widths["Source (zh)"] <= 50
    assert widths["Reviewed translation (en)"] >= 30
    assert all(sheet.row_dimensions[row].height >= 15 for row in range(2, last + 1))


def test_status_drop_down(workbook: Any) -> None:
    sheet = workbook["Translation"]
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    validation = validations[0]
    assert validation.type == "list"
    assert validation.formula1 == '"' + ",".join(STATUSES) + '"'
    assert STATUSES == ("To review", "Edited", "Approved", "Rejected")
    status = column_letter("Status")
    assert str(validation.sqref) == f"{status}2:{status}{len(handmade_document().segments) + 1}"
    assert validation.showErrorMessage


def test_protection_leaves_only_review_columns_editable(workbook: Any) -> None:
    sheet = workbook["Translation"]
    assert sheet.protection.sheet and not sheet.protection.password
    assert sheet.protection.autoFilter is False  # filtering stays allowed
    for row in sheet.iter_rows(min_row=2):
        for name, cell in zip(COLUMNS, row):
            assert cell.protection.locked == (name not in EDITABLE_COLUMNS), (name, cell.coordinate)
            if name in ("Reviewed translation (en)", "Comment"):
                assert cell.number_format == "@"  # typed text is never taken for a formula
    for name in ("Glossary", "Summary", DATA_SHEET):
        assert workbook[name].protection.sheet


def test_editable_columns_and_paragraphs_look_different(workbook: Any) -> None:
    sheet = workbook["Translation"]
    fill = {name: sheet[1][COLUMNS.index(name)].fill.fgColor.rgb for name in COLUMNS}
    assert fill["Reviewed translation (en)"] == fill["Status"] == fill["Comment"] != fill["Source (zh)"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    source = COLUMNS.index("Source (zh)")
    review = COLUMNS.index("Reviewed translation (en)")
    # p1 and p2 are neighbouring paragraphs: one is shaded, the other not
    assert rows["p1.s1"][source].fill.fgColor.rgb != rows["p2.s1"][source].fill.fgColor.rgb
    # rows of one paragraph share the shading; the first row of each paragraph has a top border
    assert rows["p3.s1"][source].fill.fgColor.rgb == rows["p3.s2"][source].fill.fgColor.rgb
    assert rows["p3.s1"][source].border.top.style == "thin"
    assert rows["p3.s2"][source].border.top is None or rows["p3.s2"][source].border.top.style is None
    assert rows["p1.s1"][review].fill.fgColor.rgb not in (rows["p1.s1"][source].fill.fgColor.rgb, "00000000")


def test_conditional_formatting_flags_and_low_confidence(workbook: Any) -> None:
    sheet = workbook["Translation"]
    rules = {str(entry.sqref): [rule for rule in entry.rules] for entry in sheet.conditional_formatting}
    last = len(handmade_document().segments) + 1
    attention = rules[f"A2:C{last} G2:J{last}"]  # the read-only cells
    assert attention[0].type == "expression"
    assert "$H2" in attention[0].formula[0] and "$G2" in attention[0].formula[0]
    assert "(missing)" in attention[0].formula[0]
    confidence = rules[f"{column_letter('Confidence')}2:{column_letter('Confidence')}{last}"]
    assert LOW_CONFIDENCE == -1.0
    assert confidence[0].operator == "lessThan" and confidence[0].formula == ["37"]


# --- cell text ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("segment_id", "column", "expected"), [
    ("p5.s1", "Source (zh)", "=1+1 是公式吗？"),
    ("p5.s1", "Machine translation (en)", "=SUM(A1:A9) is it a formula?"),
    ("p5.s2", "Source (zh)", "-2 @user +3"),
    ("p5.s2", "Machine translation (en)", "@user -2 +3\ufffdbell"),
])
def test_formula_like_text_is_stored_as_text(workbook_path: Path, segment_id: str, column: str, expected: str) -> None:
    sheet = load_workbook(workbook_path)["Translation"]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == segment_id)
    cell = row[COLUMNS.index(column)]
    assert cell.value == expected
    assert cell.data_type == "s"
    with zipfile.ZipFile(workbook_path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_characters_xml_cannot_hold_are_replaced_and_reported(workbook: Any) -> None:
    summary = dict(data_rows(workbook["Summary"]))
    assert summary["Characters replaced (not allowed in a spreadsheet)"] == 1


def test_long_code_block_spans_cells_of_the_hidden_sheet(tmp_path: Path) -> None:
    from pipeline.review.workbook import open_workbook, read_data_sheet

    document = handmade_document()
    code = "```\n" + "x = 1  # 不翻译\n" * (CELL_CHUNK // 10) + "```"
    document.paragraphs[5].source = code
    path = write_workbook(document, tmp_path / "long.xlsx")
    workbook = open_workbook(path)
    _, paragraphs, segments = read_data_sheet(workbook, path)
    workbook.close()
    assert dict(paragraphs)["p6"]["source"] == code
    assert list(segments) == [segment.id for segment in document.segments]


# --- Glossary and Summary sheets ------------------------------------------------------------------

def test_glossary_sheet_lists_the_terms_of_this_document(workbook: Any) -> None:
    sheet = workbook["Glossary"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: dict(zip(header, row)) for row in data_rows(sheet)}
    assert set(rows) == {"八项行动", "小而美", "鲁班工坊"}
    assert rows["小而美"]["Occurrences"] == 2 and rows["小而美"]["Applied"] == 1 and rows["小而美"]["Missing"] == 1
    assert rows["小而美"]["Note"] == "Lower case mid-sentence."
    assert rows["小而美"]["Avoid"] == "small and beautiful"
    assert rows["鲁班工坊"]["Repaired"] == 1 and rows["鲁班工坊"]["Segments"] == "p3.s2, p4.s1"
    assert sheet.freeze_panes == "A2"


def test_summary_sheet_says_how_it_was_made(workbook: Any) -> None:
    summary = dict(data_rows(workbook["Summary"]))
    assert summary["Source file"] == "handmade.zh.txt"
    assert summary["Source SHA-256"] == "a" * 64
    assert summary["Model"] == "Helsinki-NLP/opus-mt-zh-en" and summary["Engine"] == "transformers"
    assert summary["Setting: beams"] == "4" and summary["Setting: constraints"] == "hard"
    assert (summary["Glossary"], summary["Glossary version"], summary["Glossary SHA-256"]) == (
        "belt_and_road", "1.0", "b" * 64)
    assert summary["Date"] == "2024-05-01T12:00:00+00:00" and summary["zhen version"] == "0.1.0"
    assert (summary["Paragraphs"], summary["Segments"]) == (7, 8)
    assert (summary["Terms applied"], summary["Terms repaired"], summary["Terms missing"]) == (3, 1, 1)
    assert summary["QA flags: term-missing"] == 1
    assert summary["Command"] == "zhen translate handmade.zh.txt"


# --- golden ---------------------------------------------------------------------------------------

def normalised_cells(path: Path) -> dict[str, list[list[Any]]]:
    """Every cell value of the visible sheets, with dates, versions and hashes made stable."""
    workbook = load_workbook(path)
    cells: dict[str, list[list[Any]]] = {}
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            cells[sheet.title] = [[row[0], row[1]] for row in sheet.iter_rows(min_row=2, values_only=True)]
            continue
        cells[sheet.title] = [list(row) for row in sheet.iter_rows(values_only=True)]
    for row in cells["Summary"]:
        if row[0] in ("Date", "zhen version") or "SHA-256" in str(row[0]):
            row[1] = f"<{row[0]}>"
    return cells


def golden_text(cells: dict[str, list[list[Any]]]) -> str:
    """One row per line, so a change shows as a readable diff."""
    sheets = [f"  {json.dumps(name)}: [\n" + ",\n".join(f"    {json.dumps(row, ensure_ascii=False)}" for row in rows)
              + "\n  ]" for name, rows in cells.items()]
    return "{\n" + ",\n".join(sheets) + "\n}\n"


def test_golden_workbook_cell_values(workbook_path: Path) -> None:
    """Regenerate with ZHEN_UPDATE_GOLDEN=1 after an intended change, and review the diff."""
    golden = GOLDEN / "handmade.workbook.json"
    actual = normalised_cells(workbook_path)
    if UPDATE_GOLDEN:
        golden.write_text(golden_text(actual), encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


def test_end_to_end_workbook_opens_with_all_sheets(sample_file: Path, tiny_model: Path, tmp_path: Path) -> None:
    from pipeline.cli import main

    assert main(["translate", str(sample_file), "--out", str(tmp_path), "--model", str(tiny_model),
                 "--engine", "transformers", "--quiet", "--no-cache", "--glossary", str(REPO / "glossary")]) == 0
    workbook = load_workbook(tmp_path / "sample.xlsx")
    assert workbook.sheetnames == ["Translation", "Glossary", "Summary", DATA_SHEET]
    summary = dict(data_rows(workbook["Summary"]))
    assert summary["Engine"] == "transformers" and len(summary["Source SHA-256"]) == 64
    rows = data_rows(workbook["Translation"])
    assert all(0 <= row[COLUMNS.index("Confidence")] <= 100 for row in rows)


# --- working across the sheet and printing it -----------------------------------------------------

@pytest.mark.parametrize("name", ["Translation", "Glossary", "Summary"])
def test_print_setup_landscape_fit_to_width_header_repeated_gridlines(workbook_path: Path, name: str) -> None:
    sheet = load_workbook(workbook_path)[name]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.print_options.gridLines is True


@pytest.mark.parametrize("name", ["Translation", "Glossary", "Summary"])
def test_every_row_has_a_height_for_its_wrapped_text(workbook_path: Path, name: str) -> None:
    from pipeline.export.workbook_sheets import wrapped_lines

    sheet = load_workbook(workbook_path)[name]
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        height = sheet.row_dimensions[row[0].row].height
        needed = max((wrapped_lines(cell.value, width) for cell, width in zip(row, widths)
                      if isinstance(cell.value, str) and cell.value), default=1)
        assert height is not None and height >= min(409, 15 * needed), (name, row[0].row)


def test_confidence_header_explains_the_figure(workbook: Any) -> None:
    note = workbook["Translation"][1][COLUMNS.index("Confidence")].comment.text
    assert "0 to 100" in note and "raw score" in note


def test_aligned_document_calls_the_english_a_translation(workbook_path: Path, tmp_path: Path) -> None:
    document = handmade_document()
    document.metadata["alignment"] = []
    target = write_workbook(document, tmp_path / "aligned.xlsx")
    header = [cell.value for cell in load_workbook(target)["Translation"][1]]
    assert header[COLUMNS.index("Machine translation (en)")] == "Translation (en)"
    assert "Machine translation (en)" not in header


def test_the_summary_sheet_names_the_glossary_file(tmp_path: Path) -> None:
    document = handmade_document()
    document.metadata["glossary"]["path"] = "glossary"
    summary = dict(data_rows(load_workbook(write_workbook(document, tmp_path / "g.xlsx"))["Summary"]))
    assert summary["Glossary file or folder"] == "glossary" and summary["Glossary entries"] == 3


def test_the_printed_translation_sheet_fits_one_landscape_page_width(workbook_path: Path, tmp_path: Path) -> None:
    """LibreOffice prints the workbook to PDF: landscape pages, every column's header on the first."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    pdfplumber = pytest.importorskip("pdfplumber")
    from openpyxl import load_workbook as load

    # only the Translation sheet, so the PDF's first pages are its pages
    book = load(workbook_path)
    for name in ("Glossary", "Summary", DATA_SHEET):
        del book[name]
    single = tmp_path / "translation.xlsx"
    book.save(single)
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(single)], check=True, capture_output=True, timeout=180)
    with pdfplumber.open(tmp_path / "translation.pdf") as pdf:
        first = pdf.pages[0]
        assert first.width > first.height  # landscape
        words = first.extract_text()
        for name in COLUMNS:  # every column's header on the page width
            assert name.split(" (")[0] in words.replace("\n", " "), name
        assert all(page.width > page.height for page in pdf.pages)
