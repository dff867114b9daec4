"""Benchmark: precision of the QA checks on official human translations.

Run ``python benchmarks/bench_qa.py`` (options: ``--set DIR``, ``--glossary PATH``, ``--list``); it
prints one JSON object. Every hand-aligned segment pair of ``tests/data/official`` (official Chinese
and its official English) is checked as ``zhen align`` checks a person's translation: terms matched
and verified without repair, then every QA check. An error-level flag on an official translation is
presumed false unless ``support.qa_official.CONFIRMED (tests/support)`` lists it as a real problem found on
inspection. ``checks`` gives per check the error and warning counts and the error precision;
``calibration`` the precision each calibrated kind of finding would have as an error and the
severity that gives (``measured``) beside the one configured; ``altered_numbers`` the recall of the
number check when one number of each English is changed; ``--list`` adds every flag raised.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the evaluation of the official set lives in tests/support

from pipeline.glossary.load import load_glossary  # noqa: E402
from support.qa_official import altered_numbers, calibration, check_set, summarise  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "tests" / "data" / "official")
    parser.add_argument("--glossary", type=Path, default=ROOT / "glossary")
    parser.add_argument("--list", action="store_true", help="list every flag raised")
    options = parser.parse_args(argv)
    started = time.perf_counter()
    results = check_set(options.set, load_glossary(options.glossary))
    report = summarise(results)
    report["calibration"] = calibration(results)
    report["altered_numbers"] = altered_numbers(results)
    report["seconds"] = round(time.perf_counter() - started, 3)
    if options.list:
        report["flags"] = [
            {"document": r.document, "row": r.row, "check": flag.check, "severity": flag.severity,
             "confirmed": r.confirmed(flag), "source": r.source, "target": r.target, "message": flag.message}
            for r in results for flag in r.flags]
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
