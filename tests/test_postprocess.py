"""English punctuation and assembly (pipeline/postprocess.py)."""

from __future__ import annotations

import pytest

from pipeline.document import Paragraph, Segment
from pipeline.postprocess import assemble_paragraph, english_punctuation, finish_segment, join_english


@pytest.mark.parametrize(("raw", "expected"), [
    ("Hello，world。", "Hello, world."),
    ("“Small yet smart” projects", '"Small yet smart" projects'),
    ("growth of 5 ％", "growth of 5%"),
    ("（2023）", "(2023)"),
    ("ＡＢＣ１２３", "ABC123"),
    ("too   many  spaces .", "too many spaces."),
    ("《Outline》", "Outline"),
])
def test_english_punctuation(raw: str, expected: str) -> None:
    assert english_punctuation(raw) == expected


def test_parts_and_sentences_join_with_single_spaces() -> None:
    assert join_english([" One. ", "", "Two.", "  "]) == "One. Two."
    segment = Segment(id="s", source="甲，乙。", parts=["甲，", "乙。"], part_targets=["First，", "second。"])
    finish_segment(segment)
    assert segment.part_targets == ["First,", "second."]
    assert segment.target == "First, second."


def test_untranslatable_paragraphs_keep_their_source() -> None:
    code = Paragraph(id="p1", kind="code", source="print('一带一路')")
    assemble_paragraph(code)
    assert code.target == code.source
    body = Paragraph(id="p2", kind="body", source="甲。乙。",
                     segments=[Segment(id="p2.s1", source="甲。", target="A."), Segment(id="p2.s2", source="乙。", target="B.")])
    assemble_paragraph(body)
    assert body.target == "A. B."
