"""The grammar at a block's edges (pipeline/layout/syntax.py) and the joins counting makes of it (pairing.py)."""

from __future__ import annotations

import pytest

from pipeline.layout.syntax import dangling_end, headless_start
from test_layout import repaired


@pytest.mark.parametrize("text, word", [
    ("资金融通、民心相通，为", "preposition “为”"),
    ("受到两国人民和", "conjunction “和”"),
    ("在这个孕育希望的", "particle “的”"),
    ("即使相隔万水千山，也一定能够", "modal verb “能够”"),
])
def test_an_end_on_a_word_that_needs_more_dangles(text: str, word: str) -> None:
    assert word in (dangling_end(text) or "")


@pytest.mark.parametrize("text", [
    "推动经济高质量发展",  # a verb phrase may end a heading
    "2019年5月8日",  # a date ends a dateline
    "我们也一样",  # an adverb that ends clauses
    "二〇二三年工作回顾",
])
def test_an_end_on_a_word_that_may_end_does_not_dangle(text: str) -> None:
    assert dangling_end(text) is None


@pytest.mark.parametrize("text, shown", [
    ("义，对各位嘉宾表示热烈欢迎！", "“义”"),
    ("居世界主要经济体前列。", "“居”"),
    ("型邮轮成功建造。", "suffix “型”"),
    ("位代表审议，并请委员提出意见。", "classifier “位”"),
])
def test_a_start_on_what_no_sentence_opens_with_is_headless(text: str, shown: str) -> None:
    assert shown in (headless_start(text) or "")


@pytest.mark.parametrize("text", [
    "可再生能源发电装机规模历史性超过火电。",  # 可 begins the word 可再生能源
    "在此背景下，各方表示支持。",  # a preposition opens sentences
    "要坚持稳中求进工作总基调。",
    "党的二十大胜利召开。",  # a one-character noun may be a subject
    "甲段。",
    "我相信，只要大家齐心协力。",
    "“一带一路”倡议提出十年。",
    # A person's name the dictionary does not list, its surname a lone character or a classifier.
    "王毅指出，疫情阻碍了人员往来。",
    "张德江表示，香港具有独特优势。",
    "李强说，今年经济运行稳中向好。",
    "林剑说，开放永不止步。",
])
def test_a_start_a_sentence_may_open_with_is_not_headless(text: str) -> None:
    assert headless_start(text) is None


def test_a_paragraph_opening_with_a_name_is_not_taken_for_the_second_half_of_a_cut() -> None:
    # Two paragraphs of a news report (Xinhua, 7 March 2021: Wang Yi's press conference) cut at
    # column ends and interleaved, the second first half opening with 王毅. Counting once joined the
    # first cut end (…的) to it, taking 王 for a character that opens no sentence.
    first_a = "王毅说，我们以“共商”为引领，成功召开“一带一路”国际合作高级别视频会及30多场专业会议，高质量共建“一带一路”的"
    first_b = "王毅指出，疫情阻碍了人员往来，但阻隔不了伙伴国家对共建“一带一路”的投入和支"
    second_a = "理念更加深入人心。我们以“共建”为方向，统筹做好疫情防控和复工复产。"
    second_b = "持。在各方共同努力下，我们努力打造“健康丝绸之路”。"
    document = repaired(f"标题\n\n{first_a}{CAPTION}{first_b}\n\n{second_a}\n\n{second_b}")
    joined = [paragraph.source for paragraph in document.paragraphs if paragraph.joined_from]
    assert not any(first_a + first_b in source for source in joined)
    assert first_b + second_b in joined  # 支|持: a word across the cut


CAPTION = "\n\n图为工人在港口码头作业。\n\n董江辉 摄\n\n"


def test_the_only_unfinished_end_in_reach_takes_the_only_headless_start() -> None:
    text = f"标题\n\n国内生产总值增长5.2%，增速{CAPTION}城镇新增就业1244万人。\n\n居世界主要经济体前列。"
    document = repaired(text)
    joined = [paragraph for paragraph in document.paragraphs if paragraph.joined_from and paragraph.kind == "body"]
    assert [paragraph.source for paragraph in joined] == ["国内生产总值增长5.2%，增速居世界主要经济体前列。"]
    assert [flag.check for flag in joined[0].flags] == ["layout-join-probable"]
    assert "“居”" in joined[0].flags[0].message and "without closing punctuation" in joined[0].flags[0].message


def test_two_unfinished_ends_for_one_headless_start_join_nothing() -> None:
    text = f"标题\n\n国内生产总值增长5.2%，增速\n\n粮食产量再创新高，全年{CAPTION}居世界主要经济体前列。"
    document = repaired(text)
    assert not any(paragraph.joined_from for paragraph in document.paragraphs if paragraph.kind == "body")
    unfinished = [paragraph for paragraph in document.paragraphs
                  if paragraph.kind in {"body", "heading"} and not paragraph.source.endswith("。")]
    assert all("layout-fragment" in [flag.check for flag in paragraph.flags] for paragraph in unfinished[1:])


def test_a_headless_start_before_the_unfinished_end_is_not_taken() -> None:
    text = "标题\n\n居世界主要经济体前列。\n\n城镇新增就业1244万人。\n\n国内生产总值增长5.2%，增速"
    assert not any(paragraph.joined_from for paragraph in repaired(text).paragraphs)


def test_a_headless_start_out_of_reach_is_not_taken() -> None:
    whole = "".join(f"第{number}项工作已经完成。\n\n" for number in "一二三四五六")
    text = f"标题\n\n国内生产总值增长5.2%，增速\n\n{whole}居世界主要经济体前列。"
    assert not any(paragraph.joined_from for paragraph in repaired(text).paragraphs)


def test_a_phrase_of_the_document_must_end_between_words_of_the_second_half() -> None:
    # 行动中 recurs (在联合国维和行动中), but across this cut 中 is the first character of 中国.
    text = ("标题\n\n在联合国维和行动中，已有18位中国官兵献出生命。\n\n和平是人类共同愿望。联合国维和行动\n\n"
            "另一段。\n\n中国作为联合国安理会常任理事国，一直支持维和。")
    document = repaired(text)
    assert not any(paragraph.joined_from for paragraph in document.paragraphs)
