"""Options that ``zhen translate`` and ``zhen align`` share: the glossary, the input, the checks and the outputs."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_document_options(parser: argparse.ArgumentParser, encoding_help: str, qa_example: str) -> None:
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--glossary", type=Path, default=None,
                        help="glossary YAML file or folder (default: ./glossary/ when it exists, "
                             "else the Belt and Road glossary shipped with zhen)")
    choice.add_argument("--no-glossary", action="store_true",
                        help="run without a glossary: no term is constrained or checked")
    parser.add_argument("--encoding", default=None, help=encoding_help)
    parser.add_argument("--no-repair", action="store_true", help="do not repair PDF layout (captions, cut paragraphs)")
    parser.add_argument("--qa-off", action="append", default=[], metavar="CHECK[,CHECK]",
                        help=f"switch QA checks off by name, e.g. {qa_example}")
    parser.add_argument("--force", action="store_true",
                        help="overwrite a workbook that holds reviewer edits (a timestamped backup is kept)")
    parser.add_argument("--xliff", action="store_true",
                        help="also write NAME.xlf (XLIFF 1.2) for review in a CAT tool; apply it with zhen review apply")
