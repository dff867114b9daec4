"""Where outputs go and how they are written: paths, the output folder, staging and atomic rename,
and the guard that keeps a new run from overwriting a reviewer's work. Used by translate, align and
review alike.

Every output of a command is computed first, written to temporary files beside its target, and
renamed into place only when all of them were written: a failed or interrupted run leaves the
previous outputs as they were.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import shutil
from pathlib import Path

from pipeline.atomic import staged_outputs
from pipeline.document import Document
from pipeline.errors import OutputError, ReviewError
from pipeline.export.docx import write_english_docx
from pipeline.export.json_export import write_json
from pipeline.export.markdown import write_markdown
from pipeline.export.workbook import INITIAL_STATUS, TRANSLATION_SHEET, write_workbook
from pipeline.export.xliff import write_xliff
from pipeline.glossary.model import Glossary
from pipeline.review.workbook import MAX_ROWS, cell_text, open_workbook
from pipeline.review.xliff import xliff_has_reviewer_edits

_REVIEW_COLUMNS = ("Reviewed translation (en)", "Comment")
# The line of NAME.review.txt that records which workbook was applied (its SHA-256 follows).
APPLIED_MARK = "Workbook applied (SHA-256): "


# --- paths and the folder -------------------------------------------------------------------------

def output_paths(out: Path, name: str, xliff: bool = False, word: bool = False) -> dict[str, Path]:
    """The four outputs of ``zhen translate`` and ``zhen align`` for the input ``NAME``, with
    ``NAME.xlf`` for review in a CAT tool (``xliff``) and ``NAME.en.docx`` when the input was a Word
    document (``word``)."""
    paths = {"xlsx": out / f"{name}.xlsx", "md": out / f"{name}.md", "en.md": out / f"{name}.en.md",
             "json": out / f"{name}.json"}
    if xliff:
        paths["xlf"] = out / f"{name}.xlf"
    if word:
        paths["en.docx"] = out / f"{name}.en.docx"
    return paths


def review_output_paths(out: Path, name: str) -> dict[str, Path]:
    """The outputs of ``zhen review apply`` for the workbook ``NAME.xlsx``."""
    return {"en.md": out / f"{name}.final.en.md", "md": out / f"{name}.final.md",
            "tmx": out / f"{name}.tmx", "report": out / f"{name}.review.txt",
            "en.docx": out / f"{name}.final.en.docx"}


def prepare_output_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the output folder {out}: {error.strerror}.") from None
    if not out.is_dir():
        raise OutputError(f"{out} is not a folder; give --out a folder.")
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"the output folder {out} is not writable; choose another with --out.")


# --- writing them together ------------------------------------------------------------------------

def export_document(document: Document, targets: dict[str, Path], glossary: Glossary | None = None) -> list[Path]:
    """Write the workbook, both Markdown files, the JSON and, when ``targets`` names them, the XLIFF
    and the English Word document; all of them or, on failure, none."""
    with staged_outputs(targets) as staged:
        write_workbook(document, staged["xlsx"], glossary)
        write_markdown(document, staged["md"], staged["en.md"])
        write_json(document, staged["json"])
        if "xlf" in staged:
            write_xliff(document, staged["xlf"])
        if "en.docx" in staged:
            write_english_docx(document, document.path, staged["en.docx"])
    return list(targets.values())


def write_texts_together(targets: dict[str, Path], texts: dict[str, str],
                         word: tuple[Document, Path] | None = None) -> list[Path]:
    """Write each text to its target (UTF-8, LF), and ``targets["en.docx"]`` from ``word`` (the
    document and its Word source) when given; all of them or, on failure, none."""
    wanted = {*texts, *(("en.docx",) if word is not None else ())}
    with staged_outputs({key: path for key, path in targets.items() if key in wanted}) as staged:
        for key, text in texts.items():
            staged[key].write_text(text, encoding="utf-8", newline="\n")
        if word is not None:
            write_english_docx(word[0], word[1], staged["en.docx"])
    return [targets[key] for key in texts] + ([targets["en.docx"]] if word is not None else [])


# --- guarding reviewed work -----------------------------------------------------------------------

def guard_reviewed_work(workbook: Path, force: bool) -> Path | None:
    """Keep a new run from losing a reviewer's edits in a workbook or XLIFF file; return the backup
    kept, if any.

    A file with edits is overwritten only when its review was applied (``NAME.review.txt`` beside it
    records this very file) or with ``force``; either way a copy is kept first.
    """
    edited = xliff_has_reviewer_edits if workbook.suffix == ".xlf" else workbook_has_reviewer_edits
    if not workbook.exists() or not edited(workbook):
        return None
    if not force and not review_was_applied(workbook):
        report = workbook.with_name(f"{workbook.stem}.review.txt")
        raise OutputError(
            f"{workbook} holds reviewer edits that have not been applied; translating again would "
            f"overwrite them. Either run `zhen review apply {workbook}` (it writes the final English "
            f"and {report.name} beside the workbook; then this command goes ahead, keeping a copy of "
            f"the workbook), or write elsewhere with --out DIR, or pass --force to go ahead now "
            f"(the workbook is first copied to {workbook.stem}.reviewed-DATE-TIME{workbook.suffix})."
        )
    return backup_reviewed_workbook(workbook)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def review_was_applied(workbook: Path) -> bool:
    """Whether ``zhen review apply`` applied this workbook, as it is now, into the folder it sits in.

    The review report records the applied workbook's SHA-256; an edit made after applying changes
    the workbook and so counts as unapplied work again.
    """
    report = workbook.with_name(f"{workbook.stem}.review.txt")
    try:
        with open(report, encoding="utf-8") as handle:
            head = [handle.readline() for _ in range(5)]
        recorded = next((line[len(APPLIED_MARK):].strip() for line in head if line.startswith(APPLIED_MARK)), "")
        return bool(recorded) and recorded == file_sha256(workbook)
    except (OSError, UnicodeDecodeError):
        return False


def workbook_has_reviewer_edits(path: Path) -> bool:
    """Whether any Reviewed translation or Comment cell is filled or a Status is not ``To review``.

    A workbook that cannot be read counts as edited: overwriting it needs ``--force``, which keeps
    a backup, rather than risking a reviewer's work on a file this reader did not understand.
    """
    try:
        workbook = open_workbook(Path(path))
    except ReviewError:
        return True
    try:
        if TRANSLATION_SHEET not in workbook.sheetnames:
            return True
        rows = workbook[TRANSLATION_SHEET].iter_rows(values_only=True, max_row=MAX_ROWS + 1)
        header = [cell_text(value).strip() for value in next(rows, ())]
        names = (*_REVIEW_COLUMNS, "Status")
        if any(name not in header for name in names):
            return True
        columns = [header.index(name) for name in names]
        for values in rows:
            *texts, status = (cell_text(values[i]).strip() if i < len(values) else "" for i in columns)
            if any(texts) or status not in ("", INITIAL_STATUS):
                return True
        return False
    except Exception:  # a damaged sheet: treat as edited, see above
        return True
    finally:
        workbook.close()


def backup_reviewed_workbook(path: Path) -> Path:
    """Copy ``NAME.xlsx`` to ``NAME.reviewed-YYYYmmdd-HHMMSS.xlsx`` beside it; return the copy."""
    path = Path(path)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.reviewed-{stamp}{path.suffix}")
    counter = 2
    while target.exists():
        target = path.with_name(f"{path.stem}.reviewed-{stamp}-{counter}{path.suffix}")
        counter += 1
    try:
        shutil.copy2(path, target)
    except OSError as error:
        raise OutputError(f"cannot back up {path} to {target}: {error.strerror}.") from None
    return target
