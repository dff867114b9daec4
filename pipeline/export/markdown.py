"""``NAME.md`` (each source paragraph followed by its translation) and ``NAME.en.md`` (English alone).

Both are CommonMark, and render the same on GitHub and in common Markdown viewers:

- the title and headings stay headings; in ``NAME.md`` the heading is the source's and its English
  sits under it as a quoted line, so the outline has one entry per heading (not two of a level);
- a source paragraph is a plain paragraph and its translation a quoted block beneath it; under a
  list item the quote is nested in the item, so the list stays one list;
- captions and photo credits are set in italics;
- code blocks and table rows are kept verbatim and not translated (an unclosed code fence is
  closed, so it cannot swallow the rest of the document).

Text is escaped so that Chinese or English prose never turns into markup by accident.
"""

from __future__ import annotations

from pathlib import Path

import regex

from pipeline.atomic import write_text_atomic
from pipeline.document import Document, Paragraph

_MARKDOWN_SPECIAL = regex.compile(r"([\\`*_\[\]<>#|&~])")
_LINE_START_MARKER = regex.compile(r"^(\s*)([-+=>])(?=\s|$)", regex.MULTILINE)
_LINE_START_NUMBER = regex.compile(r"^(\s*\d+)([.)])(?=\s|$)", regex.MULTILINE)
_FENCE = regex.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_ORDERED = regex.compile(r"^\d{1,9}[.)]$")
_TABLE = "table"  # consecutive table rows form one table
_LISTS = frozenset({"list -", "list .", "list )"})  # items with the same kind of marker form one list


def escape_markdown(text: str) -> str:
    """Escape characters that would change the meaning of plain text in CommonMark."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START_MARKER.sub(lambda match: match.group(1) + "\\" + match.group(2), text)
    # "2023. " would start an ordered list: escape the delimiter (a backslash before a digit is literal).
    return _LINE_START_NUMBER.sub(lambda match: match.group(1) + "\\" + match.group(2), text)


def heading_level(paragraph: Paragraph) -> int:
    if paragraph.kind == "title":
        return 1
    marks = paragraph.markup.strip()
    if marks.startswith("#"):
        return min(6, max(2, len(marks)))
    return 2


def list_marker(paragraph: Paragraph) -> str:
    """The item's own marker when it was numbered (``3.``), else ``-``."""
    marker = paragraph.markup.strip()
    return marker if _ORDERED.match(marker) else "-"


def _wrap_in_fence(text: str) -> str:
    """Code without a fence of its own: give it one longer than any run of backticks inside."""
    longest = max((len(run) for run in regex.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def fenced_code(text: str) -> str:
    """A code block as it came, its fence closed when the input left it open."""
    lines = text.split("\n")
    opening = _FENCE.match(lines[0]) if lines else None
    if opening is None:
        return _wrap_in_fence(text)
    fence = opening.group(1)
    if fence[0] == "`" and "`" in lines[0][opening.end():]:
        return _wrap_in_fence(text)  # backticks in the info string: not a fence after all
    closing = _FENCE.match(lines[-1]) if len(lines) > 1 else None
    if closing is None or closing.group(1)[0] != fence[0] or len(closing.group(1)) < len(fence) \
            or lines[-1].strip() != closing.group(1):
        return text + "\n" + fence
    return text


def render_paragraph(paragraph: Paragraph, text: str) -> str:
    """``text`` (the paragraph's source or its translation) as a Markdown block, or ``""`` if empty."""
    if paragraph.kind == "code":
        return fenced_code(text) if text.strip() else ""
    if paragraph.kind == "table":
        return text.strip()
    body = escape_markdown(" ".join(text.split()))
    if not body:
        return ""
    if paragraph.kind in {"title", "heading"}:
        return f"{'#' * heading_level(paragraph)} {body}"
    if paragraph.kind in {"caption", "credit"}:
        return f"*{body}*"
    if paragraph.kind == "list_item":
        return f"{list_marker(paragraph)} {body}"
    if paragraph.kind == "quote":
        return f"> {body}"
    return body


def _group(paragraph: Paragraph) -> str:
    """Which blocks belong together: table rows, and list items with the same kind of marker."""
    if paragraph.kind == "list_item":
        return "list " + list_marker(paragraph)[-1]
    return paragraph.kind


def quote_block(block: str, indent: str = "") -> str:
    return "\n".join(f"{indent}> {line}" if line else f"{indent}>" for line in block.split("\n"))


def _join(blocks: list[tuple[str, str]], tight: frozenset[str]) -> str:
    """Blocks separated by a blank line, except consecutive blocks of the same ``tight`` group."""
    text = ""
    previous = ""
    for group, block in blocks:
        if text:
            text += "\n" if group == previous and group in tight else "\n\n"
        text += block
        previous = group
    return text + "\n" if text else ""


def bilingual_markdown(document: Document) -> str:
    """Each source block followed by its translation as a quote (under a heading too, so each
    source heading is one heading)."""
    blocks: list[tuple[str, str]] = []
    for paragraph in document.paragraphs:
        source = render_paragraph(paragraph, paragraph.source)
        if not source:
            continue
        target = render_paragraph(paragraph, paragraph.target) if paragraph.translatable else ""
        if not target:
            blocks.append((_group(paragraph), source))
        elif paragraph.kind in {"title", "heading"}:
            body = render_paragraph(Paragraph(paragraph.id, "body", ""), paragraph.target)
            blocks.append((_group(paragraph), source + "\n\n" + quote_block(body)))
        elif paragraph.kind == "list_item":
            indent = " " * (len(list_marker(paragraph)) + 1)  # inside the item, so the list holds together
            body = render_paragraph(Paragraph(paragraph.id, "body", ""), paragraph.target)
            blocks.append((_group(paragraph), source + "\n\n" + quote_block(body, indent)))
        else:
            blocks.append((_group(paragraph), source + "\n\n" + quote_block(target)))
    return _join(blocks, frozenset({_TABLE}))


def english_markdown(document: Document) -> str:
    """The English document alone; code and tables as they came."""
    blocks = [(_group(paragraph), render_paragraph(paragraph, paragraph.target if paragraph.translatable
                                                   else paragraph.source))
              for paragraph in document.paragraphs]
    return _join([block for block in blocks if block[1]], _LISTS | {_TABLE})


def write_markdown(document: Document, bilingual_target: Path, english_target: Path) -> tuple[Path, Path]:
    write_text_atomic(bilingual_target, bilingual_markdown(document))
    write_text_atomic(english_target, english_markdown(document))
    return bilingual_target, english_target
