"""Cut a whole document as a PDF text extraction cuts it, and record which pieces belong together.

A newspaper or report page set in columns, extracted as text, loses its paragraphs' unity: a paragraph
that runs from one column into the next comes out in two blocks, cut at the end of a printed line
(anywhere in a sentence, not at punctuation); a photo caption and its credit, printed between the
columns, land between the halves; the second half may come out after other paragraphs (the extraction
read another column or a sidebar first); and every line is hard-wrapped at the column's width.

:func:`cut_document` does this deterministically (a seed per document) and returns the damaged text
with the truth: for each cut, the input block numbers of the two halves. Block numbers are those
``pipeline.ingest.text.split_blocks`` gives (blocks are separated by blank lines).
"""

from __future__ import annotations

import bisect
import random
from pathlib import Path
import zlib
from dataclasses import dataclass, field

import regex

MIN_CUTTABLE_CHARS = 30  # a paragraph shorter than two printed lines is never cut in two
MAX_CUTS = 3
_PUNCTUATION = regex.compile(r"[\p{P}\p{S}\s]")
_ASCII_WORD = regex.compile(r"[A-Za-z0-9.%]")
_SENTENCE_END = regex.compile(r"[。！？!?…][”’」』）)]*$")

# Captions and credits as newspapers print them; the cutter drops one between the halves of a paragraph.
CAPTIONS = (
    "图为与会嘉宾在开幕式现场交流。",
    "这是2023年10月17日拍摄的国家会议中心外景。",
    "图为中欧班列从西安国际港站驶出（资料照片）。",
    "图为工人在港口码头作业。",
    "这是论坛期间举办的成果展一角。",
    "图为志愿者在会场引导来宾入场。",
)
CREDITS = ("新华社记者 李明 摄", "任卫云 摄", "董江辉 摄", "新华社记者 王鹏 摄", "本报记者 张晓 摄")


@dataclass
class CutDocument:
    """A damaged text and the truth about it."""

    name: str
    text: str
    joins: list[tuple[int, int]] = field(default_factory=list)  # (block of the first half, block of the second)
    kinds: dict[int, str] = field(default_factory=dict)  # block number -> "first half", "second half", "caption", …
    origin: dict[int, int] = field(default_factory=dict)  # block number of a text piece -> its paragraph in the original


def paragraphs_of(text: str) -> list[str]:
    """The document's paragraphs: blocks separated by blank lines, each on one line."""
    return [block.strip() for block in regex.split(r"\n\s*\n", text) if block.strip()]


def cuttable(paragraph: str) -> bool:
    """Long enough prose, ending a sentence: what a printed column cuts."""
    return len(paragraph) >= MIN_CUTTABLE_CHARS and bool(_SENTENCE_END.search(paragraph))


def wrap(text: str, width: int) -> list[str]:
    """Hard-wrap at ``width`` characters, never inside a run of Latin letters or digits."""
    lines: list[str] = []
    start = 0
    while len(text) - start > width:
        end = start + width
        while end > start + 1 and _ASCII_WORD.match(text[end - 1]) and _ASCII_WORD.match(text[end]):
            end -= 1
        lines.append(text[start:end])
        start = end
    lines.append(text[start:])
    return lines


def _cut_points(lines: list[str]) -> list[int]:
    """Line boundaries (as a count of lines before the cut) that fall between two non-punctuation characters."""
    points = []
    for count in range(1, len(lines)):
        before, after = lines[count - 1][-1], lines[count][0]
        if not _PUNCTUATION.match(before) and not _PUNCTUATION.match(after):
            points.append(count)
    return points


def cut_document(name: str, text: str, seed: int | None = None) -> CutDocument | None:
    """Cut up to :data:`MAX_CUTS` paragraphs of ``text``; ``None`` when none can be cut."""
    rng = random.Random(zlib.crc32(name.encode("utf-8")) if seed is None else seed)
    width = rng.randint(14, 24)  # characters per printed line of a narrow newspaper column
    paragraphs = paragraphs_of(text)
    wrapped = [wrap(paragraph, width) for paragraph in paragraphs]
    candidates = [index for index, paragraph in enumerate(paragraphs)
                  if index > 0 and cuttable(paragraph) and _cut_points(wrapped[index])]
    chosen = sorted(rng.sample(candidates, min(MAX_CUTS, len(candidates))))
    if not chosen:
        return None
    # Each item: (label, lines) in output order; labels tie pieces to the truth.
    items: list[tuple[str, list[str]]] = []
    moved: list[tuple[int, tuple[str, list[str]]]] = []  # (index of the paragraph it follows, piece)
    for index, lines in enumerate(wrapped):
        if index not in chosen:
            items.append((f"whole {index}", lines))
        else:
            count = rng.choice(_cut_points(lines))
            items.append((f"first {index}", lines[:count]))
            second = (f"second {index}", lines[count:])
            style = rng.choice(("caption", "far", "far caption"))
            if "caption" in style:
                items.append(("caption", [rng.choice(CAPTIONS)]))
                if rng.random() < 0.7:
                    items.append(("credit", [rng.choice(CREDITS)]))
            if "far" in style and index + 1 < len(paragraphs):
                moved.append((min(len(paragraphs) - 1, index + rng.randint(1, 3)), second))
            else:
                items.append(second)
        for target, piece in [entry for entry in moved if entry[0] == index]:
            items.append(piece)
    blocks = ["\n".join(lines) for _, lines in items]
    document = CutDocument(name, "\n\n".join(blocks) + "\n")
    position = {label: number for number, (label, _) in enumerate(items)}
    for number, (label, _) in enumerate(items):
        document.kinds[number] = label.split()[0]
        if label.split()[-1].isdigit():
            document.origin[number] = int(label.split()[-1])
    for index in chosen:
        document.joins.append((position[f"first {index}"], position[f"second {index}"]))
    return document


