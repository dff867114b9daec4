"""Reading and decoding input files, and cutting them into blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest.text import join_wrapped_lines, pushed_to_next_line, read_document, split_blocks


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeff一带一路。".encode("utf-8"))
    assert read_document(path).text == "一带一路。"


def test_gb18030_needs_encoding_and_then_decodes(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("高质量共建“一带一路”。".encode("gb18030"))
    with pytest.raises(InputError) as error:
        read_document(path)
    message = str(error.value)
    assert "legacy.txt" in message and "byte offset 0" in message and "--encoding gb18030" in message
    assert read_document(path, "gb18030").text == "高质量共建“一带一路”。"


def test_unknown_encoding_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("中文", encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        read_document(path, "no-such-codec")


def test_hard_wrapped_chinese_joins_without_space() -> None:
    assert join_wrapped_lines(["互联互通建设", "成为重点。"]) == "互联互通建设成为重点。"
    assert join_wrapped_lines(["Belt and", "Road"]) == "Belt and Road"


def test_blank_lines_separate_paragraphs_and_wraps_join() -> None:
    blocks = split_blocks("第一段第一行\n第一段第二行。\n\n第二段。\n")
    assert [block.text for block in blocks] == ["第一段第一行第一段第二行。", "第二段。"]
    assert (blocks[0].first_line, blocks[0].last_line) == (1, 2)


def test_one_paragraph_per_line_without_blank_lines() -> None:
    blocks = split_blocks("第一段。\n第二段。\n第三段。")
    assert [block.text for block in blocks] == ["第一段。", "第二段。", "第三段。"]


def test_hard_wrapped_text_shows_its_column_width_and_the_blocks_that_fill_it() -> None:
    lines = ["一二三四五六七八九十"] * 3
    text = ("\n".join(lines + ["结尾。"]) + "\n\n" + "\n".join(lines + ["满行到边上没有句号的"]) + "\n\n"
            + "\n".join(lines[:2] + ["结尾。"]) + "\n\n短行\n")
    blocks = split_blocks(text)
    assert {block.column_width for block in blocks} == {10}
    assert [block.fills_column for block in blocks] == [False, True, False, False]


def test_a_line_ended_early_for_a_number_that_would_not_fit_counts_as_full() -> None:
    # Wrapped at 10: "2023年" does not fit after eight characters, so those lines end there; more
    # lines end early than run to the edge.
    pushed = ["一二三四五六七八", "2023年一二三四"]
    lines = ["一二三四五六七八九十", *pushed, *pushed, *pushed, "结尾。"]
    text = "\n".join(lines) + "\n\n一二三四五六七八九十\n一二三四五六七八\n\n一二三四五六七八九十\n一二三\n"
    blocks = split_blocks(text)
    assert {block.column_width for block in blocks} == {10}
    assert [(block.fills_column, block.column_shortfall) for block in blocks] == [(False, 7), (False, 2), (False, 7)]
    assert pushed_to_next_line(2, "2023年十月") == "2023" and pushed_to_next_line(4, "2023年十月") is None
    assert pushed_to_next_line(2, "十月2023年") is None and pushed_to_next_line(None, "2023年") is None


@pytest.mark.parametrize("text", [
    "第一段。\n第二段。\n第三段。",  # one paragraph a line: nothing is wrapped
    "一二三四五六七八九十\n结尾。\n\n一二三四五六七八九十\n结尾。\n",  # too few wrapped lines to tell
    "\n\n".join("\n".join(["一" * (8 + n), "二" * (20 - n), "结尾。"]) for n in range(5)),  # no common width
])
def test_text_not_hard_wrapped_at_one_width_has_none(text: str) -> None:
    assert {(block.column_width, block.fills_column) for block in split_blocks(text)} == {(None, False)}


def test_markdown_roles_are_kept() -> None:
    blocks = split_blocks("# 标题\n\n正文。\n\n- 列表一\n- 列表二\n\n```\ncode = 1\n```\n\n| a | b |\n")
    assert [(block.kind, block.markup, block.text) for block in blocks] == [
        ("heading", "# ", "标题"),
        ("text", "", "正文。"),
        ("list_item", "- ", "列表一"),
        ("list_item", "- ", "列表二"),
        ("code", "", "```\ncode = 1\n```"),
        ("table", "", "| a | b |"),
    ]


def test_every_non_space_character_is_in_a_block() -> None:
    text = "# 标题\n\n第一段\n续行。\n\n- 项目\n\n```\nx\n```\n尾巴"
    blocks = split_blocks(text)
    assert "".join("".join((b.markup + b.text).split()) for b in blocks) == "".join(text.split())


def test_folder_and_missing_file_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        read_document(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "missing.txt")
