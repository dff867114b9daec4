"""The glossary: load and validate the YAML files in ``glossary/``, and find their terms in Chinese.

The YAML files are the single source of truth for terminology (format: ``glossary/README.md``).
Loading checks everything and reports every problem at once with file, line and column, because
the people who edit these files are terminologists who must be able to fix them without help.

Matching normalises the text to a same-length form (quote styles, full/half width, Traditional →
Simplified character by character), so every offset it returns points into the original text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from pipeline.errors import GlossaryError

ENTRY_KEYS = ("zh", "en", "variants", "avoid", "note", "source", "status")
STATUSES = ("approved", "proposed")
# The most characters a term (``zh``, a variant) and a rendering (``en``, an avoided one) may
# have: anything longer is a sentence or a paragraph pasted by mistake, reported as an error.
MAX_CHARS = {"zh": 100, "variants": 100, "en": 300, "avoid": 300}

_HAN = regex.compile(r"\p{Han}")
# Every quotation mark folds to one character, so “一带一路”, "一带一路", 「一带一路」 and the
# ‘一带一路’ nested inside another quotation all match the same term.
_QUOTES = frozenset("\"'“”‘’「」『』﹁﹂﹃﹄〝〞〟‚‛„‟‹›«»")


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: the Chinese ``zh`` (and its ``variants``) and the required English ``en``."""

    zh: str
    en: str
    variants: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    note: str = ""
    source: str = ""
    status: str = "approved"  # or "proposed"
    file: str = ""  # path of the YAML file it came from
    line: int = 0  # 1-based line of the entry

    @property
    def approved(self) -> bool:
        """Only approved entries constrain translation."""
        return self.status == "approved"

    @property
    def forms(self) -> tuple[str, ...]:
        """The Chinese forms that stand for this term: ``zh`` first, then the variants."""
        return (self.zh, *self.variants)


@dataclass(frozen=True)
class TermMatch:
    """One occurrence of a glossary term, as offsets into the text given to ``match()``."""

    start: int
    end: int
    surface: str  # text[start:end], possibly a variant or another quote style
    entry: GlossaryEntry


@dataclass(frozen=True)
class GlossaryProblem:
    """A finding of the glossary check, located in its file (line and column are 1-based)."""

    file: str
    line: int
    column: int
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


# --- normalisation -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC  # imported here: loading its dictionaries costs time

    return OpenCC("t2s")


def _fold_char(char: str) -> str:
    code = ord(char)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII forms
        char = chr(code - 0xFEE0)
    elif char == "\u3000":
        return " "
    if char in _QUOTES:
        return '"'
    if char.isascii():
        return char.lower()
    if _HAN.match(char):
        simplified = _t2s().convert(char)
        if len(simplified) == 1:  # keep the text's length, so offsets map back 1:1
            return simplified
    return char


