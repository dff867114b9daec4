"""``NAME.xlf``: the translation as XLIFF 1.2, for review in a CAT tool (memoQ, Trados, Phrase, OmegaT).

One ``<file>`` for the document (``zh-CN`` → ``en``, ``plaintext``, ``original`` the source file's
name), a ``<group>`` per paragraph that has segments (its kind as ``restype="x-KIND"`` and as a
note), and a ``<trans-unit>`` per segment: its ID, the Chinese ``<source>``, the machine
``<target state="needs-review-translation">`` and notes for the term outcomes and QA flags.

What ``zhen review apply`` needs to rebuild the document — the records of the workbook's hidden
``_zhen`` sheet (paragraph structure, kinds, segment IDs, hashes of the sources, terms, scores, run
metadata) plus each segment's source and machine translation — travels in the ``<header>`` as a
``zhen:review-data`` element, with a checksum over all of it. XLIFF 1.2 allows elements of other
namespaces there, and CAT tools copy the header of a file they did not write through unchanged.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from lxml import etree

from pipeline import __version__
from pipeline.atomic import atomic_path
from pipeline.document import Document, Flag, Paragraph, Segment
from pipeline.export.cells import safe_cell_text
from pipeline.export.workbook import DATA_FORMAT, DATA_VERSION, data_records, record_text, records_digest, type_text

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
ZHEN_NS = "urn:x-zhen:review-data"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SOURCE_LANGUAGE = "zh-CN"
TARGET_LANGUAGE = "en"
INITIAL_STATE = "needs-review-translation"
DATA_ELEMENT = "review-data"
RECORD_ELEMENT = "record"
# Notes zhen writes carry these ``from`` values; any other note is the reviewer's.
NOTE_KIND, NOTE_TERMS, NOTE_QA = "zhen-kind", "zhen-terms", "zhen-qa"
ZHEN_NOTES = frozenset({NOTE_KIND, NOTE_TERMS, NOTE_QA})
_PRIORITY = {"error": "1", "warning": "3", "info": "5"}  # XLIFF note priority: 1 is the most important


def xlf(name: str) -> str:
    """An element name in the XLIFF 1.2 namespace."""
    return f"{{{XLIFF_NS}}}{name}"


def zhen(name: str) -> str:
    """An element name in zhen's own namespace."""
    return f"{{{ZHEN_NS}}}{name}"


def xliff_records(document: Document) -> list[tuple[str, str, str]]:
    """The workbook's hidden records, each segment's with its source and machine translation added,
    as (record, id, JSON text) — the texts are those written in the file, so they compare exactly."""
    segments = {segment.id: segment for paragraph in document.paragraphs for segment in paragraph.segments}
    rows = []
    for record, key, payload in data_records(document):
        if record == "segment":
            segment = segments[key]
            payload = {**payload, "source": safe_cell_text(segment.source), "machine": safe_cell_text(segment.target)}
        rows.append((record, safe_cell_text(key), record_text(payload)))
    return rows


def _date(metadata: dict[str, Any]) -> str | None:
    """The run's date as ``xsd:dateTime`` (XLIFF's ``date``), or None when it has none that parses."""
    try:
        moment = _dt.datetime.fromisoformat(str(metadata.get("date") or ""))
    except ValueError:
        return None
    return moment.isoformat()


def _note(parent: Any, text: str, source: str, priority: str | None = None, annotates: str | None = None) -> None:
    note = etree.SubElement(parent, xlf("note"), {"from": source})
    if priority:
        note.set("priority", priority)
    if annotates:
        note.set("annotates", annotates)
    note.text = safe_cell_text(text)


def _flag_notes(unit: Any, flags: list[Flag]) -> None:
    for flag in dict.fromkeys(flags):  # the same finding once, however many checks see it
        _note(unit, f"[{flag.severity}] {flag.check}: {flag.message}", NOTE_QA, _PRIORITY.get(flag.severity), "target")


def _trans_unit(group: Any, paragraph: Paragraph, segment: Segment, first: bool) -> None:
    unit = etree.SubElement(group, xlf("trans-unit"), {"id": segment.id, XML_SPACE: "preserve"})
    etree.SubElement(unit, xlf("source")).text = safe_cell_text(segment.source)
    target = etree.SubElement(unit, xlf("target"), {"state": INITIAL_STATE})
    target.text = safe_cell_text(segment.target)
    for hit in segment.terms:
        _note(unit, f"{hit.surface or hit.zh} → {hit.en} ({hit.status})", NOTE_TERMS, "2", "source")
    # paragraph findings go with the paragraph's first segment, as in the workbook
    _flag_notes(unit, list(segment.flags) + (list(paragraph.flags) if first else []))


def _header(file: Any, document: Document) -> None:
    header = etree.SubElement(file, xlf("header"))
    etree.SubElement(header, xlf("tool"), {"tool-id": "zhen", "tool-name": "zhen", "tool-version": __version__})
    rows = xliff_records(document)
    data = etree.SubElement(header, zhen(DATA_ELEMENT), {
        "format": DATA_FORMAT, "version": str(DATA_VERSION), "digest": records_digest(rows)})
    for record, key, text in rows:
        element = etree.SubElement(data, zhen(RECORD_ELEMENT), {"type": record, "id": key})
        element.text = text


def build_xliff(document: Document) -> Any:
    """The XLIFF 1.2 document as an lxml element tree."""
    root = etree.Element(xlf("xliff"), {"version": "1.2"}, nsmap={None: XLIFF_NS, "zhen": ZHEN_NS})
    source_file = str(document.metadata.get("source_file") or document.path)
    attributes = {"original": Path(source_file).name or document.name, "source-language": SOURCE_LANGUAGE,
                  "target-language": TARGET_LANGUAGE, "datatype": "plaintext", "tool-id": "zhen"}
    date = _date(document.metadata)
    if date:
        attributes["date"] = date
    file = etree.SubElement(root, xlf("file"), attributes)
    _header(file, document)
    body = etree.SubElement(file, xlf("body"))
    for paragraph in document.paragraphs:
        if not paragraph.segments:
            continue  # code and tables are not translated; the header records keep them
        group = etree.SubElement(body, xlf("group"), {"id": paragraph.id, "restype": f"x-{paragraph.kind}"})
        _note(group, type_text(paragraph), NOTE_KIND)
        for position, segment in enumerate(paragraph.segments):
            _trans_unit(group, paragraph, segment, position == 0)
    return etree.ElementTree(root)


def xliff_bytes(document: Document) -> bytes:
    """The XLIFF file's bytes: UTF-8, with an XML declaration, indented for people who open it."""
    tree = build_xliff(document)
    etree.indent(tree, space="  ")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_xliff(document: Document, target: Path) -> Path:
    """Write ``NAME.xlf`` atomically to ``target``."""
    data = xliff_bytes(document)
    with atomic_path(Path(target)) as temporary:
        temporary.write_bytes(data)
    return Path(target)
