"""``NAME.json``: every paragraph and segment of the run, the contract other tools read."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.atomic import write_text_atomic
from pipeline.document import Document

SCHEMA_VERSION = 1


def document_json(document: Document) -> str:
    data = {"schema_version": SCHEMA_VERSION, **document.to_json()}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_json(document: Document, target: Path) -> Path:
    write_text_atomic(target, document_json(document))
    return target
