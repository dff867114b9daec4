"""The terms stages (pipeline/terms.py): hits per segment, renderings per request, the English verified."""

from __future__ import annotations

import pytest

from pipeline.document import Paragraph, Segment, TermHit
from pipeline.glossary.model import Glossary, GlossaryEntry
from pipeline.terms import assign_hits, match_paragraph, part_requests, term_counts, verify_terms

GLOSSARY = Glossary([
    GlossaryEntry(zh="一带一路", en="Belt and Road", avoid=("One Belt One Road",)),
    GlossaryEntry(zh="小而美", en="small yet smart", avoid=("small and beautiful",)),
    GlossaryEntry(zh="软联通", en="institutional connectivity", status="proposed"),
])


def hit(zh: str, en: str, start: int = 0, avoid: tuple[str, ...] = ()) -> TermHit:
    return TermHit(zh=zh, en=en, start=start, end=start + len(zh), surface=zh, avoid=avoid)


def test_only_approved_terms_of_translatable_paragraphs_are_matched() -> None:
    body = Paragraph(id="p1", kind="body", source="一带一路的小而美项目和软联通。")
    code = Paragraph(id="p2", kind="code", source="一带一路")
    assert [m.surface for m in match_paragraph(GLOSSARY, body)] == ["一带一路", "小而美"]
    assert match_paragraph(GLOSSARY, code) == []


def test_each_segment_owns_the_hits_inside_it_with_offsets_of_its_own() -> None:
    paragraph = Paragraph(id="p1", kind="body", source="推进一带一路。小而美项目。")
    matches = match_paragraph(GLOSSARY, paragraph)
    first, second = Segment(id="p1.s1", source="推进一带一路。"), Segment(id="p1.s2", source="小而美项目。")
    assign_hits(first, 0, matches)
    assign_hits(second, len(first.source), matches)
    assert [(h.zh, h.start, h.end) for h in first.terms] == [("一带一路", 2, 6)]
    assert [(h.zh, h.start, h.end) for h in second.terms] == [("小而美", 0, 3)]


def test_requests_carry_the_renderings_of_their_own_part_counted() -> None:
    segment = Segment(id="s", source="一带一路，一带一路；小而美。", parts=["一带一路，一带一路；", "小而美。"])
    segment.terms = [hit("一带一路", "Belt and Road", 0), hit("一带一路", "Belt and Road", 5),
                     hit("小而美", "small yet smart", 10, ("small and beautiful",))]
    first, second = part_requests(segment)
    assert [(r.rendering, r.count) for r in first.required] == [("Belt and Road", 2)]
    assert first.avoid == ()
    assert [(r.rendering, r.count) for r in second.required] == [("small yet smart", 1)]
    assert second.avoid == ("small and beautiful",)


@pytest.mark.parametrize(("target", "repair", "statuses", "checks", "final"), [
    ("The Belt and Road grows.", True, ["applied"], [], "The Belt and Road grows."),
    ("The One Belt One Road grows.", True, ["repaired"], [], "The Belt and Road grows."),
    ("The One Belt One Road grows.", False, ["missing"], ["term-missing", "term-avoided"],
     "The One Belt One Road grows."),
    ("Nothing of it here.", True, ["missing"], ["term-missing"], "Nothing of it here."),
])
def test_verify_terms_outcomes(target: str, repair: bool, statuses: list[str], checks: list[str], final: str) -> None:
    segment = Segment(id="s", source="一带一路发展。", target=target)
    segment.terms = [hit("一带一路", "Belt and Road", avoid=("One Belt One Road",))]
    verify_terms(segment, repair=repair)
    assert [h.status for h in segment.terms] == statuses
    assert [flag.check for flag in segment.flags] == checks
    assert segment.target == final


def test_two_occurrences_need_the_rendering_twice() -> None:
    segment = Segment(id="s", source="一带一路和一带一路", target="Belt and Road cooperation.")
    segment.terms = [hit("一带一路", "Belt and Road", 0), hit("一带一路", "Belt and Road", 5)]
    verify_terms(segment)
    assert [h.status for h in segment.terms] == ["applied", "missing"]
    assert term_counts([segment]) == {"applied": 1, "repaired": 0, "missing": 1}
