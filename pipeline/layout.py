"""Turn input blocks into typed paragraphs: title, heading, body, list item, code, table.

Headings in plain text are recognised by shape: a short block with no sentence-final punctuation,
standing alone. The first such block of the document is its title.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from pipeline.document import Paragraph
from pipeline.ingest import Block

MAX_HEADING_CHARS = 40
_SENTENCE_FINAL = regex.compile(r"[。！？；!?;…．.:：，,、][”’\"'」』）)\]】》〉]*\s*$")


def looks_like_heading(text: str) -> bool:
    text = text.strip()
    return 0 < len(text) <= MAX_HEADING_CHARS and not _SENTENCE_FINAL.search(text)


def classify_blocks(blocks: Sequence[Block]) -> list[Paragraph]:
    """Give each block a kind; the document's first short unpunctuated block becomes its title."""
    paragraphs: list[Paragraph] = []
    for block in blocks:
        kind = {"text": "body"}.get(block.kind, block.kind)
        if block.kind == "text" and looks_like_heading(block.text):
            kind = "heading"
        if kind == "heading" and not paragraphs:
            kind = "title"
        paragraphs.append(Paragraph(
            id=f"p{len(paragraphs) + 1}", kind=kind, source=block.text, markup=block.markup,
            lines=(block.first_line, block.last_line), block=block.number,
        ))
    return paragraphs
