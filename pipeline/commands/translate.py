"""``zhen translate``: Chinese documents in, bilingual workbook, Markdown and JSON out."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipeline.commands.options import add_document_options
from pipeline.engines.base import DEFAULT_MODEL, default_threads


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "translate", help="translate Chinese documents into English",
        description="Translate Chinese .txt, .md, .pdf (with a text layer) and .docx documents. For each "
                    "input NAME it writes NAME.xlsx (the reviewer workbook), NAME.md (bilingual), NAME.en.md "
                    "(English) and NAME.json; for a .docx also NAME.en.docx (the Word document in English).",
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="FILE", help="Chinese .txt, .md, .pdf or .docx files")
    parser.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs/)")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help=f"Hugging Face model id or local folder (default: {DEFAULT_MODEL})")
    parser.add_argument("--engine", default="auto", choices=["auto", "transformers", "ctranslate2"],
                        help="translation engine (default: auto — CTranslate2, or transformers where CTranslate2 "
                             "is missing or cannot convert the model)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default: auto)")
    parser.add_argument("--compute-type", default=None,
                        help="CTranslate2 compute type (default: int8 on CPU, float16 on CUDA)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: physical cores)")
    parser.add_argument("--batch-size", type=int, default=16, help="segments per batch (default: 16)")
    parser.add_argument("--max-batch-tokens", type=int, default=None,
                        help="cap on padded source tokens per batch (default: no cap)")
    parser.add_argument("--beams", type=int, default=4, help="beam size (default: 4)")
    parser.add_argument("--max-segment-tokens", type=int, default=200,
                        help="split sentences longer than this many model tokens at clause boundaries (default: 200)")
    parser.add_argument("--constraints", default="hard", choices=["hard", "soft", "off"],
                        help="how strictly glossary renderings are enforced (default: hard)")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the translation memory")
    add_document_options(parser, encoding_help="input encoding, e.g. gb18030 (default: UTF-8, BOM-aware)",
                         qa_example="--qa-off spacing,low-confidence (checks: empty, numbers, untranslated, glossary, "
                                    "repetition, length, punctuation, spacing, consistency, low-confidence)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.glossary.load import chosen_glossary
    from pipeline.jobs import TranslateJob
    from pipeline.engines.base import DecodingOptions, EngineSettings
    from pipeline.run import RunSettings

    for option in ("batch_size", "beams", "max_segment_tokens"):
        if getattr(args, option) < 1:
            from pipeline.errors import InputError

            raise InputError(f"--{option.replace('_', '-')} must be at least 1.")
    glossary, glossary_named = chosen_glossary(args.glossary, args.no_glossary)
    decoding = DecodingOptions(beams=args.beams, batch_size=args.batch_size,
                               max_batch_tokens=args.max_batch_tokens, constraints=args.constraints)
    from pipeline.qa import checks_left_on

    settings = RunSettings(
        engine=args.engine,
        engine_settings=EngineSettings(model=args.model, device=args.device,
                                       threads=args.threads or default_threads(),
                                       compute_type=args.compute_type, decoding=decoding),
        max_segment_tokens=args.max_segment_tokens,
        encoding=args.encoding,
        repair_layout=not args.no_repair,
        use_cache=not args.no_cache,
        qa_checks=checks_left_on(args.qa_off),
        command="zhen " + " ".join(sys.argv[1:]) if sys.argv and sys.argv[0].endswith("zhen") else "",
    )
    show_progress = not args.quiet and sys.stderr.isatty()
    job = TranslateJob(settings, glossary, args.out, force=args.force, show_progress=show_progress,
                       xliff=args.xliff, notify=None if args.quiet else say)
    started = time.perf_counter()
    for path in args.inputs:
        result = job.translate_file(path)
        for backup in result.backups:
            kind = "XLIFF file" if backup.suffix == ".xlf" else "workbook"
            print(f"{path}: kept a copy of the reviewed {kind} as {backup}", file=sys.stderr)
        if not args.quiet:
            metadata = result.document.metadata
            counts = metadata["counts"]
            terms = counts["terms"]
            print(f"{path}: {counts['paragraphs']} paragraphs, {counts['segments']} segments, "
                  f"terms {terms['applied']} applied / {terms['repaired']} repaired / {terms['missing']} missing, "
                  f"{sum(counts['flags'].values())} QA flags, {engine_summary(metadata)}, "
                  f"{time.perf_counter() - started:.1f} s → " + ", ".join(str(output) for output in result.outputs)
                  + f"; {glossary_named}")
    return 0


def engine_summary(metadata: dict) -> str:
    """``ctranslate2 int8, 2 workers``: which engine ran, at what precision, how many batches at once."""
    workers = metadata.get("workers") or 1
    precision = f" {metadata['compute_type']}" if metadata.get("compute_type") else ""
    return f"{metadata.get('engine', '?')}{precision}, {workers} worker{'s' if workers != 1 else ''}"


def say(line: str) -> None:
    """One line to the user on stderr, beside the progress bar and away from piped output."""
    print(f"zhen translate: {line}", file=sys.stderr, flush=True)
