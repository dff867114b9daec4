"""The glossary check: every problem of a glossary file or folder, with file, line and column.

``load_glossary`` and ``check_glossary`` in ``pipeline.glossary`` call ``read_glossary``; the
check collects every finding before anyone reports, so a maintainer with five typos sees five
lines. The YAML of each file is read by ``pipeline.glossary_yaml``, which also holds the limits
of what a glossary may hold; this module checks what the keys and values mean: the schema,
unknown keys, terms and renderings, and the same term twice.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.glossary.model import ENTRY_KEYS, MAX_CHARS, STATUSES, GlossaryEntry, GlossaryProblem
from pipeline.glossary.match import has_han, normalise
from pipeline.glossary.parse import MAX_BYTES, MAX_ENTRIES, OddValue, Position, YamlProblem, position, read_yaml, shown
from pipeline.glossary.parse import libyaml_loader as _libyaml_loader

FILE_KEYS = ("name", "version", "domain", "description", "entries")
YAML_SUFFIXES = (".yaml", ".yml")


def _read_yaml(text: str) -> tuple[Any, list[OddValue]]:
    """The document of ``text`` and the values it refused; ``YamlProblem`` when it cannot be read.

    The parser and the cap on a list are this module's ``_libyaml_loader`` and ``MAX_ENTRIES``,
    looked up at each call: replacing the first by one that gives None chooses the pure-Python
    parser (``benchmarks/bench_glossary_load.py --pure``), and lowering the second caps the lists
    and the whole glossary alike.
    """
    return read_yaml(text, pure=_libyaml_loader() is None, max_items=MAX_ENTRIES)


# --- checking ------------------------------------------------------------------------------

def _key_at(node: Any, key: Any) -> Position:
    return position(node.keys_at[key])


def _value_at(node: Any, key: Any) -> Position:
    if node[key] is None:  # an empty value has no position of its own: point at its key
        return _key_at(node, key)
    return position(node.values_at[key])


def _item_at(sequence: Any, index: int) -> Position:
    return position(sequence.at[index])


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "a single text"
    if isinstance(value, bool):
        return "true/false (put it in quotes)"
    if isinstance(value, (int, float)):
        return "a number (put it in quotes)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, OddValue):
        value.reported = True
        return value.kind
    return f"a {type(value).__name__} (put it in quotes)"


class _FileChecker:
    """Checks one glossary file and keeps its entries, its metadata and its problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[GlossaryProblem] = []
        self.entries: list[GlossaryEntry] = []
        self.metadata: dict[str, str] = {}
        # (normalised form, form, entry, position) of every term and variant, for duplicates
        self.forms: list[tuple[str, str, GlossaryEntry, Position]] = []

    def report(self, at: Position, severity: str, message: str) -> None:
        self.problems.append(GlossaryProblem(self.file, at[0], at[1], severity, message))

    def read(self, raw: bytes) -> None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.report((line, 1), "error", "the file is not UTF-8 text; save it as UTF-8")
            return
        try:
            document, odd = _read_yaml(text)
        except YamlProblem as problem:
            self.report(problem.at, "error", problem.message)
            return
        self.check_document(document)
        for value in odd:  # a refused tag that no problem has named yet, as on an unknown key
            if not value.reported:
                self.report(value.at, "error", f"the YAML tag `{value.tag}` is not allowed in a "
                                               "glossary; delete it")

    def check_document(self, document: Any) -> None:
        if document is None:
            self.report((1, 1), "warning", "the file is empty")
        elif not isinstance(document, dict):
            self.report((1, 1), "error", "a glossary file is a mapping with name:, version:, "
                                         "domain: and entries: (see glossary/README.md)")
        else:
            self.check_metadata(document)
            self.check_entries(document)

    def unknown_key(self, node: Any, key: Any, allowed: tuple[str, ...]) -> None:
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else "the keys are " + ", ".join(allowed)
        if key == "<<":  # YAML 1.1 merge keys copy a mapping; a glossary writes its keys out
            hint = "a glossary does not merge keys from an anchor; write the keys out"
        message = f"unknown key `{shown(str(key))}`; {hint}"
        if isinstance(key, OddValue):  # a tagged key, `!!python/str zh:`
            message = f"the key `{shown(str(key))}` is {_kind(key)}"
        self.report(_key_at(node, key), "error", message)

    def text(self, node: Any, key: str, numbers: bool = False) -> str | None:
        """The stripped text under ``key``: None when absent or unusable, "" when empty."""
        if key not in node:
            return None
        value = node[key]
        if value is None:
            return ""
        if numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.report(_value_at(node, key), "error", f"`{key}` must be text, not {_kind(value)}")
            return None
        if value.strip() != value and key != "note":
            self.report(_value_at(node, key), "warning",
                        f"`{key}` has leading or trailing spaces; they are ignored, delete them")
        return value.strip()

    def items(self, node: Any, key: str) -> list[tuple[str, Position]]:
        """The stripped texts of the list under ``key``, each with its position; none too long."""
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            example = shown(value) if isinstance(value, str) else "..."
            self.report(_value_at(node, key), "error",
                        f"`{key}` must be a list, not {_kind(value)}; write `{key}: [{example}]`")
            return []
        found = []
        for index, item in enumerate(value):
            at = _item_at(value, index)
            if not isinstance(item, str):
                self.report(at, "error", f"each item of `{key}` must be text, not {_kind(item)}")
            elif not item.strip():
                self.report(at, "error", f"an item of `{key}` is empty; delete it")
            elif len(item.strip()) > MAX_CHARS[key]:
                self.too_long(at, f"an item of `{key}`", key, len(item.strip()))
            else:
                if item.strip() != item:
                    self.report(at, "warning", f"an item of `{key}` has leading or trailing "
                                               "spaces; they are ignored, delete them")
                found.append((item.strip(), at))
        return found

    def capped(self, node: Any, key: str, value: str | None) -> str | None:
        """``value`` unless it is longer than a ``key`` may be (then None, and an error)."""
        if value and len(value) > MAX_CHARS[key]:
            self.too_long(_value_at(node, key), f"`{key}`", key, len(value))
            return None
        return value

    def too_long(self, at: Position, what: str, key: str, length: int) -> None:
        kind = "term" if key in ("zh", "variants") else "rendering"
        self.report(at, "error", f"{what} has {length:,} characters; a {kind} may have at most "
                                 f"{MAX_CHARS[key]}: shorten it, or move the text to `note`")

    def check_metadata(self, document: Any) -> None:
        for key in document:
            if key not in FILE_KEYS:
                self.unknown_key(document, key, FILE_KEYS)
        for key in ("name", "version", "domain", "description"):
            value = self.text(document, key, numbers=True)
            if value:
                self.metadata[key] = value
        missing = [key for key in ("name", "version") if key not in document]
        if missing:
            self.report((1, 1), "warning", "no " + " or ".join(f"`{key}:`" for key in missing)
                        + " at the top of the file; reports name the glossary they used")

    def check_entries(self, document: Any) -> None:
        if "entries" not in document:
            self.report((1, 1), "error", "no `entries:` list; the terms go under `entries:`, "
                                         "each starting with `- zh:`")
            return
        entries = document["entries"]
        if entries is None:
            self.report(_key_at(document, "entries"), "warning", "`entries:` is empty")
            return
        if not isinstance(entries, list):
            self.report(_value_at(document, "entries"), "error",
                        f"`entries` must be a list of entries each starting with `- zh:`, "
                        f"not {_kind(entries)}")
            return
        for index, item in enumerate(entries):
            self.check_entry(item, _item_at(entries, index))

    def check_entry(self, item: Any, at: Position) -> None:
        if not isinstance(item, dict):
            self.report(at, "error", f"an entry must be a mapping of keys starting with `- zh:`, "
                                     f"not {_kind(item)}")
            return
        for key in item:
            if key not in ENTRY_KEYS:
                self.unknown_key(item, key, ENTRY_KEYS)
        status = self.text(item, "status") or "approved"
        if status not in STATUSES:
            self.report(_value_at(item, "status"), "error",
                        f"`status` is `{shown(status)}`; write approved or proposed")
            status = "approved"
        zh = self.capped(item, "zh", self.text(item, "zh"))
        if "zh" not in item:
            self.report(at, "error", "the entry has no `zh:` (the Chinese term)")
        elif zh == "":
            self.report(_value_at(item, "zh"), "error", "`zh` is empty; write the Chinese term")
        elif zh and not has_han(zh):
            self.report(_value_at(item, "zh"), "warning",
                        "`zh` has no Chinese characters; are `zh` and `en` swapped?")
        en = self.check_rendering(item, at, status)
        variants = self.items(item, "variants")
        avoid = self.items(item, "avoid")
        accepted = self.items(item, "accepted")
        for bad, bad_at in avoid:
            if en and bad.casefold() == en.casefold():
                self.report(bad_at, "error", f"`{bad}` is the rendering and also in its own "
                                             "`avoid` list; remove one of them")
        self.check_accepted(accepted, en, {bad.casefold() for bad, _ in avoid})
        for form, form_at in variants:
            if form == zh:
                self.report(form_at, "warning", f"the variant `{form}` is the term itself; delete it")
        if not zh:
            return
        entry = GlossaryEntry(zh=zh, en=en, variants=tuple(form for form, _ in variants if form != zh),
                              accepted=tuple(alternative for alternative, _ in accepted
                                             if alternative.casefold() != (en or "").casefold()),
                              avoid=tuple(bad for bad, _ in avoid), note=self.text(item, "note") or "",
                              source=self.text(item, "source") or "", status=status,
                              file=self.file, line=at[0])
        self.entries.append(entry)
        for form, form_at in [(zh, _value_at(item, "zh")), *variants]:
            self.forms.append((normalise(form), form, entry, form_at))

    def check_accepted(self, accepted: list[tuple[str, Position]], en: str | None, avoid: set[str]) -> None:
        """Accepted alternatives are English, differ from the rendering and are not also ruled out."""
        for alternative, at in accepted:
            if has_han(alternative):
                self.report(at, "error", f"the accepted alternative `{alternative}` contains Chinese characters; "
                                         "write English only (other Chinese forms go under `variants`)")
            elif alternative.casefold() in avoid:
                self.report(at, "error", f"`{alternative}` is both accepted and in the `avoid` list; "
                                         "remove one of them")
            elif en and alternative.casefold() == en.casefold():
                self.report(at, "warning", f"the accepted alternative `{alternative}` is the rendering itself; "
                                           "delete it")

    def check_rendering(self, item: Any, at: Position, status: str) -> str:
        en = self.capped(item, "en", self.text(item, "en"))
        severity = "error" if status == "approved" else "warning"
        later = "" if status == "approved" else " (allowed while the entry is proposed)"
        if "en" not in item:
            self.report(at, severity, f"the entry has no `en:` (the required English rendering){later}")
        elif en == "":
            self.report(_value_at(item, "en"), severity,
                        f"`en` is empty; write the required English rendering{later}")
        elif en and has_han(en):
            self.report(_value_at(item, "en"), "error",
                        "`en` contains Chinese characters; write the English rendering only")
        return en or ""


