"""The glossary check: every problem of a glossary file or folder, with file, line and column.

``load_glossary`` and ``check_glossary`` in ``pipeline.glossary`` call ``read_glossary``; the
check collects every finding before anyone reports, so a maintainer with five typos sees five
lines. YAML is read in ruamel's round-trip mode, which keeps positions and builds only mappings,
lists and scalars (never arbitrary objects).
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from pipeline.glossary import ENTRY_KEYS, STATUSES, GlossaryEntry, GlossaryProblem, has_han, normalise

FILE_KEYS = ("name", "version", "domain", "description", "entries")
YAML_SUFFIXES = (".yaml", ".yml")

Position = tuple[int, int]  # 1-based line and column


def _key_at(node: Any, key: Any) -> Position:
    line, column = node.lc.key(key)
    return line + 1, column + 1


def _value_at(node: Any, key: Any) -> Position:
    if node[key] is None:  # an empty value has no position of its own: point at its key
        return _key_at(node, key)
    line, column = node.lc.value(key)
    return line + 1, column + 1


def _item_at(sequence: Any, index: int) -> Position:
    line, column = sequence.lc.item(index)
    return line + 1, column + 1


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
        try:  # round-trip mode keeps positions and builds only mappings, lists and scalars
            document = YAML(typ="rt").load(text)
        except Exception as error:  # any loader failure is a problem with this file
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            at = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
            if context and start and start is not mark:  # where the unclosed thing began
                problem += f" ({context} at line {start.line + 1}, column {start.column + 1})"
            self.report(at, "error", f"YAML syntax error: {problem}; check the indentation and "
                                     "quotes on this line and the ones before")
            return
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
        self.report(_key_at(node, key), "error", f"unknown key `{key}`; {hint}")

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
        value = str(value)  # ruamel's scalar string subclasses → plain str
        if value.strip() != value and key != "note":
            self.report(_value_at(node, key), "warning",
                        f"`{key}` has leading or trailing spaces; they are ignored, delete them")
        return value.strip()

    def items(self, node: Any, key: str) -> list[tuple[str, Position]]:
        """The stripped texts of the list under ``key``, each with its position."""
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            example = value if isinstance(value, str) else "..."
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
            else:
                if item.strip() != item:
                    self.report(at, "warning", f"an item of `{key}` has leading or trailing "
                                               "spaces; they are ignored, delete them")
                found.append((str(item).strip(), at))
        return found

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
                        f"`status` is `{status}`; write approved or proposed")
            status = "approved"
        zh = self.text(item, "zh")
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
        for bad, bad_at in avoid:
            if en and bad.casefold() == en.casefold():
                self.report(bad_at, "error", f"`{bad}` is the rendering and also in its own "
                                             "`avoid` list; remove one of them")
        for form, form_at in variants:
            if form == zh:
                self.report(form_at, "warning", f"the variant `{form}` is the term itself; delete it")
        if not zh:
            return
        entry = GlossaryEntry(zh=zh, en=en, variants=tuple(form for form, _ in variants if form != zh),
                              avoid=tuple(bad for bad, _ in avoid), note=self.text(item, "note") or "",
                              source=self.text(item, "source") or "", status=status,
                              file=self.file, line=at[0])
        self.entries.append(entry)
        for form, form_at in [(zh, _value_at(item, "zh")), *variants]:
            self.forms.append((normalise(form), form, entry, form_at))

    def check_rendering(self, item: Any, at: Position, status: str) -> str:
        en = self.text(item, "en")
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
    checkers = []
    for file in files:
        checker = _FileChecker(str(file))
        try:
            raw = file.read_bytes()
        except OSError as error:
            checker.report((0, 0), "error", f"cannot read the file: {error.strerror}")
        else:
            digest.update(raw)
            checker.read(raw)
        checkers.append(checker)
    _check_duplicates(checkers)
    for checker in checkers:
        problems.extend(sorted(checker.problems, key=lambda p: (p.line, p.column)))

    def joined(key: str) -> str:
        return ", ".join(c.metadata[key] for c in checkers if key in c.metadata)

    return _Reading([entry for checker in checkers for entry in checker.entries], problems,
                    name=joined("name"), version=joined("version"), domain=joined("domain"),
                    digest=digest.hexdigest() if files else "",
                    files=tuple(checker.file for checker in checkers))


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
