"""``zhen review apply``: bring a reviewed workbook back — final English, bilingual Markdown, TMX."""

from __future__ import annotations

import argparse
from pathlib import Path

MAX_FINDINGS_PRINTED = 50  # the report file lists them all


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "review", help="apply a reviewed workbook or XLIFF file",
        description="Work with the reviewer workbook NAME.xlsx (or NAME.xlf from --xliff) that zhen translate wrote.",
    )
    parser.set_defaults(func=lambda args: _usage(parser))
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    apply = actions.add_parser(
        "apply", help="write the final English, bilingual Markdown and a TMX from a reviewed workbook",
        description="Check a reviewed workbook against the run that wrote it, then write NAME.final.en.md, "
                    "NAME.final.md (bilingual), NAME.tmx (TMX 1.4b) and NAME.review.txt (and NAME.final.en.docx "
                    "when the run translated a Word document that is still where it was). The final English "
                    "of each segment is its Reviewed translation where given, else the machine translation. "
                    "A workbook whose source cells or rows were changed is refused (exit status 2) and "
                    "nothing is written. NAME.xlf/NAME.xliff back from a CAT tool is applied the same way: "
                    "its target is the final English, its state the status (final or signed-off: Approved, "
                    "translated: Edited, others: To review) and its added notes the comment.",
    )
    apply.add_argument("workbook", type=Path, metavar="NAME.xlsx",
                       help="the reviewed workbook, or the reviewed XLIFF file (NAME.xlf)")
    apply.add_argument("--out", type=Path, default=None, help="output folder (default: the workbook's folder)")
    apply.add_argument("--glossary", type=Path, default=None,
                       help="glossary YAML file or folder to check the final English against "
                            "(default: ./glossary/ when it exists, else the Belt and Road glossary shipped "
                            "with zhen)")
    apply.add_argument("--strict", action="store_true", help="exit with status 1 when any check finds an error")
    apply.add_argument("--approved-only", action="store_true",
                       help="put only segments with status Approved or Edited in the TMX")
    apply.add_argument("--include-unreviewed", action="store_true",
                       help="also put machine output nobody reviewed in the TMX (marked x-reviewed: no); "
                            "by default the TMX holds only rows a person approved, edited or rewrote, "
                            "and never a Rejected row")
    apply.set_defaults(func=run_apply)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_apply(args: argparse.Namespace) -> int:
    from pipeline.glossary.load import find_glossary, glossary_label, load_glossary
    from pipeline.review.apply import apply_review

    glossary_path = find_glossary(args.glossary)
    glossary = load_glossary(glossary_path)
    result = apply_review(args.workbook, args.out, glossary, approved_only=args.approved_only,
                          include_unreviewed=args.include_unreviewed)
    counts = result.status_counts()
    print(f"{args.workbook}: {len(result.rows)} segments — "
          + ", ".join(f"{counts.get(status, 0)} {status.lower()}"
                      for status in ("Approved", "Edited", "Rejected", "To review"))
          + f"; {len(result.findings)} findings ({len(result.errors)} errors) → "
          + ", ".join(str(path) for path in result.outputs) + f"; {glossary_label(glossary_path, glossary)}")
    for row in result.rejected_unrevised:
        print(f"  {row.id} (row {row.row}): rejected without a reviewed translation; "
              f"the machine translation was kept")
    for finding in result.findings[:MAX_FINDINGS_PRINTED]:
        print(f"  {finding}")
    if len(result.findings) > MAX_FINDINGS_PRINTED:
        print(f"  … and {len(result.findings) - MAX_FINDINGS_PRINTED} more: see {result.outputs[-1]}")
    return 1 if args.strict and result.errors else 0
