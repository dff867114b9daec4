"""Builders of PDF and Word test documents, made at test time (no binaries are checked in).

``build_newspaper_pdf`` sets Chinese text like a newspaper page: a running header and a page
number on every page, a title spanning three columns, headings in larger type, body paragraphs
with first-line indents that flow from column to column and page to page, and a picture with a
caption and a credit in smaller type. It returns what a reader should get back: the paragraphs in
reading order with their kinds, and the furniture lines.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

PAGE_W, PAGE_H = 595.0, 842.0
MARGIN = 50.0
GUTTER = 20.0
BODY, HEADING, TITLE, SMALL = 10.0, 13.0, 20.0, 8.0
LEADING = 1.5
HEADER = "人民日报海外版　2024年5月1日　星期三"
CREDIT = "新华社记者 李明 摄"
_CLOSING = "。！？；…”"


@dataclass
class Expected:
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) in reading order
    furniture: list[str] = field(default_factory=list)


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _picture() -> object:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (24, 16), (90, 120, 160))
    data = io.BytesIO()
    image.save(data, format="PNG")
    data.seek(0)
    return ImageReader(data)


def _wrap(text: str, size: float, first: float, rest: float) -> list[str]:
    """Cut ``text`` into lines as wide as the column allows (the first narrower by its indent)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, width, line = [], first, ""
    for char in text:
        if line and stringWidth(line + char, _font(), size) > width:
            lines.append(line)
            line, width = "", rest
        line += char
    return lines + [line] if line else lines


class _Flow:
    """Places lines in columns, page after page, drawing the furniture on each new page."""

    def __init__(self, canvas: object, font: str, expected: Expected, title_height: float, columns: int) -> None:
        self.canvas, self.font, self.expected, self.columns = canvas, font, expected, columns
        self.width = (PAGE_W - 2 * MARGIN - (columns - 1) * GUTTER) / columns
        self.page, self.column, self.top_first = 1, 0, MARGIN + title_height
        self._furniture()
        self.y = self.top_first

    def _furniture(self) -> None:
        c = self.canvas
        c.setFont(self.font, 9)
        c.drawString(MARGIN, PAGE_H - 30, HEADER)
        number = f"— {self.page} —"
        c.drawCentredString(PAGE_W / 2, 25, number)
        self.expected.furniture += [HEADER, number]

    @property
    def x(self) -> float:
        return MARGIN + self.column * (self.width + GUTTER)

    def room(self, height: float) -> bool:
        return self.y + height <= PAGE_H - MARGIN - 10

    def next_column(self) -> None:
        self.column += 1
        if self.column == self.columns:
            self.canvas.showPage()
            self.page, self.column = self.page + 1, 0
            self._furniture()
            self.top_first = MARGIN + 20
        self.y = self.top_first

    def line(self, text: str, size: float, indent: float = 0.0) -> None:
        self.canvas.setFont(self.font, size)
        self.canvas.drawString(self.x + indent, PAGE_H - self.y - size, text)
        self.y += size * LEADING


def build_newspaper_pdf(path: Path, title: str, items: list[tuple[str, str]], columns: int = 3) -> Expected:
    """Draw ``items`` — ``("heading", text)``, ``("body", text)``, ``("image", caption)`` between
    paragraphs, ``("image-inside", caption)`` inside the next paragraph — under a spanning
    ``title``; return the paragraphs a reader must find, in order."""
    from reportlab.pdfgen import canvas as pdf_canvas

    font = _font()
    canvas = pdf_canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    expected = Expected([("title", title)])
    canvas.setFont(font, TITLE)
    canvas.drawCentredString(PAGE_W / 2, PAGE_H - MARGIN - TITLE, title)
    flow = _Flow(canvas, font, expected, TITLE * 2.5, columns)
    inside = figure = ""
    for kind, text in items:
        if kind == "heading":
            if not flow.room(HEADING * LEADING * 2 + BODY * LEADING * 2):
                flow.next_column()
            flow.line(text, HEADING)
            flow.y += HEADING * 0.5
        elif kind == "image-inside":
            inside = text  # drawn after the third line of the next paragraph, which it interrupts
            continue
        elif kind == "image":
            _figure(flow, text)
            text = text + CREDIT
            kind = "caption"
        else:
            lines = _wrap(text, BODY, flow.width - 2 * BODY, flow.width)
            index = 0
            while index < len(lines):
                if not flow.room(BODY * LEADING):
                    # A break after a line ending a sentence would look finished: break a line earlier.
                    flow.next_column()
                flow.line(lines[index], BODY, indent=2 * BODY if index == 0 else 0.0)
                index += 1
                if inside and index == 3 and index < len(lines):
                    _figure(flow, inside)
                    figure, inside = inside + CREDIT, ""
                if (index < len(lines) and not flow.room(BODY * LEADING) and lines[index - 1][-1] in _CLOSING
                        and index > 1):
                    raise ValueError(f"a column break after a finished sentence: {lines[index - 1]!r}")
        expected.paragraphs.append((kind, text))
        if figure:
            expected.paragraphs.append(("caption", figure))  # a caption follows the paragraph it interrupted
            figure = ""
    canvas.showPage()
    canvas.save()
    return expected


