"""Reading a text PDF with its geometry: characters → lines → columns → paragraphs with kinds.

pdfplumber (on pdfminer.six) gives every character with its box, size and font; the layout
decisions are in ``pipeline.ingest.pdf_layout``. A PDF without a text layer (a scan), an encrypted
or a damaged PDF is refused with one message and exit status 2. pdfplumber is imported when a PDF
is read, so ``zhen --help`` does not load it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import regex

from pipeline.document import Document, Flag, Paragraph
from pipeline.errors import InputError
from pipeline.ingest.pdf_furniture import split_furniture
from pipeline.ingest.pdf_layout import Block, Line, body_font_size, join_across_regions, paragraphs_of_region, reading_order
from pipeline.layout.classify import is_cut_end, is_salutation, looks_like_heading

MAX_PAGES = 2000
MAX_CELL_LINES = 6  # more lines than this in one ruled box is prose in a frame, not a table cell
_WIDE = regex.compile(r"[\p{Han}\p{P}\u3000-\u303f\uff00-\uffef]")
_LATIN_LETTER = regex.compile(r"[A-Za-z\p{Latin}]")
_HAN = regex.compile(r"\p{Han}")


def join_lines(lines: Sequence[str]) -> str:
    """Join a paragraph's lines: a space only between Latin words (or in text with no Chinese),
    never inside a number that a line break cut ("202" + "4")."""
    joined = ""
    chinese = any(_HAN.search(line) for line in lines)
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if joined and not _WIDE.match(joined[-1]) and not _WIDE.match(line[0]) and (
                not chinese or (_LATIN_LETTER.match(joined[-1]) and _LATIN_LETTER.match(line[0]))):
            joined += " "
        joined += line
    return joined


def _open(path: Path) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    encrypted = (f"{path}: the PDF is encrypted (password protected); save an unprotected copy and "
                 f"translate that.")
    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages  # parses the page tree: a damaged file fails here rather than later
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(encrypted) from None
    except Exception as error:  # pdfminer raises many kinds for a damaged file; all mean the same to the user
        # pdfplumber wraps pdfminer's exceptions: look at what it wrapped as well.
        causes = [error, *error.args, error.__context__]
        if any(isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) for cause in causes):
            raise InputError(encrypted) from None
        raise InputError(f"{path}: cannot read this PDF ({type(error).__name__}: it looks damaged or is not a PDF); "
                         f"open and save it again, or export it as PDF once more.") from None
    return pdf


def _page_lines(page: Any, number: int, tables: Sequence[Any] = (), first_table: int = 0) -> list[Line]:
    """The page's characters grouped into lines, a line cut where a gap wider than a character
    (a column gutter) opens; each ruled table (pdfplumber's, found by its rules) one line that
    carries its cells."""
    # A glyph drawn twice at the same place (a poor man's bold) is one character. (pdfplumber's
    # dedupe_chars does this too, at several times the cost of reading the page.)
    seen: set[tuple[str, float, float]] = set()
    chars = []
    for char in page.chars:
        place = (char.get("text", ""), round(char["x0"]), round(char["top"]))
        if place[0] and char.get("upright", True) and place not in seen:
            seen.add(place)
            chars.append(char)
    table_lines: list[Line] = []
    for table in tables:
        line = _table_line(table, [char for char in chars if _inside(char, tuple(table.bbox))], number,
                           first_table + len(table_lines))
        if line is not None:
            table_lines.append(line)
    outside = [char for char in chars if not any(_inside(char, (line.x0, line.top, line.x1, line.bottom))
                                                 for line in table_lines)]
    return _lines_of(outside, number) + table_lines


def _inside(char: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _table_line(table: Any, chars: Sequence[dict[str, Any]], number: int, index: int) -> Line | None:
    """The table as one line of the page (its box, its text's size) carrying a block per cell with text;
    ``None`` when a cell holds more than :data:`MAX_CELL_LINES` lines: prose boxed by rules (a
    newspaper's article frames) is no table, and is read as the page's text."""
    cells: list[Block] = []
    for row_number, row in enumerate(table.rows):
        for column, box in enumerate(row.cells):
            if box is None:
                continue  # covered by a merged cell
            lines = _lines_of([char for char in chars if _inside(char, tuple(box))], number)
            if len(lines) > MAX_CELL_LINES:
                return None
            if lines:
                cells.append(Block("table_cell", lines, box[0], box[2],
                                   cell={"table": index, "row": row_number, "col": column}))
    if not cells:
        return None
    x0, top, x1, bottom = table.bbox
    sizes = sorted(line.size for cell in cells for line in cell.lines)
    return Line(page=number, text=" ".join(cell.text for cell in cells), x0=x0, x1=x1, top=top, bottom=bottom,
                size=sizes[len(sizes) // 2], cells=cells)


def _lines_of(chars: Sequence[dict[str, Any]], number: int) -> list[Line]:
    chars = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for char in chars:
        if rows and abs(char["top"] - rows[-1][0]["top"]) < min(char["size"], rows[-1][0]["size"]) * 0.5:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        piece: list[dict[str, Any]] = []
        for char in row:
            if piece and char["x0"] - piece[-1]["x1"] > max(char["size"], piece[-1]["size"]) * 1.0:
                lines.extend(_line(piece, number))
                piece = []
            piece.append(char)
        lines.extend(_line(piece, number))
    return lines


def _ruled_tables(page: Any) -> list[Any]:
    """The page's tables drawn with rules, as pdfplumber finds them: two rows or more, two columns or more."""
    if not (page.lines or page.rects):
        return []  # no rules drawn: no table to find (and finding costs more than reading the page)
    return [table for table in page.find_tables()
            if len(table.rows) >= 2 and max(len(row.cells) for row in table.rows) >= 2]


def _line(chars: Sequence[dict[str, Any]], number: int) -> list[Line]:
    text = ""
    for previous, char in zip([None, *chars], chars):
        # pdfminer's own word margin: a gap over a tenth of the type size is a space between words.
        if (previous is not None and char["x0"] - previous["x1"] > char["size"] * 0.1
                and not text.endswith(" ") and char["text"] != " "
                and not (_WIDE.match(previous["text"]) or _WIDE.match(char["text"]))):
            text += " "  # a word space drawn as a gap, not as a space character
        text += " " if char["text"] in "\n\r\t\x0b\x0c" else char["text"]  # a newline or tab glyph: a space
    visible = [c for c in chars if c["text"].strip()]
    if not visible or not text.strip():
        return []
    sizes = sorted(c["size"] for c in visible)
    bold = sum("bold" in str(c.get("fontname", "")).lower() or "heavy" in str(c.get("fontname", "")).lower()
               or "black" in str(c.get("fontname", "")).lower() for c in visible) > len(visible) / 2
    return [Line(page=number, text=text.strip(), x0=visible[0]["x0"], x1=max(c["x1"] for c in visible),
                 top=min(c["top"] for c in visible), bottom=max(c["bottom"] for c in visible),
                 size=sizes[len(sizes) // 2], bold=bold)]


def read_pdf(path: Path) -> Document:
    """Read a text PDF into a document whose paragraphs (with kinds and origins) are ready."""
    path = Path(path)
    pdf = _open(path)
    try:
        try:
            if len(pdf.pages) > MAX_PAGES:
                raise InputError(f"{path}: {len(pdf.pages)} pages is over the {MAX_PAGES}-page limit; split the PDF.")
            pages = []
            tables_so_far = 0
            for number, page in enumerate(pdf.pages, start=1):
                pages.append(_page_lines(page, number, _ruled_tables(page), tables_so_far))
                tables_so_far += sum(1 for line in pages[-1] if line.cells is not None)  # framed prose is none
            heights = [float(page.height) for page in pdf.pages]
            images = [[(float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"])) for i in page.images]
                      for page in pdf.pages]
        except InputError:
            raise
        except Exception as error:
            raise InputError(f"{path}: cannot read this PDF ({type(error).__name__}: it looks damaged); "
                             f"open and save it again, or export it as PDF once more.") from None
    finally:
        pdf.close()
    if not any(pages):
        if any(images):
            raise InputError(f"{path}: has no text layer (the pages are images, as in a scan); OCR is not "
                             f"supported: run it through an OCR tool first, or give the text as .txt or .docx.")
        raise InputError(f"{path}: the PDF holds no text; there is nothing to translate.")
    text = "".join(line.text for page in pages for line in page)
    if text.count("(cid:") * 8 > len(text) * 0.3:
        raise InputError(f"{path}: the PDF's fonts do not say which characters they draw (no Unicode mapping), "
                         f"so its text cannot be read reliably; export the PDF again with embedded Unicode "
                         f"fonts, or give the text as .txt or .docx.")
    return build_document(path, pages, heights, images)


def build_document(path: Path, pages: Sequence[Sequence[Line]], heights: Sequence[float],
                   images: Sequence[Sequence[tuple[float, float, float, float]]]) -> Document:
    """Lay out the pages' lines into a document: furniture aside, paragraphs in reading order."""
    kept, furniture = split_furniture(pages, heights)
    everything = [line for page in kept for line in page]
    body_size = body_font_size(everything)
    first_page = kept[0] if kept else []
    largest = max((line.size for line in first_page), default=0.0)
    title_size = largest if largest >= body_size * 1.4 else None
    regions: list[list[Block]] = []
    for number, page in enumerate(kept, start=1):
        for region in reading_order(page, body_size):
            regions.append(paragraphs_of_region(region, body_size, title_size, images[number - 1]))
    blocks, unsure = join_across_regions(regions)
    at_edge = {id(block) for block in unsure}
    paragraphs = [_paragraph(index, block, id(block) in at_edge) for index, block in enumerate(blocks)]
    text = "\n\n".join(paragraph.source for paragraph in paragraphs)
    document = Document(path=path, text=text + "\n", encoding="pdf", paragraphs=paragraphs)
    document.furniture = [{"page": line.page, "text": line.text, "bbox": _bbox([line])} for line in furniture]
    return document


def _bbox(lines: Sequence[Line]) -> list[float]:
    return [round(min(line.x0 for line in lines), 1), round(min(line.top for line in lines), 1),
            round(max(line.x1 for line in lines), 1), round(max(line.bottom for line in lines), 1)]


def _doubt(kind: str, text: str, at_edge: bool) -> str:
    """Why a paragraph may be cut, or "": body text must end its sentence (as the text layout repair
    reads it: a line of address, or a short unpunctuated line that reads as a heading, is whole)."""
    if at_edge:
        return ("the paragraph runs to the column's edge without closing punctuation, but no unindented "
                "continuation follows; check whether its end is elsewhere")
    if kind == "body" and is_cut_end(text) and not is_salutation(text) and not looks_like_heading(text):
        return ("the paragraph ends without closing punctuation and nothing on the page continues it; "
                "check whether it was cut")
    return ""


def _paragraph(index: int, block: Block, at_edge: bool) -> Paragraph:
    parts = block.parts or [block.lines]
    places = [{"page": part[0].page, "column": part[0].column, "bbox": _bbox(part)} for part in parts]
    origin: dict[str, Any] = {"format": "pdf", **places[0]}
    if len(places) > 1:
        origin["parts"] = places
    if block.cell is not None:
        origin.update(block.cell)
    kind = "body" if block.cell is not None else block.kind  # a table cell is translated as body text
    paragraph = Paragraph(id=f"p{index + 1}", kind=kind, source=join_lines([line.text for line in block.lines]),
                          block=index, origin=origin)
    if block.cell is not None:
        return paragraph  # a cell is whole as it stands: nothing continues it
    if len(parts) > 1:
        paragraph.flags.append(Flag("layout-join", "info", f"joined across a column or page break "
                                                      f"(pages {', '.join(str(p['page']) for p in places)})"))
    doubt = _doubt(block.kind, paragraph.source, at_edge)
    if doubt:
        paragraph.flags.append(Flag("layout-fragment", "warning", doubt))
    return paragraph
