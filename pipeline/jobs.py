"""Whole-file jobs: translate a file, or align a file with its English translation.

Each job reads its input, runs its stage list (``pipeline.run``) and writes the four outputs
together (``pipeline.outputs``). Everything is computed before anything is written, so a failed or
interrupted run leaves the previous outputs as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.document import Document
from pipeline.engines.base import TranslationEngine, load_engine
from pipeline.errors import InputError
from pipeline.glossary.match import has_han
from pipeline.glossary.model import Glossary
from pipeline.ingest.reader import read_input
from pipeline.ingest.text import read_document, split_blocks
from pipeline.memory import open_memory
from pipeline.outputs import export_document, guard_reviewed_work, output_paths, prepare_output_folder
from pipeline.run import ALIGN_STAGES, TRANSLATE_STAGES, RunContext, RunSettings, run_stages
from pipeline.translate import count_parts


@dataclass
class TranslateResult:
    document: Document
    outputs: list[Path] = field(default_factory=list)
    backup: Path | None = None  # the copy kept of a reviewed workbook this run replaced
    backups: list[Path] = field(default_factory=list)  # every copy kept (workbook, XLIFF)


class TranslateJob:
    """Holds the engine (loaded once, on first need) and translates file after file."""

    def __init__(self, settings: RunSettings, glossary: Glossary, out: Path,
                 force: bool = False, show_progress: bool = False, engine: TranslationEngine | None = None,
                 notify: Callable[[str], None] | None = None,
                 xliff: bool = False) -> None:
        self.settings = settings
        self.notify = notify  # hears what is worth telling the user while the engine loads (a conversion, a fallback)
        self.glossary = glossary
        self.out = Path(out)
        self.force = force
        self.show_progress = show_progress
        self.xliff = xliff  # also write NAME.xlf for review in a CAT tool
        self._engine = engine
        self._memory = None

    @property
    def engine(self) -> TranslationEngine:
        if self._engine is None:
            self._engine = load_engine(self.settings.engine, self.settings.engine_settings, self.notify)
        return self._engine

    def _translation_memory(self) -> Any:
        if not self.settings.use_cache:
            return None
        if self._memory is None:
            self._memory = open_memory(self.engine, self.settings.engine_settings.decoding)
        return self._memory

    def translate_file(self, path: Path) -> TranslateResult:
        document = read_input(Path(path), self.settings.encoding)
        if not document.text.strip():
            raise InputError(f"{path}: the file is empty (or only whitespace); there is nothing to translate.")
        prepare_output_folder(self.out)
        targets = output_paths(self.out, document.name, self.xliff, word=document.source_format == "docx")
        backups = [kept for kept in (guard_reviewed_work(targets[key], self.force) for key in ("xlsx", "xlf")
                                     if key in targets) if kept is not None]
        context = RunContext(self.settings, self.glossary, self.engine, memory=self._translation_memory())
        progress = None

        def start_progress(segmented: Document) -> None:
            nonlocal progress
            if self.show_progress:
                from tqdm import tqdm

                progress = tqdm(total=count_parts(segmented.segments), desc=segmented.name, unit="seg", leave=False)
                context.progress = progress

        try:
            run_stages(document, context, TRANSLATE_STAGES, before={"translate": start_progress})
        finally:
            if progress is not None:
                progress.close()
        return TranslateResult(document, export_document(document, targets, self.glossary),
                               backups[0] if backups else None, backups)


@dataclass(frozen=True)
class AlignSettings:
    encoding: str | None = None  # of the Chinese file; the English is read as UTF-8 (BOM-aware)
    repair_layout: bool = True
    qa_checks: frozenset[str] | None = None  # None runs every QA check
    force: bool = False  # overwrite a workbook holding reviewer edits (after a backup)
    command: str = ""
    xliff: bool = False  # also write NAME.xlf for review in a CAT tool


def read_english(path: Path) -> list[str]:
    """The English file's paragraphs (blank-line separated; hard-wrapped lines joined)."""
    text = read_document(path).text
    return [block.text for block in split_blocks(text) if block.kind not in ("code", "table") and block.text.strip()]


def align_files(source: Path, english: Path, out: Path, glossary: Glossary | None = None,
                settings: AlignSettings = AlignSettings(),
                on_backup: Callable[[Path], None] | None = None) -> tuple[Document, list[Path]]:
    """Align ``source`` (Chinese) with ``english``, check the English and write the four outputs.

    ``on_backup`` hears of the copy kept of a reviewed workbook this run replaces.
    """
    glossary = glossary or Glossary.empty()
    document = read_input(Path(source), settings.encoding)
    if not has_han(document.text):
        raise InputError(f"{source}: has no Chinese text; give the Chinese document first, then its English translation.")
    paragraphs = read_english(Path(english))
    if not paragraphs:
        raise InputError(f"{english}: the file is empty (or only whitespace); there is no English to align.")
    run_settings = RunSettings(encoding=settings.encoding, repair_layout=settings.repair_layout,
                               repair_terms=False,  # a person's translation is flagged, never rewritten
                               qa_checks=settings.qa_checks, command=settings.command)
    context = RunContext(run_settings, glossary, english=paragraphs, english_file=Path(english))
    run_stages(document, context, ALIGN_STAGES)
    prepare_output_folder(Path(out))
    targets = output_paths(Path(out), document.name, settings.xliff)
    for key in ("xlsx", "xlf"):
        backup = guard_reviewed_work(targets[key], settings.force) if key in targets else None
        if backup is not None and on_backup is not None:
            on_backup(backup)
    return document, export_document(document, targets, glossary)
