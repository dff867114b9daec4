"""The data that flows between the stages of one run.

A ``Document`` holds ``Paragraph``s, each holding ``Segment``s (sentences). Every segment keeps its
link to the Chinese it came from, so every output row can say which English came from which source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
# "accepted": a person's translation uses one of the entry's accepted alternatives.
TermStatus = Literal["pending", "applied", "repaired", "missing", "accepted"]

# Paragraph kinds that carry prose to translate; the others (code, table rows) pass through as-is.
TRANSLATABLE_KINDS = frozenset({"title", "subtitle", "byline", "heading", "body", "caption", "credit", "list_item", "quote"})


@dataclass(frozen=True)
class Flag:
    """A QA finding on a segment: which check, how serious, and what the reviewer should look at."""

    check: str
    severity: Severity
    message: str

    def to_json(self) -> dict[str, str]:
        return {"check": self.check, "severity": self.severity, "message": self.message}


@dataclass
class TermHit:
    """One occurrence of a glossary term in a segment's source, with offsets into the segment."""

    zh: str
    en: str
    start: int
    end: int
    status: TermStatus = "pending"
    surface: str = ""  # the text as it appears in the source (a variant or another quote style)
    avoid: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()  # English alternatives accepted in a person's translation

    def to_json(self) -> dict[str, Any]:
        return {"zh": self.zh, "en": self.en, "start": self.start, "end": self.end,
                "status": self.status, "surface": self.surface or self.zh}


@dataclass
class Segment:
    """A sentence of source text and its translation.

    ``parts`` holds the pieces a sentence too long for the model was cut into; their translations
    are joined to make ``target``. An unsplit sentence has a single part equal to ``source``.
    """

    id: str
    source: str
    parts: list[str] = field(default_factory=list)
    part_targets: list[str] = field(default_factory=list)
    target: str = ""
    terms: list[TermHit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    score: float | None = None  # mean log-probability per target token, from the engine
    cached: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "target": self.target,
            "terms": [hit.to_json() for hit in self.terms],
            "flags": [flag.to_json() for flag in self.flags],
            "score": None if self.score is None else round(self.score, 4),
        }
        if len(self.parts) > 1:
            data["parts"] = [{"source": s, "target": t} for s, t in zip(self.parts, self.part_targets)]
        return data


@dataclass
class Paragraph:
    """A block of the document: title, heading, body paragraph, caption, list item or code.

    ``markup`` keeps what was stripped off the source line (``## `` of a Markdown heading, ``- ``
    of a list item) so every input character stays accounted for.
    """

    id: str
    kind: str
    source: str
    markup: str = ""
    segments: list[Segment] = field(default_factory=list)
    target: str = ""
    lines: tuple[int, int] = (0, 0)  # first and last input line (1-based) of the block
    joined_from: list[int] = field(default_factory=list)  # input block numbers merged into this one
    joined_lines: list[int] = field(default_factory=list)  # first input line of each piece, in joined order
    block: int = 0  # input block number (0-based) before any layout repair
    # How far short of the edge of a hard-wrapped column the block's last line stops (text input;
    # None: not hard-wrapped).
    column_shortfall: int | None = None
    flags: list[Flag] = field(default_factory=list)
    # Where the paragraph sits in a PDF or Word input: page, column and bbox (PDF), or paragraph
    # index, style and table cell (DOCX). Empty for text, whose ``lines`` already say where.
    origin: dict[str, Any] = field(default_factory=dict)

    @property
    def fills_column(self) -> bool:
        """The block's last line runs to the edge of a hard-wrapped column."""
        return self.column_shortfall == 0

    @property
    def translatable(self) -> bool:
        return self.kind in TRANSLATABLE_KINDS

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "source": self.source,
            "target": self.target,
            "lines": list(self.lines),
            "block": self.block,
            "segments": [segment.to_json() for segment in self.segments],
        }
        if self.markup:
            data["markup"] = self.markup
        if self.joined_from:
            data["joined_from"] = list(self.joined_from)
        if self.joined_lines:
            data["joined_lines"] = list(self.joined_lines)
        if self.flags:
            data["flags"] = [flag.to_json() for flag in self.flags]
        if self.origin:
            data["origin"] = self.origin
        return data


@dataclass
class Document:
    """One input file on its way through the pipeline."""

    path: Path
    text: str  # the decoded input, newlines normalised to "\n"
    encoding: str = "utf-8"
    paragraphs: list[Paragraph] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    # Page furniture of a PDF (running headers, footers, page numbers): kept, never translated.
    furniture: list[dict[str, Any]] = field(default_factory=list)
    # Seconds per stage; kept out of the JSON so that rerunning a run gives byte-identical outputs.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def segments(self) -> list[Segment]:
        return [segment for paragraph in self.paragraphs for segment in paragraph.segments]

    @property
    def name(self) -> str:
        """The output stem: ``article.zh.txt`` → ``article``."""
        name = self.path.name
        for suffix in (".txt", ".md", ".markdown", ".text", ".pdf", ".docx"):
            if name.lower().endswith(suffix):
                name = name[: -len(suffix)]
                break
        if name.lower().endswith(".zh"):
            name = name[:-3]
        return name or "document"

    @property
    def source_format(self) -> str:
        """``pdf``, ``docx`` or ``text``: which reader made the paragraphs."""
        suffix = self.path.suffix.lower()
        return suffix[1:] if suffix in (".pdf", ".docx") else "text"

    def to_json(self) -> dict[str, Any]:
        data = {
            "source_file": str(self.path),
            "metadata": self.metadata,
            "paragraphs": [paragraph.to_json() for paragraph in self.paragraphs],
        }
        if self.furniture:
            data["furniture"] = self.furniture
        return data
