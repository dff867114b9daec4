"""``zhen review apply``: a translator's edits come back as final Markdown and a TMX; tampering is refused."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.export.tmx import TmxUnit, tmx_date, tmx_document
from pipeline.export.workbook import COLUMNS, DATA_SHEET, write_workbook
from pipeline.outputs import backup_reviewed_workbook, workbook_has_reviewer_edits
from pipeline.export.cells import set_text
from pipeline.review.workbook import cell_text
from test_workbook import handmade_document

TEST_GLOSSARY = """\
name: review-test
version: "1"
entries:
  - zh: 小而美
    en: small yet smart
    avoid: [small and beautiful]
  - zh: 鲁班工坊
    en: Luban Workshop
"""
COLUMN = {name: index for index, name in enumerate(COLUMNS)}


def apply(*args: str) -> int:
    return main(["review", "apply", *args])


def rows_by_source(sheet: Any) -> dict[str, tuple[Any, ...]]:
    return {row[COLUMN["Source (zh)"]].value: row for row in sheet.iter_rows(min_row=2)}


def read_tmx(path: Path) -> list[Any]:
    from translate.storage import tmx

    return tmx.tmxfile.parsefile(str(path)).units


def properties(unit: Any) -> dict[str, str]:
    return {prop.get("type"): prop.text for prop in unit.xmlelement.iter("prop")}


# --- the round trip on a real run -----------------------------------------------------------------

def translate_sample(sample_file: Path, tiny_model: Path, tmp_path: Path, *extra: str) -> tuple[Path, Path]:
    """A fresh run on the sample document with the test glossary: (the output folder, the glossary file)."""
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(TEST_GLOSSARY, encoding="utf-8")
    out = tmp_path / "run"
    assert main(["translate", str(sample_file), "--out", str(out), "--model", str(tiny_model), "--engine",
                 "transformers", "--quiet", "--no-cache", "--glossary", str(glossary), *extra]) == 0
    return out, glossary


@pytest.fixture()
def translated(sample_file: Path, tiny_model: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A fresh run on the sample document: (the workbook, the glossary file)."""
    out, glossary = translate_sample(sample_file, tiny_model, tmp_path)
    return out / "sample.xlsx", glossary


TITLE = "八项行动奠定共建“一带一路”新十年良好开局"
SMALL = "“小而美”项目卓有成效普惠民生。"
JUNCAO = "菌草项目已在100多个国家落地生根，成为造福世界的“幸福草”。"
LUBAN = "鲁班工坊在15个国家落地扎根。"


def review_as_a_translator(workbook: Path) -> dict[str, str]:
    """Fill reviewed text, set statuses and add comments the way a translator would; return the edits."""
    book = load_workbook(workbook)
    rows = rows_by_source(book["Translation"])
    edits = {
        TITLE: ("Eight Major Steps open a new decade of Belt and Road cooperation", "Approved", ""),
        SMALL: ("Small yet smart projects have worked well for people.", "Edited", "Term fixed"),
        JUNCAO: ("", "Rejected", "Needs a terminologist"),
        LUBAN: ("Lu Ban workshops took root in 15 countries.", "Approved", ""),
    }
    for source, (reviewed, status, comment) in edits.items():
        row = rows[source]
        row[COLUMN["Reviewed translation (en)"]].value = reviewed or None
        row[COLUMN["Status"]].value = status
        row[COLUMN["Comment"]].value = comment or None
    book.save(workbook)
    return {source: reviewed for source, (reviewed, _, _) in edits.items()}


