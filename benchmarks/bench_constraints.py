"""Compare the glossary constraint mechanisms on the sample article: outcomes and cost.

Runs the whole pipeline (layout, matching, segmentation, translation, verification) with the
transformers engine on a random-weight model of opus-mt-zh-en's size, once per mode — ``off``,
``soft`` (transformers' ``sequence_bias`` + ``bad_words_ids``) and ``hard`` (the project's logits
processor) — interleaved over ``--repeats`` rounds, and prints JSON: median seconds of the
translate stage and of the whole run, term outcomes, avoided renderings found, and each mode's
time relative to ``off``, in total and per generated target token (a random model's output
length differs between modes).

    python benchmarks/bench_constraints.py [--article PATH] [--repeats 1] [--model-dir DIR]

A random model never writes a term by itself, so the outcome counts measure the mechanism alone.
Its English SentencePiece model has 2,000 pieces, and the engine computes the output layer for
those only, so a decoding step is cheaper than with opus-mt-zh-en's 32,000 English pieces and the
constraints' own cost weighs more here than it would there.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the test-model builder lives in tests/support

from pipeline.engines.base import DecodingOptions, EngineSettings, load_engine  # noqa: E402
from pipeline.glossary.load import load_glossary  # noqa: E402
from pipeline.glossary.match import count_rendering  # noqa: E402
from support.scratch_model import OPUS_MT_ZH_EN_DIMENSIONS, build_scratch_marian  # noqa: E402
from pipeline.ingest.text import read_document  # noqa: E402
from pipeline.run import TRANSLATE_STAGES, RunContext, RunSettings, run_stages  # noqa: E402
from pipeline.terms import term_counts  # noqa: E402


def opus_sized_model(directory: Path, article: Path, glossary_renderings: list[str]) -> Path:
    if (directory / "config.json").exists():
        return directory
    chinese = [line for line in article.read_text(encoding="utf-8").splitlines() if line.strip()]
    english = glossary_renderings + ["The Belt and Road Initiative promotes connectivity and cooperation."]
    return build_scratch_marian(directory, chinese, english * 3, OPUS_MT_ZH_EN_DIMENSIONS,
                                source_vocab_size=4000, target_vocab_size=2000)


def run_once(mode: str, engine, glossary, article: Path) -> dict:
    engine.decoding = DecodingOptions(beams=4, batch_size=16, constraints=mode)
    settings = RunSettings(engine="transformers", engine_settings=EngineSettings(decoding=engine.decoding),
                           use_cache=False)
    document = read_document(article)
    context = RunContext(settings, glossary, engine)
    started = time.perf_counter()
    run_stages(document, context, TRANSLATE_STAGES)
    total = time.perf_counter() - started
    english = " ".join(paragraph.target for paragraph in document.paragraphs)
    avoided = sum(count_rendering(english, phrase) for entry in glossary.entries for phrase in entry.avoid)
    target_tokens = sum(len(engine.encode_target(segment.target)) for segment in document.segments)
    return {"translate_seconds": document.timings["translate"], "run_seconds": total, "target_tokens": target_tokens,
            "terms": term_counts(document.segments), "avoided_renderings_found": avoided,
            "segments": len(document.segments)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--article", type=Path, default=REPO / "tests" / "data" / "seed_article.zh.txt")
    parser.add_argument("--glossary", type=Path, default=REPO / "glossary")
    parser.add_argument("--model-dir", type=Path, default=Path("/tmp/zhen-bench-opus-sized"))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    glossary = load_glossary(args.glossary)
    renderings = [entry.en for entry in glossary.entries] + [a for entry in glossary.entries for a in entry.avoid]
    model = opus_sized_model(args.model_dir, args.article, renderings)
    engine = load_engine("transformers", EngineSettings(model=str(model), device="cpu", threads=args.threads))
    modes = ("off", "soft", "hard")
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for _ in range(args.repeats):
        for mode in modes:
            runs[mode].append(run_once(mode, engine, glossary, args.article))
    report = {"model": "random weights, opus-mt-zh-en dimensions", "threads": args.threads, "beams": 4,
              "repeats": args.repeats, "modes": {}}
    for mode in modes:
        report["modes"][mode] = {
            "translate_seconds": round(statistics.median(r["translate_seconds"] for r in runs[mode]), 2),
            "run_seconds": round(statistics.median(r["run_seconds"] for r in runs[mode]), 2),
            "target_tokens": runs[mode][-1]["target_tokens"],
            "terms": runs[mode][-1]["terms"],
            "avoided_renderings_found": runs[mode][-1]["avoided_renderings_found"],
            "segments": runs[mode][-1]["segments"],
        }
    # A random model's output length differs between modes, so the cost is also given per target token.
    off = report["modes"]["off"]
    for mode in modes:
        entry = report["modes"][mode]
        entry["time_vs_off"] = round(entry["run_seconds"] / off["run_seconds"], 3)
        entry["time_per_token_vs_off"] = round((entry["run_seconds"] / max(entry["target_tokens"], 1))
                                               / (off["run_seconds"] / max(off["target_tokens"], 1)), 3)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
