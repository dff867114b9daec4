"""Block classification and layout repair: captions, credits, headings, cut paragraphs, reading order."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.glossary.model import Glossary, GlossaryEntry
from pipeline.ingest.text import split_blocks
from pipeline.layout.classify import classify_blocks, cut_start_signs, frames_closed, frames_left_open, is_caption, is_credit, is_cut_end
from pipeline.layout.repair import repair_layout
from conftest import SEED_ARTICLE



def repaired(text: str, glossary: Glossary | None = None) -> Document:
    document = Document(path=Path("test.zh.txt"), text=text)
    document.paragraphs = classify_blocks(split_blocks(text))
    repair_layout(document, glossary)
    return document


def kinds(text: str) -> list[str]:
    return [paragraph.kind for paragraph in classify_blocks(split_blocks(text))]


# --- classification ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("董江辉 摄", True),
    ("任卫云 摄", True),
    ("新华社记者 李明 摄", True),
    ("（王小二 摄）", True),
    ("张三、李四 摄", True),
    ("摄影：王五", True),
    ("赵六供图", True),
    ("新华社发", True),
    ("八项行动稳步推进", False),
    ("营养摄入", False),
    ("他们在现场拍摄了大量照片。", False),
])
def test_credit(text: str, expected: bool) -> None:
    assert is_credit(text) is expected


@pytest.mark.parametrize("text, expected", [
    ("图为列车运行在大桥上(2024年3月12日摄)。任卫云 摄", True),
    ("学生在鲁班工坊学习(资料照片)。", True),
    ("匈塞铁路安全平稳运营满两周年。图为列车运行在大桥上。", True),
    ("工人在港口作业。新华社记者 李明 摄", True),
    ("图：工人在港口作业", True),
    ("八项行动稳步推进,成果斐然。", False),
    ("他们拍摄了大量图片,为研究提供了资料。", False),
    ("摄入过多盐分不利于健康。", False),
])
def test_caption(text: str, expected: bool) -> None:
    assert is_caption(text) is expected


def test_classify_kinds() -> None:
    text = ("八项行动奠定良好开局\n\n第一段正文。\n\n八项行动推动合作\n\n学生在学习(资料照片)。\n\n董江辉 摄\n\n"
            "1、第一项内容很长,需要逐步推进。\n\n## 标记标题\n\n- 列表项\n\n最后一段。")
    assert kinds(text) == ["title", "body", "heading", "caption", "credit", "list_item", "heading", "list_item", "body"]


def test_caption_recognised_by_the_credit_after_it() -> None:
    assert kinds("正文第一段。\n\n在学校里,学生们在操场上学习。\n\n董江辉 摄\n\n正文第二段。") == [
        "body", "caption", "credit", "body"]


@pytest.mark.parametrize("text, kind", [
    ("推进高质量共建“一带一路”八项", "body"),  # the last block: a cut end, not a heading
    ("“一带", "body"),  # a quote left open
])
def test_heading_shaped_fragment_is_body(text: str, kind: str) -> None:
    assert kinds(f"标题\n\n正文。\n\n{text}")[-1] == kind


def test_heading_followed_by_a_continuation_is_a_fragment() -> None:
    assert kinds("标题\n\n正文。\n\n他说“我们\n\n”随后离开。")[2] == "body"


def test_single_heading_shaped_block_is_the_title() -> None:
    assert kinds("八项行动") == ["title"]


@pytest.mark.parametrize("text, expected", [
    # A title with its subtitle on one line, then date/place and author lines.
    ("携手推进“一带一路”建设——在“一带一路”国际合作高峰论坛开幕式上的演讲\n\n（2017年5月14日，北京）\n\n"
     "中华人民共和国主席 习近平\n\n尊敬的各位来宾，\n\n今天，我们举行论坛。",
     ["title", "byline", "byline", "body", "body"]),
    # The subtitle on its own line, author before the date.
    ("中国为和平而来\n\n——在联合国维和峰会上的讲话\n\n中华人民共和国主席 习近平\n\n（2015年9月28日，纽约）\n\n和平是共同愿望。",
     ["title", "subtitle", "byline", "byline", "body"]),
    ("政府工作报告\n\n——2012年3月5日在第十一届全国人民代表大会第五次会议上\n\n国务院总理 温家宝\n\n各位代表：",
     ["title", "subtitle", "byline", "body"]),
    ("发挥香港独特优势\n\n——在高峰论坛上的讲话\n\n（二〇一六年五月十八日）\n\n各位嘉宾：", ["title", "subtitle", "byline", "body"]),
    # Not under a title: a dash paragraph and a dated heading in the text stay what they are.
    ("标题\n\n正文。\n\n—— 恪守维和基本原则。联合国宪章是根本。\n\n2024年工作回顾\n\n经济稳步增长。",
     ["title", "body", "body", "heading", "body"]),
])
def test_title_subtitle_and_bylines(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("合作稳步推进。", False),
    ("合作稳步推进!", False),
    ("他说:“合作稳步推进。”", False),
    ("内容如下:", False),
    ("The plan works.", False),
    ("合作稳步推进。(完)", False),
    ("合作稳步推进。（记者 张三）【责任编辑:李四】", False),
    ("合作稳步推进(北京)", True),
    ("对标国际高标准经贸规则,", True),
    ("反腐败、纪检监察等领域国际研修、“一带", True),
    ("推进高质量共建“一带一路”八项", True),
    ("他说:“合作。然后", True),
    ("The Luban Workshop was founded in 2016.", False),
    ("合作稳步推进。\x1b", False),
    ("。。。！？", False),
    ("😀", False),
])
def test_cut_end(text: str, expected: bool) -> None:
    assert is_cut_end(text) is expected


@pytest.mark.parametrize("text, sign", [
    ("一路”廉洁建设领域援外培训持续开展。", "closes a quotation opened elsewhere"),
    (",随后离开。", "starts with punctuation"),
    ("行动,要继续以共商共建共享为指导原则。", "begins with a lone word before a comma"),
    ("主动推进服务贸易高水平开放等形式,形成发展合力。", "completes a construction begun elsewhere"),
])
def test_cut_start_signs(text: str, sign: str) -> None:
    assert sign in cut_start_signs(text)


@pytest.mark.parametrize("text", [
    "“绿色”“数字”成为创新发展关键词。",
    "同时,合作继续推进。",
    "近年来,合作稳步推进。",
    "目前,项目进展顺利。",
    "一是,加强合作。",
    "通过双多边合作、第三方市场合作等方式形成发展合力。",
    "2023年10月,在第三届论坛上宣布。",
    "(资料)合作继续推进。",
])
def test_whole_paragraph_starts_have_no_sign(text: str) -> None:
    assert cut_start_signs(text) == ()


def test_frames() -> None:
    assert frames_left_open("坚持在开放中合作,通过加强规则软联通,对标国际高标准经贸规则,")
    assert frames_closed("主动推进开放等形式,通过合作等方式形成合力。") & frames_left_open("通过加强规则软联通,")
    assert not frames_left_open("通过双多边合作等方式形成发展合力。")


# --- repair --------------------------------------------------------------------------------------

def test_join_across_interleaved_caption_and_credit() -> None:
    document = repaired("标题\n\n他说:“我们要推动一带\n\n学生在学习(资料照片)。\n\n董江辉 摄\n\n一路”建设。\n\n下一段。")
    assert [(p.kind, p.source) for p in document.paragraphs] == [
        ("title", "标题"),
        ("body", "他说:“我们要推动一带一路”建设。"),
        ("body", "下一段。"),
        ("caption", "学生在学习(资料照片)。董江辉 摄"),
    ]
    joined, caption = document.paragraphs[1], document.paragraphs[3]
    assert joined.joined_from == [1, 4] and joined.block == 1
    assert [flag.check for flag in joined.flags] == ["layout-join"]
    assert caption.joined_from == [2, 3]
    assert [p.id for p in document.paragraphs] == ["p1", "p2", "p3", "p4"]


def test_join_across_distance_by_quotation_moves_following_text() -> None:
    text = ("标题\n\n第一段写道:“合作\n\n第二节\n\n甲段。\n\n乙段。\n\n共赢”是目标。\n\n丙段接着说。")
    document = repaired(text)
    assert [p.source for p in document.paragraphs] == [
        "标题", "第一段写道:“合作共赢”是目标。", "丙段接着说。", "第二节", "甲段。", "乙段。"]
    assert document.paragraphs[1].joined_from == [1, 5]


def test_body_paragraphs_between_the_halves_follow_the_rejoined_paragraph() -> None:
    # The second half was printed after the next two paragraphs; they stay where they were, after
    # the rejoined paragraph, and what followed the second half comes after them, not before.
    text = "标题\n\n第一段写道:“合作\n\n甲段。\n\n乙段。\n\n共赢”是目标。\n\n丙段接着说。"
    document = repaired(text)
    assert [p.source for p in document.paragraphs] == [
        "标题", "第一段写道:“合作共赢”是目标。", "甲段。", "乙段。", "丙段接着说。"]


def test_join_across_distance_by_glossary_term() -> None:
    glossary = Glossary([GlossaryEntry(zh="鲁班工坊", en="Luban Workshop")])
    text = "标题\n\n近年来,在元首外交的关心推动下,仅在非洲大地,就已有17家鲁班\n\n另一段。\n\n工坊,成为名片。"
    document = repaired(text, glossary)
    assert [p.source for p in document.paragraphs] == [
        "标题", "近年来,在元首外交的关心推动下,仅在非洲大地,就已有17家鲁班工坊,成为名片。", "另一段。"]
    assert "鲁班工坊" in document.paragraphs[1].flags[0].message


def test_probable_join_is_flagged() -> None:
    text = "标题\n\n我们坚持通过加强规则软联通,\n\n甲段。\n\n主动推进开放等形式,形成发展合力。"
    document = repaired(text)
    joined = document.paragraphs[1]
    assert joined.source == "我们坚持通过加强规则软联通,主动推进开放等形式,形成发展合力。"
    assert [flag.check for flag in joined.flags] == ["layout-join-probable"]
    assert joined.flags[0].severity == "warning"


@pytest.mark.parametrize("text", [
    # Blocks that read no better after the cut end than as a paragraph's opening.
    "标题\n\n在此背景下,各方表示,要继续推进\n\n甲段。\n\n今年以来,项目最终完成。",  # the only candidate left
    "标题\n\n在此背景下,各方表示,要继续推进\n\n我们认为,项目最终完成。",  # the next paragraph
])
def test_position_alone_joins_nothing_and_flags_the_fragment(text: str) -> None:
    document = repaired(text)
    assert not any(p.joined_from for p in document.paragraphs)
    assert [flag.check for flag in document.paragraphs[1].flags] == ["layout-fragment"]
    assert document.paragraphs[1].flags[0].message.startswith("Paragraph seems cut")


@pytest.mark.parametrize("text, expected", [
    ("标题\n\n尊敬的奥尼尔勋爵，\n\n女士们、先生们，\n\n下午好！很高兴再次来到这里。",
     ["标题", "尊敬的奥尼尔勋爵，", "女士们、先生们，", "下午好！很高兴再次来到这里。"]),
    ("标题\n\n各位来宾，\n\n今天我们在这里举行开幕式。", ["标题", "各位来宾，", "今天我们在这里举行开幕式。"]),
])
def test_salutation_lines_stay_whole_and_unflagged(text: str, expected: list[str]) -> None:
    """A salutation ends in a comma by convention: it is neither a fragment nor the start of the speech."""
    document = repaired(text)
    assert [p.source for p in document.paragraphs] == expected
    assert not any(p.flags for p in document.paragraphs)


def test_unresolved_fragment_is_flagged() -> None:
    document = repaired("标题\n\n正文。\n\n小节\n\n这一段没有结束")
    assert document.paragraphs[-1].source == "这一段没有结束"
    assert [flag.check for flag in document.paragraphs[-1].flags] == ["layout-fragment"]


def test_unresolved_cut_start_is_flagged() -> None:
    document = repaired("标题\n\n正文。\n\n”随后离开。")
    assert [flag.check for flag in document.paragraphs[-1].flags] == ["layout-fragment"]


def test_whole_paragraphs_are_left_alone() -> None:
    text = "标题\n\n第一段。\n\n小节标题\n\n第二段。\n\n第三段!"
    document = repaired(text)
    assert [(p.kind, p.source, p.flags, p.joined_from) for p in document.paragraphs] == [
        ("title", "标题", [], []), ("body", "第一段。", [], []), ("heading", "小节标题", [], []),
        ("body", "第二段。", [], []), ("body", "第三段!", [], [])]


def test_caption_follows_the_section_it_interrupted() -> None:
    text = "标题\n\n第一段。\n\n图为工人在作业。李明 摄\n\n第二段。\n\n小节\n\n第三段。"
    assert [p.kind for p in repaired(text).paragraphs] == ["title", "body", "body", "caption", "heading", "body"]


def test_no_cycle_when_a_fragment_would_continue_itself() -> None:
    document = repaired("行动,要继续推进。\n\n八项")
    assert "".join(p.source for p in document.paragraphs) in {"行动,要继续推进。八项", "八项行动,要继续推进。"}


# --- nothing lost, nothing duplicated ------------------------------------------------------------

PIECES = [
    "合作稳步推进。", "他说:“我们要推动一带", "一路”建设。", "对标国际规则,", "行动,要继续推进。", "八项",
    "学生在学习(资料照片)。", "董江辉 摄", "图为列车运行。任卫云 摄", "小节标题", "通过加强联通,",
    "主动推进开放等形式,形成合力。", "”随后离开。", "The plan works", "and grows.", "## 标记标题", "- 列表项",
    "1、第一项。", "abc", "“", "。", "摄",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(["\n\n", "\n", "\n\n\n", " \n\n"])),
                max_size=14))
def test_every_character_ends_up_in_exactly_one_paragraph(parts: list[tuple[str, str]]) -> None:
    text = "".join(piece + separator for piece, separator in parts)
    document = repaired(text)
    found = Counter(char for p in document.paragraphs for char in p.markup + p.source if not char.isspace())
    assert found == Counter(char for char in text if not char.isspace())
    assert [p.id for p in document.paragraphs] == [f"p{n}" for n in range(1, len(document.paragraphs) + 1)]
    blocks = [block for p in document.paragraphs for block in (p.joined_from or [p.block])]
    assert sorted(blocks) == list(range(len(split_blocks(text))))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="一带路行动项摄图为董辉。,，、“”「」()（）:!?. abAB12\n-*|`", max_size=120))
def test_every_character_survives_arbitrary_text(text: str) -> None:
    document = repaired(text)
    found = Counter(char for p in document.paragraphs for char in p.markup + p.source if not char.isspace())
    assert found == Counter(char for char in text if not char.isspace())


# --- the sample article --------------------------------------------------------------------------

def test_sample_article_layout() -> None:
    document = repaired(SEED_ARTICLE.read_text(encoding="utf-8"))
    paragraphs = document.paragraphs
    by_kind = Counter(p.kind for p in paragraphs)
    assert by_kind["title"] == 1 and by_kind["heading"] == 3 and by_kind["caption"] == 2
    assert paragraphs[0].source.startswith("八项行动奠定共建")
    headings = [p.source for p in paragraphs if p.kind == "heading"]
    assert headings == ["八项行动推动高质量共建“一带一路”迈上新起点", "八项行动打造高质量共建“一带一路”新机遇",
                        "持续推进八项行动开启高质量共建“一带一路”新征程"]
    captions = [p for p in paragraphs if p.kind == "caption"]
    assert captions[0].source.endswith("任卫云 摄")
    assert captions[1].source.endswith("(资料照片)。董江辉 摄") and captions[1].joined_from == [10, 11]
    joined = [p for p in paragraphs if p.kind == "body" and p.joined_from]
    assert [p.joined_from for p in joined] == [[8, 12], [15, 23], [27, 16]]
    assert "“一带一路”廉洁建设领域" in joined[0].source
    assert "经贸规则,主动推进跨境服务贸易" in joined[1].source
    assert "“一带一路”八项行动,要继续" in joined[2].source
    # Reading order, by input block number of each output paragraph.
    assert [p.block for p in paragraphs] == [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 9, 10,  # section one, its two captions at its end
        14, 15, 24, 25,  # section two: the cut paragraph rejoined, then the text that followed its end
        26, 27, 17, 18, 19, 20, 21, 22,  # section three, ending with the conclusion
    ]
    assert not any(flag.check == "layout-fragment" for p in paragraphs for flag in p.flags)
    assert all(p.source.rstrip("”")[-1] in "。!！" for p in paragraphs if p.kind == "body")


class EchoEngine:
    """Stands in for the model: one short English sentence per request, so the test runs in a blink."""

    name = "echo"
    identity = "echo"

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(text) for text in texts]

    def translate(self, requests: list, on_progress: object = None) -> list:
        from pipeline.engines.base import TranslationResult

        return [TranslationResult(f"Sentence of {len(request.source)} characters.", -0.5) for request in requests]


@pytest.mark.parametrize("repair", [True, False])
def test_translate_sample_article_records_joins_and_sets_captions_aside(tmp_path: Path, repair: bool) -> None:
    import json

    from pipeline.run import RunSettings
    from pipeline.jobs import TranslateJob

    source = tmp_path / "article.zh.txt"
    source.write_text(SEED_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    settings = RunSettings(repair_layout=repair, use_cache=False)
    TranslateJob(settings, Glossary.empty(), tmp_path, engine=EchoEngine()).translate_file(source)  # type: ignore[arg-type]
    data = json.loads((tmp_path / "article.json").read_text(encoding="utf-8"))
    joins = [p["joined_from"] for p in data["paragraphs"] if "joined_from" in p]
    if not repair:
        assert joins == [] and len(data["paragraphs"]) == 28
        return
    assert joins == [[8, 12], [10, 11], [15, 23], [27, 16]]
    probable = [p for p in data["paragraphs"] if p.get("joined_from") == [15, 23]][0]
    assert [flag["check"] for flag in probable["flags"]] == ["layout-join-probable"]
    markdown = (tmp_path / "article.md").read_text(encoding="utf-8")
    caption = markdown.index("*中国与中东欧国家")
    assert markdown.index("民间交往亮点频现") < caption < markdown.index("## 八项行动打造")
    assert markdown.index("*在位于吉布提") < markdown.index("## 八项行动打造")


@pytest.mark.parametrize("text, whole", [
    ("尊敬的各位国家元首、政府首脑，", True),
    ("女士们，先生们，朋友们：", True),
    ("各位同事！", True),
    ("各位嘉宾。我们要加强合作，", False),  # a sentence, then a clause left open
    ("我们要加强合作，", False),
])
def test_a_salutation_is_not_a_fragment(text: str, whole: bool) -> None:
    document = repaired(f"标题\n\n{text}\n\n今天，我们举行论坛。")
    flagged = any(flag.check == "layout-fragment" for flag in document.paragraphs[1].flags)
    assert flagged is not whole


# Hard-wrapped at ten characters a line: enough wrapped lines to show the width.
_WRAPPED_BODY = "\n\n".join(["一二三四五六七八九十\n一二三四五六七八九十\n一二三四五六七八九十\n结尾。"] * 3)


def test_a_heading_shaped_block_that_fills_its_column_is_a_cut_paragraph() -> None:
    cut = "各方一致同意深化合作\n并共同推动项目建设的"  # two full lines, no closing punctuation
    short = "各方一致同意深化合作"[:7]  # a heading: its line stops short of the edge
    assert len(cut.split("\n")[-1]) == 10
    assert kinds(f"标题\n\n{_WRAPPED_BODY}\n\n{cut}\n\n{_WRAPPED_BODY}") == ["title", *["body"] * 3, "body",
                                                                              *["body"] * 3]
    assert kinds(f"标题\n\n{_WRAPPED_BODY}\n\n{short}\n\n{_WRAPPED_BODY}")[4] == "heading"


def test_the_first_block_filling_the_column_is_still_the_title() -> None:
    title = "共建一带一路倡议十年"  # as wide as the column
    assert len(title) == 10 and kinds(f"{title}\n\n{_WRAPPED_BODY}")[0] == "title"


def test_a_full_line_tells_nothing_where_short_unpunctuated_lines_abound() -> None:
    # A list of items without closing punctuation: one of them as wide as the column is chance.
    items = "\n\n".join(["粮食产量保持稳定", "城镇新增就业", "居民收入增长", "物价总体平稳"] * 2)
    filled = "今年赤字率按百分之三"  # ten characters, like the column
    assert len(filled) == 10
    assert kinds(f"标题\n\n{_WRAPPED_BODY}\n\n{items}\n\n{filled}\n\n{_WRAPPED_BODY}")[12] == "heading"


def test_a_column_filling_cut_end_before_a_credit_is_no_caption() -> None:
    cut = "一路繁花。中欧班列为"  # one full line, stopping mid-sentence
    assert len(cut) == 10
    assert kinds(f"标题\n\n{_WRAPPED_BODY}\n\n{cut}\n\n原勇 摄\n\n{_WRAPPED_BODY}")[4:6] == ["body", "credit"]
    # Without the full line, text right before a credit is its caption, as before.
    assert kinds(f"标题\n\n{_WRAPPED_BODY}\n\n{cut[:8]}\n\n原勇 摄\n\n{_WRAPPED_BODY}")[4:6] == ["caption", "credit"]


def test_a_short_last_line_joins_the_number_that_would_not_fit_on_it() -> None:
    # Wrapped at ten: "2023年" does not fit after eight characters, so the line ended there and the
    # number opens the next column. A heading-shaped block as it stands, but the geometry says cut.
    cut, continuation = "会议决定，今年增长", "2023年目标如期实现。"
    assert len(cut) == 9
    document = repaired(f"标题\n\n{_WRAPPED_BODY}\n\n{cut}\n\n{_WRAPPED_BODY}\n\n{continuation}")
    [joined] = [paragraph for paragraph in document.paragraphs if paragraph.joined_from]
    assert joined.source == cut + continuation and joined.kind == "body"
    [flag] = joined.flags
    assert flag.check == "layout-join-probable" and "“2023”" in flag.message and "1 characters short" in flag.message
    # Four characters short, the number would have fit: the line ended for another reason.
    apart = repaired(f"标题\n\n{_WRAPPED_BODY}\n\n会议决定今年\n\n{_WRAPPED_BODY}\n\n{continuation}")
    assert not any(paragraph.joined_from for paragraph in apart.paragraphs)