def _figure(flow: _Flow, caption_text: str) -> None:
    """A picture the column's width, its caption in small type under it, and the credit line."""
    caption = _wrap(caption_text, SMALL, flow.width, flow.width) + [CREDIT]
    height = 70 + len(caption) * SMALL * LEADING + 12
    if not flow.room(height):
        flow.next_column()
    flow.canvas.drawImage(_picture(), flow.x, PAGE_H - flow.y - 70, width=flow.width, height=70)
    flow.y += 76
    for line in caption:
        flow.line(line, SMALL)
    flow.y += 8


def build_scanned_pdf(path: Path) -> None:
    """A page that is only a picture, as a scanner makes it: no text layer."""
    from reportlab.pdfgen import canvas as pdf_canvas

    canvas = pdf_canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    canvas.drawImage(_picture(), 50, 50, width=495, height=742)
    canvas.showPage()
    canvas.save()


TABLE_ROWS = [["指标", "数值", "比上年增长"], ["国内生产总值", "134.9万亿元", "5.0%"], ["粮食产量", "1.41万亿斤", "1.6%"],
              ["货物进出口总额", "43.85万亿元", "5.0%"], ["城镇新增就业", "1256万人", "—"]]


def build_report_pdf(path: Path, before: str, after: str, rows: list[list[str]] = TABLE_ROWS) -> None:
    """A one-column report page: a title, a paragraph, a table drawn with rules, a paragraph."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    table = Table(rows, colWidths=[150, 120, 100])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 10.5),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph("2024年主要经济数据", title), Spacer(1, 12), Paragraph(before, body), Spacer(1, 8), table,
             Spacer(1, 8), Paragraph(after, body)]
    SimpleDocTemplate(str(path), pagesize=(PAGE_W, PAGE_H)).build(story)


def build_framed_columns_pdf(path: Path, articles: list[str]) -> None:
    """Prose in two columns and two rows of boxes ruled around them, as some newspapers frame their
    articles (four articles: left to right, then the next row)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    body = ParagraphStyle("body", fontName=_font(), fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    boxes = [[Paragraph(text, body) for text in articles[:2]], [Paragraph(text, body) for text in articles[2:4]]]
    table = Table(boxes, colWidths=[240, 240])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               *[(side, (0, 0), (-1, -1), 12) for side in
                                 ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]]))
    SimpleDocTemplate(str(path), pagesize=(PAGE_W, PAGE_H)).build([table])


def build_encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas as pdf_canvas

    canvas = pdf_canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), encrypt="secret")
    canvas.setFont(_font(), 12)
    canvas.drawString(72, 700, "机密文件")
    canvas.showPage()
    canvas.save()


def build_memo_docx(path: Path) -> dict[str, object]:
    """A Word memo: title, heading, body with a run boundary mid-sentence and a bold word, a list
    item, a caption, a table, and a header that must be left alone."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "内部资料　注意保存"
    document.add_paragraph("共建“一带一路”合作备忘录", style="Title")
    document.add_paragraph("一、合作背景", style="Heading 1")
    body = document.add_paragraph("各方同意在互联互通领域", style="Normal")
    body.add_run("深化合作，")
    bold = body.add_run("鲁班工坊")
    bold.bold = True
    body.add_run("在15个国家落地。")
    document.add_paragraph("推动绿色丝绸之路建设。", style="List Paragraph")
    document.add_paragraph("图1　项目现场", style="Caption")
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    cells = [["项目", "国家"], ["菌草技术", "斐济"]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("", style="Normal")  # an empty paragraph stays empty
    document.add_paragraph("双方将定期举行会议。", style="Normal")
    document.save(str(path))
    return {"styles": ["Title", "Heading 1", "Normal", "List Paragraph", "Caption", "Normal"],  # non-empty ones
            "cells": cells}
