"""Reading text PDFs by their geometry: whole paragraphs in reading order, kinds, furniture aside,
and a clear refusal (exit 2, nothing written) for scans, encrypted and damaged files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEED_ARTICLE
from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.ingest.pdf import join_lines
from pipeline.ingest.reader import read_input
from support.build_documents import (CREDIT, HEADER, TABLE_ROWS, Expected, build_encrypted_pdf, build_newspaper_pdf,
                                     build_framed_columns_pdf, build_report_pdf, build_scanned_pdf)

TITLE = "八项行动奠定共建“一带一路”新十年良好开局"


def seed_paragraphs() -> list[str]:
    """Long body paragraphs of the sample article (real text; the picture caption left out)."""
    blocks = [block.strip() for block in SEED_ARTICLE.read_text(encoding="utf-8").split("\n\n")]
    return [block for block in blocks if len(block) > 90 and "图为" not in block]


def newspaper_items() -> list[tuple[str, str]]:
    body = seed_paragraphs()
    return [("heading", "八项行动迈上新起点"), ("body", body[0]), ("body", body[1]),
            ("image", "菌草技术示范基地的工作人员在查看菌草长势。"), ("body", body[2]),
            ("heading", "绿色发展成为关键词"), *[("body", text) for text in body[3:8]],
            ("image-inside", "匈塞铁路诺维萨德多瑙河大桥。"), *[("body", text) for text in body[8:14]],
            ("heading", "携手共建美好未来"), ("body", body[14])]


@pytest.fixture(scope="module")
def newspaper(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Expected]:
    path = tmp_path_factory.mktemp("pdf") / "page.pdf"
    return path, build_newspaper_pdf(path, TITLE, newspaper_items())


def test_every_paragraph_comes_back_whole_in_order_with_its_kind(newspaper: tuple[Path, Expected]) -> None:
    path, expected = newspaper
    document = read_input(path)
    assert [(p.kind, p.source) for p in document.paragraphs] == expected.paragraphs
    kinds = [p.kind for p in document.paragraphs]
    assert kinds[0] == "title" and kinds.count("heading") == 3 and kinds.count("caption") == 2
    for caption in (p for p in document.paragraphs if p.kind == "caption"):
        assert caption.source.endswith(CREDIT)  # the credit is folded into its caption
    interrupted = document.paragraphs[kinds.index("caption", kinds.index("caption") + 1) - 1]
    first, second = interrupted.origin["parts"][:2]  # rejoined around the picture it was cut by
    assert (first["page"], first["column"]) == (second["page"], second["column"]) and first["bbox"][3] < second["bbox"][1]


@pytest.mark.parametrize("columns", [1, 2, 4])
def test_other_column_counts_read_whole_and_in_order(columns: int, tmp_path: Path) -> None:
    body = seed_paragraphs()
    items = [("heading", "新起点"), *[("body", text) for text in body[:4]], ("image", "菌草基地。"),
             *[("body", text) for text in body[4:15]]]  # two pages, so the header repeats
    expected = build_newspaper_pdf(tmp_path / "page.pdf", TITLE, items, columns=columns)
    document = read_input(tmp_path / "page.pdf")
    assert [(p.kind, p.source) for p in document.paragraphs] == expected.paragraphs
    assert {p.origin["column"] for p in document.paragraphs if p.kind == "body"} == set(range(1, columns + 1))


def test_header_and_page_numbers_are_furniture_not_text(newspaper: tuple[Path, Expected]) -> None:
    path, expected = newspaper
    document = read_input(path)
    pages = max(p.origin["page"] for p in document.paragraphs)
    assert pages >= 2
    assert sorted(item["text"] for item in document.furniture) == sorted(expected.furniture)
    for paragraph in document.paragraphs:
        assert HEADER not in paragraph.source and "—" not in paragraph.source


def test_a_one_page_document_sets_its_running_head_aside(tmp_path: Path) -> None:
    # Nothing recurs on one page: the running head is the small type above all the other text.
    expected = build_newspaper_pdf(tmp_path / "page.pdf", TITLE, [("heading", "新起点"), ("body", seed_paragraphs()[0])])
    document = read_input(tmp_path / "page.pdf")
    assert [(p.kind, p.source) for p in document.paragraphs] == expected.paragraphs
    assert sorted(item["text"] for item in document.furniture) == sorted(expected.furniture)
    assert any(item["text"] == HEADER for item in document.furniture)


def test_paragraphs_cut_by_columns_and_pages_are_joined_and_say_so(newspaper: tuple[Path, Expected]) -> None:
    document = read_input(newspaper[0])
    joined = [p for p in document.paragraphs if "parts" in p.origin]
    assert any(len({part["column"] for part in p.origin["parts"]}) > 1 for p in joined)  # across columns
    assert any(len({part["page"] for part in p.origin["parts"]}) > 1 for p in joined)  # across pages
    assert all(any(flag.check == "layout-join" for flag in p.flags) for p in joined)
    for paragraph in document.paragraphs:
        assert set(paragraph.origin) >= {"format", "page", "column", "bbox"}
        x0, top, x1, bottom = paragraph.origin["bbox"]
        assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842
    assert document.paragraphs[0].origin["column"] == 0  # the title spans the columns


def test_translate_a_pdf_end_to_end(tiny_model: Path, tmp_path: Path) -> None:
    # A short page: the long one above checks the layout; this checks the run and its outputs.
    path, out = tmp_path / "page.pdf", tmp_path / "out"
    expected = build_newspaper_pdf(path, TITLE, [("heading", "八项行动迈上新起点"), ("body", seed_paragraphs()[0]),
                                                 ("image", "菌草技术示范基地。")])
    assert main(["translate", str(path), "--out", str(out), "--model", str(tiny_model), "--engine",
                 "transformers", "--beams", "1", "--quiet", "--no-cache"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["page.en.md", "page.json", "page.md", "page.xlsx"]
    data = json.loads((out / "page.json").read_text(encoding="utf-8"))
    # On a single page the header repeats nowhere, but it is the small type above all the other
    # text: furniture, like the page number, kept in the JSON.
    assert [(p["kind"], p["source"]) for p in data["paragraphs"]] == expected.paragraphs
    assert all(p["origin"]["format"] == "pdf" for p in data["paragraphs"])
    assert [item["text"] for item in data["furniture"]] == [HEADER, "— 1 —"]


@pytest.mark.parametrize(("build", "message"), [
    (build_scanned_pdf, "no text layer"),
    (build_encrypted_pdf, "encrypted"),
    (lambda path: path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"), "cannot read this PDF"),
    (lambda path: path.write_bytes(b""), "cannot read this PDF"),
])
def test_unreadable_pdfs_stop_with_exit_2_and_write_nothing(build, message: str, tmp_path: Path,  # noqa: ANN001
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.pdf"
    build(path)
    with pytest.raises(InputError, match=message):
        read_input(path)
    out = tmp_path / "out"
    assert main(["translate", str(path), "--out", str(out), "--quiet", "--no-cache"]) == 2
    assert not out.exists() or not any(out.iterdir())
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(("lines", "joined"), [
    (["中国与", "各国合作"], "中国与各国合作"),
    (["2023年10月，202", "4年3月"], "2023年10月，2024年3月"),  # a number cut by the line break
    (["the Belt and", "Road Initiative"], "the Belt and Road Initiative"),
    (["一带一路 Belt and", "Road 倡议"], "一带一路 Belt and Road 倡议"),
    (["", "  行末  "], "行末"),
])
def test_join_lines(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


def test_glyphs_without_unicode_are_refused_not_translated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfminer writes ``(cid:N)`` for a glyph whose font has no Unicode mapping: unreadable text."""
    import pipeline.ingest.pdf as pdf_module
    from pipeline.ingest.pdf_layout import Line

    path = tmp_path / "cid.pdf"
    build_newspaper_pdf(path, TITLE, [("body", "一段文字。")])
    monkeypatch.setattr(pdf_module, "_page_lines", lambda page, number, *tables: [
        Line(number, "(cid:1234)(cid:77)(cid:802)", 50, 200, 100, 110, 10.0)])
    with pytest.raises(InputError, match="no Unicode mapping"):
        read_input(path)



