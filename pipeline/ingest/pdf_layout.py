"""Reading order and paragraphs from a PDF page's geometry (pure functions over positioned lines).

The PDF reader (``pipeline.ingest.pdf``) turns characters into ``Line``s and sets the page
furniture aside (``pipeline.ingest.pdf_furniture``); this module finds the columns (gutters in
the x-extents of the lines, any number of them, with lines spanning a gutter cutting the page into
bands), the reading order (band by band, column by column, page after page), the paragraphs (first
-line indents, line spacing, changes of type size) and their kinds (title, heading, caption, body),
and joins a paragraph that a column or page break cut in two.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

_CLOSED_END = regex.compile(r"[。！？!?…；;][”’」』）)\]]*\s*$")
_CREDIT_END = regex.compile(r"(?:摄|摄影|供图)\s*[)）]?$")

_FIRST_WORD = regex.compile(r"""^[\p{Latin}\d'’"“‘\[\].,;:!?()\-]+""")
_WIDE_CHAR = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3000-\u303f\uff00-\uffef“”‘’]")

# Type sizes against the body's: a heading's is at least HEADING_SIZE times larger, small type
# (captions, credits, running heads) at most SMALL_SIZE times as large.
HEADING_SIZE = 1.12
SMALL_SIZE = 0.92


@dataclass
class Line:
    """One line of text in one column: its text, box (PDF points, top-down) and type."""

    page: int  # 1-based
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    column: int = 0  # 1-based column within its band; 0 for a line spanning the columns
    region: int = 0  # the reading-order region (a column of a band) the line was read in
    # A ruled table stands in the reading order as one line that carries its cells, each a block.
    cells: list[Block] | None = None


@dataclass
class Block:
    """Consecutive lines of one region that make a paragraph (before joins across regions)."""

    kind: str
    lines: list[Line]
    region_left: float
    region_right: float
    parts: list[list[Line]] = field(default_factory=list)  # the pieces joined into it, in order
    cell: dict[str, int] | None = None  # for a table cell: {"table": t, "row": r, "col": c}, 0-based

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


# --- reading order --------------------------------------------------------------------------------

def _gutters(lines: Sequence[Line], min_width: float) -> list[tuple[float, float]]:
    """X-ranges that no line covers, with text on both sides: the gaps between columns.

    When a few lines cross every gap (a spanning title or caption), the gaps are found with those
    lines set aside: first with a tolerance that grows with the number of lines (a single wide
    line cannot hide a three-column page), then exactly on the other lines, so that a column
    holding only a few lines still counts as one.
    """
    exact = _open_ranges(lines, min_width, 0)
    if exact or len(lines) < 2:
        return exact
    tolerant = _open_ranges(lines, min_width, int(len(lines) * 0.06))
    if not tolerant:
        return []
    rest = [line for line in lines if not crosses(line, tolerant)]
    return _open_ranges(rest, min_width, 0) or tolerant


def crosses(line: Line, gutters: Sequence[tuple[float, float]]) -> bool:
    """Whether the line covers most of a gutter: it belongs to no single column. (A centred title
    narrower than the page may cover a gutter only in part; a column's own line never covers more
    than its edge.)"""
    return any(min(line.x1, right) - max(line.x0, left) > (right - left) / 2 for left, right in gutters)


def _open_ranges(lines: Sequence[Line], min_width: float, allowed: int) -> list[tuple[float, float]]:
    """X-ranges at least ``min_width`` wide covered by at most ``allowed`` lines, text on both sides."""
    if len(lines) < 2:
        return []
    edges = sorted({round(v, 1) for line in lines for v in (line.x0, line.x1)})
    gutters: list[tuple[float, float]] = []
    start: float | None = None
    for left, right in zip(edges, edges[1:]):
        middle = (left + right) / 2
        covered = sum(1 for line in lines if line.x0 < middle < line.x1)
        if covered <= allowed:
            start = left if start is None else start
            continue
        if start is not None and left - start >= min_width and start > edges[0]:
            gutters.append((start, left))
        start = None
    return gutters


def reading_order(lines: Sequence[Line], body_size: float) -> list[list[Line]]:
    """The page's regions in reading order; each region is a column's lines, top to bottom.

    Lines that cross a gutter (a title spanning the columns) cut the page into bands read top to
    bottom; within a band the columns are read left to right, each searched again for columns.
    """
    regions: list[list[Line]] = []
    _order(list(lines), body_size, regions, column=1)
    return regions


