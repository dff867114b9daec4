"""``NAME.md`` and ``NAME.en.md``: headings stay headings, translations are quoted, all valid CommonMark."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pipeline.document import Document, Paragraph, Segment
from pipeline.export.markdown import (
    bilingual_markdown, english_markdown, escape_markdown, fenced_code, write_markdown,
)
from test_workbook import handmade_document

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = os.environ.get("ZHEN_UPDATE_GOLDEN") == "1"
COMMONMARK = MarkdownIt("commonmark")


def document_with_every_kind() -> Document:
    """The handmade document with a quote, a numbered item, a credit and a two-row table added."""
    document = handmade_document()

    def paragraph(id_: str, kind: str, source: str, target: str, markup: str = "") -> Paragraph:
        segment = Segment(f"{id_}.s1", source, parts=[source], part_targets=[target], target=target)
        return Paragraph(id_, kind, source, markup=markup, segments=[segment], target=target)

    document.paragraphs += [
        paragraph("p8", "list_item", "第二项：港航贸。", "Second: ports, shipping and trade.", markup="2. "),
        paragraph("p9", "credit", "新华社记者 摄", "Photo by a Xinhua reporter"),
        paragraph("p10", "quote", "他说：“合作共赢。”", 'He said: "win-win cooperation."'),
        Paragraph("p11", "table", "| 项目 | 国家 |"),
        Paragraph("p12", "table", "|---|---|"),
    ]
    for item in document.paragraphs:
        if item.segments and not item.target:
            item.target = " ".join(segment.target for segment in item.segments)
        elif not item.translatable:
            item.target = item.source
    return document


def tokens(text: str) -> list[str]:
    return [token.type for token in COMMONMARK.parse(text)]


def inline_text(text: str) -> list[str]:
    """The plain text of every inline token, in order."""
    return [token.content for token in COMMONMARK.parse(text) if token.type == "inline"]


# --- golden ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "render"), [("handmade.md", bilingual_markdown),
                                              ("handmade.en.md", english_markdown)])
def test_golden_markdown(name: str, render) -> None:  # noqa: ANN001
    """Regenerate with ZHEN_UPDATE_GOLDEN=1 after an intended change, and review the diff."""
    actual = render(document_with_every_kind())
    if UPDATE_GOLDEN:
        (GOLDEN / name).write_text(actual, encoding="utf-8")
    assert actual == (GOLDEN / name).read_text(encoding="utf-8")


# --- structure, as a CommonMark parser sees it ----------------------------------------------------

def headings(text: str) -> list[tuple[str, str]]:
    parsed = COMMONMARK.parse(text)
    return [(token.tag, parsed[index + 1].content) for index, token in enumerate(parsed)
            if token.type == "heading_open"]


def test_bilingual_headings_then_quoted_translations() -> None:
    text = bilingual_markdown(document_with_every_kind())
    # one heading per source heading (never two titles), its English quoted under it
    assert headings(text) == [("h1", "八项行动奠定良好开局"), ("h2", "“小而美”项目")]
    parsed = COMMONMARK.parse(text)
    title = [index for index, token in enumerate(parsed) if token.type == "heading_open"][0]
    assert parsed[title + 3].type == "blockquote_open"
    assert parsed[title + 5].content == "Eight Major Steps make a good start"
    # each body paragraph: the Chinese as a paragraph, then a blockquote with the English
    body = [index for index, token in enumerate(parsed)
            if token.type == "inline" and token.content.startswith("“小而美”项目卓有成效")][0]
    assert parsed[body + 2].type == "blockquote_open"
    assert parsed[body + 4].content.startswith("Small and beautiful projects work.")


def test_english_document_alone() -> None:
    text = english_markdown(document_with_every_kind())
    assert headings(text) == [("h1", "Eight Major Steps make a good start"), ("h2", "small yet smart projects")]
    assert "小而美" not in text.replace("不翻译", "")
    assert "```\nprint('不翻译')\n```" in text  # code is kept verbatim, untranslated


def test_captions_and_credits_are_emphasised() -> None:
    for text, caption in ((bilingual_markdown(document_with_every_kind()), "图为鲁班工坊。"),
                          (english_markdown(document_with_every_kind()), "The picture shows a Luban Workshop.")):
        parsed = COMMONMARK.parse(text)
        inline = next(token for token in parsed if token.type == "inline" and caption in token.content)
        assert [child.type for child in inline.children] == ["em_open", "text", "em_close"]


def test_list_items_stay_one_list_with_nested_translations() -> None:
    text = bilingual_markdown(document_with_every_kind())
    types = tokens(text)
    assert types.count("bullet_list_open") == 1 and types.count("ordered_list_open") == 1
    start = types.index("bullet_list_open")
    assert "blockquote_open" in types[start:types.index("bullet_list_close")]
    english = tokens(english_markdown(document_with_every_kind()))
    assert english.count("bullet_list_open") == 1 and english.count("ordered_list_open") == 1


def test_formula_like_and_markup_like_text_is_plain() -> None:
    text = english_markdown(document_with_every_kind())
    contents = inline_text(text)
    assert "=SUM(A1:A9) is it a formula? @user -2 +3\x07bell" in contents


def test_table_rows_stay_together_and_verbatim() -> None:
    text = english_markdown(document_with_every_kind())
    assert "| 项目 | 国家 |\n|---|---|" in text


@pytest.mark.parametrize(("code", "expected"), [
    ("```\nx\n```", "```\nx\n```"),
    ("```python\nx = 1", "```python\nx = 1\n```"),
    ("~~~~\nx\n~~~", "~~~~\nx\n~~~\n~~~~"),
    ("    indented", "```\n    indented\n```"),
    ("```` inner ``` run", "`````\n```` inner ``` run\n`````"),
])
def test_code_fences_are_closed(code: str, expected: str) -> None:
    assert fenced_code(code) == expected


def test_unclosed_fence_does_not_swallow_the_rest() -> None:
    document = Document(path=Path("x.md"), text="", paragraphs=[
        Paragraph("p1", "code", "```\nprint(1)"),
        Paragraph("p2", "body", "后文。", target="After.", segments=[Segment("p2.s1", "后文。", target="After.")]),
    ])
    assert tokens(english_markdown(document)) == ["fence", "paragraph_open", "inline", "paragraph_close"]


def test_write_markdown_writes_both_files(tmp_path: Path) -> None:
    bilingual, english = write_markdown(document_with_every_kind(), tmp_path / "a.md", tmp_path / "a.en.md")
    assert bilingual.read_text(encoding="utf-8") == bilingual_markdown(document_with_every_kind())
    assert english.read_text(encoding="utf-8") == english_markdown(document_with_every_kind())


# --- escaping -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "# not a heading", "- not a list", "+ not a list", "2023. not a list", "1) not a list", "> not a quote",
    "*not emphasis*", "_not emphasis_", "`not code`", "[not](a link)", "<b>not html</b>", "&copy; not an entity",
    "~~not struck~~", "| not | a table |", "back\\slash", "= not a setext underline", "10% 增长，# 与 *",
])
def test_escaped_text_renders_as_itself(text: str) -> None:
    assert COMMONMARK.render(escape_markdown(text)) == f"<p>{html.escape(text, quote=False)}</p>\n".replace(
        '"', "&quot;")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 1.)-+=>#*_`[]()<>!&;~|\\\"'中文，。“”：")), min_size=1))
def test_escaped_text_always_renders_as_itself(text: str) -> None:
    text = " ".join(text.split())
    if not text:
        return
    assert COMMONMARK.render(escape_markdown(text)) == "<p>" + html.escape(text, quote=False).replace(
        '"', "&quot;") + "</p>\n"
