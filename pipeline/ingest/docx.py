"""Reading a Word (.docx) document: body paragraphs and table cells, with kinds from their styles.

Each body paragraph and each paragraph of a table cell becomes a ``Paragraph`` whose ``origin``
says where it sits (body paragraph index, or table/row/column/paragraph, and the style), so that
``pipeline.export.docx`` can put the English back in the same place. Runs are merged per paragraph.
Headers, footers, footnotes and text boxes are left alone (not translated). python-docx is
imported when a .docx is read, so ``zhen --help`` does not load it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import regex

from pipeline.document import Document, Paragraph
from pipeline.errors import InputError

_HEADING_STYLE = regex.compile(r"^(?:heading|标题)\s*(\d)$", regex.IGNORECASE)
_LIST_STYLE = regex.compile(r"^(?:list|列表)", regex.IGNORECASE)


def open_docx(path: Path) -> Any:
    """The python-docx document, or an InputError saying why the file cannot be read."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(f"{path}: cannot read this Word document ({type(error).__name__}); it looks damaged, "
                         f"encrypted or is not a .docx (an old .doc must be saved as .docx first).") from None
    except Exception as error:  # lxml and zip errors of a damaged package: one message for the user
        raise InputError(f"{path}: cannot read this Word document ({type(error).__name__}: it looks damaged); "
                         f"open and save it again in Word.") from None


def kind_of(style: str, numbered: bool) -> str:
    """The paragraph kind that a Word style (and list numbering) stands for."""
    name = style.strip()
    if name.lower() in ("title", "标题"):
        return "title"
    if name.lower() in ("subtitle", "副标题") or _HEADING_STYLE.match(name):
        return "heading"
    if name.lower() in ("caption", "题注"):
        return "caption"
    if numbered or _LIST_STYLE.match(name):
        return "list_item"
    return "body"


def style_name(paragraph: Any) -> str:
    try:
        return str(paragraph.style.name) if paragraph.style is not None else ""
    except (KeyError, AttributeError):  # a style id the styles part does not define
        return ""


def is_numbered(paragraph: Any) -> bool:
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def iter_places(document: Any) -> Iterator[tuple[dict[str, Any], Any]]:
    """Every body paragraph and table-cell paragraph in document order, with its place.

    The place is ``{"paragraph": i}`` for the i-th paragraph of the body, or ``{"table": t, "row":
    r, "col": c, "paragraph": k}`` for the k-th paragraph of a cell (a merged cell once, at its
    first position). The writer walks the same order, so the places match.
    """
    from docx.table import Table
    from docx.text.paragraph import Paragraph as WordParagraph

    body = document.element.body
    paragraph_index = table_index = 0
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield {"paragraph": paragraph_index}, WordParagraph(child, document._body)
            paragraph_index += 1
        elif tag == "tbl":
            table = Table(child, document._body)
            seen: set[Any] = set()  # the cell elements themselves: ids of dropped proxies get reused
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    for k, paragraph in enumerate(cell.paragraphs):
                        yield {"table": table_index, "row": r, "col": c, "paragraph": k}, paragraph
            table_index += 1


def read_docx(path: Path) -> Document:
    """Read a .docx into a document whose paragraphs (kinds from styles, origins) are ready."""
    path = Path(path)
    word = open_docx(path)
    paragraphs: list[Paragraph] = []
    try:
        for place, word_paragraph in iter_places(word):
            text = word_paragraph.text
            if not text.strip():
                continue  # an empty paragraph keeps its place in the Word output as it is
            style = style_name(word_paragraph)
            kind = "body" if "table" in place else kind_of(style, is_numbered(word_paragraph))
            index = len(paragraphs)
            paragraphs.append(Paragraph(id=f"p{index + 1}", kind=kind, source=text, block=index,
                                        origin={"format": "docx", **place, "style": style}))
    except InputError:
        raise
    except Exception as error:
        raise InputError(f"{path}: cannot read this Word document ({type(error).__name__}: it looks damaged); "
                         f"open and save it again in Word.") from None
    text = "\n\n".join(paragraph.source for paragraph in paragraphs)
    return Document(path=path, text=text + "\n" if text else "", encoding="docx", paragraphs=paragraphs)
