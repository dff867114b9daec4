"""Reading the YAML of a glossary file, and the limits of what a glossary may hold.

YAML is read as a stream of parser events (libyaml's through PyYAML when it is installed, as it
reads 100,000 entries in seconds; ruamel's pure-Python parser otherwise) and built here into
plain mappings, lists and texts that remember where each value starts. No tag ever constructs an
object: a tag other than YAML's core ones gives an ``OddValue``. Plain values are typed by the
YAML 1.2 core rules, so ``en: no`` is the text "no" and ``en: 2030`` a number. The size of a
file, the number of entries and values (an alias counts as all it names) and the nesting are
capped, so an absurd file is refused within seconds instead of filling the memory.

What a glossary means by its keys is checked in ``pipeline.glossary_check``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_ENTRIES", "MAX_VALUES", "OddValue", "Position",
           "YamlProblem", "libyaml_loader", "position", "read_yaml", "shown"]

MAX_BYTES = 20_000_000  # one file, or all the files of a folder together
MAX_ENTRIES = 200_000  # the whole glossary; also the longest list a file may hold
MAX_VALUES = 10 * MAX_ENTRIES  # texts, lists and mappings of one file
MAX_DEPTH = 20  # a glossary nests four deep: file, entries, entry, variants

Position = tuple[int, int]  # 1-based line and column

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


class OddValue:
    """A value no glossary key can use: a date, or a value with a tag that is refused."""

    __slots__ = ("text", "kind", "at", "tag", "reported")

    def __init__(self, text: str, kind: str, at: Position, tag: str = "") -> None:
        self.text, self.kind, self.at, self.tag = text, kind, at, tag
        self.reported = False  # set once a problem has named it

    def __str__(self) -> str:
        return self.text


class YamlProblem(Exception):
    """What stops the reading of a file: a forbidden character, bad syntax, a broken structure
    or a cap exceeded; ``at`` is the 1-based line and column."""

    def __init__(self, at: Position, message: str) -> None:
        super().__init__(message)
        self.at, self.message = at, message


_NO_KEY = object()  # a mapping waiting for its next key


def shown(text: str, limit: int = 40) -> str:
    """``text`` as a message quotes it: cut to ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=1)
def libyaml_loader() -> Any:
    """PyYAML's loader on libyaml, or None when either is missing."""
    try:
        from yaml import CSafeLoader
    except ImportError:
        return None
    return CSafeLoader


def _yaml_events(text: str, pure: bool) -> tuple[Iterator[Any], Any]:
    """The parser events of ``text``, and the module that defines their classes."""
    loader = None if pure else libyaml_loader()
    if loader is None:  # the same events, parsed in pure Python: about ten times slower
        from ruamel.yaml import YAML, events

        return iter(YAML(typ="safe", pure=True).parse(text)), events
    from yaml import events

    return iter(loader(text).get_event, None), events  # parsing only: no tag constructs anything


def position(packed: int) -> Position:
    """The line and column of a packed position, as a message gives them."""
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
        return OddValue(value, "a date (put it in quotes)", position(at))
    digits = value.replace("_", "").lower()
    try:
        if kind == "int":
            return int(digits, 0) if digits.lstrip("+-")[:2] in ("0b", "0o", "0x") else int(digits)
        if digits.endswith(("inf", "nan")):
            return float(digits.replace(".", ""))
        return float(digits)
    except ValueError:  # a pattern's corner case such as `_` or `0o_`: keep it as text
        return value


def _tagged(tag: str, text: str, at: int, odd: list[OddValue]) -> OddValue:
    name = shown(tag.replace(_CORE, "!!", 1) if tag.startswith(_CORE) else tag)
    refused = OddValue(text, f"a value with the YAML tag `{name}` (tags are not allowed in a glossary; "
                       "delete it)", position(at), tag=name)
    odd.append(refused)
    return refused


def _scalar(event: Any, at: int, odd: list[OddValue]) -> Any:
    tag, value = event.tag, event.value
    if tag is None:
        return _plain(value, at) if event.implicit[0] else value
    if tag == "!" or tag == _CORE + "str":
        return value
    typed = _plain(value, at)
    if type(typed) in _CORE_SCALARS.get(tag, ()):  # `!!int 5`: harmless, and what it says
        return typed
    return _tagged(tag, value, at, odd)