def _order(lines: list[Line], body_size: float, regions: list[list[Line]], column: int, depth: int = 0) -> None:
    if not lines:
        return
    gutters = _gutters(lines, body_size * 0.8) if depth < 8 else []
    if not gutters and depth < 8 and _order_bands(lines, body_size, regions, column, depth):
        return
    if not gutters:
        for line in lines:
            line.column = column
        regions.append(sorted(lines, key=lambda line: (line.top, line.x0)))
        return
    first_body_top = min((line.top for line in lines if _body_type(line, body_size)), default=None)
    spanning = [line for line in lines if crosses(line, gutters) or _heads_the_columns(line, first_body_top, body_size)]
    if spanning:
        spanning.sort(key=lambda line: line.top)
        crossing = {id(line) for line in spanning}
        rest = [line for line in lines if id(line) not in crossing]
        cuts = [line.top for line in spanning] + [float("inf")]
        above = [line for line in rest if line.top < cuts[0]]
        _order(above, body_size, regions, column, depth + 1)
        for index, line in enumerate(spanning):
            line.column = 0
            regions.append([line])
            band = [other for other in rest if cuts[index] <= other.top < cuts[index + 1]]
            _order(band, body_size, regions, column, depth + 1)
        return
    bounds = [float("-inf")] + [sum(gap) / 2 for gap in gutters] + [float("inf")]
    for number, (left, right) in enumerate(zip(bounds, bounds[1:]), start=1):
        part = [line for line in lines if left <= (line.x0 + line.x1) / 2 < right]
        for line in part:
            line.column = number
        _order(part, body_size, regions, number, depth + 1)


def _heads_the_columns(line: Line, first_body_top: float | None, body_size: float) -> bool:
    """A line in larger type that ends above every line of body type (the first of which starts at
    ``first_body_top``): a title over the columns, even one short enough to stand over a single column."""
    return line.size >= body_size * HEADING_SIZE and first_body_top is not None and line.bottom <= first_body_top


def _body_type(line: Line, body_size: float) -> bool:
    return body_size * SMALL_SIZE < line.size < body_size * HEADING_SIZE


def _order_bands(lines: list[Line], body_size: float, regions: list[list[Line]], column: int, depth: int) -> bool:
    """Mixed spans with no gutter through the whole region (three columns above, two below): cut it
    at wide horizontal gaps into bands and read them top to bottom, when that reveals columns.

    A band without columns of its own whose lines cross another band's gutter spans the columns.
    """
    ordered = sorted(lines, key=lambda line: line.top)
    bands: list[list[Line]] = [[ordered[0]]]
    for line in ordered[1:]:
        if line.top - max(other.bottom for other in bands[-1]) >= body_size:
            bands.append([line])
        else:
            bands[-1].append(line)
    gutters = [_gutters(band, body_size * 0.8) for band in bands]
    if len(bands) < 2 or not any(gutters):
        return False
    every_gutter = [gap for found in gutters for gap in found]
    for band, found in zip(bands, gutters):
        if not found and all(crosses(line, every_gutter) for line in band):
            for line in band:
                line.column = 0
            regions.append(band)
        else:
            _order(band, body_size, regions, column, depth + 1)
    return True


# --- paragraphs and kinds -------------------------------------------------------------------------

def body_font_size(lines: Sequence[Line]) -> float:
    """The size of most of the text (weighted by characters)."""
    weighted = [line.size for line in lines for _ in range(max(1, len(line.text)))]
    return statistics.median(weighted) if weighted else 10.0


def line_role(line: Line, body_size: float, title_size: float | None) -> str:
    if title_size and line.page == 1 and line.size >= title_size - 0.5:
        return "title"
    if line.size >= body_size * HEADING_SIZE or (line.bold and len(line.text) <= 40 and line.size >= body_size * 0.98):
        return "heading"
    if line.size <= body_size * SMALL_SIZE:
        return "small"
    return "body"


def ends_short(previous: Line, line: Line, right: float) -> bool:
    """Whether ``previous`` stopped before the column's edge by choice: the first word of ``line``
    (a Chinese character, or a Latin word) would have fitted in the room left on it. Ragged-right
    Latin text leaves room at the end of most lines without ending its paragraphs."""
    match = _FIRST_WORD.match(line.text)
    word = match.group(0) if match else line.text[:1]
    width = sum(line.size * (1.0 if _WIDE_CHAR.match(char) else 0.55) for char in word)
    return right - previous.x1 > width + line.size * 0.5


def near_image(line: Line, images: Sequence[tuple[float, float, float, float]]) -> bool:
    """Whether ``line`` sits just below or above an image (x0, top, x1, bottom) it overlaps."""
    reach = line.size * 3
    for x0, top, x1, bottom in images:
        overlaps = line.x0 < x1 and line.x1 > x0
        if overlaps and (0 <= line.top - bottom <= reach or 0 <= top - line.bottom <= reach):
            return True
    return False