def test_review_round_trip(translated: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook, glossary = translated
    assert not workbook_has_reviewer_edits(workbook)
    review_as_a_translator(workbook)
    assert workbook_has_reviewer_edits(workbook)
    machine = {row[COLUMN["Source (zh)"]].value: row[COLUMN["Machine translation (en)"]].value
               for row in load_workbook(workbook)["Translation"].iter_rows(min_row=2)}
    out = tmp_path / "final"
    capsys.readouterr()
    assert apply(str(workbook), "--out", str(out), "--glossary", str(glossary)) == 0
    printed = capsys.readouterr().out
    assert "rejected without a reviewed translation" in printed and "term-missing" in printed
    assert sorted(path.name for path in out.iterdir()) == [
        "sample.final.en.md", "sample.final.md", "sample.review.txt", "sample.tmx"]

    english = (out / "sample.final.en.md").read_text(encoding="utf-8")
    bilingual = (out / "sample.final.md").read_text(encoding="utf-8")
    assert english.startswith("# Eight Major Steps open a new decade of Belt and Road cooperation\n")
    assert "Small yet smart projects have worked well for people." in english
    assert " ".join(machine[JUNCAO].split()) in " ".join(english.split())  # rejected, no text: the MT stays
    assert "# " + TITLE in bilingual and "> Small yet smart projects have worked well for people." in bilingual
    commonmark = MarkdownIt("commonmark")
    for text in (english, bilingual):
        kinds = [token.type for token in commonmark.parse(text)]
        assert "heading_open" in kinds and "bullet_list_open" in kinds
    assert "blockquote_open" in [token.type for token in commonmark.parse(bilingual)]

    report = (out / "sample.review.txt").read_text(encoding="utf-8")
    assert "Rejected: 1" in report and "Needs a terminologist" in report
    assert re.search(r"p\d+\.s\d+ \(row \d+\): error: term-missing: Glossary term 鲁班工坊", report)

    units = read_tmx(out / "sample.tmx")
    # only what people reviewed (Approved, Edited), never the Rejected row, no unreviewed machine output
    assert sorted(unit.source for unit in units) == sorted([TITLE, SMALL, LUBAN])
    by_source = {unit.source: unit for unit in units}
    assert by_source[SMALL].target == "Small yet smart projects have worked well for people."
    assert by_source[SMALL].getnotes() == "Term fixed"
    assert properties(by_source[SMALL])["x-status"] == "Edited"
    assert all(properties(unit)["x-reviewed"] == "yes" for unit in units)
    assert by_source[TITLE].getid() == "p1.s1"
    assert [node.get("{http://www.w3.org/XML/1998/namespace}lang") for node in by_source[TITLE].getlanguageNodes()] \
        == ["zh-CN", "en"]
    tmx_text = (out / "sample.tmx").read_text(encoding="utf-8")
    assert '<tmx version="1.4">' in tmx_text and 'srclang="zh-CN"' in tmx_text

    first = {path.name: path.read_bytes() for path in out.iterdir()}
    assert apply(str(workbook), "--out", str(out), "--glossary", str(glossary)) == 0
    assert {path.name: path.read_bytes() for path in out.iterdir()} == first  # re-applying changes nothing

    assert apply(str(workbook), "--out", str(out), "--glossary", str(glossary), "--strict") == 1
    assert apply(str(workbook), "--out", str(tmp_path / "approved"), "--glossary", str(glossary),
                 "--approved-only") == 0
    approved = read_tmx(tmp_path / "approved" / "sample.tmx")
    assert sorted(unit.source for unit in approved) == sorted([TITLE, SMALL, LUBAN])  # Edited is kept
    assert apply(str(workbook), "--out", str(tmp_path / "all"), "--glossary", str(glossary),
                 "--include-unreviewed") == 0
    everything = {unit.source: unit for unit in read_tmx(tmp_path / "all" / "sample.tmx")}
    assert set(everything) == set(machine) - {JUNCAO}  # Rejected never
    unreviewed = [unit for source, unit in everything.items() if source not in (TITLE, SMALL, LUBAN)]
    assert unreviewed and all(properties(unit)["x-reviewed"] == "no" and properties(unit)["x-origin"] == "machine"
                              for unit in unreviewed)


def test_translating_again_guards_reviewed_work(translated: tuple[Path, Path], sample_file: Path,
                                                tiny_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook, glossary = translated
    review_as_a_translator(workbook)
    args = ["translate", str(sample_file), "--out", str(workbook.parent), "--model", str(tiny_model),
            "--engine", "transformers", "--quiet", "--no-cache", "--glossary", str(glossary)]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert "holds reviewer edits that have not been applied" in error
    assert f"zhen review apply {workbook}" in error and "--force" in error  # what unlocks it
    assert main([*args, "--force"]) == 0
    backups = list(workbook.parent.glob("sample.reviewed-*.xlsx"))
    assert len(backups) == 1 and workbook_has_reviewer_edits(backups[0])
    assert f"kept a copy of the reviewed workbook as {backups[0]}" in capsys.readouterr().err  # named
    assert not workbook_has_reviewer_edits(workbook)


def test_translating_again_after_the_review_was_applied(translated: tuple[Path, Path], sample_file: Path,
                                                        tiny_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook, glossary = translated
    review_as_a_translator(workbook)
    args = ["translate", str(sample_file), "--out", str(workbook.parent), "--model", str(tiny_model),
            "--engine", "transformers", "--quiet", "--no-cache", "--glossary", str(glossary)]
    assert apply(str(workbook), "--glossary", str(glossary)) == 0
    book = load_workbook(workbook)  # a further edit after applying is unapplied work again
    rows_by_source(book["Translation"])[SMALL][COLUMN["Comment"]].value = "one more thought"
    book.save(workbook)
    assert main(args) == 2
    assert apply(str(workbook), "--glossary", str(glossary)) == 0
    capsys.readouterr()
    assert main(args) == 0  # applied: goes ahead, keeping a copy
    backups = list(workbook.parent.glob("sample.reviewed-*.xlsx"))
    assert len(backups) == 1 and workbook_has_reviewer_edits(backups[0])
    assert f"kept a copy of the reviewed workbook as {backups[0]}" in capsys.readouterr().err


# --- the helpers translate uses -------------------------------------------------------------------

@pytest.mark.parametrize(("column", "value", "edited"), [
    ("Reviewed translation (en)", "Better English.", True),
    ("Comment", "A question.", True),
    ("Status", "Approved", True),
    ("Status", "To review", False),
    ("Machine translation (en)", None, False),
])
def test_workbook_has_reviewer_edits(tmp_path: Path, column: str, value: str | None, edited: bool) -> None:
    path = write_workbook(handmade_document(), tmp_path / "handmade.xlsx")
    book = load_workbook(path)
    if value is not None:
        book["Translation"].cell(row=3, column=COLUMN[column] + 1).value = value
    book.save(path)
    assert workbook_has_reviewer_edits(path) is edited


def test_unreadable_workbook_counts_as_edited(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    assert workbook_has_reviewer_edits(path)


def test_backup_name_beside_the_workbook(tmp_path: Path) -> None:
    path = write_workbook(handmade_document(), tmp_path / "handmade.xlsx")
    first, second = backup_reviewed_workbook(path), backup_reviewed_workbook(path)
    assert re.fullmatch(r"handmade\.reviewed-\d{8}-\d{6}\.xlsx", first.name)
    assert first != second and first.parent == second.parent == tmp_path
    assert first.read_bytes() == path.read_bytes()


# --- applying the handmade document ---------------------------------------------------------------

@pytest.fixture()
def handmade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The handmade document's workbook, applied from a folder without glossary/ (the shipped glossary is used)."""
    monkeypatch.chdir(tmp_path)
    return write_workbook(handmade_document(), tmp_path / "handmade.xlsx")


def test_apply_without_edits_gives_the_machine_translation(handmade: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert apply(str(handmade), "--out", str(out), "--glossary", str(tmp_path / "missing-ok")) == 2  # bad glossary
    assert not out.exists()
    assert apply(str(handmade), "--out", str(out)) == 0
    english = (out / "handmade.final.en.md").read_text(encoding="utf-8")
    assert "Small and beautiful projects work. Luban Workshop takes root." in english
    assert "```\nprint('不翻译')\n```" in english
    report = (out / "handmade.review.txt").read_text(encoding="utf-8")
    assert "term-avoided" in report and "p3.s1 (row 4)" in report  # recorded terms are checked again


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""), ("text", "text"), ("a\r\nb", "a\nb"), (2023, "2023"), (2023.0, "2023"), (1.5, "1.5"), (True, "TRUE"),
])
def test_cell_text(value: Any, expected: str) -> None:
    assert cell_text(value) == expected


def test_reviewed_number_and_lower_case_status_are_accepted(handmade: Path, tmp_path: Path) -> None:
    book = load_workbook(handmade)
    sheet = book["Translation"]
    sheet.cell(row=2, column=COLUMN["Reviewed translation (en)"] + 1).value = 2024
    sheet.cell(row=2, column=COLUMN["Status"] + 1).value = "approved"
    sheet.cell(row=3, column=COLUMN["Status"] + 1).value = None
    book.save(handmade)
    assert apply(str(handmade)) == 0  # outputs go beside the workbook
    units = {unit.getid(): unit for unit in read_tmx(tmp_path / "handmade.tmx")}
    assert units["p1.s1"].target == "2024" and properties(units["p1.s1"])["x-status"] == "Approved"
    assert "p2.s1" not in units  # To review, no reviewed text: not in the translation memory


# --- tampering: refused with sheet, row and column, exit 2, nothing written -----------------------

def _cell(book: Any, row: int, column: str) -> Any:
    return book["Translation"].cell(row=row, column=COLUMN[column] + 1)


def _set(row: int, column: str, value: Any) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        _cell(book, row, column).value = value
    return change


def _duplicate_row(book: Any) -> None:
    sheet = book["Translation"]
    sheet.append([cell.value for cell in sheet[2]])


def _rename_header(book: Any) -> None:
    book["Translation"]["D1"] = "My English"


def _edit_hidden(book: Any) -> None:
    cell = book[DATA_SHEET]["C3"]
    cell.value = cell.value.replace('"kind":"title"', '"kind":"body"')


TAMPERING = {
    "edited source": (_set(4, "Source (zh)", "改过的原文。"),
                      ["sheet Translation, row 4, column B (Source (zh))", "source text of p3.s1 was changed"]),
    "edited machine translation": (_set(2, "Machine translation (en)", "Mine."),
                                   ["row 2, column C (Machine translation (en))", "column D"]),
    "edited paragraph": (_set(2, "Paragraph", "p9"), ["row 2, column J (Paragraph)"]),
    "deleted row": (lambda book: book["Translation"].delete_rows(5),
                    ["segment p3.s2 (originally row 5) is missing"]),
    "duplicated row": (_duplicate_row, ["row 10, column A (ID): segment p1.s1 appears twice (also row 2)"]),
    "unknown id": (_set(3, "ID", "p99.s1"),
                   ["row 3, column A (ID): unknown segment ID 'p99.s1'", "segment p2.s1 (originally row 3)"]),
    "empty id": (_set(3, "ID", None), ["row 3, column A (ID): the ID is empty"]),
    "invalid status": (_set(2, "Status", "Done"), ["row 2, column E (Status): 'Done' is not a status"]),
    "formula": (_set(2, "Reviewed translation (en)", "=A1&B1"), ["row 2, column D", "formula"]),
    "renamed column": (_rename_header, ["row 1: no column headed 'Reviewed translation (en)'"]),
    "missing sheet": (lambda book: book.remove(book["Translation"]), ["the sheet Translation is missing"]),
    "missing hidden sheet": (lambda book: book.remove(book[DATA_SHEET]), ["hidden sheet _zhen is missing"]),
    "edited hidden sheet": (_edit_hidden, ["hidden sheet _zhen is damaged", "checksum"]),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampered_workbook_is_refused(case: str, handmade: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    change, expected = TAMPERING[case]
    book = load_workbook(handmade)
    change(book)
    book.save(handmade)
    out = tmp_path / "out"
    assert apply(str(handmade), "--out", str(out)) == 2
    error = capsys.readouterr().err
    for fragment in expected:
        assert fragment in error
    assert "nothing was written" in error
    assert not out.exists()


def test_every_problem_is_reported_at_once(handmade: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = load_workbook(handmade)
    for change in (_set(4, "Source (zh)", "改"), _set(2, "Status", "Done"), _duplicate_row):
        change(book)
    book.save(handmade)
    assert apply(str(handmade), "--out", str(tmp_path / "out")) == 2
    error = capsys.readouterr().err
    assert "row 4, column B" in error and "row 2, column E" in error and "appears twice" in error


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


NOT_A_WORKBOOK = {
    "text file": (b"ID,Source\n", "not an xlsx workbook"),
    "zip without a workbook": (_zip({"hello.txt": b"hi"}), "no xl/workbook.xml"),
    "zip bomb": (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                       "xl/worksheets/sheet1.xml": b"\0" * 5_000_000}), "far beyond any spreadsheet"),
    "DTD": (_zip({"[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><Types/>',
                  "xl/workbook.xml": b"<workbook/>"}), "declares a DTD"),
    "damaged xml": (_zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<workbook"}),
                    "cannot be read as an xlsx workbook"),
}


@pytest.mark.parametrize("case", list(NOT_A_WORKBOOK))
def test_not_a_workbook_is_refused(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, expected = NOT_A_WORKBOOK[case]
    path = tmp_path / "input.xlsx"
    path.write_bytes(data)
    assert apply(str(path), "--out", str(tmp_path / "out")) == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert apply(str(tmp_path / "nowhere.xlsx")) == 2
    assert "no such file" in capsys.readouterr().err


def test_review_without_action_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review"]) == 2
    assert "apply" in capsys.readouterr().out


# --- TMX ------------------------------------------------------------------------------------------

def test_tmx_escapes_and_reads_back(tmp_path: Path) -> None:
    from translate.storage import tmx

    units = [TmxUnit("a<1>", "“引号”&<标签>", 'Quotes & <tags> "x"', (("x-status", "Approved"),), ("note & <b>",)),
             TmxUnit("b", "控制\x01字符", "control\x01char")]
    text = tmx_document(units, "2024-05-01T14:00:00+02:00", "a.zh.txt")
    assert 'creationdate="20240501T120000Z"' in text
    store = tmx.tmxfile(text.encode("utf-8"))
    assert [(unit.getid(), unit.source, unit.target) for unit in store.units] == [
        ("a<1>", "“引号”&<标签>", 'Quotes & <tags> "x"'), ("b", "控制\ufffd字符", "control\ufffdchar")]
    assert store.units[0].getnotes() == "note & <b>"


@pytest.mark.parametrize(("iso", "expected"), [
    ("2024-05-01T12:00:00+00:00", "20240501T120000Z"), ("", None), ("yesterday", None), (None, None),
])
def test_tmx_date(iso: str | None, expected: str | None) -> None:
    assert tmx_date(iso) == expected


# --- workbooks of another layout ------------------------------------------------------------------

# The Translation sheet's columns as zhen wrote them before Source, Machine and Reviewed translation
# were put side by side: a workbook reviewed then must still apply.
OLD_COLUMNS = ("ID", "Paragraph", "Type", "Source (zh)", "Machine translation (en)", "Terms", "QA",
               "Reviewed translation (en)", "Status", "Comment", "Confidence")


def _relayout(path: Path, order: tuple[str, ...], rename: dict[str, str] | None = None) -> None:
    """Rewrite the Translation sheet's columns in ``order`` (cells moved with their header)."""
    book = load_workbook(path)
    sheet = book["Translation"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    index = {name: header.index(name) for name in header}
    for number, row in enumerate(rows, start=1):
        for column, name in enumerate(order, start=1):
            value = row[index[name]]
            if number == 1:
                value = (rename or {}).get(name, name)
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, str):
                set_text(cell, value)  # text that looks like a formula stays text, as zhen wrote it
            else:
                cell.value = value
    book.save(path)


@pytest.mark.parametrize(("order", "rename"), [
    (OLD_COLUMNS, None),
    (OLD_COLUMNS, {"Machine translation (en)": "Translation (en)"}),  # an old align workbook
    (tuple(reversed(OLD_COLUMNS)), None),  # columns a reviewer moved
])
def test_a_workbook_of_another_column_order_still_applies(handmade: Path, tmp_path: Path,
                                                          order: tuple[str, ...], rename: dict[str, str] | None) -> None:
    _relayout(handmade, order, rename)
    book = load_workbook(handmade)
    sheet = book["Translation"]
    header = [cell.value for cell in sheet[1]]
    ids = [row[header.index("ID")].value for row in sheet.iter_rows(min_row=2)]
    row = ids.index("p3.s1") + 2
    sheet.cell(row=row, column=header.index("Reviewed translation (en)") + 1).value = "Small yet smart projects work."
    sheet.cell(row=row, column=header.index("Status") + 1).value = "Edited"
    book.save(handmade)
    out = tmp_path / "out"
    assert apply(str(handmade), "--out", str(out)) == 0
    english = (out / "handmade.final.en.md").read_text(encoding="utf-8")
    assert "Small yet smart projects work. Luban Workshop takes root." in english
    units = {unit.getid(): unit for unit in read_tmx(out / "handmade.tmx")}
    assert list(units) == ["p3.s1"] and properties(units["p3.s1"])["x-status"] == "Edited"


def test_an_align_workbook_applies(handmade: Path, tmp_path: Path) -> None:
    document = handmade_document()
    document.metadata["alignment"] = []
    path = write_workbook(document, tmp_path / "aligned.xlsx")
    assert load_workbook(path)["Translation"]["C1"].value == "Translation (en)"
    assert apply(str(path), "--out", str(tmp_path / "out")) == 0
