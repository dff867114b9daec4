"""Glossary exchange: TBX, CSV and TSV out and in, and appending entries to a YAML glossary file.

- TBX-Basic (ISO 30042, the ``martif`` form that translate-toolkit and CAT tools read): the
  Chinese term and its variants, the English rendering (preferred when approved, admitted when
  proposed), the accepted alternatives (admitted), the renderings to avoid (deprecated), ``source`` and ``note``.
- CSV: two columns, Chinese and English, no header, as machine-translation APIs take glossaries
  (a third ``note`` column on request).
- TSV: OmegaT's glossary, ``term<TAB>rendering<TAB>comment`` per line.

Writing YAML never rewrites what is there: new entries are appended as text after the last
entry, so the file's comments, key order and formatting stay exactly as the maintainer left them.
"""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.atomic import staged_file
from pipeline.errors import GlossaryError, OutputError
from pipeline.glossary.model import GlossaryEntry
from pipeline.glossary.match import normalise

FORMATS = ("tbx", "csv", "tsv")
_SUFFIXES = {".tbx": "tbx", ".xml": "tbx", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
             ".txt": "tsv", ".utf8": "tsv"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS = "administrativeStatus"
_PREFERRED, _ADMITTED, _DEPRECATED = ("preferredTerm-admn-sts", "admittedTerm-admn-sts",
                                      "deprecatedTerm-admn-sts")
_AVOID_STATUSES = ("deprecated", "notrecommended", "obsolete", "superseded")
# Header cells that name the columns of a CSV or TSV file (any of them makes row 1 a header).
_ZH_HEADERS = {"zh", "zh-cn", "zh-hans", "zh_cn", "chinese", "source", "term", "中文", "术语"}
_EN_HEADERS = {"en", "en-us", "en-gb", "en_us", "english", "target", "translation", "rendering", "英文", "译文"}
_NOTE_HEADERS = {"note", "notes", "comment", "comments", "description", "备注"}


def format_for(path: str | Path, given: str | None = None) -> str:
    """The exchange format: ``given`` if set, else from the file name's suffix."""
    if given:
        return given
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise GlossaryError(f"cannot tell the format of {path} from its name; "
                            f"give --format ({', '.join(FORMATS)})")
    return _SUFFIXES[suffix]


# --- export --------------------------------------------------------------------------------

def export_terms(entries: Iterable[GlossaryEntry], fmt: str, *, name: str = "",
                 with_notes: bool = False) -> str:
    """The entries as TBX, CSV or TSV text."""
    entries = [entry for entry in entries if entry.zh and entry.en]
    if fmt == "tbx":
        return _to_tbx(entries, name)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for entry in entries:
            writer.writerow([entry.zh, entry.en, entry.note] if with_notes else [entry.zh, entry.en])
        return buffer.getvalue()
    if fmt == "tsv":  # OmegaT has no quoting: a tab or line break inside a field becomes a space
        def clean(text: str) -> str:
            return " ".join(text.replace("\t", " ").splitlines())

        return "".join(f"{clean(e.zh)}\t{clean(e.en)}\t{clean(e.note)}".rstrip("\t") + "\n"
                       for e in entries)
    raise GlossaryError(f"unknown glossary format {fmt!r}; use one of {', '.join(FORMATS)}")


def _tig(parent: ET.Element, text: str, status: str, source: str = "") -> None:
    tig = ET.SubElement(parent, "tig")
    ET.SubElement(tig, "term").text = text
    ET.SubElement(tig, "termNote", type=_STATUS).text = status
    if source:
        ET.SubElement(tig, "admin", type="source").text = source


def _to_tbx(entries: list[GlossaryEntry], name: str) -> str:
    martif = ET.Element("martif", {"type": "TBX-Basic", _XML_LANG: "zh"})
    header = ET.SubElement(martif, "martifHeader")
    description = ET.SubElement(header, "fileDesc")
    ET.SubElement(ET.SubElement(description, "titleStmt"), "title").text = name or "glossary"
    ET.SubElement(ET.SubElement(description, "sourceDesc"), "p").text = "zhen glossary export"
    ET.SubElement(ET.SubElement(header, "encodingDesc"), "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(martif, "text"), "body")
    for number, entry in enumerate(entries, 1):
        term_entry = ET.SubElement(body, "termEntry", id=f"c{number}")
        if entry.note:
            ET.SubElement(term_entry, "note").text = entry.note
        chinese = ET.SubElement(term_entry, "langSet", {_XML_LANG: "zh"})
        _tig(chinese, entry.zh, _PREFERRED)
        for variant in entry.variants:
            _tig(chinese, variant, _ADMITTED)
        english = ET.SubElement(term_entry, "langSet", {_XML_LANG: "en"})
        _tig(english, entry.en, _PREFERRED if entry.approved else _ADMITTED, entry.source)
        for alternative in entry.accepted:
            _tig(english, alternative, _ADMITTED)
        for avoid in entry.avoid:
            _tig(english, avoid, _DEPRECATED)
    ET.indent(martif)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'
            + ET.tostring(martif, encoding="unicode") + "\n")


# --- import --------------------------------------------------------------------------------

def read_terms(path: str | Path, fmt: str | None = None) -> tuple[list[GlossaryEntry], list[str]]:
    """Entries read from a TBX, CSV or TSV file, and a warning for each row that was skipped."""
    path = Path(path)
    fmt = format_for(path, fmt)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise GlossaryError(f"cannot read {path}: {error.strerror}") from error
    if fmt == "tbx":
        return _from_tbx(raw, str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GlossaryError(f"{path} is not UTF-8 text; save it as UTF-8 and import it again") from error
    return _from_rows(text, "\t" if fmt == "tsv" else ",", str(path))


def _columns(first: list[str]) -> tuple[int, int, int | None] | None:
    """Column numbers (zh, en, note) when ``first`` is a header row, else None."""
    cells = [cell.strip().lower() for cell in first]
    if len(cells) < 2 or cells[0] not in _ZH_HEADERS | _EN_HEADERS:
        return None
    zh = next((i for i, cell in enumerate(cells) if cell in _ZH_HEADERS), None)
    en = next((i for i, cell in enumerate(cells) if cell in _EN_HEADERS), None)
    if zh is None or en is None:
        return None
    return zh, en, next((i for i, cell in enumerate(cells) if cell in _NOTE_HEADERS), None)


def _from_rows(text: str, delimiter: str, origin: str) -> tuple[list[GlossaryEntry], list[str]]:
    if delimiter == "\t":  # OmegaT: no quoting, '#' starts a comment line
        rows = [(number, line.split("\t")) for number, line in enumerate(text.splitlines(), 1)
                if line.strip() and not line.startswith("#")]
    else:
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        return [], [f"{origin}: no terms in the file"]
    columns = _columns(rows[0][1])
    if columns:
        rows = rows[1:]
    zh_at, en_at, note_at = columns or (0, 1, 2)
    entries, warnings = [], []
    for line, row in rows:
        def cell(index: int | None) -> str:
            return row[index].strip() if index is not None and index < len(row) else ""

        zh, en = cell(zh_at), cell(en_at)
        if not zh or not en:
            warnings.append(f"{origin}:{line}: skipped: no {'Chinese term' if not zh else 'English rendering'}")
            continue
        entries.append(GlossaryEntry(zh=zh, en=en, note=cell(note_at), file=origin, line=line))
    return entries, warnings


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _terms(language: ET.Element) -> list[tuple[str, str, str]]:
    """(term, administrative status, source) of each term of a langSet (TBX 2) or langSec (TBX 3)."""
    found = []
    for group in language:
        if _local(group.tag) not in ("tig", "ntig", "termSec"):
            continue
        term = next((node for node in group.iter() if _local(node.tag) == "term"), None)
        if term is None or not "".join(term.itertext()).strip():
            continue
        status = source = ""
        for node in group.iter():
            if _local(node.tag) == "termNote" and node.get("type") == _STATUS:
                status = (node.text or "").strip().lower().replace("-", "")
            elif _local(node.tag) in ("admin", "descrip") and node.get("type") == "source":
                source = (node.text or "").strip()
        found.append(("".join(term.itertext()).strip(), status, source))
    return found


def _from_tbx(raw: bytes, origin: str) -> tuple[list[GlossaryEntry], list[str]]:
    try:  # ElementTree fetches no external entities and Python's expat limits entity expansion
        root = ET.fromstring(raw)
    except ET.ParseError as error:
        line, column = error.position
        raise GlossaryError(f"{origin}:{line}:{column + 1}: not a readable TBX file: {error}") from error
    entries, warnings = [], []
    concepts = [node for node in root.iter() if _local(node.tag) in ("termEntry", "conceptEntry")]
    for number, concept in enumerate(concepts, 1):
        languages: dict[str, list[tuple[str, str, str]]] = {"zh": [], "en": []}
        for language in concept:
            if _local(language.tag) in ("langSet", "langSec"):
                code = (language.get(_XML_LANG) or language.get("lang") or "").lower()[:2]
                languages.setdefault(code, []).extend(_terms(language))
        chinese = [t for t in languages["zh"] if not t[1].startswith(_AVOID_STATUSES)]
        english = [t for t in languages["en"] if not t[1].startswith(_AVOID_STATUSES)]
        if not chinese or not english:
            warnings.append(f"{origin}: term entry {number} skipped: it has no "
                            f"{'Chinese' if not chinese else 'English'} term")
            continue
        rendering = next((t for t in english if t[1].startswith("preferred")), english[0])
        notes = [(node.text or "").strip() for node in concept.iter() if _local(node.tag) == "note"]
        entries.append(GlossaryEntry(
            zh=chinese[0][0], en=rendering[0],
            variants=tuple(t[0] for t in chinese[1:]),
            accepted=tuple(t[0] for t in english if t is not rendering),
            avoid=tuple(t[0] for t in languages["en"] if t[1].startswith(_AVOID_STATUSES)),
            note="\n".join(note for note in notes if note),
            source=rendering[2] or next((t[2] for t in chinese if t[2]), ""),
            status="proposed" if rendering[1].startswith("admitted") else "approved",
            file=origin))
    return entries, warnings


# --- writing YAML --------------------------------------------------------------------------

def entry_mapping(entry: GlossaryEntry) -> dict[str, Any]:
    """The YAML keys of an entry in the documented order, leaving out empty and default ones."""
    from ruamel.yaml.comments import CommentedSeq

    def flow(items: tuple[str, ...]) -> CommentedSeq:
        sequence = CommentedSeq(items)
        sequence.fa.set_flow_style()
        return sequence

    mapping: dict[str, Any] = {"zh": entry.zh, "en": entry.en}
    if entry.variants:
        mapping["variants"] = flow(entry.variants)
    if entry.accepted:
        mapping["accepted"] = flow(entry.accepted)
    if entry.avoid:
        mapping["avoid"] = flow(entry.avoid)
    if not entry.approved:
        mapping["status"] = entry.status
    if entry.source:
        mapping["source"] = entry.source
    if entry.note:
        mapping["note"] = entry.note
    return mapping


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096  # one line per value: never fold a rendering across lines
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def render_entry(entry: GlossaryEntry, indent: int = 2, comment: str = "") -> str:
    """One entry as a YAML list item at column ``indent``, with an optional comment above it."""
    buffer = io.StringIO()
    _yaml().dump([entry_mapping(entry)], buffer)
    lines = [f"# {line}".rstrip() for line in comment.splitlines()] + buffer.getvalue().splitlines()
    return "".join(" " * indent + line + "\n" for line in lines)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = staged_file(path, suffix=".tmp")  # with the mode of the file it replaces
        try:
            with open(temporary, "w", encoding="utf-8", newline="") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror}") from error


def append_entries(path: str | Path, entries: Iterable[GlossaryEntry], *, name: str = "",
                   comments: dict[str, str] | None = None, header: str = "") -> list[GlossaryEntry]:
    """Append the entries whose term is not yet in the YAML file ``path``; return those added.

    An existing file keeps every byte it had: the new entries go after its last entry. A new file
    gets ``name``, ``version`` and ``header`` (a comment). ``comments`` maps ``zh`` to a comment
    written above that entry.
    """
    path = Path(path)
    comments = comments or {}
    text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    document, indent = _entries_block(text, path)
    known = {normalise(form) for item in document for form in _forms(item)}
    added = []
    for entry in entries:
        if normalise(entry.zh) not in known:
            known.add(normalise(entry.zh))
            added.append(entry)
    if not added:
        return []
    if not text.strip():
        title = f"# {header}\n" if header else ""
        text = f"{title}name: {name or path.stem}\nversion: '1'\nentries:\n"
    elif not text.endswith("\n"):
        text += "\n"
    text += "".join(render_entry(entry, indent, comments.get(entry.zh, "")) for entry in added)
    try:
        _yaml().load(text)
    except Exception as error:  # never leave a file the glossary check cannot read
        raise OutputError(f"cannot append to {path} without breaking it ({error}); "
                          "add the entries by hand") from error
    write_atomic(path, text)
    return added


def _forms(item: Any) -> list[str]:
    if not isinstance(item, dict):
        return []
    variants = item.get("variants")
    forms = [item.get("zh")] + (list(variants) if isinstance(variants, list) else [])
    return [str(form) for form in forms if isinstance(form, str)]


def _entries_block(text: str, path: Path) -> tuple[list[Any], int]:
    """The existing entries of a YAML glossary file, and the column of their dashes.

    Appending as text is only safe when ``entries:`` is the file's last key and holds a block
    list (or nothing); anything else is reported rather than rewritten.
    """
    if not text.strip():
        return [], 2
    try:
        document = _yaml().load(text)
    except Exception as error:
        raise GlossaryError(f"{path} is not valid YAML ({error}); fix it first "
                            f"(`zhen glossary check {path}`)") from error
    if not isinstance(document, dict) or not document or list(document)[-1] != "entries":
        raise GlossaryError(f"cannot append to {path}: `entries:` must be its last key; "
                            "move the entries to the end of the file")
    entries = document["entries"]
    if entries is None:
        return [], 2
    if not isinstance(entries, list) or entries.fa.flow_style() and entries:
        raise GlossaryError(f"cannot append to {path}: `entries:` must be a list of `- zh:` items")
    if not entries:
        raise GlossaryError(f"cannot append to {path}: replace `entries: []` with `entries:`")
    line, column = entries.lc.item(0)
    dash = text.splitlines()[line].rfind("-", 0, column)
    return list(entries), max(dash, 0)