def paragraphs_of_region(region: Sequence[Line], body_size: float, title_size: float | None,
                         images: Sequence[tuple[float, float, float, float]]) -> list[Block]:
    """Cut one region's lines into blocks: a new block at a change of role, a first-line indent,
    a wider gap than the line spacing, or after a line that stops short of the column's edge."""
    body = ([line for line in region if line.cells is None and line_role(line, body_size, title_size) == "body"]
            or list(region))
    left = min(line.x0 for line in body)
    right = max(line.x1 for line in body)
    blocks: list[Block] = []
    previous: Line | None = None
    previous_role = ""
    for line in region:
        if line.cells is not None:  # a table: its cells, each a paragraph of its own
            for cell in line.cells:
                for cell_line in cell.lines:
                    cell_line.column, cell_line.region = line.column, line.region
            blocks.extend(line.cells)
            previous, previous_role = None, ""
            continue
        role = line_role(line, body_size, title_size)
        start = previous is None or role != previous_role
        if not start and previous is not None:
            gap = line.top - previous.bottom
            if role == "body":
                start = (line.x0 > left + line.size * 0.8 or gap > line.size * 0.8
                         or ends_short(previous, line, right))
            else:
                start = gap > line.size * 0.8
        if start:
            kind = {"small": "caption"}.get(role, role)
            blocks.append(Block(kind, [line], left, right))
        else:
            blocks[-1].lines.append(line)
        previous, previous_role = line, role
    for block in blocks:
        if block.kind == "caption" and not (any(near_image(line, images) for line in block.lines)
                                            or _CREDIT_END.search(block.text)):
            block.kind = "body"  # small type away from any picture: a note, translated as prose
    return _join_around_captions(_fold_credits(blocks))


def _join_around_captions(blocks: list[Block]) -> list[Block]:
    """A paragraph interrupted by a picture and its caption inside one column is one paragraph:
    joined on the same evidence as across columns; the caption follows the joined paragraph."""
    kept: list[Block] = []
    open_block: Block | None = None  # the last body block, when only captions have followed it
    for block in blocks:
        if block.kind == "caption":
            kept.append(block)
            continue
        after_caption = bool(kept) and kept[-1].kind == "caption"
        if open_block is not None and after_caption and continues_into(open_block, block):
            open_block.parts = (open_block.parts or [list(open_block.lines)]) + [block.lines]
            open_block.lines = open_block.lines + block.lines
            continue
        kept.append(block)
        open_block = block if block.kind == "body" else None
    return kept


def _fold_credits(blocks: list[Block]) -> list[Block]:
    """A credit line set apart from its caption ("新华社记者 李明 摄") becomes part of the caption."""
    folded: list[Block] = []
    for block in blocks:
        if (folded and folded[-1].kind == "caption" and _CREDIT_END.search(block.text)
                and len(block.text) <= 30 and block.lines[0].size <= folded[-1].lines[0].size + 0.5):
            folded[-1].lines.extend(block.lines)
            continue
        folded.append(block)
    return folded


# --- joins across columns and pages ---------------------------------------------------------------

def runs_to_edge(block: Block) -> bool:
    """The block's last line reaches the column's edge and does not close a sentence."""
    last = block.lines[-1]
    return last.x1 >= block.region_right - last.size * 1.2 and not _CLOSED_END.search(block.text)


def continues_into(block: Block, following: Block) -> bool:
    """``following`` carries on ``block``: no closing punctuation, no room left on the last line
    for the next one's first word (ragged-right Latin counts too), and no first-line indent."""
    return (not _CLOSED_END.search(block.text) and following.kind == "body" and not indented(following)
            and not ends_short(block.lines[-1], following.lines[0], block.region_right))


def indented(block: Block) -> bool:
    first = block.lines[0]
    return first.x0 > block.region_left + first.size * 0.5


def join_across_regions(regions: Sequence[list[Block]]) -> tuple[list[Block], list[Block]]:
    """Blocks in reading order with paragraphs cut by a column or page break joined.

    The last body block of a region continues into the first body block of the next region that
    has one (captions and spanning lines in between stay where they were) when ``continues_into``
    says so: no closing punctuation, no room left on its last line for the next one's first word,
    no first-line indent. Returns the blocks, and those that ran to the column's edge unfinished
    but found no continuation (flagged for the reviewer, never joined by guess).
    """
    flat: list[Block] = []
    unsure: list[Block] = []
    pending: Block | None = None  # a body block that ended its region without closing punctuation
    for region in regions:
        for position, block in enumerate(region):
            if block.cell is not None:  # a table stands between: text does not run on through it
                if pending is not None and runs_to_edge(pending):
                    unsure.append(pending)
                pending = None
                flat.append(block)
                continue
            if block.kind == "caption":
                flat.append(block)
                continue
            first_of_region = all(other.kind == "caption" for other in region[:position])
            if pending is not None and first_of_region and continues_into(pending, block):
                pending.parts = (pending.parts or [list(pending.lines)]) + [block.lines]
                pending.lines = pending.lines + block.lines
                pending.region_left, pending.region_right = block.region_left, block.region_right
                carried = pending
            else:
                if pending is not None and runs_to_edge(pending):
                    unsure.append(pending)
                flat.append(block)
                carried = block
            pending = None
            last_of_region = all(other.kind == "caption" for other in region[position + 1:])
            if carried.kind == "body" and last_of_region and not _CLOSED_END.search(carried.text):
                pending = carried
    if pending is not None and runs_to_edge(pending):
        unsure.append(pending)
    for block in flat:
        if not block.parts:
            block.parts = [block.lines]
    return flat, unsure
