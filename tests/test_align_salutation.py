"""Salutation lines paired one by one on the titles they address (pipeline.align_salutation)."""

from __future__ import annotations

from collections import Counter

import pytest

from pipeline.align.salutation import align_salutation_lines, chinese_addressees, english_addressees

SEATTLE_ZH = ["尊敬的基辛格博士，", "尊敬的英斯利州长、普利茨克部长、默里市长，", "尊敬的希尔斯主席、菲尔茨主席，", "女士们，先生们，朋友们："]
SEATTLE_EN = ["Dr. Henry Kissinger,", "Governor Jay Inslee of the State of Washington,", "Secretary of Commerce Penny Pritzker,",
              "Mayor Ed Murray of Seattle,", "Chairwoman Carla Hills of the National Committee on US-China Relations,",
              "Chairman Mark Fields of the US-China Business Council,", "Ladies and Gentlemen,", "Dear Friends,"]


@pytest.mark.parametrize("text, expected", [
    ("尊敬的希尔斯主席、菲尔茨主席，", {"chair": 2}),
    ("女士们，先生们，朋友们：", {"ladies": 1, "gentlemen": 1, "friends": 1}),
    ("尊敬的联合国秘书长古特雷斯先生，", {"secretary-general": 1}),  # 秘书长 is not also a 部长
    ("尊敬的各位来宾，", {"guests": 1}),
    ("尊敬的各位，", {}),
])
def test_chinese_addressees(text: str, expected: dict[str, int]) -> None:
    assert chinese_addressees(text) == Counter(expected)


@pytest.mark.parametrize("text, expected", [
    ("Chairwoman Carla Hills of the National Committee on US-China Relations,", {"chair": 1}),
    ("Secretary of Commerce Penny Pritzker,", {"minister": 1}),
    ("Secretary-General António Guterres,", {"secretary-general": 1}),
    ("Prime Minister Imran Khan,", {"premier": 1}),
    ("Ladies and Gentlemen,", {"ladies": 1, "gentlemen": 1}),
    ("Dr. Henry Kissinger,", {"doctor": 1}),
])
def test_english_addressees(text: str, expected: dict[str, int]) -> None:
    assert english_addressees(text) == Counter(expected)


@pytest.mark.parametrize("chinese, english, expected", [
    pytest.param(SEATTLE_ZH, SEATTLE_EN, [([0], [0]), ([1], [1, 2, 3]), ([2], [4, 5]), ([3], [6, 7])], id="seattle"),
    pytest.param(["尊敬的各位来宾，", "女士们，先生们，朋友们："], ["Distinguished Guests,", "Ladies and Gentlemen,", "Dear Friends,"],
                 [([0], [0]), ([1], [1, 2])], id="guests-then-ladies"),
    pytest.param(["尊敬的希尔斯主席，", "女士们，先生们："], ["Mayor Ed Murray,", "Ladies and Gentlemen,"], None,
                 id="titles-disagree"),
    pytest.param(["尊敬的各位，", "女士们，先生们："], ["Excellencies,", "Ladies and Gentlemen,"], None, id="a-line-without-title"),
    pytest.param(["尊敬的希尔斯主席，", "尊敬的默里市长，"], ["Mayor Ed Murray,", "Chairwoman Carla Hills,"], None,
                 id="order-crosses"),
    pytest.param(["女士们，先生们：", "朋友们："], ["Ladies and Gentlemen, Dear Friends:"], None, id="fewer-english-lines"),
])
def test_align_salutation_lines(chinese: list[str], english: list[str], expected: list | None) -> None:
    assert align_salutation_lines(chinese, english) == expected
