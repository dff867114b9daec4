"""The geometry rules on hand-placed lines: columns, spans, reading order, furniture, paragraph
starts, captions and joins across regions."""

from __future__ import annotations

import pytest

from pipeline.ingest.pdf_furniture import split_furniture
from pipeline.ingest.pdf_layout import (Block, Line, ends_short, join_across_regions, paragraphs_of_region,
                                        reading_order, runs_to_edge)

SIZE = 10.0


def column_lines(page: int, left: float, width: float, count: int, top: float, label: str) -> list[Line]:
    """``count`` full lines of a column starting at ``top``, texts ``label0``, ``label1``…"""
    return [Line(page, f"{label}{i}", left, left + width, top + i * 15, top + i * 15 + SIZE, SIZE)
            for i in range(count)]


def texts(regions: list[list[Line]]) -> list[str]:
    return [line.text for region in regions for line in region]


@pytest.mark.parametrize("columns", [1, 2, 3, 4])
def test_any_number_of_columns_is_read_column_by_column(columns: int) -> None:
    width = (500 - 20 * (columns - 1)) / columns
    lines = []
    for c in range(columns):
        lines += column_lines(1, 50 + c * (width + 20), width, 5, 100, f"c{c}-")
    order = texts(reading_order(sorted(lines, key=lambda line: (line.top, line.x0)), SIZE))
    assert order == [f"c{c}-{i}" for c in range(columns) for i in range(5)]


def test_a_spanning_title_comes_first_and_bands_keep_their_own_columns() -> None:
    title = Line(1, "title", 150, 450, 50, 70, 20)
    band_one = column_lines(1, 50, 150, 4, 100, "a") + column_lines(1, 220, 150, 4, 100, "b") \
        + column_lines(1, 390, 150, 4, 100, "c")
    middle = Line(1, "spanning heading", 100, 500, 170, 183, 13)
    band_two = column_lines(1, 50, 240, 3, 200, "d") + column_lines(1, 310, 240, 3, 200, "e")
    order = texts(reading_order([*band_two, middle, *band_one, title], SIZE))
    assert order == (["title"] + [f"{x}{i}" for x in "abc" for i in range(4)] + ["spanning heading"]
                     + [f"{x}{i}" for x in "de" for i in range(3)])
    assert title.column == 0 and band_one[4].column == 2 and band_two[-1].column == 2


def test_repeated_margin_lines_and_page_numbers_are_furniture() -> None:
    pages = []
    for page in (1, 2, 3):
        pages.append([Line(page, "某某日报 2024年5月1日", 50, 200, 20, 29, 9),
                      *column_lines(page, 50, 400, 3, 120, f"p{page}-"),
                      Line(page, f"— {page} —", 280, 310, 810, 819, 9)])
    kept, furniture = split_furniture(pages, [842.0] * 3)
    assert [line.text for line in furniture] == [text for page in (1, 2, 3)
                                                 for text in ("某某日报 2024年5月1日", f"— {page} —")]
    assert all(len(page) == 3 for page in kept)


def test_numbers_that_are_not_page_numbers_stay_text_even_when_each_page_has_one() -> None:
    pages = [[Line(page, f"{page:08d}", 50, 120, 20, 29, 9), *column_lines(page, 50, 400, 2, 120, "x")]
             for page in (1, 2)]
    kept, furniture = split_furniture(pages, [842.0] * 2)
    assert furniture == [] and [page[0].text for page in kept] == ["00000001", "00000002"]


def test_a_single_page_keeps_its_unrepeated_header_but_drops_its_page_number() -> None:
    page = [Line(1, "独家报道", 50, 100, 20, 29, 9), *column_lines(1, 50, 400, 2, 120, "x"),
            Line(1, "第 1 页", 280, 310, 810, 819, 9)]
    kept, furniture = split_furniture([page], [842.0])
    assert [line.text for line in furniture] == ["第 1 页"]
    assert kept[0][0].text == "独家报道"


def _region(specs: list[tuple[str, float, float, float]]) -> list[Line]:
    """Lines of one column from (text, x0 offset, x1, size), one line pitch apart (gap given by size)."""
    lines, top = [], 100.0
    for text, x0, x1, size in specs:
        lines.append(Line(1, text, 50 + x0, x1, top, top + size, size))
        top += size * 1.5
    return lines


