"""Benchmark: paragraph alignment on the official Chinese–English set (tests/data/official/).

Run ``python benchmarks/bench_align.py`` (options: ``--data``, ``--glossary``, ``--only ID``); it
prints one JSON object: per document and overall, how many Chinese paragraphs were aligned as the
hand-made alignment (``<id>.paragraphs.tsv``) says — a paragraph counts as right when the set of
English paragraphs it is linked to equals the gold set — and how many alignment flags were raised,
and how many of those sit on a link that is truly wrong (the flag's precision). ``--show-wrong``
adds the wrong paragraphs with their gold and found English.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.align.document import alignment_record  # noqa: E402
from pipeline.glossary.load import load_glossary  # noqa: E402
from pipeline.ingest.text import read_document  # noqa: E402
from pipeline.jobs import read_english  # noqa: E402
from pipeline.run import ALIGN_STAGES, RunContext, RunSettings, run_stages  # noqa: E402

# Alignment warnings by kind, told apart by how their message begins.
FLAG_KINDS = {"uncertain": "Uncertain alignment", "no_english_paragraph": "No English paragraph",
              "no_english_sentence": "No English sentence", "english_without_source": "The English “"}
STAGES = [(name, stage) for name, stage in ALIGN_STAGES if name in ("layout", "match_terms", "align")]


def gold_links(path: Path) -> dict[int, frozenset[int]]:
    """Chinese paragraph number (1-based) → the set of English paragraph numbers the gold links it to."""
    gold: dict[int, frozenset[int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if not line.strip():
            continue
        zh, _, en = line.partition("\t")
        english = frozenset(int(n) for n in en.split(",") if n.strip())
        for number in (int(n) for n in zh.split(",") if n.strip()):
            gold[number] = english
    return gold


def evaluate(source: Path, english_path: Path, gold: dict[int, frozenset[int]], glossary,
             repair_layout: bool = True) -> dict:
    """Align one document and compare it with the gold links."""
    gold = dict(gold)
    document = read_document(source)
    context = RunContext(RunSettings(repair_layout=repair_layout), glossary, english=read_english(english_path), english_file=english_path)
    run_stages(document, context, STAGES)
    paragraphs = [p for p in document.paragraphs if p.translatable]
    by_id = {p.id: p for p in document.paragraphs}
    found: dict[int, frozenset[int]] = {}  # Chinese paragraph number (1-based input block) → English numbers
    flagged: dict[str, set[int]] = {kind: set() for kind in FLAG_KINDS}
    for link in alignment_record(document, context.alignment):
        blocks = [b for pid in link["source"] for b in _blocks(by_id[pid])]
        for block in blocks:
            found[block] = frozenset(link["english"])
        for pid in link["source"]:
            for message in _alignment_flags(by_id[pid]):
                kind = next((kind for kind, start in FLAG_KINDS.items() if message.startswith(start)), "other")
                flagged.setdefault(kind, set()).update(blocks)
    for paragraph in document.paragraphs:  # text kept as is (code, tables) has no English
        if not paragraph.translatable:
            for block in _blocks(paragraph):
                found.setdefault(block, frozenset())
    # Layout repair may join input blocks (salutation lines) into one paragraph; its gold is then the
    # union of its blocks' gold links, and each of its blocks is right when the paragraph is.
    for paragraph in document.paragraphs:
        blocks = [b for b in _blocks(paragraph) if b in gold]
        if len(blocks) > 1:
            union = frozenset().union(*(gold[b] for b in blocks))
            gold.update({b: union for b in blocks})
    wrong = sorted(n for n in gold if found.get(n, frozenset()) != gold[n])
    flags = {kind: {"flagged": len(blocks & set(gold)), "on_wrong": len(blocks & set(wrong))}
             for kind, blocks in flagged.items()}
    return {"paragraphs": len(gold), "right": len(gold) - len(wrong), "wrong": wrong,
            "found": {n: sorted(found.get(n, ())) for n in wrong}, "gold": {n: sorted(gold[n]) for n in wrong},
            "flags": flags, "translatable": len(paragraphs), "_flagged": set().union(*flagged.values())}


def _blocks(paragraph) -> list[int]:
    return sorted({paragraph.block + 1, *(b + 1 for b in paragraph.joined_from)})


def _alignment_flags(paragraph) -> list[str]:
    flags = [f for f in paragraph.flags if f.check == "alignment" and f.severity != "info"]
    flags += [f for s in paragraph.segments for f in s.flags if f.check == "alignment" and f.severity != "info"]
    return [flag.message for flag in flags]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "official")
    parser.add_argument("--glossary", type=Path, default=ROOT / "glossary")
    parser.add_argument("--only", default=None, help="one document id")
    parser.add_argument("--show-wrong", action="store_true")
    parser.add_argument("--no-repair", action="store_true", help="align without layout repair (as zhen align --no-repair)")
    args = parser.parse_args()
    glossary = load_glossary(args.glossary)
    documents = {}
    for gold_path in sorted(args.data.glob("*.paragraphs.tsv")):
        name = gold_path.name.removesuffix(".paragraphs.tsv")
        if args.only and name != args.only:
            continue
        result = evaluate(args.data / f"{name}.zh.txt", args.data / f"{name}.en.txt", gold_links(gold_path), glossary,
                          repair_layout=not args.no_repair)
        if not args.show_wrong:
            result = {k: v for k, v in result.items() if k not in ("found", "gold")}
        result["_flagged"] = result.get("_flagged", set())
        documents[name] = result
    total = sum(r["paragraphs"] for r in documents.values())
    right = sum(r["right"] for r in documents.values())
    flags: dict[str, dict[str, int]] = {}
    for result in documents.values():
        for kind, counts in result["flags"].items():
            totals = flags.setdefault(kind, {"flagged": 0, "on_wrong": 0})
            totals["flagged"] += counts["flagged"]
            totals["on_wrong"] += counts["on_wrong"]
    wrong = total - right
    wrong_flagged = sum(len(set(r["wrong"]) & r.pop("_flagged")) for r in documents.values())
    print(json.dumps({"documents": documents, "overall": {
        "paragraphs": total, "right": right, "accuracy": round(right / total, 4) if total else None,
        "flags": flags,  # Chinese paragraphs flagged, and how many of them are aligned wrongly
        "wrong_paragraphs_flagged": wrong_flagged, "wrong_paragraphs": wrong}}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