class _FoldTable(dict):  # type: ignore[type-arg]
    """A ``str.translate`` table that folds each character once, on first sight."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def normalise(text: str) -> str:
    """Fold quote styles, width, ASCII case and Traditional characters; the length is kept."""
    return text.translate(_FOLD)


def has_han(text: str) -> bool:
    """Whether ``text`` contains a Chinese character."""
    return bool(_HAN.search(text))


# --- the glossary --------------------------------------------------------------------------

class Glossary:
    """The merged entries of one or more glossary files, with a cached term matcher."""

    def __init__(self, entries: list[GlossaryEntry], *, name: str = "", version: str = "",
                 domain: str = "", warnings: list[GlossaryProblem] | None = None,
                 digest: str = "", files: tuple[str, ...] = ()) -> None:
        self.name = name
        self.version = version
        self.domain = domain
        self.entries = list(entries)
        self.warnings = list(warnings or [])
        self.digest = digest
        self.files = files
        self._automata: dict[bool, Any] = {}
        self._index: dict[str, GlossaryEntry] | None = None

    @classmethod
    def empty(cls) -> Glossary:
        """A glossary without entries: matching finds nothing."""
        return cls([])

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Glossary(name={self.name!r}, version={self.version!r}, entries={len(self.entries)})"

    @property
    def approved(self) -> list[GlossaryEntry]:
        return [entry for entry in self.entries if entry.approved]

    def _keys(self, approved_only: bool) -> dict[str, GlossaryEntry]:
        """Normalised form → entry; on a clash an approved entry wins over a proposed one."""
        keys: dict[str, GlossaryEntry] = {}
        for entry in self.entries:
            if approved_only and not entry.approved:
                continue
            for form in entry.forms:
                key = normalise(form)
                if key and (key not in keys or (entry.approved and not keys[key].approved)):
                    keys[key] = entry
        return keys

    def lookup(self, zh: str) -> GlossaryEntry | None:
        """The entry whose term or variant is ``zh`` (in any quote style or script), or None."""
        if self._index is None:
            self._index = self._keys(approved_only=False)
        return self._index.get(normalise(zh.strip()))

    def _automaton(self, approved_only: bool) -> Any:
        if approved_only not in self._automata:
            import ahocorasick  # imported here: ``import pipeline.glossary`` must stay cheap

            automaton = ahocorasick.Automaton()
            for key, entry in self._keys(approved_only).items():
                automaton.add_word(key, (len(key), entry))
            if len(automaton):
                automaton.make_automaton()
            self._automata[approved_only] = automaton
        return self._automata[approved_only]

    def match(self, text: str, approved_only: bool = True) -> list[TermMatch]:
        """Every glossary term in ``text``: sorted by start, non-overlapping, longest wins.

        Among overlapping occurrences the longest is kept (高质量共建“一带一路” over
        共建“一带一路” over 一带一路); of two as long, the one that starts first.
        """
        automaton = self._automaton(approved_only)
        if not text or not len(automaton):
            return []
        folded = normalise(text)
        found = []
        for last, (length, entry) in automaton.iter(folded):
            start = last + 1 - length
            if _inside_word(folded, start, last + 1):
                continue
            found.append((start, last + 1, entry))
        found.sort(key=lambda hit: (hit[0] - hit[1], hit[0]))
        taken = bytearray(len(text))
        kept = []
        for start, end, entry in found:
            if 1 in taken[start:end]:
                continue
            taken[start:end] = b"\x01" * (end - start)
            kept.append(TermMatch(start, end, text[start:end], entry))
        kept.sort(key=lambda hit: hit.start)
        return kept


def _inside_word(folded: str, start: int, end: int) -> bool:
    """A Latin-letter term (``5G``, ``G20``) must not match inside a longer Latin word."""
    def wordy(char: str) -> bool:
        return char.isascii() and char.isalnum()

    return ((wordy(folded[start]) and start > 0 and wordy(folded[start - 1]))
            or (wordy(folded[end - 1]) and end < len(folded) and wordy(folded[end])))


# --- loading and checking ------------------------------------------------------------------

def load_glossary(path: str | Path | None) -> Glossary:
    """Load a glossary file or a folder of them (``*.yaml``, ``*.yml``, sorted by name).

    Raises ``GlossaryError`` listing every problem when any is an error; warnings are kept on
    ``Glossary.warnings``. ``None`` gives an empty glossary.
    """
    if path is None:
        return Glossary.empty()
    from pipeline.glossary_check import read_glossary  # the checker, in a module of its own

    result = read_glossary(path)
    errors = [problem for problem in result.problems if problem.severity == "error"]
    if errors:
        raise GlossaryError(
            f"the glossary {path} has {len(errors)} error(s); fix each line below "
            f"(run `zhen glossary check {path}` to see them again)",
            problems=[str(problem) for problem in result.problems])
    return Glossary(result.entries, name=result.name, version=result.version,
                    domain=result.domain, warnings=result.problems, digest=result.digest,
                    files=result.files)


def check_glossary(path: str | Path) -> list[GlossaryProblem]:
    """Every problem of a glossary file or folder, errors and warnings; never raises for bad YAML."""
    from pipeline.glossary_check import read_glossary

    return read_glossary(path).problems
