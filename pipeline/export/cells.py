"""Cell text a spreadsheet stores verbatim, and widths as a spreadsheet counts them."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

import regex

_ILLEGAL_XML = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@")


def safe_cell_text(text: str) -> str:
    """Text a spreadsheet stores verbatim: characters XML cannot hold become U+FFFD."""
    return _ILLEGAL_XML.sub("\ufffd", text)


def count_unsafe(text: str) -> int:
    """How many characters of ``text`` a spreadsheet cannot hold."""
    return len(_ILLEGAL_XML.findall(text))


def set_text(cell: Any, text: str) -> None:
    """Store ``text`` as a string, never as a formula, whatever it starts with."""
    cell.value = safe_cell_text(text)
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited again


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def display_width(text: str) -> int:
    """Width in spreadsheet characters of the longest line: Chinese characters count twice."""
    lines = text.split("\n") or [""]
    return max(sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line) for line in lines)
