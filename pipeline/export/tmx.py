"""``NAME.tmx``: the reviewed translation as a TMX 1.4b translation memory for CAT tools.

One translation unit per segment, Chinese (``zh-CN``) to English (``en``), its ID as ``tuid``, the
review status and origin as properties and the reviewer's comment as a note. The output depends
only on its input (the date is the run's), so applying the same review twice gives the same file.
"""

from __future__ import annotations

import datetime as _dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex

from pipeline import __version__
from pipeline.atomic import write_text_atomic

SOURCE_LANGUAGE = "zh-CN"
TARGET_LANGUAGE = "en"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ILLEGAL_XML = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class TmxUnit:
    """One translation unit: a segment, its final English, and what the review said about it."""

    id: str
    source: str
    target: str
    properties: tuple[tuple[str, str], ...] = ()  # (type, value), written as <prop type="x-…">
    notes: tuple[str, ...] = field(default=())


def tmx_date(iso: str | None) -> str | None:
    """An ISO 8601 date as TMX writes it (``20240131T120000Z``), or None when there is none."""
    if not iso:
        return None
    try:
        moment = _dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    return _ILLEGAL_XML.sub("\ufffd", value)


def tmx_document(units: Sequence[TmxUnit], creation_date: str | None = None,
                 original: str = "") -> str:
    """The TMX 1.4b text of ``units``; ``creation_date`` is an ISO 8601 date (the run's)."""
    root = ET.Element("tmx", version="1.4")
    header = ET.SubElement(root, "header", {
        "creationtool": "zhen", "creationtoolversion": __version__, "datatype": "plaintext",
        "segtype": "sentence", "adminlang": "en", "srclang": SOURCE_LANGUAGE, "o-tmf": "zhen",
    })
    date = tmx_date(creation_date)
    if date:
        header.set("creationdate", date)
    if original:
        ET.SubElement(header, "prop", type="x-original").text = _text(original)
    body = ET.SubElement(root, "body")
    for unit in units:
        element = ET.SubElement(body, "tu", tuid=_text(unit.id), srclang=SOURCE_LANGUAGE)
        for note in unit.notes:  # the DTD puts notes and props before the variants
            ET.SubElement(element, "note").text = _text(note)
        for kind, value in unit.properties:
            ET.SubElement(element, "prop", type=kind).text = _text(value)
        for language, text in ((SOURCE_LANGUAGE, unit.source), (TARGET_LANGUAGE, unit.target)):
            variant = ET.SubElement(element, "tuv", {_XML_LANG: language})
            ET.SubElement(variant, "seg").text = _text(text)
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
            + ET.tostring(root, encoding="unicode") + "\n")


def write_tmx(target: Path, units: Sequence[TmxUnit], creation_date: str | None = None, original: str = "") -> Path:
    write_text_atomic(Path(target), tmx_document(units, creation_date, original))
    return Path(target)
