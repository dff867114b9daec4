"""The terms stages (pipeline/terms.py): hits per segment, renderings per request, the English verified."""

from __future__ import annotations

import pytest

from pipeline.document import Paragraph, Segment, TermHit
from pipeline.glossary.model import Glossary, GlossaryEntry
from pipeline.qa.calibration import PERSON_TERM_MISSING
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


# --- renderings modulo inflection, capitalisation, articles, hyphenation; accepted alternatives ----

@pytest.mark.parametrize(("rendering", "target"), [
    ("Belt and Road Initiative", "The Belt and Road Initiative grows."),
    ("Belt and Road Initiative", "the belt and road initiative"),  # capitalisation
    ("Belt and Road Forum for International Cooperation", "the 2nd “Belt and Road” Forum for International Cooperation"),
    ("signature project", "signature projects"),  # plural
    ("community with a shared future for mankind", "building communities with a shared future for mankind"),
    ("Silk Road", "the Silk Road’s legacy"),  # possessive
    ("Silk Road", "the Silk Roads"),
    ("community with a shared future", "a community with shared future"),  # article left out
    ("Silk Road Economic Belt and 21st Century Maritime Silk Road",
     "the Silk Road Economic Belt and the 21st Century Maritime Silk Road"),  # article added
    ("high-quality Belt and Road cooperation", "high quality Belt and Road cooperation"),  # hyphenation
    ("people-to-people bonds", "people to people bonds"),
    ("financial integration", "Financial-integration"),
])
def test_a_rendering_counts_modulo_its_forms(rendering: str, target: str) -> None:
    segment = Segment(id="s", source="术语。", target=target, terms=[hit("术语", rendering)])
    verify_terms(segment, repair=False)
    assert [h.status for h in segment.terms] == ["applied"] and segment.flags == []


@pytest.mark.parametrize(("rendering", "target"), [
    ("Belt and Road", "The Belt Road grows."),  # a word missing
    ("community with a shared future for mankind", "a community of common destiny"),
    ("BRI", "the BRICS countries"),  # inside a longer word
    ("Silk Road", "the silken road"),
    ("mutual benefit", "mutually beneficial"),
])
def test_a_different_wording_is_not_the_rendering(rendering: str, target: str) -> None:
    segment = Segment(id="s", source="术语。", target=target, terms=[hit("术语", rendering)])
    verify_terms(segment, repair=False)
    assert [h.status for h in segment.terms] == ["missing"]
    assert [flag.check for flag in segment.flags] == ["term-missing"]


ACCEPTED = ("community with a shared future for humanity", "global community of shared future")


@pytest.mark.parametrize(("target", "repair", "statuses", "severities"), [
    ("a community with a shared future for humanity", False, ["accepted"], []),
    ("A Global Community of Shared Future", False, ["accepted"], []),
    ("a community with a shared future for mankind", False, ["applied"], []),
    ("a shared future", False, ["missing"], [PERSON_TERM_MISSING]),
    # machine output must carry the rendering itself
    ("a community with a shared future for humanity", True, ["missing"], ["error"]),
])
def test_accepted_alternatives_count_in_a_persons_translation_only(
        target: str, repair: bool, statuses: list[str], severities: list[str]) -> None:
    segment = Segment(id="s", source="人类命运共同体", target=target)
    segment.terms = [TermHit(zh="人类命运共同体", en="community with a shared future for mankind", start=0, end=7,
                             accepted=ACCEPTED)]
    verify_terms(segment, repair=repair)
    assert [h.status for h in segment.terms] == statuses
    assert [flag.severity for flag in segment.flags] == severities


def test_an_accepted_alternative_counts_as_applied_in_summaries() -> None:
    segment = Segment(id="s", source="人类命运共同体", target="a community with a shared future for humanity")
    segment.terms = [TermHit(zh="人类命运共同体", en="community with a shared future for mankind", start=0, end=7,
                             accepted=ACCEPTED)]
    verify_terms(segment, repair=False)
    assert segment.terms[0].to_json()["status"] == "accepted"
    assert term_counts([segment]) == {"applied": 1, "repaired": 0, "missing": 0}


def test_hits_carry_the_entrys_accepted_alternatives() -> None:
    glossary = Glossary([GlossaryEntry(zh="一带一路国际合作高峰论坛", en="Belt and Road Forum for International Cooperation",
                                       accepted=("BRF",))])
    segment = Segment(id="s", source="第二届一带一路国际合作高峰论坛取得成果。", target="The 2nd BRF achieved results.")
    assign_hits(segment, 0, glossary.match(segment.source))
    verify_terms(segment, repair=False)
    assert [(h.accepted, h.status) for h in segment.terms] == [(("BRF",), "accepted")]
