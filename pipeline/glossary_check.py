"""The glossary check: every problem of a glossary file or folder, with file, line and column.

``load_glossary`` and ``check_glossary`` in ``pipeline.glossary`` call ``read_glossary``; the
check collects every finding before anyone reports, so a maintainer with five typos sees five
lines.

YAML is read as a stream of parser events (libyaml's through PyYAML when it is installed, as it
reads 100,000 entries in seconds; ruamel's pure-Python parser otherwise) and built here into
plain mappings, lists and texts that remember where each value starts. No tag ever constructs an
object: a tag other than YAML's core ones is an error. Plain values are typed by the YAML 1.2
core rules, so ``en: no`` is the text "no" and ``en: 2030`` a number. The size of a file, the
number of entries and values (an alias counts as all it names) and the nesting are capped, so an
absurd file is refused within seconds instead of filling the memory.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.glossary import (ENTRY_KEYS, MAX_CHARS, STATUSES, GlossaryEntry, GlossaryProblem,
                               has_han, normalise)

FILE_KEYS = ("name", "version", "domain", "description", "entries")
YAML_SUFFIXES = (".yaml", ".yml")

MAX_BYTES = 20_000_000  # one file, or all the files of a folder together
MAX_ENTRIES = 200_000  # the whole glossary; also the longest list a file may hold
MAX_VALUES = 10 * MAX_ENTRIES  # texts, lists and mappings of one file
MAX_DEPTH = 20  # a glossary nests four deep: file, entries, entry, variants

Position = tuple[int, int]  # 1-based line and column


# --- reading YAML --------------------------------------------------------------------------

_CORE = "tag:yaml.org,2002:"
_CORE_SCALARS: dict[str, tuple[type, ...]] = {
    _CORE + "null": (type(None),), _CORE + "bool": (bool,), _CORE + "int": (int,),
    _CORE + "float": (int, float)}
# What YAML forbids in a file (libyaml and ruamel agree), found before parsing so that its
# position is exact.
_FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The YAML 1.2 core schema as ruamel applies it: kind, first characters, pattern; tried in order.
_PLAIN_KINDS = (
    ("bool", "tTfF", r"true|True|TRUE|false|False|FALSE"),
    ("float", "-+0123456789.", r"""[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        | [-+]?[0-9][0-9_]*[eE][-+]?[0-9]+ | [-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)"""),
    ("int", "-+0123456789", r"[-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?[0-9_]+ | [-+]?0x[0-9a-fA-F_]+"),
    ("null", "~nN", r"~|null|Null|NULL"),
    ("date", "0123456789", r"""[0-9]{4}-[0-9]{2}-[0-9]{2}
        | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[\ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
          (?:[\ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"""),
)


@lru_cache(maxsize=1)
def _plain_patterns() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """First character of a plain value → the kinds it may be, with their patterns."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for kind, firsts, pattern in _PLAIN_KINDS:
        compiled = re.compile(pattern, re.X)
        for first in firsts:
            table.setdefault(first, []).append((kind, compiled))
    return table


# Positions are kept packed in one int, ``line << 32 | column`` (0-based, as the parser counts):
# a large glossary has a million of them, and ints, unlike tuples or the parser's marks, are
# not tracked by the garbage collector, whose passes over a million objects cost about a second.

class _Mapping(dict):  # type: ignore[type-arg]
    """A YAML mapping; ``keys_at`` and ``values_at`` give the packed position of each."""

    __slots__ = ("keys_at", "values_at")


class _Sequence(list):  # type: ignore[type-arg]
    """A YAML list; ``at`` gives the packed position of each item."""

    __slots__ = ("at",)


class _Odd:
    """A value no glossary key can use: a date, or a value with a tag that is refused."""

    __slots__ = ("text", "kind", "at", "tag", "reported")

    def __init__(self, text: str, kind: str, at: Position, tag: str = "") -> None:
        self.text, self.kind, self.at, self.tag = text, kind, at, tag
        self.reported = False  # set once a problem has named it

    def __str__(self) -> str:
        return self.text


class _YamlProblem(Exception):
    """What stops the reading of a file: a broken structure or a cap exceeded."""

    def __init__(self, at: Position, message: str) -> None:
        super().__init__(message)
        self.at, self.message = at, message


_NO_KEY = object()  # a mapping waiting for its next key


def _shown(text: str, limit: int = 40) -> str:
    """``text`` as a message quotes it: cut to ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=1)
def _libyaml_loader() -> Any:
    """PyYAML's loader on libyaml, or None when either is missing."""
    try:
        from yaml import CSafeLoader
    except ImportError:
        return None
    return CSafeLoader


def _yaml_events(text: str) -> tuple[Iterator[Any], Any]:
    """The parser events of ``text``, and the module that defines their classes."""
    loader = _libyaml_loader()
    if loader is None:  # the same events, parsed in pure Python: about ten times slower
        from ruamel.yaml import YAML, events

        return iter(YAML(typ="safe", pure=True).parse(text)), events
    from yaml import events

    return iter(loader(text).get_event, None), events  # parsing only: no tag constructs anything


def _position(packed: int) -> Position:
    return (packed >> 32) + 1, (packed & 0xFFFFFFFF) + 1


def _plain(value: str, at: int) -> Any:
    """An unquoted, untagged value typed by the YAML 1.2 core rules; most stay text."""
    if not value:
        return None
    for kind, pattern in _plain_patterns().get(value[0], ()):
        if pattern.fullmatch(value):
            return _typed(kind, value, at)
    return value


def _typed(kind: str, value: str, at: int) -> Any:
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() == "true"
    if kind == "date":
        return _Odd(value, "a date (put it in quotes)", _position(at))
    digits = value.replace("_", "").lower()
    try:
        if kind == "int":
            return int(digits, 0) if digits.lstrip("+-")[:2] in ("0b", "0o", "0x") else int(digits)
        if digits.endswith(("inf", "nan")):
            return float(digits.replace(".", ""))
        return float(digits)
    except ValueError:  # a pattern's corner case such as `_` or `0o_`: keep it as text
        return value


def _tagged(tag: str, text: str, at: int, odd: list[_Odd]) -> _Odd:
    shown = _shown(tag.replace(_CORE, "!!", 1) if tag.startswith(_CORE) else tag)
    refused = _Odd(text, f"a value with the YAML tag `{shown}` (tags are not allowed in a glossary; "
                         "delete it)", _position(at), tag=shown)
    odd.append(refused)
    return refused


def _scalar(event: Any, at: int, odd: list[_Odd]) -> Any:
    tag, value = event.tag, event.value
    if tag is None:
        return _plain(value, at) if event.implicit[0] else value
    if tag == "!" or tag == _CORE + "str":
        return value
    typed = _plain(value, at)
    if type(typed) in _CORE_SCALARS.get(tag, ()):  # `!!int 5`: harmless, and what it says
        return typed
    return _tagged(tag, value, at, odd)


def _read_yaml(text: str) -> tuple[Any, list[_Odd]]:
    """The one document of ``text`` as mappings, lists and texts, and the values it refused.

    Raises ``_YamlProblem`` for what the parser accepts but a glossary cannot hold, and the
    parser's own error for bad syntax. An alias gives the value of its anchor again. This loop
    runs once per value, a million times for a large glossary, so it does as little as it can.
    """
    events, kinds = _yaml_events(text)
    scalar, alias, document = kinds.ScalarEvent, kinds.AliasEvent, kinds.DocumentStartEvent
    mapping, sequence = kinds.MappingStartEvent, kinds.SequenceStartEvent
    closing = (kinds.MappingEndEvent, kinds.SequenceEndEvent)
    typed_firsts = {"", *_plain_patterns()}  # a plain value starting otherwise is text
    odd: list[_Odd] = []
    anchors: dict[str, tuple[Any, int]] = {}  # name → value, how many values it holds
    stack: list[tuple[Any, bool, Any, int, Any]] = []  # per open container: its parent, whether
    container: Any = None  # that is a mapping, its anchor, the values before it, itself
    is_map, key, key_at = False, _NO_KEY, 0
    root, documents, values = None, 0, 0
    for event in events:
        kind = event.__class__
        mark = event.start_mark
        at = mark.line << 32 | mark.column
        if kind is scalar:
            value = event.value
            if event.tag is not None or (event.implicit[0] and value[:1] in typed_firsts):
                value = _scalar(event, at, odd)
            values += 1
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            opened = None
        elif kind is mapping or kind is sequence:
            if kind is mapping:
                opened = value = _Mapping()
                opened.keys_at, opened.values_at = {}, {}
            else:
                opened = value = _Sequence()
                opened.at = []
            if event.tag not in (None, "!", _CORE + ("map" if kind is mapping else "seq")):
                value = _tagged(event.tag, "", at, odd)
            values += 1
            if len(stack) >= MAX_DEPTH:
                raise _YamlProblem(_position(at), f"values nested more than "
                                   f"{MAX_DEPTH} deep; a glossary nests four: file, entries, "
                                   "entry, variants")
        elif kind in closing:
            container, is_map, anchor, before, done = stack.pop()
            if anchor is not None:
                anchors[anchor] = (done, values - before)
            key = _NO_KEY
            continue
        elif kind is alias:
            if event.anchor not in anchors:
                inside = any(frame[2] == event.anchor for frame in stack)
                raise _YamlProblem(_position(at), "YAML syntax error: the alias "
                                   f"`*{_shown(event.anchor)}` " + ("is inside the value it names"
                                   if inside else "names no `&` anchor above it"))
            value, size = anchors[event.anchor]
            values += size
            opened = None
        elif kind is document:
            documents += 1
            if documents > 1:
                raise _YamlProblem(_position(at), "YAML syntax error: a second "
                                   "document (`---`) in the file; a glossary file holds one")
            continue
        else:  # the start and end of the stream, the end of the document
            continue
        if values > MAX_VALUES:
            raise _YamlProblem(_position(at), f"more than {MAX_VALUES:,} values "
                               "(an alias counts as all it names); split the file")
        if not is_map:
            if container is None:
                root = value
            elif len(container) < MAX_ENTRIES:
                container.append(value)
                container.at.append(at)
            else:
                raise _YamlProblem(_position(at), f"a list of more than "
                                   f"{MAX_ENTRIES:,} items; a glossary holds at most "
                                   f"{MAX_ENTRIES:,} entries")
        elif key is _NO_KEY:
            if opened is not None or isinstance(value, (dict, list)):
                raise _YamlProblem(_position(at), "YAML syntax error: a key must "
                                   f"be a single text, not {_kind(value)}")
            key, key_at = value, at
        elif key in container:
            line, column = _position(container.keys_at[key])
            raise _YamlProblem(_position(key_at), f"YAML syntax error: the key "
                               f"`{_shown(str(key))}` is also at line {line}, column {column}; "
                               "keep one")
        else:
            container[key] = value
            container.keys_at[key] = key_at
            container.values_at[key] = at
            key = _NO_KEY
        if opened is not None:
            stack.append((container, is_map, event.anchor, values - 1, value))
            container, is_map, key = opened, kind is mapping, _NO_KEY
    return root, odd


def _syntax_error(error: Exception) -> tuple[Position, str, str]:
    """Where the parser stopped and why, as a problem: position, severity, message."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    at = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and start and (start.line + 1, start.column + 1) != at:  # where the unclosed
        problem += f" ({context} at line {start.line + 1}, column {start.column + 1})"  # thing began
    return at, "error", (f"YAML syntax error: {problem}; check the indentation and quotes on "
                         "this line and the ones before")


# --- checking ------------------------------------------------------------------------------

def _key_at(node: Any, key: Any) -> Position:
    return _position(node.keys_at[key])


def _value_at(node: Any, key: Any) -> Position:
    if node[key] is None:  # an empty value has no position of its own: point at its key
        return _key_at(node, key)
    return _position(node.values_at[key])


def _item_at(sequence: Any, index: int) -> Position:
    return _position(sequence.at[index])


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
    if isinstance(value, _Odd):
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
        forbidden = _FORBIDDEN.search(text)
        if forbidden:
            line = text.count("\n", 0, forbidden.start()) + 1
            column = forbidden.start() - text.rfind("\n", 0, forbidden.start())
            self.report((line, column), "error", f"YAML syntax error: the control character "
                        f"U+{ord(forbidden.group()):04X} is not allowed in YAML; delete it")
            return
        try:
            document, odd = _read_yaml(text)
        except _YamlProblem as problem:
            self.report(problem.at, "error", problem.message)
            return
        except Exception as error:  # any parser failure is a problem with this file
            self.report(*_syntax_error(error))
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
        message = f"unknown key `{_shown(str(key))}`; {hint}"
        if isinstance(key, _Odd):  # a tagged key, `!!python/str zh:`
            message = f"the key `{_shown(str(key))}` is {_kind(key)}"
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
            example = _shown(value) if isinstance(value, str) else "..."
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
                        f"`status` is `{_shown(status)}`; write approved or proposed")
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