# --- scoring a repair against the truth --------------------------------------------------------------

OFFICIAL = Path(__file__).resolve().parents[1] / "data" / "official"
MIN_PARAGRAPHS = 6  # long enough to be cut several times (only nine texts of eight or more paragraphs can be cut)


VARIANTS = 3  # each text is cut three times, differently, for more cuts than one pass gives


def official_set(variants: int = VARIANTS, seed: int = 0) -> list[CutDocument]:
    """Every official text of ``tests/data/official`` with at least :data:`MIN_PARAGRAPHS` paragraphs,
    cut ``variants`` times (named ``NAME#1``, ``NAME#2``…).

    ``seed`` 0 gives the damage the tests measure; any other seed cuts the same texts elsewhere, so a
    rule fitted to one set of cuts shows up as a drop on the others."""
    documents = []
    for path in sorted(OFFICIAL.glob("*.zh.txt")):
        text = path.read_text(encoding="utf-8")
        if len(paragraphs_of(text)) >= MIN_PARAGRAPHS:
            for variant in range(1, variants + 1):
                name = f"{path.name.removesuffix('.zh.txt')}#{variant}"
                cut = cut_document(name, text, zlib.crc32(f"{name}/{seed}".encode("utf-8")) if seed else None)
                if cut is not None:
                    documents.append(cut)
    return documents


def made_joins(paragraphs: list) -> list[tuple[int, int, bool, str]]:
    """(first block, second block, flagged for review, evidence) for every join of flow text the repair made.

    A caption with its credit folded in is not a join of cut text. A paragraph's join flags come in
    the order of its joins.
    """
    joins = []
    for paragraph in paragraphs:
        if paragraph.kind in {"caption", "credit"} or len(paragraph.joined_from) < 2:
            continue
        flags = [flag for flag in paragraph.flags if flag.check.startswith("layout-join")]
        pairs = list(zip(paragraph.joined_from, paragraph.joined_from[1:]))
        for number, (first, second) in enumerate(pairs):
            flag = flags[number] if number < len(flags) else None
            flagged = flag is None or flag.severity != "info"
            joins.append((first, second, flagged, flag.message if flag else ""))
    return joins


def score(cut: CutDocument, paragraphs: list) -> dict:
    """Joins made, correct joins, wrong joins without a flag, and the cuts missed, for one document."""
    truth = set(cut.joins)
    made = made_joins(paragraphs)
    correct = [join for join in made if (join[0], join[1]) in truth]
    wrong = [join for join in made if (join[0], join[1]) not in truth]
    return {
        "document": cut.name,
        "cuts": len(truth),
        "misplaced_paragraphs": misplaced(cut, paragraphs),
        "joins_made": len(made),
        "correct_joins": len(correct),
        "flagged_correct_joins": sum(1 for join in correct if join[2]),
        "wrong_joins": len(wrong),
        "wrong_joins_without_flag": sum(1 for join in wrong if not join[2]),
        "missed": sorted(truth - {(join[0], join[1]) for join in made}),
        "wrong": [[join[0], join[1]] for join in wrong],
    }


def misplaced(cut: CutDocument, paragraphs: list) -> int:
    """How many text paragraphs of the repair are out of the original's order: all of them but the
    longest run that is in order (each counted by the original paragraph of its first piece)."""
    sequence = [cut.origin[(paragraph.joined_from or [paragraph.block])[0]] for paragraph in paragraphs
                if (paragraph.joined_from or [paragraph.block])[0] in cut.origin]
    tails: list[int] = []  # patience sorting: the longest strictly increasing subsequence
    for value in sequence:
        place = bisect.bisect_left(tails, value)
        tails[place:place + 1] = [value]
    return len(sequence) - len(tails)


def totals(rows: list[dict]) -> dict:
    """Precision, recall and counts over the whole set."""
    made = sum(row["joins_made"] for row in rows)
    correct = sum(row["correct_joins"] for row in rows)
    cuts = sum(row["cuts"] for row in rows)
    return {
        "documents": len(rows),
        "cuts": cuts,
        "joins_made": made,
        "correct_joins": correct,
        "precision": round(correct / made, 4) if made else 1.0,
        "recall": round(correct / cuts, 4) if cuts else 1.0,
        "wrong_joins_without_flag": sum(row["wrong_joins_without_flag"] for row in rows),
        "flagged_correct_joins": sum(row["flagged_correct_joins"] for row in rows),
        "misplaced_paragraphs": sum(row["misplaced_paragraphs"] for row in rows),
    }
