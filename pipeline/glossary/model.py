"""The glossary's data: entries, the merged glossary of one or more files, and check findings.

The YAML files in ``glossary/`` are the single source of truth for terminology (format:
``glossary/README.md``); ``pipeline.glossary.load`` reads them, ``check`` validates them, and
``match`` finds their terms in text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.glossary.match import TermMatch, build_automaton, find_terms, normalise

ENTRY_KEYS = ("zh", "en", "variants", "accepted", "avoid", "note", "source", "status")
STATUSES = ("approved", "proposed")
# The most characters a term (``zh``, a variant) and a rendering (``en``, an avoided one) may
# have: anything longer is a sentence or a paragraph pasted by mistake, reported as an error.
MAX_CHARS = {"zh": 100, "variants": 100, "en": 300, "accepted": 300, "avoid": 300}


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: the Chinese ``zh`` (and its ``variants``) and the required English ``en``.

    ``accepted`` lists other English renderings that official texts use; machine output must
    still carry ``en``, but a person's translation that uses an accepted one is not flagged.
    """

    zh: str
    en: str
    variants: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    note: str = ""
    source: str = ""
    status: str = "approved"  # or "proposed"
    file: str = ""  # path of the YAML file it came from
    line: int = 0  # 1-based line of the entry
    accepted: tuple[str, ...] = ()  # other English renderings official texts use

    @property
    def approved(self) -> bool:
        """Only approved entries constrain translation."""
        return self.status == "approved"

    @property
    def forms(self) -> tuple[str, ...]:
        """The Chinese forms that stand for this term: ``zh`` first, then the variants."""
        return (self.zh, *self.variants)


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
        self.path = ""  # where it was loaded from, when it came from files
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
            self._automata[approved_only] = build_automaton(self._keys(approved_only))
        return self._automata[approved_only]

    def match(self, text: str, approved_only: bool = True) -> list[TermMatch[GlossaryEntry]]:
        """Every glossary term in ``text``: sorted by start, non-overlapping, longest wins."""
        return find_terms(self._automaton(approved_only), text)
