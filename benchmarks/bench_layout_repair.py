"""Measure layout repair on the broken-layout set: real official texts cut as a PDF extraction cuts them.

Each document of ``tests/data/official`` with at least six paragraphs is cut three ways by
``tests/support/cut_layout.py`` (seeded, so every run sees the same damage: paragraphs cut at a
line end mid-sentence, a caption and credit between the halves, second halves moved after other
paragraphs, hard-wrapped lines), repaired, and compared with the truth. Prints JSON: in total and
per document, the joins made, the correct ones, precision, recall, wrong joins left without a
review flag and paragraphs out of the original order; per evidence rule, the correct and wrong
joins whose flag names it.

    python benchmarks/bench_layout_repair.py [--seed N] [--show-text]

``--seed`` cuts the same texts elsewhere (0, the default, is the damage the tests measure): the
figures on other seeds are held-out damage, which no rule was fitted to.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from pipeline.document import Document  # noqa: E402
from pipeline.ingest.text import split_blocks  # noqa: E402
from pipeline.layout.classify import classify_blocks  # noqa: E402
from pipeline.layout.repair import repair_layout  # noqa: E402
from support.cut_layout import made_joins, official_set, score, totals  # noqa: E402

# Each rule of pipeline/layout/evidence.py (and repair.py) by the words its reason uses in a join's flag.
RULES = (
    ("mark closed in the other half", "opened in one half is closed"),
    ("glossary term", "the glossary term"),
    ("dictionary word", "” runs across the cut"),
    ("document phrase (4+ chars)", "a phrase found elsewhere"),
    ("document run (3 chars)", "three characters found elsewhere"),
    ("number and measure word", "is cut from its measure word"),
    ("short last line, number that would not fit", "is never broken across lines"),
    ("clause mark + dependent start", "the second cannot stand alone"),
    ("dependent start", "the second half cannot stand alone"),
    ("construction completed", "a construction begun at the cut"),
    ("corpus reading", "in a Chinese newspaper corpus"),
    ("column-filling end, lone block after it", "is the only text that could continue it"),
    ("unfinished end + headless start, by counting", "no other unfinished end or headless start"),
)


def rule_contribution(cut, paragraphs: list, counts: dict) -> None:
    """Add to ``counts[rule]`` the correct and wrong joins whose evidence names the rule."""
    truth = set(cut.joins)
    for first, second, _flagged, message in made_joins(paragraphs):
        outcome = "correct" if (first, second) in truth else "wrong"
        for rule, words in RULES:
            if words in message:
                counts.setdefault(rule, {"correct": 0, "wrong": 0})[outcome] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show-text", action="store_true", help="also print each cut document")
    parser.add_argument("--seed", type=int, default=0, help="cut the texts with another seed (0: the tested set)")
    args = parser.parse_args(argv)
    rows = []
    rules: dict[str, dict[str, int]] = {}
    for cut in official_set(seed=args.seed):
        document = Document(path=Path(f"{cut.name}.zh.txt"), text=cut.text)
        document.paragraphs = classify_blocks(split_blocks(cut.text))
        repair_layout(document)
        row = score(cut, document.paragraphs)
        rule_contribution(cut, document.paragraphs, rules)
        if args.show_text:
            row["text"] = cut.text
        rows.append(row)
    print(json.dumps({"seed": args.seed, "total": totals(rows), "rules": rules, "documents": rows}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