def _draw_speech(path: Path, paragraphs: list[str], width: int = 38) -> None:
    """The paragraphs set in one column, 38 characters a line, the first line indented, a page number
    under each page: paragraphs run on from one page to the next as a word processor sets them."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page, y = canvas.Canvas(str(path)), 800

    def finish_page() -> None:
        page.setFont("STSong-Light", 9)
        page.drawString(280, 30, str(page.getPageNumber()))

    for paragraph in paragraphs:
        for start in range(0, len(paragraph), width):
            if y < 60:
                finish_page()
                page.showPage()
                y = 800
            page.setFont("STSong-Light", 11)
            page.drawString(60 + (22 if start == 0 else 0), y, paragraph[start:start + width])
            y -= 16
        y -= 6
    finish_page()
    page.save()


def test_a_paragraph_the_reader_leaves_unfinished_is_always_flagged(tmp_path: Path) -> None:
    """A real speech set over several pages: whatever the reader cannot join is flagged as cut, and
    nothing it gives back whole is flagged (title lines, lines of address, a colon ending a lead-in)."""
    official = Path(__file__).parent / "data" / "official" / "02_un_peacekeeping_summit_2015.zh.txt"
    source = [text.strip() for text in official.read_text(encoding="utf-8").split("\n\n") if text.strip()]
    path = tmp_path / "speech.pdf"
    _draw_speech(path, source)
    paragraphs = read_input(path).paragraphs
    assert "".join(p.source for p in paragraphs) == "".join(source)  # every character, in order
    pieces = [p for p in paragraphs if p.source not in source]
    assert pieces, "this page setting cuts some paragraphs the reader cannot rejoin"
    for paragraph in paragraphs:
        flagged = any(flag.check == "layout-fragment" for flag in paragraph.flags)
        if paragraph.source in source:
            assert not flagged, paragraph.source
        elif not paragraph.source.endswith(("。", "。”", "！", "？")):
            assert flagged, paragraph.source


@pytest.mark.parametrize("title", ["中欧班列跑出加速度", "新起点"])
def test_a_short_centred_title_over_the_columns_comes_first(title: str, tmp_path: Path) -> None:
    # Centred over three columns, it covers a gutter only in part, or lies over the middle column alone.
    body = seed_paragraphs()
    items = [("heading", "新起点"), *[("body", text) for text in body[:15]]]  # two pages: the header repeats
    expected = build_newspaper_pdf(tmp_path / "page.pdf", title, items)
    document = read_input(tmp_path / "page.pdf")
    assert [(p.kind, p.source) for p in document.paragraphs] == expected.paragraphs
    assert document.paragraphs[0].origin["column"] == 0


def test_a_ruled_table_comes_back_cell_by_cell_in_its_place(tmp_path: Path) -> None:
    before = "国家统计局发布数据显示，2024年我国经济运行总体平稳、稳中有进，主要预期目标顺利实现。"
    after = "数据显示，经济结构持续优化，新质生产力稳步发展，高质量发展扎实推进。"
    build_report_pdf(tmp_path / "report.pdf", before, after)
    document = read_input(tmp_path / "report.pdf")
    cells = [(row, col, text) for row, cells in enumerate(TABLE_ROWS) for col, text in enumerate(cells)]
    assert [p.source for p in document.paragraphs] == ["2024年主要经济数据", before, *[text for *_, text in cells], after]
    table = document.paragraphs[2:-1]
    assert [(p.origin["table"], p.origin["row"], p.origin["col"]) for p in table] == [(0, row, col) for row, col, _ in cells]
    # Each cell is whole as it stands: body text, never joined, never flagged as cut.
    assert {p.kind for p in table} == {"body"} and not any(p.flags for p in document.paragraphs)


def test_prose_framed_by_rules_is_read_as_text_not_as_a_table(tmp_path: Path) -> None:
    articles = seed_paragraphs()[:4]
    build_framed_columns_pdf(tmp_path / "framed.pdf", articles)
    document = read_input(tmp_path / "framed.pdf")
    assert not any("table" in p.origin for p in document.paragraphs)
    # Read as two columns of prose, each top to bottom.
    assert "".join(p.source for p in document.paragraphs) == "".join(articles[index] for index in (0, 2, 1, 3))
