"""Translate files to their outputs: the library behind ``zhen translate``.

Everything is computed before anything is written, and each output is written atomically, so a
failed or interrupted run leaves the previous outputs as they were.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document import Document
from pipeline.engines.base import TranslationEngine, load_engine
from pipeline.errors import InputError, OutputError
from pipeline.glossary import Glossary
from pipeline.run import RunContext, RunSettings, count_parts, read_input, translate_document


@dataclass
class TranslateResult:
    document: Document
    outputs: list[Path] = field(default_factory=list)


def output_paths(out: Path, name: str) -> dict[str, Path]:
    return {"xlsx": out / f"{name}.xlsx", "md": out / f"{name}.md", "en.md": out / f"{name}.en.md",
            "json": out / f"{name}.json"}


def prepare_output_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the output folder {out}: {error.strerror}.") from None
    if not out.is_dir():
        raise OutputError(f"{out} is not a folder; give --out a folder.")
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"the output folder {out} is not writable; choose another with --out.")


class TranslateJob:
    """Holds the engine (loaded once, on first need) and translates file after file; ``notify``
    receives the lines worth telling the user while the engine loads (a conversion, a fallback)."""

    def __init__(self, settings: RunSettings, glossary: Glossary, out: Path,
                 force: bool = False, show_progress: bool = False, engine: TranslationEngine | None = None,
                 notify: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.notify = notify
        self.glossary = glossary
        self.out = Path(out)
        self.force = force
        self.show_progress = show_progress
        self._engine = engine
        self._memory = None

    @property
    def engine(self) -> TranslationEngine:
        if self._engine is None:
            self._engine = load_engine(self.settings.engine, self.settings.engine_settings, self.notify)
        return self._engine

    def _translation_memory(self):  # noqa: ANN202
        if not self.settings.use_cache:
            return None
        if self._memory is None:
            try:
                from pipeline.memory import open_memory
            except ImportError:
                return None
            self._memory = open_memory(self.engine, self.settings.engine_settings.decoding)
        return self._memory

    def translate_file(self, path: Path) -> TranslateResult:
        document = read_input(Path(path), self.settings)
        if not document.text.strip():
            raise InputError(f"{path}: the file is empty (or only whitespace); there is nothing to translate.")
        prepare_output_folder(self.out)
        targets = output_paths(self.out, document.name)
        guard_reviewed_work(targets["xlsx"], self.force)
        context = RunContext(self.settings, self.glossary, self.engine, memory=self._translation_memory())
        progress = None

        def start_progress(segmented: Document) -> None:
            nonlocal progress
            if self.show_progress:
                from tqdm import tqdm

                progress = tqdm(total=count_parts(segmented), desc=segmented.name, unit="seg", leave=False)
                context.progress = progress

        try:
            translate_document(document, context, on_segmented=start_progress)
        finally:
            if progress is not None:
                progress.close()
        return TranslateResult(document, export_document(document, targets, self.glossary))


def guard_reviewed_work(workbook: Path, force: bool) -> None:
    """Refuse to overwrite a workbook that holds reviewer edits, unless forced (then back it up first)."""
    from pipeline.review import backup_reviewed_workbook, workbook_has_reviewer_edits

    if not workbook.exists() or not workbook_has_reviewer_edits(workbook):
        return
    if not force:
        raise OutputError(
            f"{workbook} holds reviewer edits; translating again would overwrite them. Apply the "
            f"review first (zhen review apply {workbook}), choose another --out, or pass --force "
            f"(a timestamped backup of the workbook is kept)."
        )
    backup_reviewed_workbook(workbook)


def export_document(document: Document, targets: dict[str, Path], glossary: Glossary | None = None) -> list[Path]:
    """Write the workbook, both Markdown files and the JSON; all of them or, on failure, none."""
    from pipeline.atomic import staged_outputs
    from pipeline.export.json_export import write_json
    from pipeline.export.markdown import write_markdown
    from pipeline.export.workbook import write_workbook

    with staged_outputs(targets) as staged:
        write_workbook(document, staged["xlsx"], glossary)
        write_markdown(document, staged["md"], staged["en.md"])
        write_json(document, staged["json"])
    return [targets["xlsx"], targets["md"], targets["en.md"], targets["json"]]
