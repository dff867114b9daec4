"""``NAME.en.docx``: the Word input with its paragraphs and cells in English, everything else kept."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
import regex
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.export.docx import _cut, replace_text
from support.build_documents import build_memo_docx

HAN = regex.compile(r"\p{Han}")
GLOSSARY = """\
name: docx-test
version: "1"
entries:
  - zh: 鲁班工坊
    en: Luban Workshop
"""


def translate(path: Path, out: Path, model: Path, glossary: Path) -> int:
    return main(["translate", str(path), "--out", str(out), "--model", str(model), "--engine", "transformers",
                 "--beams", "1", "--quiet", "--no-cache", "--glossary", str(glossary)])


@pytest.fixture()
def memo_run(tmp_path: Path, tiny_model: Path) -> tuple[Path, Path, dict[str, object]]:
    source = tmp_path / "memo.docx"
    built = build_memo_docx(source)
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    out = tmp_path / "out"
    assert translate(source, out, tiny_model, glossary) == 0
    return source, out, built


def body_paragraphs(document: docx.document.Document) -> list[docx.text.paragraph.Paragraph]:
    return list(document.paragraphs)


def test_the_english_docx_keeps_paragraphs_styles_and_tables(memo_run: tuple[Path, Path, dict[str, object]]) -> None:
    source, out, built = memo_run
    assert sorted(p.name for p in out.iterdir()) == ["memo.en.docx", "memo.en.md", "memo.json", "memo.md", "memo.xlsx"]
    original, english = docx.Document(str(source)), docx.Document(str(out / "memo.en.docx"))
    assert [p.style.name for p in english.paragraphs] == [p.style.name for p in original.paragraphs]
    assert [p.style.name for p in english.paragraphs if p.text] == built["styles"]
    for before, after in zip(original.paragraphs, english.paragraphs):
        assert bool(before.text.strip()) == bool(after.text.strip())  # the empty paragraph stays empty
        assert not HAN.search(after.text), after.text  # every translated paragraph is English now
    assert len(english.tables) == 1 and english.tables[0].style.name == "Table Grid"
    cells = [cell.text for row in english.tables[0].rows for cell in row.cells]
    assert len(cells) == 4 and all(text.strip() and not HAN.search(text) for text in cells)
    # Headers are left alone, and the section is the same.
    assert english.sections[0].header.paragraphs[0].text == "内部资料　注意保存"
    assert english.sections[0].page_width == original.sections[0].page_width


def test_the_json_says_where_each_paragraph_came_from(memo_run: tuple[Path, Path, dict[str, object]]) -> None:
    _, out, _ = memo_run
    data = json.loads((out / "memo.json").read_text(encoding="utf-8"))
    origins = [p["origin"] for p in data["paragraphs"]]
    assert [o.get("style") for o in origins][:5] == ["Title", "Heading 1", "Normal", "List Paragraph", "Caption"]
    assert [(o["table"], o["row"], o["col"]) for o in origins if "table" in o] == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]
    assert [p["kind"] for p in data["paragraphs"]][:5] == ["title", "heading", "body", "list_item", "caption"]


def test_review_apply_writes_the_final_word_document(memo_run: tuple[Path, Path, dict[str, object]]) -> None:
    source, out, _ = memo_run
    book = load_workbook(out / "memo.xlsx")
    sheet = book["Translation"]
    header = [cell.value for cell in sheet[1]]
    source_col, reviewed = header.index("Source (zh)"), header.index("Reviewed translation (en)")
    for row in sheet.iter_rows(min_row=2):
        if row[source_col].value == "双方将定期举行会议。":
            row[reviewed].value = "The two sides will meet regularly."
    book.save(out / "memo.xlsx")
    assert main(["review", "apply", str(out / "memo.xlsx"), "--glossary", str(out.parent / "glossary.yaml")]) == 0
    final = docx.Document(str(out / "memo.final.en.docx"))
    assert final.paragraphs[-1].text == "The two sides will meet regularly."
    assert final.paragraphs[-1].style.name == "Normal"


def test_review_apply_without_the_word_source_says_so(memo_run: tuple[Path, Path, dict[str, object]]) -> None:
    source, out, _ = memo_run
    source.unlink()
    assert main(["review", "apply", str(out / "memo.xlsx"), "--glossary", str(out.parent / "glossary.yaml")]) == 0
    assert not (out / "memo.final.en.docx").exists()
    assert "no longer there" in (out / "memo.review.txt").read_text(encoding="utf-8")
    assert (out / "memo.final.en.md").exists()


def _paragraph_with_runs(parts: list[tuple[str, bool]]) -> docx.text.paragraph.Paragraph:
    document = docx.Document()
    paragraph = document.add_paragraph()
    for text, bold in parts:
        paragraph.add_run(text).bold = bold or None
    return paragraph


@pytest.mark.parametrize(("runs", "english", "terms", "expected"), [
    # the dominant formatting (plain, most characters) takes the English; the bold word's run empties
    ([("各方同意在", False), ("互联互通", True), ("领域深化合作。", False)], "The parties agree.", [],
     [("The parties agree.", None)]),
    # a bold glossary term whose rendering is in the English keeps its bold there
    ([("各方支持", False), ("鲁班工坊", True), ("在多国落地。", False)], "The parties back Luban Workshop abroad.",
     [("鲁班工坊", "Luban Workshop")],
     [("The parties back ", None), ("Luban Workshop", True), (" abroad.", None)]),
    # mostly bold: bold is dominant
    ([("全部加粗的标题文字", True), ("注", False)], "All bold.", [], [("All bold.", True)]),
])
def test_inline_formatting_follows_the_dominant_run_or_the_term(
        runs: list[tuple[str, bool]], english: str, terms: list[tuple[str, str]],
        expected: list[tuple[str, bool | None]]) -> None:
    paragraph = _paragraph_with_runs(runs)
    replace_text(paragraph, english, terms)
    assert [(run.text, run.bold) for run in paragraph.runs if run.text] == expected
    assert paragraph.text == english


@pytest.mark.parametrize(("english", "renderings", "pieces"), [
    ("a b c", [], []),
    ("use Luban Workshop now", ["Luban Workshop"], [("use ", ""), ("Luban Workshop", "Luban Workshop"), (" now", "")]),
    ("x", ["absent"], [("x", "")]),
])
def test_cut_at_renderings(english: str, renderings: list[str], pieces: list[tuple[str, str]]) -> None:
    assert _cut(english, renderings) == pieces


def test_a_reviewed_xliff_of_a_word_document_gives_the_final_word_document(tmp_path: Path, tiny_model: Path) -> None:
    from translate.storage import xliff

    source = tmp_path / "memo.docx"
    build_memo_docx(source)
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["translate", str(source), "--out", str(out), "--model", str(tiny_model), "--engine", "transformers",
                 "--beams", "1", "--quiet", "--no-cache", "--glossary", str(glossary), "--xliff"]) == 0
    store = xliff.xlifffile.parsefile(str(out / "memo.xlf"))
    unit = next(unit for unit in store.units if unit.source == "双方将定期举行会议。")
    unit.settarget("The two sides will meet regularly.")
    store.savefile(str(out / "memo.xlf"))
    assert main(["review", "apply", str(out / "memo.xlf"), "--glossary", str(glossary)]) == 0
    final = docx.Document(str(out / "memo.final.en.docx"))
    assert final.paragraphs[-1].text == "The two sides will meet regularly."
