"""``zhen align``: paragraph and sentence alignment of a Chinese document with an existing English translation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.align.document import Anchors, align_document, split_english_sentences
from pipeline.align.model import Unit, align_units, match_cost
from pipeline.jobs import read_english
from pipeline.cli import main
from pipeline.document import Document
from pipeline.glossary.model import Glossary, GlossaryEntry
from pipeline.ingest.text import split_blocks
from pipeline.layout.classify import classify_blocks

ZH = """八项行动奠定良好开局

2023年10月,中国宣布支持高质量共建“一带一路”的八项行动。一年来,八项行动稳步推进,成果斐然。

仅在非洲大地,就已有17家鲁班工坊在15个国家落地扎根。

菌草项目已在100多个国家落地生根,成为造福世界的“幸福草”。

机制建设持续深化,国际合作机制日益完善。

中国政府2024年对部分国家人员实施72/144小时过境免签政策。共建国家也正在努力吸引更多中国游客。中国与共建国家的旅游合作正在向更高层次迈进。

共建“一带一路”源自中国,成果和机遇属于世界。
"""

# The English merges the third and fourth paragraphs and splits the sixth (after its first sentence).
EN = """Eight Major Steps Lay a Good Foundation

In October 2023, China announced eight major steps to support high-quality Belt and Road cooperation. Over the \
past year, the eight major steps have advanced steadily with remarkable results.

In Africa alone, 17 Luban Workshops have taken root in 15 countries. The Juncao project has taken root
in more than 100 countries, becoming a "happy grass" that benefits the world.

Institutional building has continued to deepen, and international cooperation mechanisms have improved.

In 2024 the Chinese government introduced a 72/144-hour visa-free transit policy for people from some countries.

Partner countries are also working to attract more Chinese tourists. Tourism cooperation between China and \
partner countries is moving to a higher level.

The Belt and Road originated in China, and its results and opportunities belong to the world.
"""

GLOSSARY = Glossary([GlossaryEntry(zh="一带一路", en="Belt and Road", avoid=("One Belt One Road",)),
                     GlossaryEntry(zh="鲁班工坊", en="Luban Workshop")])

GLOSSARY_YAML = """name: test
version: "1"
entries:
  - zh: 一带一路
    en: Belt and Road
    avoid: [One Belt One Road]
  - zh: 鲁班工坊
    en: Luban Workshop