@dataclass
class _Reading:
    entries: list[GlossaryEntry]
    problems: list[GlossaryProblem]
    name: str = ""
    version: str = ""
    domain: str = ""
    digest: str = ""
    files: tuple[str, ...] = ()


def read_glossary(given: str | Path) -> _Reading:
    """Read and check a glossary file or folder; every finding goes to ``problems``."""
    path = Path(given)
    if not path.exists():
        return _Reading([], [GlossaryProblem(str(given), 0, 0, "error", "no such file or folder; "
                                             "give a glossary YAML file or a folder of them")])
    problems: list[GlossaryProblem] = []
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in YAML_SUFFIXES)
        if not files:
            problems.append(GlossaryProblem(str(given), 0, 0, "warning",
                                            "no *.yaml files in this folder; the glossary is empty"))
    else:
        files = [path]
    digest = hashlib.sha256()
    checkers: list[_FileChecker] = []
    size = entries = 0
    for file in files:
        checker = _FileChecker(str(file))
        checkers.append(checker)
        raw = _read_bytes(file, checker, room=MAX_BYTES - size)
        if raw is None:
            continue
        size += len(raw)
        digest.update(raw)
        checker.read(raw)
        entries += len(checker.entries)
        if entries > MAX_ENTRIES:
            checker.report((0, 0), "error", f"with this file the glossary has {entries:,} "
                           f"entries; it may have at most {MAX_ENTRIES:,}, so the files after "
                           "it were not read")
            break
    _check_duplicates(checkers)
    for checker in checkers:
        problems.extend(sorted(checker.problems, key=lambda p: (p.line, p.column)))

    def joined(key: str) -> str:
        return ", ".join(c.metadata[key] for c in checkers if key in c.metadata)

    return _Reading([entry for checker in checkers for entry in checker.entries], problems,
                    name=joined("name"), version=joined("version"), domain=joined("domain"),
                    digest=digest.hexdigest() if files else "",
                    files=tuple(checker.file for checker in checkers))


