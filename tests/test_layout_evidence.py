"""The evidence that two blocks are halves of one cut paragraph: each rule with pairs it accepts and refuses."""

from __future__ import annotations

import pytest

from pipeline.layout.evidence import (
    CERTAIN_WORD_GAIN, cannot_open_paragraph, closes_open_mark, dictionary_word, document_phrase, join_evidence,
    short_document_phrase,
)
from test_layout import repaired


@pytest.mark.parametrize("end, start, expected", [
    ("他说：“我们要推动一带", "一路”建设。", "“”"),
    ("发布《共建", "一带一路》白皮书。", "《》"),
    ("各方（包括国际", "组织）表示支持。", "（）"),
    ("他说：“合作。”然后", "一路”建设。", None),  # nothing left open
    ("他说：“我们", "（注）随后”离开。", None),  # another bracket opens first
    ("他说：“我们", "今天很好。", None),  # never closed
])
def test_quotation_or_bracket_closed_in_the_other_half(end: str, start: str, expected: str | None) -> None:
    assert closes_open_mark(end, start) == expected


@pytest.mark.parametrize("tail, head, word", [
    ("坚持推", "动合作", "推动"),
    ("规模历史性超过火", "电，全年", "火电"),
    ("合国和平与发展基", "金的部分", "基金"),
    ("坚持推动", "合作共赢", None),  # the cut falls between two words
    ("坚持的", "确保安全", None),  # 的确 is a word, but 的|确保 is likelier
    ("坚持推", "进一步", None),  # 推进 is a word, but 推|进一步 is likelier
    ("中国", "2023年", None),  # no Chinese character on one side
])
def test_word_of_the_list_across_the_cut(tail: str, head: str, word: str | None) -> None:
    found = dictionary_word(tail, head)
    assert (found[0] if found else None) == word


def test_a_word_inside_a_bound_form_is_certain() -> None:
    found = dictionary_word("坚持推", "动合作")
    assert found is not None and found[1] >= CERTAIN_WORD_GAIN


@pytest.mark.parametrize("tail, head, text, phrase", [
    ("推动共建一带", "一路建设", "高质量共建一带一路。", "共建一带一路"),
    ("政策沟通、设施", "联通、贸易", "加强设施联通。", "设施联通"),
    ("推动共建一带", "一路建设", "没有这个短语。", None),
    ("的", "发展", "共同的发展。", None),  # three characters are not enough
])
def test_phrase_of_the_document_across_the_cut(tail: str, head: str, text: str, phrase: str | None) -> None:
    assert document_phrase(tail, head, text) == phrase


@pytest.mark.parametrize("tail, head, text, run", [
    ("首先，我", "代表中国政府", "我代表全体同事致谢。", "我代表"),
    ("为", "世界经济增长", "为世界和平作出贡献。", "为世界"),
    ("首先，我", "代表中国政府", "没有这三个字。", None),
    ("合作2", "0年", "合作20年。", None),  # not three Chinese characters
])
def test_three_characters_of_the_document_across_the_cut(tail: str, head: str, text: str, run: str | None) -> None:
    assert short_document_phrase(tail, head, text) == run


def test_three_characters_of_the_document_make_a_probable_join_only() -> None:
    evidence = join_evidence("首先，我", "代表中国政府表示欢迎。", "我代表全体同事致谢。")
    assert [piece.certain for piece in evidence] == [False]
    assert "three characters" in evidence[0].reason


@pytest.mark.parametrize("text, joined", [
    # The continuation comes after the cut end: the three-character run 我代表 is enough (flagged).
    ("讲话\n\n欢迎来到北京。首先，我\n\n代表中国政府表示欢迎。\n\n我代表全体同事致谢。", True),
    # The same evidence for a block printed before the cut end does not stretch to a join.
    ("讲话\n\n欢迎。今天我们坚持推\n\n代表中国政府表示欢迎。\n\n动合作共赢。\n\n欢迎来到北京。首先，我\n\n"
     "我代表全体同事致谢。", False),
])
def test_a_three_character_run_joins_only_forward(text: str, joined: bool) -> None:
    document = repaired(text)
    paragraphs = [p for p in document.paragraphs if p.source.endswith("代表中国政府表示欢迎。")]
    assert bool(paragraphs[0].joined_from) is joined
    if joined:
        assert paragraphs[0].source == "欢迎来到北京。首先，我代表中国政府表示欢迎。"
        assert [flag.check for flag in paragraphs[0].flags] == ["layout-join-probable"]


