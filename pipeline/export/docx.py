"""``NAME.en.docx``: the Word input again, with each paragraph and table cell in English.

The original file is opened again and only the text of the paragraphs that were translated is
replaced, so styles, numbering, tables, images, sections, headers and footers stay as they were.
Inside a paragraph the English goes into the first run that has the paragraph's dominant formatting
(the formatting of most of its characters); the other text runs are emptied, and runs holding a
picture or a field are left untouched. Where the alignment is known — a glossary term set in its own
formatting (a bold 鲁班工坊) whose approved rendering is in the English — that rendering keeps the
term's formatting; other inline formatting is not carried over (it would be a guess).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.document import Document, Paragraph
from pipeline.errors import OutputError
from pipeline.ingest.docx import iter_places, open_docx

_KEEP = ("drawing", "pict", "object", "fldChar", "instrText", "fldSimple")


def _place_key(place: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    names = ("paragraph", "table", "row", "col")
    return tuple((name, place[name]) for name in names if name in place)


def write_english_docx(document: Document, source: Path, target: Path) -> Path:
    """Write ``target``: ``source`` with every translated paragraph's text replaced by its English."""
    word = open_docx(Path(source))
    english = {_place_key(p.origin): p for p in document.paragraphs
               if p.origin.get("format") == "docx" and p.translatable}
    for place, word_paragraph in iter_places(word):
        paragraph = english.get(_place_key(place))
        if paragraph is not None:
            replace_text(word_paragraph, paragraph.target, term_spans(paragraph))
    try:
        word.save(str(target))
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror}.") from None
    return target


def term_spans(paragraph: Paragraph) -> list[tuple[str, str]]:
    """(Chinese term as written, English rendering) for each term whose rendering is in the English."""
    spans = []
    for segment in paragraph.segments:
        for hit in segment.terms:
            if hit.status in ("applied", "repaired") and hit.en and hit.en in paragraph.target:
                spans.append((hit.surface or hit.zh, hit.en))
    return spans


def _text_runs(word_paragraph: Any) -> list[Any]:
    """The paragraph's runs that hold only text (a picture or a field stays as it is)."""
    from docx.text.run import Run

    runs = []
    for element in word_paragraph._p.xpath(".//w:r[not(ancestor::w:txbxContent)]"):
        names = {child.tag.rsplit("}", 1)[-1] for child in element.iterchildren()}
        if names & set(_KEEP):
            continue
        runs.append(Run(element, word_paragraph))
    return runs


def _formatting(run: Any) -> bytes:
    from lxml import etree

    properties = run._r.rPr
    return b"" if properties is None else etree.tostring(properties)


def replace_text(word_paragraph: Any, english: str, terms: Sequence[tuple[str, str]] = ()) -> None:
    """Put ``english`` into the paragraph, keeping its dominant run formatting (see the module)."""
    from docx.text.run import Run

    runs = _text_runs(word_paragraph)
    if not runs:
        if english:
            word_paragraph.add_run(english)
        return
    weights: Counter[bytes] = Counter()
    for run in runs:
        weights[_formatting(run)] += len(run.text)
    dominant = weights.most_common(1)[0][0]
    main = next(run for run in runs if _formatting(run) == dominant)
    special: dict[str, Any] = {}  # rendering → the run of its term, whose formatting it keeps
    for run in runs:
        if _formatting(run) != dominant:
            for zh, en in terms:
                if run.text.strip() == zh and en not in special:
                    special[en] = run
    pieces = _cut(english, list(special))
    for run in runs:
        if run is not main and run not in special.values():
            run.text = ""
    main.text = pieces[0][0] if pieces else english
    anchor = main._r
    for text, rendering in pieces[1:] if pieces else []:
        source = special[rendering] if rendering else main
        element = copy.deepcopy(source._r)
        anchor.addnext(element)
        anchor = element
        Run(element, word_paragraph).text = text
    for run in special.values():
        if run._r.getparent() is not None:
            run._r.getparent().remove(run._r)


def _cut(english: str, renderings: Sequence[str]) -> list[tuple[str, str]]:
    """Cut the English at the first occurrence of each rendering: (text, rendering or "") pieces."""
    if not renderings:
        return []
    found = sorted((english.find(r), r) for r in renderings if english.find(r) >= 0)
    pieces: list[tuple[str, str]] = []
    position = 0
    for start, rendering in found:
        if start < position:
            continue
        pieces.append((english[position:start], ""))
        pieces.append((rendering, rendering))
        position = start + len(rendering)
    pieces.append((english[position:], ""))
    return pieces
