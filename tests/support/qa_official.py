"""Measuring the QA checks on human translations: how often each check raises a flag, and how often
that flag is right.

An evaluation set holds hand-aligned segment pairs (``<id>.segments.tsv``, header ``zh<TAB>en``)
of official Chinese texts and their official English, as in ``tests/data/official``. Each pair is
checked as ``zhen align`` checks a person's translation: glossary terms matched on the Chinese,
verified without repair, then every QA check. Since the English is the official translation, an
error-level flag is presumed false unless it is listed in ``CONFIRMED`` (a real problem a reader
found on inspection); the precision of a check is the share of its error flags so confirmed.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import regex

from pipeline.document import Document, Flag, Paragraph, Segment, Severity
from pipeline.glossary.model import Glossary
from pipeline.qa import CHECKS, run_checks
from pipeline.qa.calibration import NUMBER_SEVERITY, PERSON_TERM_MISSING
from pipeline.qa.numbers import number_problems
from pipeline.terms import assign_hits, verify_terms

# Error flags on the official set judged real on inspection: (document id, row, check) → why.
CONFIRMED: dict[tuple[str, int, str], str] = {}

# A check whose error-level precision on human translations falls below this reports warnings.
ERROR_PRECISION = 0.95


@dataclass
class SegmentResult:
    """One checked pair: where it came from and the flags the checks raised."""

    document: str
    row: int  # 1-based data row of the segments file
    source: str
    target: str
    flags: list[Flag] = field(default_factory=list)
    number_kinds: list[str] = field(default_factory=list)  # kinds of number findings, whatever their severity

    def errors(self) -> list[Flag]:
        return [flag for flag in self.flags if flag.severity == "error"]

    def confirmed(self, flag: Flag) -> bool:
        return (self.document, self.row, flag.check) in CONFIRMED


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """The ``(zh, en)`` rows of a segments file, whitespace runs folded to one space."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(" ".join(row[0].split()), " ".join(row[1].split()) if len(row) > 1 else "") for row in rows[1:] if row]


def check_pairs(name: str, pairs: Iterable[tuple[str, str]], glossary: Glossary) -> list[SegmentResult]:
    """Check each pair as a one-segment paragraph of one document (so consistency sees them all)."""
    document = Document(path=Path(f"{name}.zh.txt"), text="")
    for row, (zh, en) in enumerate(pairs, start=1):
        segment = Segment(id=f"{name}:{row}", source=zh, parts=[zh], target=en)
        assign_hits(segment, 0, glossary.match(zh))
        verify_terms(segment, repair=False)
        document.paragraphs.append(Paragraph(id=f"p{row}", kind="body", source=zh, segments=[segment], target=en))
    run_checks(document, glossary)
    results = []
    for row, segment in enumerate(document.segments, start=1):
        renderings = tuple(form for hit in segment.terms for form in (hit.en, *hit.accepted))
        kinds = [problem.kind for problem in number_problems(segment.source, segment.target, renderings)]
        results.append(SegmentResult(name, row, segment.source, segment.target, list(segment.flags), kinds))
    return results


def check_set(folder: Path, glossary: Glossary) -> list[SegmentResult]:
    """Every segment pair of every ``*.segments.tsv`` in ``folder``, in file name order."""
    results: list[SegmentResult] = []
    for path in sorted(Path(folder).glob("*.segments.tsv")):
        name = path.name[: -len(".segments.tsv")]
        results.extend(check_pairs(name, (pair for pair in read_pairs(path) if pair[1]), glossary))
    return results


def summarise(results: list[SegmentResult]) -> dict[str, object]:
    """Per check: error and warning flag counts, confirmed errors and error precision; overall rates."""
    names = [check.name for check in CHECKS] + ["term-missing", "term-avoided"]
    errors: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    confirmed: Counter[str] = Counter()
    false_segments = 0
    for result in results:
        false_here = False
        for flag in result.flags:
            if flag.severity == "error":
                errors[flag.check] += 1
                if result.confirmed(flag):
                    confirmed[flag.check] += 1
                else:
                    false_here = True
            elif flag.severity == "warning":
                warnings[flag.check] += 1
        false_segments += false_here
    checks = {}
    for name in dict.fromkeys([*names, *errors, *warnings]):
        precision = confirmed[name] / errors[name] if errors[name] else None
        checks[name] = {"errors": errors[name], "confirmed_errors": confirmed[name],
                        "warnings": warnings[name],
                        "error_precision": None if precision is None else round(precision, 3)}
    return {
        "segments": len(results),
        "segments_with_false_error": false_segments,
        "false_error_rate": round(false_segments / len(results), 4) if results else 0.0,
        "checks": checks,
    }


def severity_for(findings: int, confirmed: int) -> Severity:
    """Error when at least 95% of the findings are real (or there are none to judge), else warning."""
    return "error" if findings == 0 or confirmed / findings >= ERROR_PRECISION else "warning"


def calibration(results: list[SegmentResult]) -> dict[str, dict[str, object]]:
    """For each kind of finding whose severity is calibrated: how many there are at any severity,
    how many are confirmed real, the precision they would have as errors, and the severity that
    gives (``measured``) beside the one in :mod:`pipeline.qa.calibration` (``configured``)."""
    table: dict[str, tuple[int, int, Severity]] = {}
    for kind, configured in NUMBER_SEVERITY.items():
        hits = [result for result in results for found in result.number_kinds if found == kind]
        table[f"numbers:{kind}"] = (len(hits), sum((r.document, r.row, "numbers") in CONFIRMED for r in hits),
                                    configured)
    missing = [(result, flag) for result in results for flag in result.flags if flag.check == "term-missing"]
    table["term-missing:person"] = (len(missing), sum(result.confirmed(flag) for result, flag in missing),
                                    PERSON_TERM_MISSING)
    return {name: {"findings": findings, "confirmed": confirmed,
                   "precision_as_error": round(confirmed / findings, 3) if findings else None,
                   "measured": severity_for(findings, confirmed), "configured": configured}
            for name, (findings, confirmed, configured) in table.items()}


_DIGITS = regex.compile(r"(?<![\d.,\p{L}-])\d+(?![\d\p{L}])")


def altered_numbers(results: list[SegmentResult]) -> dict[str, object]:
    """Recall of the number check: in each English that has a number in digits, the first such
    number is changed (2023 → 2024, 17 → 18) and the pair checked again; how many are caught."""
    tried = caught = 0
    missed: list[str] = []
    for result in results:
        match = _DIGITS.search(result.target)
        if match is None:
            continue
        altered = result.target[:match.start()] + str(int(match.group(0)) + 1) + result.target[match.end():]
        tried += 1
        if number_problems(result.source, altered):
            caught += 1
        else:
            missed.append(f"{result.document}:{result.row} {match.group(0)}")
    return {"pairs": tried, "caught": caught, "recall": round(caught / tried, 3) if tried else None,
            "missed": missed}
