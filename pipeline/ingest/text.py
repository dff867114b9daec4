"""Read an input file, decode it and cut it into blocks (paragraphs before layout repair).

Paragraph breaks are blank lines; a file with no blank line at all is taken as one paragraph per
line. Inside a paragraph a line break is a hard wrap (as PDFs leave): Chinese text joins without a
space, Latin text with one. Markdown headings, list items, fenced code and tables keep their role.
"""

from __future__ import annotations

import codecs
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import regex

from pipeline.document import Document
from pipeline.errors import InputError

MAX_INPUT_BYTES = 50 * 1024 * 1024
# One paragraph this long is no prose (a minified or corrupt file); segmenting it would take minutes.
MAX_LINE_CHARS = 200_000
# Lines inside paragraphs needed before a common length among them is taken for a column's width.
MIN_WRAPPED_LINES = 5

_HEADING = regex.compile(r"^(#{1,6}[ \t]+)(.*?)[ \t#]*$")
_LIST_ITEM = regex.compile(r"^([ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+)(.*)$")
_FENCE = regex.compile(r"^[ \t]*(```|~~~)")
_TABLE_ROW = regex.compile(r"^[ \t]*\|.*\|[ \t]*$")
# What a wrap never breaks: a number or a Latin word, with its decimal point or percent sign.
UNBREAKABLE_RUN = regex.compile(r"[A-Za-z0-9０-９][A-Za-z0-9０-９.%％]*")
_WIDE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026]")


@dataclass(frozen=True)
class Block:
    """A run of input lines that forms one paragraph, before classification and repair."""

    number: int
    kind: str  # "text", "heading", "list_item", "code", "table"
    markup: str
    text: str
    first_line: int
    last_line: int
    # When the text was hard-wrapped at a fixed width (in characters): the width, and how many
    # characters short of it the block's last line stops.
    column_width: int | None = None
    column_shortfall: int | None = None

    @property
    def fills_column(self) -> bool:
        """The last line runs to the column's width, as the last line of a paragraph cut at a column's end does."""
        return self.column_shortfall == 0


def decode(data: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    """Decode ``data``; return the text and the codec used. A BOM picks UTF-8 or UTF-16 by itself."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"{path}: unknown encoding {encoding!r}; try utf-8, gb18030 or big5.") from None
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        hint = (" It looks like a legacy Chinese encoding: run again with --encoding gb18030 (or big5)."
                if encoding.startswith("utf-8") else " Check the --encoding given.")
        raise InputError(
            f"{path}: cannot decode as {encoding} at byte offset {error.start} "
            f"(byte 0x{data[error.start]:02x}).{hint}"
        ) from None


def read_document(path: Path, encoding: str | None = None) -> Document:
    """Read and decode ``path``; the text keeps every character except CR line endings."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the document files inside it instead.")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"{path}: {size:,} bytes is over the {MAX_INPUT_BYTES:,}-byte limit; split the file.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied.") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror}).") from None
    if not encoding and looks_binary(data):
        raise InputError(f"{path}: looks like a binary file (an image, archive or document format), "
                         f"not a text document; save it as .docx, .txt or .md (or name a PDF .pdf) first.")
    text, used = decode(data, path, encoding)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    longest = max((len(line) for line in text.split("\n")), default=0)
    if longest > MAX_LINE_CHARS:
        raise InputError(f"{path}: a single line of {longest:,} characters is over the {MAX_LINE_CHARS:,}-character "
                         f"limit for one paragraph; add line breaks between paragraphs.")
    return Document(path=path, text=text, encoding=used)


_BINARY_SIGNATURES = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")


def looks_binary(data: bytes) -> bool:
    """A known binary format, or NUL bytes in data that is not UTF-8 (UTF-16 with a BOM excepted).

    A UTF-8 text with a stray NUL is still a text: it is translated, and the exports replace what
    their formats cannot hold.
    """
    if data.startswith(_BINARY_SIGNATURES):
        return True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" not in data[:8192]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def join_wrapped_lines(lines: list[str]) -> str:
    """Join hard-wrapped lines: no space between wide (CJK) characters, one space between Latin words."""
    joined = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if joined and not (_WIDE.match(joined[-1]) or _WIDE.match(line[0])):
            joined += " "
        joined += line
    return joined


def split_blocks(text: str) -> list[Block]:
    """Cut decoded text into blocks; every non-blank character ends up in exactly one block."""
    lines = text.split("\n")
    one_per_line = not any(not line.strip() for line in _inner_lines(lines))
    blocks: list[Block] = []
    pending: list[tuple[int, str]] = []
    wrapped: dict[int, list[str]] = {}  # block number → its lines, for text blocks

    def flush() -> None:
        if pending:
            wrapped[len(blocks)] = [line.strip() for _, line in pending]
            blocks.append(Block(len(blocks), "text", "", join_wrapped_lines([l for _, l in pending]),
                                pending[0][0], pending[-1][0]))
            pending.clear()

    index = 0
    while index < len(lines):
        line, number = lines[index], index + 1
        if _FENCE.match(line):
            flush()
            end = index + 1
            while end < len(lines) and not _FENCE.match(lines[end]):
                end += 1
            end = min(end, len(lines) - 1)
            blocks.append(Block(len(blocks), "code", "", "\n".join(lines[index:end + 1]), number, end + 1))
            index = end + 1
            continue
        if not line.strip():
            flush()
        elif _TABLE_ROW.match(line):
            flush()
            blocks.append(Block(len(blocks), "table", "", line, number, number))
        elif heading := _HEADING.match(line):
            flush()
            blocks.append(Block(len(blocks), "heading", heading.group(1), heading.group(2).strip(), number, number))
        elif item := _LIST_ITEM.match(line):
            flush()
            blocks.append(Block(len(blocks), "list_item", item.group(1), item.group(2).strip(), number, number))
        else:
            pending.append((number, line))
            if one_per_line:
                flush()
        index += 1
    flush()
    width = column_width(list(wrapped.values()))
    if width is not None:
        blocks = [replace(block, column_width=width, column_shortfall=max(0, width - len(wrapped[block.number][-1])))
                  if block.number in wrapped
                  else block for block in blocks]
    return [block for block in blocks if block.text.strip() or block.markup.strip()]


def column_width(wrapped: list[list[str]]) -> int | None:
    """The width in characters the text was hard-wrapped at, if it was: the length most lines inside a
    paragraph (every line but its last) have, shared by at least half of them and seen often enough.
    A line ended early because the number or Latin word opening the next would not fit counts as full."""
    inner = [(len(line), lines[number + 1]) for lines in wrapped for number, line in enumerate(lines[:-1])]
    if len(inner) < MIN_WRAPPED_LINES:
        return None

    def full_at(width: int) -> int:
        return sum(1 for length, following in inner
                   if length == width or pushed_to_next_line(width - length, following))

    width = max({length for length, _ in inner}, key=lambda width: (full_at(width), width))
    return width if full_at(width) >= len(inner) / 2 else None


def pushed_to_next_line(shortfall: int | None, following: str) -> str | None:
    """The unbreakable run (a number, a Latin word) opening ``following`` when it is why a line ended
    ``shortfall`` characters short of the column's edge: it would not have fit in the room left."""
    run = UNBREAKABLE_RUN.match(following)
    return run.group() if run and shortfall and 0 < shortfall < len(run.group()) else None


def _inner_lines(lines: list[str]) -> list[str]:
    """The lines between the first and last non-blank line (leading/trailing blank lines don't count)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return lines[filled[0]:filled[-1] + 1] if filled else []
