"""Choosing the reader for an input file by its suffix: PDF, Word, or text and Markdown.

The PDF and Word readers lay out the paragraphs themselves (kinds from geometry or styles, an
``origin`` for each); the text reader leaves that to the layout stage.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.ingest.docx import read_docx
from pipeline.ingest.pdf import read_pdf
from pipeline.ingest.text import MAX_INPUT_BYTES, read_document

SUFFIXES = {".pdf": "PDF", ".docx": "Word"}


def read_input(path: Path, encoding: str | None = None) -> Document:
    """Read ``path`` with the reader its suffix names (``.pdf``, ``.docx``; anything else is text)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return read_document(path, encoding)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the document files inside it instead.")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror}).") from None
    if size > MAX_INPUT_BYTES:
        raise InputError(f"{path}: {size:,} bytes is over the {MAX_INPUT_BYTES:,}-byte limit; split the file.")
    return read_pdf(path) if suffix == ".pdf" else read_docx(path)
