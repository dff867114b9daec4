"""Benchmark: read and check glossary files of 1,000, 20,000 and 100,000 entries.

Run ``python benchmarks/bench_glossary_load.py`` (options: ``--sizes``, ``--repeat``,
``--pure`` to time the pure-Python parser used when libyaml is missing); it prints one JSON
object. Each file is synthetic but shaped like the real thing: a term of 2–12 characters, its
rendering and source, a variant on one entry in ten, a proposed entry with a note in seven. The
100,000-entry file is about 6 MB. The time covers everything ``load_glossary`` does: reading the
bytes, parsing, building the values with their positions, and every check.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.glossary import check as glossary_check  # noqa: E402
from pipeline.glossary.load import load_glossary  # noqa: E402

ALPHABET = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也"
            "能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实"
            "加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与"
            "关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最")


def glossary_yaml(entries: int, seed: int = 1) -> str:
    """A valid glossary file of ``entries`` distinct terms (no term is another's variant)."""
    rng = random.Random(seed)
    terms: dict[str, None] = {}
    while len(terms) < entries * 11 // 10:
        length = rng.choice((2, 2, 3, 3, 4, 4, 4, 5, 6, 8, 12))
        terms["".join(rng.choice(ALPHABET) for _ in range(length))] = None
    pool = iter(terms)
    lines = [f"name: synthetic\nversion: '{entries}'\ndomain: benchmark\nentries:\n"]
    for index in range(entries):
        lines.append(f"  - zh: {next(pool)}\n    en: term {index}\n")
        if index % 10 == 0:
            lines.append(f"    variants: [{next(pool)}]\n")
        if index % 7 == 0:
            lines.append("    status: proposed\n    note: to be confirmed\n")
        else:
            lines.append(f"    source: list {index % 97}\n")
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pure", action="store_true", help="time the pure-Python parser")
    args = parser.parse_args()
    if args.pure:
        glossary_check._libyaml_loader = lambda: None  # type: ignore[assignment]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"g{size}.yaml"
            path.write_text(glossary_yaml(size), encoding="utf-8")
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                glossary = load_glossary(path)
                timings.append(time.perf_counter() - started)
            assert len(glossary.entries) == size and not glossary.warnings
            results.append({"entries": size, "bytes": path.stat().st_size,
                            "load_check_s_best": round(min(timings), 3),
                            "load_check_s_median": round(sorted(timings)[len(timings) // 2], 3)})
    print(json.dumps({
        "benchmark": "glossary_load",
        "parser": "ruamel (pure Python)" if glossary_check._libyaml_loader() is None else "libyaml",
        "results": results,
        "repeat": args.repeat,
        "python": sys.version.split()[0],
    }, indent=2))


if __name__ == "__main__":
    main()
