"""Reading Word documents: styles to kinds, runs merged, table cells as paragraphs, headers left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest.docx import kind_of, read_docx
from pipeline.ingest.reader import read_input
from support.build_documents import build_memo_docx


@pytest.mark.parametrize(("style", "numbered", "kind"), [
    ("Title", False, "title"),
    ("Heading 1", False, "heading"),
    ("Heading 3", False, "heading"),
    ("Subtitle", False, "heading"),
    ("Caption", False, "caption"),
    ("List Paragraph", False, "list_item"),
    ("List Bullet", False, "list_item"),
    ("Normal", True, "list_item"),  # numbering set on the paragraph itself
    ("Normal", False, "body"),
    ("Body Text", False, "body"),
])
def test_styles_map_to_kinds(style: str, numbered: bool, kind: str) -> None:
    assert kind_of(style, numbered) == kind


def test_a_memo_reads_in_order_with_kinds_runs_merged_and_cells(tmp_path: Path) -> None:
    path = tmp_path / "memo.docx"
    built = build_memo_docx(path)
    document = read_input(path)
    got = [(p.kind, p.source) for p in document.paragraphs]
    assert got == [
        ("title", "共建“一带一路”合作备忘录"),
        ("heading", "一、合作背景"),
        ("body", "各方同意在互联互通领域深化合作，鲁班工坊在15个国家落地。"),  # four runs, one paragraph
        ("list_item", "推动绿色丝绸之路建设。"),
        ("caption", "图1　项目现场"),
        *[("body", text) for row in built["cells"] for text in row],  # type: ignore[attr-defined]
        ("body", "双方将定期举行会议。"),
    ]
    assert "内部资料" not in document.text  # the header is not translated
    origins = [p.origin for p in document.paragraphs]
    assert origins[0] == {"format": "docx", "paragraph": 0, "style": "Title"}
    assert origins[5] == {"format": "docx", "table": 0, "row": 0, "col": 0, "paragraph": 0, "style": "Normal"}
    assert origins[8]["row"] == 1 and origins[8]["col"] == 1
    assert origins[-1]["paragraph"] == 6  # the empty paragraph before it still counts
    assert all(p.source in document.text for p in document.paragraphs)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", b"plain text, not a Word file"])
def test_a_damaged_docx_is_an_input_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    with pytest.raises(InputError, match="cannot read this Word document"):
        read_docx(path)
