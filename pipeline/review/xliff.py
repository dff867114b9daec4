"""Read an XLIFF file back from a CAT tool, safely, and check it still belongs to the run that wrote it.

The file comes from outside: it is size-capped and parsed with entity expansion, DTD loading and
network access off; a file that declares entities (a "billion laughs") is refused outright, since
no CAT tool writes one. The run's records travel in the header (``pipeline.export.xliff``) with a
checksum; trans-units are matched to them by ID, and every problem is reported at once, by unit ID.

CAT tools rewrite what they save: whitespace, inline tags in the target (their text is taken),
attributes and notes of their own, ``alt-trans`` proposals. All of that is tolerated; what changes
the source — an edited source text, a unit missing, duplicated or unknown — is refused.

The result has the shape of a reviewed workbook (``ReviewedWorkbook`` of ``ReviewedRow``), so
``zhen review apply`` applies either the same way. Each unit's ``row`` is its position in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from pipeline.errors import ReviewError
from pipeline.export.workbook import DATA_FORMAT, DATA_VERSION, records_digest
from pipeline.export.xliff import DATA_ELEMENT, INITIAL_STATE, RECORD_ELEMENT, ZHEN_NOTES, xlf, zhen
from pipeline.review.workbook import MAX_ROWS, ReviewedRow, ReviewedWorkbook, check_file, parse_records, refusal

MAX_XLIFF_BYTES = 64 * 1024 * 1024
_PROLOGUE_BYTES = 64 * 1024  # a DTD comes before the root element, near the start
XLIFF_SUFFIXES = (".xlf", ".xliff")
APPROVED_STATES = frozenset({"final", "signed-off"})
EDITED_STATES = frozenset({"translated"})
# needs-review-*, new, needs-translation, needs-adaptation, needs-l10n and unknown x- states: not yet
# reviewed. An unknown state never approves a segment.


def _fail(path: Path, problems: list[str]) -> ReviewError:
    return refusal(path, problems, "XLIFF file")


def parse_xliff(path: Path) -> Any:
    """The file's element tree, parsed without expanding entities, loading DTDs or using the network."""
    path = Path(path)
    check_file(path, MAX_XLIFF_BYTES, "an XLIFF file")
    with path.open("rb") as handle:
        prologue = handle.read(_PROLOGUE_BYTES)
    if b"<!ENTITY" in prologue or "<!ENTITY".encode("utf-16-le") in prologue:
        raise ReviewError(f"{path}: declares XML entities, which no CAT tool writes; refusing to read it.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        tree = etree.parse(str(path), parser)
    except (etree.XMLSyntaxError, OSError, ValueError) as error:
        raise ReviewError(f"{path}: not an XLIFF file: it cannot be read as XML ({error}). Save it from the "
                          f"CAT tool as XLIFF 1.2 again, or export it afresh.") from None
    dtd = tree.docinfo.internalDTD
    if (dtd is not None and any(True for _ in dtd.iterentities())) or any(
            isinstance(node, etree._Entity) for node in tree.iter()):
        raise ReviewError(f"{path}: declares XML entities, which no CAT tool writes; refusing to read it.")
    return tree


def _header_records(root: Any, path: Path) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]],
                                                    dict[str, dict[str, Any]]]:
    files = root.findall(xlf("file"))
    if root.tag != xlf("xliff") or len(files) != 1:
        found = f"{len(files)} <file> elements" if root.tag == xlf("xliff") else f"a <{etree.QName(root).localname}> root"
        raise _fail(path, [f"expected XLIFF 1.2 with one <file> (one document), found {found}"])
    data = files[0].find(f"{xlf('header')}/{zhen(DATA_ELEMENT)}")
    if data is None:
        raise _fail(path, [f"the file header has no zhen:{DATA_ELEMENT}: this file was not written by "
                           f"zhen translate --xliff, or a program dropped its header. Review in the original "
                           f"file, or translate again."])
    damaged = f"the zhen:{DATA_ELEMENT} in the header is damaged"
    if data.get("format") != DATA_FORMAT:
        raise _fail(path, [f"{damaged}: its format is not {DATA_FORMAT}."])
    if data.get("version") != str(DATA_VERSION):
        raise _fail(path, [f"the zhen:{DATA_ELEMENT} is format {data.get('version')}; this version of zhen reads "
                           f"format {DATA_VERSION}. Use the zhen version that wrote the file."])
    rows = [(element.get("type", ""), element.get("id", ""), element.text or "")
            for element in data.iter(zhen(RECORD_ELEMENT))]
    if records_digest(rows) != data.get("digest"):
        raise _fail(path, [f"{damaged}: its checksum does not match (it was edited). Review in the original "
                           f"file, or translate again."])
    return parse_records(rows, path, damaged)


