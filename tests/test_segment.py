"""Sentence and clause segmentation: boundaries, and nothing ever lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.segment import split_long_sentence, split_sentences


def count_chars(texts):
    return [len(text) for text in texts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一年来，成果斐然。面向未来，稳步前行。", ["一年来，成果斐然。", "面向未来，稳步前行。"]),
        ("他说：“我们来了。”然后走了。", ["他说：“我们来了。”", "然后走了。"]),
        ("真的吗？！是的……好。", ["真的吗？！", "是的……", "好。"]),
        ("合作机制日益完善；平台建设扎实推进", ["合作机制日益完善；", "平台建设扎实推进"]),
        ("增长3.5个百分点。End. Next one", ["增长3.5个百分点。", "End. ", "Next one"]),
        ("（资料照片）。任卫云 摄", ["（资料照片）。", "任卫云 摄"]),
        ("没有标点的标题", ["没有标点的标题"]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_closing_bracket_stays_with_sentence() -> None:
    assert split_sentences("这是一句（注释。）下一句。") == ["这是一句（注释。）", "下一句。"]


@given(st.text(alphabet=st.sampled_from(list("一带路的，。！？；…”」） ab.\n")), max_size=200))
@settings(max_examples=300, deadline=None)
def test_sentences_concatenate_back(text: str) -> None:
    assert "".join(split_sentences(text)) == text


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_unicode_concatenates_back(text: str) -> None:
    sentences = split_sentences(text)
    assert "".join(sentences) == text
    assert all(sentence for sentence in sentences)


def test_long_sentence_splits_at_clauses_within_limit() -> None:
    sentence = "，".join(["共建国家加强合作推动发展"] * 12) + "。"
    parts = split_long_sentence(sentence, count_chars, max_tokens=40)
    assert "".join(parts) == sentence
    assert all(len(part) <= 40 for part in parts)
    assert all(part.endswith(("，", "。")) for part in parts)


def test_unpunctuated_3000_characters_are_not_truncated() -> None:
    sentence = "互联互通建设成为其中重点推进方向" * 200  # 3,200 characters, no punctuation
    parts = split_long_sentence(sentence, count_chars, max_tokens=150)
    assert "".join(parts) == sentence
    assert all(len(part) <= 150 for part in parts)


def test_protected_span_is_not_cut() -> None:
    sentence = "甲" * 35 + "一带一路" + "乙" * 35
    parts = split_long_sentence(sentence, count_chars, max_tokens=37, protected=[(35, 39)])
    assert "".join(parts) == sentence
    assert any("一带一路" in part for part in parts)


@given(st.text(alphabet=st.sampled_from(list("一带路的，、：。 a")), min_size=1, max_size=400),
       st.integers(min_value=3, max_value=60))
@settings(max_examples=200, deadline=None)
def test_long_split_property(sentence: str, limit: int) -> None:
    parts = split_long_sentence(sentence, count_chars, max_tokens=limit)
    assert "".join(parts) == sentence
    assert all(len(part) <= limit for part in parts)
