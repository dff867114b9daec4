"""How fast zhen translates the sample article, against the script everybody writes first.

    python benchmarks/bench_translate.py --table          # the whole article, 2 interleaved repetitions
    python benchmarks/bench_translate.py --repeats 1 --segments 24

On 2 CPU threads a repetition takes about 4 minutes (the naive script 2¾ of them), so the default
run takes some 8 minutes and ``--repeats 3`` some 12, plus building the model on the first run.

The model has random weights and opus-mt-zh-en's exact dimensions (vocabulary 65,001; d_model 512;
6 encoder and 6 decoder layers; 8 heads; FFN 2,048; tied embeddings), built with
``tests/support/scratch_model.py`` and SentencePiece models trained on the article and some English.
Its output is not a translation, but every matrix product is the real model's. Like opus-mt-zh-en
(SentencePiece 32k + 32k), half of the vocabulary is English: the English SentencePiece model is
trained to 32,000 pieces on the English lines plus synthetic words, and the rest of the 65,001
entries are Chinese pieces and fillers the model never writes. (Both engines restrict their output
layer to the English half; with a small English vocabulary that would flatter them.)

Same work for every system. A random model ends sentences at random, so the benchmark model's output
bias on ``</s>``, ``<unk>`` and ``<pad>`` is -10⁴: no system can end a segment before its length
limit, which is the same as setting ``min_new_tokens = max_new_tokens`` (transformers) or
``min_decoding_length = max_decoding_length`` (CTranslate2) with the end of sentence suppressed. The
limit is ``⌊1.3 × source pieces⌋ + 2`` new pieces per segment, about what opus-mt-zh-en writes for
this article (some 0.9 English pieces per Chinese character): zhen's own length limit
(``DecodingOptions.length_ratio``/``length_slack``, 2 × + 10 by default, a ceiling real sentences
rarely reach) is set to it for the benchmark, and the naive script gets the same limit
(``max_new_tokens = limit + 1``, the last step being the end of sentence that transformers forces).
So every system writes exactly the same number of target tokens per segment (the naive script counts
its own and the benchmark checks the sum). With the glossary on, the CTranslate2 engine decodes the
same tokens and then decodes each segment with a missing rendering again (greedily), once per
rendering, from the words before the term + the rendering (the tail gets as many tokens as the
words it replaces had after them, plus the slack); the random model never writes a rendering of its
own accord, so every segment with a term is decoded again as often as it has terms: the worst case
for (e) and (f).

Systems, each a separate process timed from start to exit (model loading included), peak RSS from
``wait4``, repetitions interleaved (a b c d e, a b c d e, ...), 2 threads and beam 4 throughout:

(a) the naive script: ``MarianMTModel.generate`` on one sentence at a time (the same segments zhen
    translates); (b) ``zhen translate --engine transformers``; (c) ``zhen translate --engine
    ctranslate2`` (int8); (d) (c) again with the translation memory warm; (e) (c) with the shipped
    glossary; (f) the plain install as a new user runs it: no ``--engine`` (so the default engine),
    from the project folder, so the project glossary ``glossary/`` is on. (b), (c) and (d) run with
    ``--no-glossary``; (b), (c), (e) and (f) with ``--no-cache``. The CTranslate2 conversion happens once, in a priming run before the timed
    ones (``conversion_seconds``), which also fills the memory for (d).

zhen's own overhead (start-up, segmentation, term matching, memory look-up, export) is what (d)
does without decoding, so ``overhead_share`` is (d) / (c). The glossary's cost is (e) / (c)
(``glossary_cost``) and (f) / (c) (``default_glossary_cost``). ``goals`` says which targets were
met, among them: (f) at least 20 times as fast as (a), and the glossary costing at most 1.25 times
(c).

Prints one JSON object; ``--table`` adds the Markdown table the README shows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "tests" / "data" / "seed_article.zh.txt"
GLOSSARY = REPO / "glossary"
LENGTH_RATIO, LENGTH_SLACK = 1.3, 2  # target pieces per segment: ⌊1.3 × source pieces⌋ + 2 (module doc)

# ``zhen`` with the benchmark's length limit as the default of its decoding options.
ZHEN = f"""
import dataclasses, sys
from pipeline.engines import base

@dataclasses.dataclass(frozen=True)
class BenchmarkDecoding(base.DecodingOptions):
    length_ratio: float = {LENGTH_RATIO}
    length_slack: int = {LENGTH_SLACK}

base.DecodingOptions = BenchmarkDecoding
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""
ENGLISH_PIECES = 32_000  # opus-mt-zh-en's target.spm
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the test-model builder lives in tests/support