def test_paragraph_starts_from_indents_short_lines_and_type_size() -> None:
    region = _region([
        ("大标题", 0, 150, 13),            # heading type
        ("　第一段开头", 20, 200, 10),       # indented: a paragraph starts
        ("第一段续行", 0, 200, 10),
        ("第一段结尾。", 0, 120, 10),        # short: the paragraph ends here
        ("第二段不缩进", 0, 200, 10),
        ("第二段结尾。", 0, 90, 10),
    ])
    blocks = paragraphs_of_region(region, 10.0, None, [])
    assert [(block.kind, block.text) for block in blocks] == [
        ("heading", "大标题"), ("body", "　第一段开头第一段续行第一段结尾。"), ("body", "第二段不缩进第二段结尾。")]


@pytest.mark.parametrize(("image", "credit", "kind"), [
    ((50, 40, 200, 95), "", "caption"),          # small type right under a picture
    (None, "新华社记者 李明 摄", "caption"),        # no picture, but a credit says it is a caption
    (None, "", "body"),                          # small type alone: a note, translated as prose
])
def test_small_type_is_a_caption_next_to_a_picture_or_with_a_credit(image, credit: str, kind: str) -> None:  # noqa: ANN001
    region = _region([("图为菌草基地。", 0, 150, 8)] + ([(credit, 0, 90, 8)] if credit else []))
    blocks = paragraphs_of_region(region, 10.0, None, [image] if image else [])
    assert [(block.kind, block.text) for block in blocks] == [(kind, "图为菌草基地。" + credit)]


def _block(text: str, x0: float, x1: float, kind: str = "body") -> Block:
    return Block(kind, [Line(1, text, x0, x1, 100, 110, 10)], 50, 200)


@pytest.mark.parametrize(("end", "start", "joined"), [
    (_block("一直写到栏的右边没有标点", 50, 200), _block("接着写完。", 50, 120), True),
    (_block("句子写完了。", 50, 200), _block("新的段落不缩进。", 50, 120), False),   # closing punctuation
    (_block("一直写到栏的右边没有标点", 50, 200), _block("新段缩进。", 70, 120), False),  # indented start
    (_block("没有写到右边", 50, 150), _block("接着写完。", 50, 120), False),         # stops short
    (_block("一直写到栏的右边没有标点", 50, 200), _block("小标题", 50, 120, "heading"), False),
])
def test_joins_across_regions_need_an_open_end_and_an_unindented_start(end: Block, start: Block, joined: bool) -> None:
    both = end.text + start.text
    blocks, unsure = join_across_regions([[end], [start]])
    assert (len(blocks) == 1) is joined
    if joined:
        assert blocks[0].text == both and len(blocks[0].parts) == 2
    # An open end that found no continuation is reported, never joined by guess.
    assert (end in unsure) is (not joined and runs_to_edge(end))


def test_a_caption_between_the_halves_stays_after_the_joined_paragraph() -> None:
    first = _block("一直写到栏的右边没有标点", 50, 200)
    caption = _block("图为菌草。任卫云 摄", 50, 150, "caption")
    second = _block("接着写完。", 50, 120)
    blocks, unsure = join_across_regions([[first, caption], [second]])
    assert [block.text for block in blocks] == ["一直写到栏的右边没有标点接着写完。", "图为菌草。任卫云 摄"]
    assert unsure == []


@pytest.mark.parametrize(("previous_x1", "next_text", "short"), [
    (195, "中国", False),        # less than a character's room left: the line was full
    (180, "中国", True),         # room for the next character: the paragraph ended there
    (150, "interoperability, it", False),  # ragged right: the long word would not have fitted
    (150, "it is", True),        # a short word would have fitted: the paragraph ended
    (190, "“一带一路”", False),
])
def test_a_line_ends_short_when_the_next_word_would_have_fitted(previous_x1: float, next_text: str, short: bool) -> None:
    previous = Line(1, "前一行", 50, previous_x1, 100, 110, 10)
    line = Line(1, next_text, 50, 200, 115, 125, 10)
    assert ends_short(previous, line, 200) is short