"""


def aligned(zh: str, english: list[str], glossary: Glossary | None = GLOSSARY) -> tuple[Document, list]:
    document = Document(path=Path("pair.zh.txt"), text=zh)
    document.paragraphs = classify_blocks(split_blocks(zh))
    return document, align_document(document, english, glossary)


def english_paragraphs(text: str) -> list[str]:
    return [block.text for block in split_blocks(text)]


# --- sentences -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    ("Mr. Xi spoke in the U.S. on Monday. Then he left.", ["Mr. Xi spoke in the U.S. on Monday.", "Then he left."]),
    ("It grew 3.5 percent. Prices rose.", ["It grew 3.5 percent.", "Prices rose."]),
    ('He said: "We came." They left.', ['He said: "We came."', "They left."]),
    ("J. K. Smith wrote it. It sold.", ["J. K. Smith wrote it.", "It sold."]),
    ("In 2023. 17 workshops opened.", ["In 2023.", "17 workshops opened."]),
    ("no final stop", ["no final stop"]),
])
def test_split_english_sentences(text: str, expected: list[str]) -> None:
    assert split_english_sentences(text) == expected


# --- the alignment model ---------------------------------------------------------------------------

def units(*lengths: float) -> list[Unit]:
    return [Unit(str(length), length, frozenset()) for length in lengths]


@pytest.mark.parametrize("sources, targets, expected", [
    ((100, 50, 80), (100, 50, 80), [([0], [0]), ([1], [1]), ([2], [2])]),
    ((100, 50, 80), (150, 80), [([0, 1], [0]), ([2], [1])]),
    ((100, 160, 80), (100, 80, 80, 80), [([0], [0]), ([1], [1, 2]), ([2], [3])]),
    ((100, 60, 80), (100, 80), [([0], [0]), ([1], []), ([2], [1])]),
])
def test_align_units_by_length(sources: tuple, targets: tuple, expected: list) -> None:
    assert align_units(units(*sources), units(*targets), ratio=1.0) == expected


def test_anchors_that_disagree_raise_the_cost() -> None:
    agree = match_cost([Unit("", 50, frozenset({"n:17"}))], [Unit("", 50, frozenset({"n:17"}))], 1.0)
    disagree = match_cost([Unit("", 50, frozenset({"n:17"}))], [Unit("", 50, frozenset({"n:18"}))], 1.0)
    assert disagree > agree + 5


def test_anchors_decide_where_lengths_cannot() -> None:
    sources = [Unit("a", 60, frozenset({"n:17"})), Unit("b", 60, frozenset({"n:2030"})), Unit("c", 60, frozenset())]
    # The English drops the first paragraph: by length alone any one of the three could be missing.
    targets = [Unit("b", 60, frozenset({"n:2030"})), Unit("c", 60, frozenset())]
    assert align_units(sources, targets, ratio=1.0) == [([0], []), ([1], [0]), ([2], [1])]


def test_anchor_kinds() -> None:
    anchors = Anchors(["2023年10月,在第三届“一带一路”论坛,WHO与17家鲁班工坊 and 人员。"], GLOSSARY)
    chinese = anchors.chinese("2023年10月,在第三届“一带一路”论坛,WHO与17家鲁班工坊 and 人员。")
    assert {"n:2023", "m:10", "n:3", "n:17", "g:belt and road", "g:luban workshop", "l:who"} <= chinese
    assert "l:and" not in chinese
    english = anchors.english("In October 2023, at the third Belt and Road Forum, WHO and 17 Luban Workshops, 99 others.")
    assert english == {"n:2023", "m:10", "n:3", "n:17", "g:belt and road", "g:luban workshop", "l:who"}


# --- documents ---------------------------------------------------------------------------------------

def test_merged_and_split_paragraphs() -> None:
    document, alignment = aligned(ZH, english_paragraphs(EN))
    assert alignment == [([0], [0]), ([1], [1]), ([2, 3], [2]), ([4], [3]), ([5], [4, 5]), ([6], [6])]
    paragraphs = document.paragraphs
    assert [len(p.segments) for p in paragraphs] == [1, 2, 1, 1, 1, 3, 1]
    assert paragraphs[2].segments[0].target == "In Africa alone, 17 Luban Workshops have taken root in 15 countries."
    assert paragraphs[3].segments[0].target.startswith("The Juncao project has taken root in more than 100 countries")
    assert [s.target.split()[0] for s in paragraphs[5].segments] == ["In", "Partner", "Tourism"]
    assert "merges this paragraph and p4" in paragraphs[2].flags[0].message
    assert "splits this paragraph in two (English paragraphs 5 and 6)" in paragraphs[5].flags[0].message
    for paragraph in paragraphs:  # every source sentence is in exactly one segment
        assert "".join(segment.source for segment in paragraph.segments) == paragraph.source
        assert [s.id for s in paragraph.segments] == [f"{paragraph.id}.s{n}" for n in range(1, len(paragraph.segments) + 1)]


def test_missing_and_added_paragraphs_are_flagged_and_nothing_is_lost() -> None:
    english = english_paragraphs(EN)
    del english[3]  # the fifth Chinese paragraph is left untranslated
    english.append("This last paragraph was added by the translator and has no source at all.")
    document, alignment = aligned(ZH, english)
    untranslated = document.paragraphs[4]
    assert untranslated.segments[0].target == "" and untranslated.flags[0].severity == "warning"
    targets = " ".join(segment.target for segment in document.segments)
    assert all(text in targets for text in [" ".join(p.split()) for p in english])
    assert any("no counterpart" in flag.message for segment in document.segments for flag in segment.flags)


def test_read_english_joins_wrapped_lines(tmp_path: Path) -> None:
    path = tmp_path / "pair.en.txt"
    path.write_text(EN, encoding="utf-8")
    paragraphs = read_english(path)
    assert len(paragraphs) == 7 and "taken root in more than 100" in paragraphs[2]


# --- the command ---------------------------------------------------------------------------------------

@pytest.fixture()
def pair(tmp_path: Path) -> tuple[Path, Path, Path]:
    zh, en, glossary = tmp_path / "pair.zh.txt", tmp_path / "pair.en.txt", tmp_path / "glossary.yaml"
    zh.write_text(ZH, encoding="utf-8")
    en.write_text(EN.replace("Belt and Road cooperation", "One Belt One Road cooperation")
                  .replace("17 Luban", "18 Luban"), encoding="utf-8")
    glossary.write_text(GLOSSARY_YAML, encoding="utf-8")
    return zh, en, glossary


def test_align_command_writes_the_four_outputs_with_qa(pair: tuple[Path, Path, Path], tmp_path: Path) -> None:
    zh, en, glossary = pair
    out = tmp_path / "out"
    assert main(["align", str(zh), str(en), "--out", str(out), "--glossary", str(glossary), "--quiet"]) == 0
    assert sorted(path.name for path in out.iterdir()) == ["pair.en.md", "pair.json", "pair.md", "pair.xlsx"]
    data = json.loads((out / "pair.json").read_text(encoding="utf-8"))
    assert data["metadata"]["alignment"][2] == {"source": ["p3", "p4"], "english": [3]}
    assert data["metadata"]["alignment"][4] == {"source": ["p6"], "english": [5, 6]}
    segments = {segment["id"]: segment for p in data["paragraphs"] for segment in p["segments"]}
    messages = [flag["message"] for flag in segments["p3.s1"]["flags"] if flag["check"] == "numbers"]  # 17 → 18
    assert len(messages) == 2 and "17" in messages[0] and "18" in messages[1]
    assert [t["status"] for t in segments["p3.s1"]["terms"]] == ["applied"]
    # A person's translation is never rewritten: the ruled-out rendering stays and is flagged.
    assert "One Belt One Road cooperation" in segments["p2.s1"]["target"]
    assert segments["p2.s1"]["terms"][0]["status"] == "missing"
    assert {"term-missing", "term-avoided"} <= {flag["check"] for flag in segments["p2.s1"]["flags"]}
    assert all(segment["score"] is None for segment in segments.values())
    markdown = (out / "pair.md").read_text(encoding="utf-8")
    assert "Partner countries are also working" in markdown
    from openpyxl import load_workbook

    sheet = load_workbook(out / "pair.xlsx").worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert len(rows) == len(segments)
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["ID", "Source (zh)", "Translation (en)"]  # a person's translation, not the machine's
    qa_column = [row[header.index("QA")] or "" for row in rows]
    assert any("numbers" in text for text in qa_column) and any("alignment" in text for text in qa_column)


def test_align_command_with_qa_off(pair: tuple[Path, Path, Path], tmp_path: Path) -> None:
    zh, en, glossary = pair
    assert main(["align", str(zh), str(en), "--out", str(tmp_path / "out"), "--glossary", str(glossary),
                 "--quiet", "--qa-off", "numbers"]) == 0
    data = json.loads((tmp_path / "out" / "pair.json").read_text(encoding="utf-8"))
    assert not any(flag["check"] == "numbers" for p in data["paragraphs"] for s in p["segments"] for flag in s["flags"])


@pytest.mark.parametrize("swap, message", [(True, "has no Chinese text"), (False, "there is no English")])
def test_align_command_errors(pair: tuple[Path, Path, Path], tmp_path: Path, swap: bool, message: str,
                              capsys: pytest.CaptureFixture[str]) -> None:
    zh, en, glossary = pair
    if swap:
        zh, en = en, zh
    else:
        en.write_text("\n\n", encoding="utf-8")
    assert main(["align", str(zh), str(en), "--out", str(tmp_path / "out"), "--glossary", str(glossary)]) == 2
    assert message in capsys.readouterr().err