def element_text(element: Any) -> str:
    """The text of a ``<source>`` or ``<target>``, inline tags dropped and their text kept."""
    if element is None:
        return ""
    return "".join(element.itertext())


def same_text(found: str, recorded: str) -> bool:
    """Equal, or equal but for whitespace a CAT tool may have reflowed."""
    return found == recorded or found.split() == recorded.split()


def unit_status(unit: Any, target: Any) -> str:
    """The workbook Status for a target's ``state`` (and the unit's ``approved`` flag when it has none).

    The state decides: some tools (translate-toolkit among them) set ``approved="yes"`` on every
    ``translated`` unit, so ``approved`` alone approves only a unit whose target carries no state.
    """
    state = (target.get("state") if target is not None else None) or ""
    if state in APPROVED_STATES or (not state and unit.get("approved") == "yes"):
        return "Approved"
    if state in EDITED_STATES:
        return "Edited"
    return "To review"


def reviewer_notes(unit: Any) -> str:
    """Notes the reviewer or the CAT tool added (zhen's own terms and QA notes are left out)."""
    notes = [" ".join((note.text or "").split()) for note in unit.findall(xlf("note"))
             if note.get("from") not in ZHEN_NOTES]
    return "\n".join(note for note in notes if note)


def read_unit(position: int, unit: Any, record: dict[str, Any]) -> ReviewedRow:
    """One trans-unit as a reviewed row: the target replaces the machine translation where it differs."""
    target = unit.find(xlf("target"))
    machine = record.get("machine", "")
    text = element_text(target).strip()
    reviewed = "" if same_text(text, machine) or not text else text
    return ReviewedRow(position, unit.get("id", ""), record["paragraph"], record.get("source", ""), machine,
                       reviewed, unit_status(unit, target), reviewer_notes(unit))


def match_units(units: list[Any], segments: dict[str, dict[str, Any]], problems: list[str]) -> dict[str, ReviewedRow]:
    """Match trans-units to the run's segments by ID; every mismatch becomes a problem."""
    matched: dict[str, ReviewedRow] = {}
    seen: set[str] = set()
    for position, unit in enumerate(units, start=1):
        unit_id = (unit.get("id") or "").strip()
        if not unit_id:
            problems.append(f"trans-unit {position}: the id is empty (units must not be added or their id cleared)")
            continue
        record = segments.get(unit_id)
        if record is None:
            problems.append(f"trans-unit {unit_id}: unknown segment ID (not in this run)")
            continue
        if unit_id in seen:
            problems.append(f"trans-unit {unit_id}: appears twice (also unit {matched[unit_id].row}); delete the copy")
            continue
        seen.add(unit_id)
        source = element_text(unit.find(xlf("source")))
        if not same_text(source, record.get("source", "")):
            problems.append(f"trans-unit {unit_id}: the source text was changed; restore it (the source is not "
                            f"editable): was {record.get('source', '')!r}, now {source!r}")
        matched[unit_id] = read_unit(position, unit, record)
    for segment_id in segments:
        if segment_id not in seen:
            problems.append(f"trans-unit {segment_id}: missing; it was deleted or its id changed")
    return matched


def read_reviewed_xliff(path: Path) -> ReviewedWorkbook:
    """Read and check a reviewed XLIFF file; raise ``ReviewError`` listing every problem found."""
    path = Path(path)
    root = parse_xliff(path).getroot()
    document, paragraphs, segments = _header_records(root, path)
    units = list(root.iter(xlf("trans-unit")))
    if len(units) > MAX_ROWS:
        raise _fail(path, [f"more than {MAX_ROWS:,} trans-units"])
    problems: list[str] = []
    matched = match_units(units, segments, problems)
    if problems:
        raise _fail(path, problems)
    return ReviewedWorkbook(path, str(document.get("name") or path.stem), document, paragraphs, segments, matched)


def xliff_has_reviewer_edits(path: Path) -> bool:
    """Whether any unit's target differs from the machine translation, its state moved on from
    ``needs-review-translation`` or the unit gained a note. A file that cannot be read counts as
    edited: overwriting it needs ``--force``, which keeps a backup."""
    try:
        root = parse_xliff(Path(path)).getroot()
        _, _, segments = _header_records(root, Path(path))
    except ReviewError:
        return True
    for unit in root.iter(xlf("trans-unit")):
        record = segments.get(unit.get("id") or "")
        if record is None:
            return True
        row = read_unit(0, unit, record)
        target = unit.find(xlf("target"))
        state = target.get("state") if target is not None else None
        if row.reviewed or row.comment or state != INITIAL_STATE or unit.get("approved") == "yes":
            return True
    return False