def read_yaml(text: str, *, pure: bool = False,
              max_items: int = MAX_ENTRIES) -> tuple[Any, list[OddValue]]:
    """The one document of ``text`` as mappings, lists and texts, and the values it refused.

    A mapping is a ``dict`` whose ``keys_at`` and ``values_at`` give the packed position of each
    key and value, a list a ``list`` whose ``at`` gives that of each item (``position`` unpacks
    them). ``pure`` reads with ruamel's pure-Python parser even where libyaml is installed;
    ``max_items`` caps the length of any list. Raises ``YamlProblem`` for everything that stops
    the reading: a character YAML forbids, bad syntax, or what the parser accepts but a glossary
    cannot hold.
    """
    forbidden = _FORBIDDEN.search(text)
    if forbidden:
        line = text.count("\n", 0, forbidden.start()) + 1
        column = forbidden.start() - text.rfind("\n", 0, forbidden.start())
        raise YamlProblem((line, column), f"YAML syntax error: the control character "
                          f"U+{ord(forbidden.group()):04X} is not allowed in YAML; delete it")
    try:
        return _build(text, pure, max_items)
    except YamlProblem:
        raise
    except Exception as error:  # any parser failure is a problem with this file
        raise YamlProblem(*_syntax_error(error)) from None


def _build(text: str, pure: bool, max_items: int) -> tuple[Any, list[OddValue]]:
    """``read_yaml`` once the text may be parsed; the parser's own error for bad syntax.

    An alias gives the value of its anchor again. This loop runs once per value, a million
    times for a large glossary, so it does as little as it can.
    """
    events, kinds = _yaml_events(text, pure)
    scalar, alias, document = kinds.ScalarEvent, kinds.AliasEvent, kinds.DocumentStartEvent
    mapping, sequence = kinds.MappingStartEvent, kinds.SequenceStartEvent
    closing = (kinds.MappingEndEvent, kinds.SequenceEndEvent)
    typed_firsts = {"", *_plain_patterns()}  # a plain value starting otherwise is text
    odd: list[OddValue] = []
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
                raise YamlProblem(position(at), f"values nested more than "
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
                raise YamlProblem(position(at), "YAML syntax error: the alias "
                                  f"`*{shown(event.anchor)}` " + ("is inside the value it names"
                                  if inside else "names no `&` anchor above it"))
            value, size = anchors[event.anchor]
            values += size
            opened = None
        elif kind is document:
            documents += 1
            if documents > 1:
                raise YamlProblem(position(at), "YAML syntax error: a second "
                                  "document (`---`) in the file; a glossary file holds one")
            continue
        else:  # the start and end of the stream, the end of the document
            continue
        if values > MAX_VALUES:
            raise YamlProblem(position(at), f"more than {MAX_VALUES:,} values "
                              "(an alias counts as all it names); split the file")
        if not is_map:
            if container is None:
                root = value
            elif len(container) < max_items:
                container.append(value)
                container.at.append(at)
            else:
                raise YamlProblem(position(at), f"a list of more than "
                                  f"{max_items:,} items; a glossary holds at most "
                                  f"{max_items:,} entries")
        elif key is _NO_KEY:
            if opened is not None or isinstance(value, (dict, list)):
                what = (value.kind if isinstance(value, OddValue)
                        else "a list" if isinstance(value, list) else "a mapping")
                raise YamlProblem(position(at), "YAML syntax error: a key must "
                                  f"be a single text, not {what}")
            key, key_at = value, at
        elif key in container:
            line, column = position(container.keys_at[key])
            raise YamlProblem(position(key_at), f"YAML syntax error: the key "
                              f"`{shown(str(key))}` is also at line {line}, column {column}; "
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


def _syntax_error(error: Exception) -> tuple[Position, str]:
    """Where the parser stopped and why: position and message."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    at = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and start and (start.line + 1, start.column + 1) != at:  # where the unclosed
        problem += f" ({context} at line {start.line + 1}, column {start.column + 1})"  # thing began
    return at, (f"YAML syntax error: {problem}; check the indentation and quotes on this line "
                "and the ones before")
