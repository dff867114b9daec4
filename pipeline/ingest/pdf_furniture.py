"""Page furniture of a PDF: running headers, footers and page numbers, set aside from the text to translate.

They are kept (the document's ``furniture`` in the JSON), not translated: a margin line whose text
recurs on two pages or more, a page number, and on a one-page document its running head.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import regex

from pipeline.ingest.pdf_layout import SMALL_SIZE, Line, body_font_size

_PAGE_NUMBER = regex.compile(r"^(?:[-–—·\s]*\d{1,4}[-–—·\s]*|第\s*\d{1,4}\s*页(?:\s*[/／共]\s*\d{1,4}\s*页?)?"
                             r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?|\d{1,4}\s*/\s*\d{1,4})$", regex.IGNORECASE)
_DIGITS = regex.compile(r"\d+")
MARGIN_SHARE = 0.12  # headers and footers live in the top and bottom 12% of the page


def split_furniture(pages: Sequence[Sequence[Line]], heights: Sequence[float]) -> tuple[list[list[Line]], list[Line]]:
    """Separate running headers, footers and page numbers from each page's text lines.

    A margin line is furniture when it is a page number, or when its text (digits ignored) recurs
    in the margins of at least two pages. A one-page document shows no recurrence: there a line in
    small type in the top margin, above all the other text (人民日报海外版 2024年5月1日 星期三), is its
    running head.
    """
    def in_margin(line: Line) -> bool:
        height = heights[line.page - 1]
        return line.bottom <= height * MARGIN_SHARE or line.top >= height * (1 - MARGIN_SHARE)

    def key(line: Line) -> tuple[str, int]:
        """The text with its numbers blanked (page numbers and dates change), and where it sits."""
        return _DIGITS.sub("#", "".join(line.text.split())), round(line.top / 6)

    recurring = Counter(k for page in pages for k in {key(line) for line in page
                                                      if in_margin(line) and _DIGITS.sub("", line.text).strip()})
    kept: list[list[Line]] = []
    furniture: list[Line] = []
    for page in pages:
        body = []
        for line in page:
            repeated = len(pages) > 1 and recurring[key(line)] >= 2
            if in_margin(line) and (repeated or _PAGE_NUMBER.match(line.text.strip())
                                    or (len(pages) == 1 and _running_head(line, page))):
                furniture.append(line)
            else:
                body.append(line)
        kept.append(body)
    return kept, furniture


def _running_head(line: Line, page: Sequence[Line]) -> bool:
    """A line in small type above every other line of the page."""
    others = [other for other in page if other is not line]
    return (bool(others) and line.size <= body_font_size(page) * SMALL_SIZE
            and all(line.bottom <= other.top for other in others))