def _read_bytes(file: Path, checker: _FileChecker, room: int) -> bytes | None:
    """The bytes of ``file``, or None and a problem when it cannot be read or is too large.

    The size is checked before anything is parsed, and never more than ``room`` bytes (what is
    left of ``MAX_BYTES``) are read, so a huge file or an endless device costs no time.
    """
    def refuse(size: int, more: str = "") -> None:
        limit = f"{MAX_BYTES / 1e6:.0f} MB"
        what = (f"the file is {more}{size / 1e6:.1f} MB; a glossary file may have at most {limit}"
                if room == MAX_BYTES else f"the file ({more}{size / 1e6:.1f} MB) takes the "
                f"glossary past {limit}, the most a glossary may have in all")
        checker.report((0, 0), "error", f"{what}, so it was not read: split it, or remove what "
                                        "is not a term")

    try:
        size = file.stat().st_size
        if size > room:
            refuse(size)
            return None
        with file.open("rb") as handle:
            raw = handle.read(room + 1)
    except OSError as error:
        checker.report((0, 0), "error", f"cannot read the file: {error.strerror}")
        return None
    if len(raw) > room:  # it grew, or it is not a regular file
        refuse(len(raw), "more than ")
        return None
    return raw


def _check_duplicates(checkers: list[_FileChecker]) -> None:
    """One term, one rendering: the same term twice (across files too) is reported."""
    seen: dict[str, tuple[GlossaryEntry, Position]] = {}
    for checker in checkers:
        for key, form, entry, at in checker.forms:
            if key not in seen:
                seen[key] = (entry, at)
                continue
            first, first_at = seen[key]
            where = f"{first.file}:{first_at[0]}"
            if first is entry:
                checker.report(at, "warning", f"`{form}` is the same term as `{first.zh}` (matching "
                                              "ignores quote styles, width and Traditional forms); "
                                              "delete it")
            elif first.en and entry.en and first.en != entry.en:
                checker.report(at, "error", f"`{form}` is also at {where} with the rendering "
                                            f"`{first.en}`, here `{entry.en}`; a term has one "
                                            "rendering: merge the two entries or delete one")
            else:
                checker.report(at, "warning", f"`{form}` is already at {where}; delete one of "
                                              "the two entries")