ENGLISH = [
    "The Belt and Road Initiative promotes connectivity and cooperation among partner countries.",
    "Over the past year, the eight major steps have advanced steadily and achieved fruitful results.",
    "Green infrastructure, green energy and green transport have become priorities of cooperation.",
    "The Digital Silk Road is opening new space, with e-commerce, smart cities and new technologies.",
    "Small yet smart projects improve people's lives, and training centres teach vocational skills.",
    "Ports, railways and economic corridors link Asia, Europe and Africa in a network of trade routes.",
]

NAIVE_SCRIPT = """
import json, sys, torch
from transformers import MarianMTModel, MarianTokenizer
model_dir, segments_file, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
ratio, slack = float(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
tokenizer = MarianTokenizer.from_pretrained(model_dir)
model = MarianMTModel.from_pretrained(model_dir).eval()
written = 0
english = []
for sentence in json.load(open(segments_file, encoding="utf-8")):
    inputs = tokenizer(sentence, return_tensors="pt")
    budget = int(ratio * inputs["input_ids"].shape[1]) + slack
    with torch.inference_mode():
        output = model.generate(**inputs, num_beams=4, max_new_tokens=budget + 1)
    written += int((output[0] != model.config.pad_token_id).sum()) - 1  # less the forced </s>
    english.append(tokenizer.decode(output[0], skip_special_tokens=True))
print(json.dumps({"target_tokens": written, "segments": len(english)}))
"""


def synthetic_english(words: int = 60_000) -> list[str]:
    """Lines of made-up words with English letter frequencies, enough for 32,000 pieces."""
    import random

    generator = random.Random(0)
    letters, weights = "etaoinshrdlcumwfgypbvkjxqz", [12, 9, 8, 7, 7, 6, 6, 6, 4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 2,
                                                      1, 1, 1, .2, .2, .1, .1]
    made_up = ["".join(generator.choices(letters, weights, k=generator.randint(3, 11))) for _ in range(words)]
    return [" ".join(made_up[start:start + 12]) for start in range(0, words, 12)]


