"""Make the engine's English read as English: ASCII punctuation, clean spacing, parts and sentences rejoined."""

from __future__ import annotations

import regex

from pipeline.document import Paragraph, Segment

_PUNCTUATION = {
    "，": ", ", "、": ", ", "。": ". ", "：": ": ", "；": "; ", "！": "! ", "？": "? ",
    "（": " (", "）": ") ", "【": " [", "】": "] ", "《": "", "》": "", "〈": "", "〉": "",
    "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"',
    "…": "...", "—": "-", "～": "~", "\u3000": " ", "．": ". ", "％": "%",
}
_TRANSLATION = str.maketrans(_PUNCTUATION)
_SPACE_BEFORE = regex.compile(r"\s+([,.;:!?%)\]])")
_SPACE_AFTER_OPEN = regex.compile(r"([(\[])\s+")
_RUNS_OF_SPACE = regex.compile(r"[ \t]{2,}")
_FULLWIDTH_ASCII = regex.compile(r"[\uff01-\uff5e]")


def english_punctuation(text: str) -> str:
    """Replace full-width and Chinese punctuation with English forms and tidy the spacing."""
    text = text.translate(_TRANSLATION)
    text = _FULLWIDTH_ASCII.sub(lambda match: chr(ord(match.group(0)) - 0xFEE0), text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _RUNS_OF_SPACE.sub(" ", text)
    return text.strip()


def join_english(pieces: list[str]) -> str:
    return " ".join(piece.strip() for piece in pieces if piece.strip())


def finish_segment(segment: Segment) -> None:
    segment.part_targets = [english_punctuation(text) for text in segment.part_targets]
    segment.target = join_english(segment.part_targets)


def assemble_paragraph(paragraph: Paragraph) -> None:
    if paragraph.translatable:
        paragraph.target = join_english([segment.target for segment in paragraph.segments])
    else:
        paragraph.target = paragraph.source  # code and tables pass through untranslated
