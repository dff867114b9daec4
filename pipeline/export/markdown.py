"""``NAME.md`` (each source paragraph followed by its translation) and ``NAME.en.md`` (English alone).

Headings stay headings; a source paragraph is a plain paragraph and its translation a quoted block
beneath it, which renders the same on GitHub and in any CommonMark viewer. Captions are set in
italics after the section they interrupted.
"""

from __future__ import annotations

from pathlib import Path

import regex

from pipeline.atomic import write_text_atomic
from pipeline.document import Document, Paragraph

_MARKDOWN_SPECIAL = regex.compile(r"([\\`*_\[\]<>#|])")
_LINE_START_SPECIAL = regex.compile(r"^(\s*)([-+=>]|\d+[.)])(?=\s|$)", regex.MULTILINE)


def escape_markdown(text: str) -> str:
    """Escape characters that would change the meaning of plain text in CommonMark."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LINE_START_SPECIAL.sub(lambda match: match.group(1) + "\\" + match.group(2), text)


def _heading_level(paragraph: Paragraph) -> int:
    if paragraph.kind == "title":
        return 1
    if paragraph.markup.strip().startswith("#"):
        return max(2, len(paragraph.markup.strip()))
    return 2


def _render(paragraph: Paragraph, text: str) -> str:
    if paragraph.kind == "code":
        return text
    if paragraph.kind == "table":
        return text
    body = escape_markdown(" ".join(text.split()))
    if not body:
        return ""
    if paragraph.kind in {"title", "heading"}:
        return f"{'#' * _heading_level(paragraph)} {body}"
    if paragraph.kind in {"caption", "credit"}:
        return f"*{body}*"
    if paragraph.kind == "list_item":
        return f"- {body}"
    return body


def _quote(block: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in block.split("\n"))


def bilingual_markdown(document: Document) -> str:
    blocks: list[str] = []
    for paragraph in document.paragraphs:
        source = _render(paragraph, paragraph.source)
        if not source:
            continue
        blocks.append(source)
        if not paragraph.translatable or not paragraph.target.strip():
            continue
        target = _render(paragraph, paragraph.target)
        if paragraph.kind in {"title", "heading"}:
            blocks.append(target)
        else:
            blocks.append(_quote(target))
    return "\n\n".join(blocks) + "\n"


def english_markdown(document: Document) -> str:
    blocks = [_render(paragraph, paragraph.target) for paragraph in document.paragraphs]
    return "\n\n".join(block for block in blocks if block) + "\n"


def write_markdown(document: Document, bilingual_target: Path, english_target: Path) -> tuple[Path, Path]:
    write_text_atomic(bilingual_target, bilingual_markdown(document))
    write_text_atomic(english_target, english_markdown(document))
    return bilingual_target, english_target