@pytest.mark.parametrize("text, opens", [
    ("的热议和持续关注。", False),
    ("和各界人士将畅所欲言。", False),
    ("以及相关部门将加强协作。", False),
    ("从而推动合作。", False),
    ("and the partners agreed.", False),
    ("，随后离开。", False),
    ("过去的一年，面对复杂局面。", True),  # 过去, not the particle 过
    ("今天，我们在这里举行论坛。", True),
    ("但是，合作仍在继续。", True),
    ("和平是人类共同愿望。", True),  # 和平, not the conjunction 和
])
def test_text_that_cannot_open_a_paragraph(text: str, opens: bool) -> None:
    assert (cannot_open_paragraph(text) is None) is opens


@pytest.mark.parametrize("end, start, certain", [
    ("各方表示，", "以及相关部门将加强协作。", True),  # a comma, then a connective that needs a clause before it
    ("开展10", "个扫雷援助项目。", True),  # a number cut from its measure word
    ("高峰论坛受到大家", "的热议和持续关注。", False),  # a particle start, no comma: which first half is not settled
    ("尊敬的各位来宾，", "今天，我们在这里举行论坛。", None),  # a comma, then a sentence that opens a paragraph
    ("让我们携手推动构建人类命运", "祝本届论坛取得圆满成功！", None),  # an unfinished phrase, then a closing wish
    ("增长了10", "中国经济持续发展。", None),
])
def test_join_evidence(end: str, start: str, certain: bool | None) -> None:
    evidence = join_evidence(end, start, end + "\n\n" + start)
    if certain is None:
        assert evidence == []
    else:
        assert evidence and any(piece.certain for piece in evidence) is certain


# --- the two silent wrong joins the old repair made -----------------------------------------------

@pytest.mark.parametrize("text", [
    # A clause ending in a comma, then the opening sentence of the next paragraph.
    "讲话\n\n我们愿同各方一道，推动共建“一带一路”高质量发展，\n\n图为与会嘉宾交流。\n\n李明 摄\n\n"
    "今天，我们在这里举行第三届国际合作高峰论坛开幕式。",
    # An unfinished phrase, then a closing wish.
    "讲话\n\n让我们携手努力，推动构建人类命运\n\n最后，祝本届论坛取得圆满成功！",
])
def test_no_join_without_evidence_and_the_fragment_is_flagged(text: str) -> None:
    document = repaired(text)
    assert not any(p.joined_from for p in document.paragraphs if p.kind == "body")
    fragment = next(p for p in document.paragraphs if p.source.startswith(("我们愿同", "让我们")))
    assert [flag.check for flag in fragment.flags] == ["layout-fragment"]
    assert "ends without closing punctuation" in fragment.flags[0].message


@pytest.mark.parametrize("text, joined, check", [
    ("讲话\n\n今天，我们坚持推\n\n图为与会嘉宾交流。\n\n李明 摄\n\n动合作共赢。\n\n下一段。",
     "今天，我们坚持推动合作共赢。", "layout-join"),
    ("讲话\n\n今年，中国将开展10\n\n另一段。\n\n个扫雷援助项目。",
     "今年，中国将开展10个扫雷援助项目。", "layout-join"),
])
def test_join_on_evidence_records_it(text: str, joined: str, check: str) -> None:
    document = repaired(text)
    paragraph = next(p for p in document.paragraphs if p.joined_from)
    assert paragraph.source == joined
    assert [flag.check for flag in paragraph.flags] == [check]
    assert "runs across the cut" in paragraph.flags[0].message or "measure word" in paragraph.flags[0].message