def build_model(directory: Path) -> Path:
    """The random-weight model of opus-mt-zh-en's size, built once per folder."""
    if (directory / "model.safetensors").is_file():
        return directory
    import torch
    from transformers import MarianMTModel

    from support.scratch_model import OPUS_MT_ZH_EN_DIMENSIONS, build_scratch_marian

    english = list(ENGLISH)
    if GLOSSARY.is_dir():
        from pipeline.glossary.load import load_glossary

        entries = load_glossary(GLOSSARY).entries
        english += [entry.en for entry in entries] + [phrase for entry in entries for phrase in entry.avoid]
    chinese = [line for line in ARTICLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    partial = directory.with_name(directory.name + ".part")
    build_scratch_marian(partial, chinese, english * 3 + synthetic_english(), OPUS_MT_ZH_EN_DIMENSIONS,
                         source_vocab_size=1200, target_vocab_size=ENGLISH_PIECES)
    model = MarianMTModel.from_pretrained(partial)
    with torch.no_grad():  # no early end of sentence, no unknown or padding pieces (module doc)
        for piece in ("</s>", "<unk>", "<pad>"):
            model.final_logits_bias[0, json.loads((partial / "vocab.json").read_text(encoding="utf-8"))[piece]] = -1e4
    model.save_pretrained(partial)
    partial.rename(directory)
    return directory


def article_subset(segments: int | None, target: Path) -> Path:
    """The article, or its first ``segments`` sentences with the paragraph breaks kept."""
    text = ARTICLE.read_text(encoding="utf-8")
    if segments is None:
        target.write_text(text, encoding="utf-8")
        return target
    from pipeline.segment import split_sentences

    kept: list[str] = []
    left = segments
    for paragraph in text.split("\n\n"):
        sentences = split_sentences(paragraph.strip()) if paragraph.strip() else []
        if not sentences or left <= 0:
            continue
        kept.append("".join(sentences[:left]))
        left -= len(sentences[:left])
    target.write_text("\n\n".join(kept) + "\n", encoding="utf-8")
    return target


def planned_work(model: Path, article: Path) -> tuple[list[str], int]:
    """The segment parts zhen sends to the engine and the target tokens it will write for them."""
    from pipeline.engines.base import DecodingOptions, EngineSettings
    from pipeline.engines.ctranslate2_engine import CTranslate2Engine
    from pipeline.glossary.model import Glossary
    from pipeline.ingest.text import read_document
    from pipeline.run import RunContext, RunSettings, stage_layout, stage_match_terms, stage_segment
    from pipeline.terms import part_requests

    decoding = DecodingOptions(length_ratio=LENGTH_RATIO, length_slack=LENGTH_SLACK)
    engine = CTranslate2Engine(EngineSettings(model=str(model), device="cpu", decoding=decoding))
    context = RunContext(RunSettings(), Glossary.empty(), engine)
    document = read_document(article)
    for stage in (stage_layout, stage_match_terms, stage_segment):
        stage(document, context)
    requests = [request for segment in document.segments for request in part_requests(segment)
                if request.source.strip()]
    # The engine's own length budget per request, as it will decode them.
    rows = [engine._row(request, engine.pieces.source_pieces(request.source)) for request in requests]
    return [request.source for request in requests], sum(row.budget for row in rows)


def prepare(model: Path, article: Path, segments: int | None, segments_file: Path) -> int:
    build_model(model)
    article_subset(segments, article)
    parts, tokens = planned_work(model, article)
    segments_file.write_text(json.dumps(parts, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({"parts": parts, "target_tokens": tokens}))
    return 0


def timed(command: list[str], environment: dict[str, str], folder: Path) -> dict:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, cwd=folder)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stdout = process.stdout.read().decode() if process.stdout else ""
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr[-3000:]}")
    return {"seconds": seconds, "peak_rss_mib": usage.ru_maxrss / 1024, "stdout": stdout}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2, help="interleaved repetitions (default: 2)")
    parser.add_argument("--segments", type=int, default=None, help="only the first N sentences of the article")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for every system (default: 2)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "zhen-bench",
                        help="folder for the model, the cache and the outputs (default: <tmp>/zhen-bench)")
    parser.add_argument("--systems", default="abcdef", help="which systems to run (default: abcdef)")
    parser.add_argument("--table", action="store_true", help="also print the README's Markdown table")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)  # the child's part
    args = parser.parse_args(argv)

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    model, article = work / "opus-mt-zh-en-size", work / "article.zh.txt"
    segments_file = work / "segments.json"
    if args.prepare:
        return prepare(model, article, args.segments, segments_file)
    log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    log("building the benchmark model (once per --work folder) and planning the work...")
    # In a child process, so that this one stays small: a child's peak RSS counts its parent's
    # memory at the time it was started.
    prepare_command = [sys.executable, __file__, "--prepare", "--work", str(work)]
    if args.segments:
        prepare_command += ["--segments", str(args.segments)]
    plan = json.loads(subprocess.run(prepare_command, check=True, capture_output=True, text=True).stdout)
    parts, tokens = plan["parts"], plan["target_tokens"]
    (work / "naive.py").write_text(NAIVE_SCRIPT, encoding="utf-8")

    environment = {**os.environ, "ZHEN_CACHE_DIR": str(work / "cache"), "HF_HUB_OFFLINE": "1",
                   "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(REPO)}
    # (a) to (d) run without a glossary (zhen would otherwise take the one it ships with).
    zhen = [sys.executable, "-c", ZHEN, "translate", str(article), "--model", str(model), "--quiet",
            "--threads", str(args.threads), "--beams", "4"]
    commands = {
        "a": [sys.executable, str(work / "naive.py"), str(model), str(segments_file), str(args.threads),
              str(LENGTH_RATIO), str(LENGTH_SLACK)],
        "b": zhen + ["--no-glossary", "--engine", "transformers", "--no-cache", "--out", str(work / "out-b")],
        "c": zhen + ["--no-glossary", "--engine", "ctranslate2", "--no-cache", "--out", str(work / "out-c")],
        "d": zhen + ["--no-glossary", "--engine", "ctranslate2", "--out", str(work / "out-d")],
        "e": zhen + ["--glossary", str(GLOSSARY), "--engine", "ctranslate2", "--no-cache",
                          "--out", str(work / "out-e")],
        "f": zhen + ["--no-cache", "--out", str(work / "out-f")],
    }
    folders = {system: REPO if system == "f" else work for system in commands}  # (f) finds glossary/ there
    names = {"a": "naive script", "b": "zhen, transformers", "c": "zhen, ctranslate2 int8",
             "d": "zhen, warm rerun (memory)", "e": "zhen, ctranslate2 + glossary",
             "f": "zhen, plain install, no --engine, project glossary"}
    systems = [system for system in args.systems if system in commands]

    log("priming: converting the model for CTranslate2 and filling the translation memory...")
    subprocess.run([sys.executable, "-m", "pipeline", "cache", "clear", "--yes"], env=environment, check=True,
                   capture_output=True)
    conversion = timed(commands["d"], environment, work)

    runs: dict[str, list[dict]] = {system: [] for system in systems}
    for repetition in range(args.repeats):
        for system in systems:
            result = timed(commands[system], environment, folders[system])
            runs[system].append(result)
            log(f"  run {repetition + 1}/{args.repeats} ({system}) {names[system]}: {result['seconds']:.1f} s, "
                f"{result['peak_rss_mib']:.0f} MiB")
    if "a" in runs:
        written = json.loads(runs["a"][0]["stdout"])["target_tokens"]
        assert written == tokens, f"the naive script wrote {written} target tokens, zhen's budget is {tokens}"

    report: dict = {
        "benchmark": "bench_translate", "segments": len(parts), "threads": args.threads, "beams": 4,
        "repeats": args.repeats, "target_tokens": tokens,
        "target_tokens_per_segment": f"floor({LENGTH_RATIO} x source pieces) + {LENGTH_SLACK}",
        "conversion_seconds": round(conversion["seconds"], 2), "python": sys.version.split()[0],
        "machine": f"{os.cpu_count()} logical CPUs", "systems": {},
    }
    baseline = statistics.median(run["seconds"] for run in runs["a"]) if "a" in runs else None
    for system in systems:
        seconds = statistics.median(run["seconds"] for run in runs[system])
        report["systems"][system] = {
            "name": names[system], "seconds": round(seconds, 2),
            "runs": [round(run["seconds"], 2) for run in runs[system]],
            "segments_per_s": round(len(parts) / seconds, 2),
            "target_tokens_per_s": round(tokens / seconds, 1),
            "peak_rss_mib": round(max(run["peak_rss_mib"] for run in runs[system]), 1),
            "speedup_vs_a": round(baseline / seconds, 2) if baseline else None,
        }
    found = report["systems"]
    if {"c", "d"} <= set(found):
        report["overhead_share"] = round(found["d"]["seconds"] / found["c"]["seconds"], 3)
    if {"c", "e"} <= set(found):
        report["glossary_cost"] = round(found["e"]["seconds"] / found["c"]["seconds"], 2)
    if {"c", "f"} <= set(found):
        report["default_glossary_cost"] = round(found["f"]["seconds"] / found["c"]["seconds"], 2)
    if {"b", "c"} <= set(found):
        report["rss_c_over_b"] = round(found["c"]["peak_rss_mib"] / found["b"]["peak_rss_mib"], 2)
    report["goals"] = goals(report)
    print(json.dumps(report, indent=2))
    if args.table:
        print(markdown_table(report))
    return 0


def goals(report: dict) -> dict[str, bool]:
    """The targets of the speed work, each met or not (only those this run measured)."""
    found = report["systems"]
    speedup = {key: system["speedup_vs_a"] for key, system in found.items()}
    checks = {
        "f_at_least_20x_a": ("f" in speedup and speedup["f"], lambda: speedup["f"] >= 20),
        "c_at_least_12x_a": ("c" in speedup and speedup["c"], lambda: speedup["c"] >= 12),
        "b_at_least_3x_a": ("b" in speedup and speedup["b"], lambda: speedup["b"] >= 3),
        "d_at_least_50x_a": ("d" in speedup and speedup["d"], lambda: speedup["d"] >= 50),
        "e_at_most_1_25x_c": ("glossary_cost" in report, lambda: report["glossary_cost"] <= 1.25),
        "f_at_most_1_25x_c": ("default_glossary_cost" in report, lambda: report["default_glossary_cost"] <= 1.25),
        "overhead_under_10_percent": ("overhead_share" in report, lambda: report["overhead_share"] < 0.10),
        "rss_c_at_most_half_b": ("rss_c_over_b" in report, lambda: report["rss_c_over_b"] <= 0.5),
    }
    return {name: check() for name, (measured, check) in checks.items() if measured}


def markdown_table(report: dict) -> str:
    lines = ["| system | seconds | segments/s | target tokens/s | peak RSS (MiB) | speed-up vs (a) |",
             "|---|---:|---:|---:|---:|---:|"]
    for key, system in report["systems"].items():
        speedup = f"{system['speedup_vs_a']:.1f}×" if system["speedup_vs_a"] else "-"
        lines.append(f"| ({key}) {system['name']} | {system['seconds']:.1f} | {system['segments_per_s']:.2f} | "
                     f"{system['target_tokens_per_s']:.0f} | {system['peak_rss_mib']:.0f} | {speedup} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
