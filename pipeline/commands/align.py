"""``zhen align``: check an existing English translation against its Chinese source."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.commands.options import add_document_options


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "align", help="align a Chinese document with an existing English translation and check it",
        description="Align SOURCE (Chinese) with TARGET (its English translation, whose paragraphs may be split "
                    "or merged differently), run the QA checks and write NAME.xlsx, NAME.md, NAME.en.md and "
                    "NAME.json, as `zhen translate` does for a machine translation.",
    )
    parser.add_argument("source", type=Path, metavar="SOURCE.zh.txt", help="the Chinese document")
    parser.add_argument("target", type=Path, metavar="TARGET.en.txt", help="its English translation")
    parser.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    add_document_options(parser, encoding_help="encoding of the Chinese file (default: UTF-8, BOM-aware)",
                         qa_example="--qa-off spacing")
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.jobs import AlignSettings, align_files
    from pipeline.glossary.load import chosen_glossary
    from pipeline.qa import checks_left_on

    glossary, glossary_named = chosen_glossary(args.glossary, args.no_glossary)
    settings = AlignSettings(
        encoding=args.encoding, repair_layout=not args.no_repair, qa_checks=checks_left_on(args.qa_off),
        force=args.force, xliff=args.xliff,
        command="zhen " + " ".join(sys.argv[1:]) if sys.argv and sys.argv[0].endswith("zhen") else "",
    )
    document, outputs = align_files(args.source, args.target, args.out, glossary, settings,
        on_backup=lambda backup: print(f"kept a copy of the reviewed "
                                       f"{'XLIFF file' if backup.suffix == '.xlf' else 'workbook'} as {backup}",
                                       file=sys.stderr))
    if not args.quiet:
        counts = document.metadata["counts"]
        links = document.metadata["alignment"]
        uneven = sum(1 for link in links if len(link["source"]) != 1 or len(link["english"]) != 1)
        print(f"{args.source} ↔ {args.target}: {counts['paragraphs']} paragraphs ({uneven} not one-to-one), "
              f"{counts['segments']} segments, {sum(counts['flags'].values())} QA flags → "
              + ", ".join(str(output) for output in outputs) + f"; {glossary_named}")
    return 0
