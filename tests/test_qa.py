"""QA checks: each with translations that must pass (no false alarms) and ones that must be caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import Document, Flag, Paragraph, Segment, TermHit
from pipeline.errors import InputError
from pipeline.glossary.model import Glossary, GlossaryEntry
from pipeline.qa import CHECKS, check_names, enabled_checks, run_checks
from pipeline.qa.numbers import chinese_numeral_value, english_quantities, source_quantities


def document_of(*pairs: tuple[str, str], score: float | None = None) -> Document:
    segments = [Segment(id=f"p1.s{n}", source=zh, parts=[zh], target=en, score=score)
                for n, (zh, en) in enumerate(pairs, start=1)]
    paragraph = Paragraph(id="p1", kind="body", source="".join(zh for zh, _ in pairs), segments=segments)
    return Document(path=Path("qa.zh.txt"), text=paragraph.source, paragraphs=[paragraph])


def flags(zh: str, en: str, check: str, glossary: Glossary | None = None, score: float | None = None) -> list[Flag]:
    document = document_of((zh, en), score=score)
    run_checks(document, glossary, enabled={check})
    return document.segments[0].flags


def assert_passes(zh: str, en: str, check: str, **options: object) -> None:
    found = flags(zh, en, check, **options)  # type: ignore[arg-type]
    assert found == [], f"false alarm on {en!r}: {[flag.message for flag in found]}"


def assert_caught(zh: str, en: str, check: str, **options: object) -> list[Flag]:
    found = flags(zh, en, check, **options)  # type: ignore[arg-type]
    assert found, f"{check} missed {en!r}"
    assert all(flag.check == check for flag in found)
    return found


# --- registry ------------------------------------------------------------------------------------

def test_every_check_has_a_name_severity_and_description() -> None:
    assert len(set(check_names())) == len(CHECKS)
    for check in CHECKS:
        assert check.severity in {"error", "warning", "info"} and check.description
        assert (check.segment is None) != (check.document is None)


def test_checks_can_be_switched_off() -> None:
    assert "numbers" not in enabled_checks(["numbers"])
    with pytest.raises(InputError, match="unknown QA check.*nubmers"):
        enabled_checks(["nubmers"])
    document = document_of(("有17家。", "There are 18."))
    run_checks(document, enabled=enabled_checks(["numbers"]))
    assert not any(flag.check == "numbers" for flag in document.segments[0].flags)


def test_running_twice_adds_nothing() -> None:
    document = document_of(("有17家。", "There are 18."))
    run_checks(document)
    first = list(document.segments[0].flags)
    run_checks(document)
    assert document.segments[0].flags == first and first


def test_a_correct_translation_raises_no_flag_at_all() -> None:
    document = document_of(
        ("2023年10月,在第三届“一带一路”国际合作高峰论坛开幕式主旨演讲中,中国国家主席宣布中国支持高质量共建“一带一路”的八项行动。",
         "In October 2023, in his keynote speech at the opening ceremony of the third Belt and Road Forum for "
         "International Cooperation, the Chinese President announced eight major steps China will take to support "
         "high-quality Belt and Road cooperation."),
        ("仅在非洲大地,就已有17家鲁班工坊在15个国家落地扎根。", "In Africa alone, 17 Luban Workshops have taken root in 15 countries."),
    )
    run_checks(document)
    assert [flag for segment in document.segments for flag in segment.flags] == []


# --- numbers -------------------------------------------------------------------------------------

NUMBERS_PASS = [
    ("2023年10月,在第三届论坛上宣布八项行动。", "In October 2023, at the third forum, he announced eight major steps."),
    ("2023年10月,在第三届论坛上宣布八项行动。", "At the 3rd forum in Oct. 2023 he announced 8 steps."),
    ("就已有17家鲁班工坊在15个国家落地扎根。", "17 Luban Workshops have taken root in 15 countries."),
    ("菌草项目已在100多个国家落地生根。", "The Juncao project has taken root in more than 100 countries."),
    ("菌草项目已在100多个国家落地生根。", "Juncao has spread to over 100 countries."),
    ("实施72/144小时过境免签政策。", "It applies a 72/144-hour visa-free transit policy."),
    ("助力实现联合国2030年可持续发展目标。", "It helps achieve the UN 2030 Sustainable Development Goals."),
    ("当今世界百年未有之大变局加速演进。", "The world's changes unseen in a century are accelerating."),
    ("奠定共建“一带一路”新十年良好开局。", "It laid a good foundation for the new decade of the Belt and Road."),
    ("为第二个十年建设奠定良好开局。", "It gives the second decade a good start."),
    ("安全平稳运营满两周年(2024年3月12日摄)。", "It has run safely for two years (photo taken on March 12, 2024)."),
    ("安全平稳运营满两周年。", "It marks the second anniversary of safe operation."),
    ("挖掘三方、多方市场合作潜力。", "Tap the potential of third-party and multi-party market cooperation."),
    ("润泽数百万人民群众生活。", "It improves the lives of millions of people."),
    ("一年来,八项行动稳步推进。", "Over the past year, the eight major steps have advanced steadily."),
    ("增长了5.2%。", "It grew by 5.2%."),
    ("增长了5.2%。", "It grew by 5.2 percent."),
    ("增长了百分之五。", "It grew by five per cent."),
    ("投资1.5万亿元。", "An investment of 1.5 trillion yuan."),
    ("投资150万元。", "An investment of 1,500,000 yuan."),
    ("约5万人参加。", "About 50,000 people took part."),
    ("二〇二三年是关键一年。", "2023 was a crucial year."),
    ("这是第二十一届会议。", "This is the twenty-first session."),
    ("二十国集团峰会召开。", "The G20 summit opened."),
    ("完善对项目 and 人员的安全保障。", "Improve security for projects and personnel."),
    ("推进“十四五”规划。", "Advance the 14th Five-Year Plan."),
]


@pytest.mark.parametrize("zh, en", NUMBERS_PASS)
def test_numbers_pass(zh: str, en: str) -> None:
    assert_passes(zh, en, "numbers")


NUMBERS_CAUGHT = [
    ("2023年10月,宣布八项行动。", "In November 2023, eight steps were announced.", "October"),
    ("2023年10月,宣布八项行动。", "In October 2022, eight steps were announced.", "2023"),
    ("就已有17家鲁班工坊。", "There are already seven Luban Workshops.", "17"),
    ("菌草项目已在100多个国家落地生根。", "Juncao has taken root in 100 countries.", "more than 100"),
    ("在第三届论坛上。", "At the second forum.", "第三届"),
    ("宣布八项行动。", "He announced the major steps.", "八项"),
    ("实施72/144小时过境免签政策。", "It applies a 72-hour visa-free transit policy.", "144"),
    ("增长了5.2%。", "It grew by 5.2 points.", "5.2%"),
    ("他们在会上发言。", "They spoke at the 2019 meeting.", "2019"),
    ("约5万人参加。", "50,000 people took part.", "approximate"),
    ("当今世界百年未有之大变局。", "Changes unseen in a decade.", "百年"),
]


@pytest.mark.parametrize("zh, en, hint", NUMBERS_CAUGHT)
def test_numbers_caught(zh: str, en: str, hint: str) -> None:
    found = assert_caught(zh, en, "numbers")
    assert any(hint in flag.message for flag in found), [flag.message for flag in found]
    assert found[0].severity == "error"


@pytest.mark.parametrize("numeral, value", [
    ("三", 3), ("十", 10), ("十七", 17), ("二十一", 21), ("一百零五", 105), ("两万三千", 23000),
    ("三亿五千万", 350_000_000), ("二〇二三", 2023), ("万", 10_000), ("百", 100),
])
def test_chinese_numeral_value(numeral: str, value: int) -> None:
    assert chinese_numeral_value(numeral) == value


def test_words_inside_terms_are_not_quantities() -> None:
    assert source_quantities("共建“一带一路”,一批批项目,六廊六路多国多港,数百万人,一体化") == []


def test_english_quantities() -> None:
    values = [(q.value, q.kind) for q in english_quantities(
        "In March 2024, twenty-five of the two hundred and fifty sites, a decade on, grew 5 percent; we may march.")]
    assert values == [(3, "month"), (2024, "number"), (25, "number"), (250, "number"), (10, "number"), (5, "percent")]


# --- the other segment checks --------------------------------------------------------------------

@pytest.mark.parametrize("zh, en, check", [
    ("合作稳步推进。", "Cooperation advances steadily.", "empty"),
    ("董江辉 摄", "Photo: Dong Jianghui", "untranslated"),
    ("“一带一路”倡议", "The “Belt and Road” Initiative", "untranslated"),
    ("他说“不不不”。", "He said, “No, no, no.”", "repetition"),
    ("共建国家实现硬联通、软联通、心联通。",
     "Partner countries achieve physical connectivity, institutional connectivity and people-to-people connectivity.",
     "repetition"),
    ("他说他已经完成了工作。", "He said that that work was done.", "repetition"),
    ("走出一条互利共赢的康庄大道。", "embark on a path of win-win cooperation.", "repetition"),  # a hyphenated compound
    ("一步一步推进。", "It advances step-by-step.", "repetition"),
    ("八项行动稳步推进,成果斐然。", "The eight major steps have advanced steadily with remarkable results.", "length"),
    ("共商共建共享", "extensive consultation, joint contribution and shared benefits", "length"),
    ("董江辉 摄", "Photo by Dong Jianghui", "length"),
    ("他说:“我们来了。”", "He said: “We are here.”", "punctuation"),
    ("他说:“我们来了。", "He said: “We are here.", "punctuation"),  # the quotation continues in the next segment
    ("会议(北京)召开。", "The meeting (Beijing) opened.", "punctuation"),
    ("会议召开。", 'The "meeting" opened.', "punctuation"),
    ("会议召开。", "The meeting opened. It was good.", "spacing"),
    ("增长3.5%。", "It grew 3.5%.", "spacing"),
])
def test_correct_translations_pass(zh: str, en: str, check: str) -> None:
    assert_passes(zh, en, check)


@pytest.mark.parametrize("zh, en, check, hint", [
    ("合作稳步推进。", "", "empty", "empty"),
    ("合作稳步推进。", "   ", "empty", "empty"),
    ("鲁班工坊在非洲落地。", "Luban工坊 took root in Africa.", "untranslated", "工坊"),
    ("合作稳步推进。", "Cooperation cooperation advances.", "repetition", "doubled"),
    ("合作稳步推进。", "The the cooperation advances.", "repetition", "doubled"),
    ("合作稳步推进。", "Win win cooperation advances.", "repetition", "doubled"),
    ("合作稳步推进。", "Cooperation of the of the of the project advances.", "repetition", "looped"),
    ("合作稳步推进。", "We build build build bridges.", "repetition", "looped"),
    ("八项行动稳步推进,成果斐然,共建国家广受欢迎。", "Yes.", "length", "short"),
    ("八项行动稳步推进,成果斐然,共建国家。",
     "The eight major steps have advanced steadily with remarkable results, " * 4, "length", "long"),
    ("会议召开。", "The meeting，opened。", "punctuation", "，"),
    ("会议召开。", "The meeting（today）opened.", "punctuation", "（"),
    ("他说:“我们来了。”", "He said: “We are here.", "punctuation", "quotation"),
    ("他说:“我们来了。”", 'He said: "We are here.', "punctuation", "quotation"),
    ("会议(北京)召开。", "The meeting (Beijing opened.", "punctuation", "bracket"),
    ("会议召开。", "The meeting  opened.", "spacing", "doubled"),
    ("会议召开,效果很好。", "The meeting opened , and went well.", "spacing", "space before"),
])
def test_mistakes_are_caught(zh: str, en: str, check: str, hint: str) -> None:
    found = assert_caught(zh, en, check)
    assert any(hint in flag.message for flag in found), [flag.message for flag in found]


def test_low_confidence_uses_the_engine_score_and_a_threshold() -> None:
    assert_passes("合作稳步推进。", "Cooperation advances steadily.", "low-confidence", score=-0.4)
    assert_passes("合作稳步推进。", "Cooperation advances steadily.", "low-confidence", score=None)
    found = assert_caught("合作稳步推进。", "Cooperation advances steadily.", "low-confidence", score=-2.3)
    assert "-2.30" in found[0].message and found[0].severity == "warning"
    document = document_of(("合作稳步推进。", "Cooperation advances."), score=-0.8)
    run_checks(document, enabled={"low-confidence"}, low_confidence=-0.5)
    assert [flag.check for flag in document.segments[0].flags] == ["low-confidence"]


# --- glossary --------------------------------------------------------------------------------------

GLOSSARY = Glossary([GlossaryEntry(zh="一带一路", en="Belt and Road", avoid=("One Belt One Road",)),
                     GlossaryEntry(zh="鲁班工坊", en="Luban Workshop", status="proposed")])


def test_glossary_passes_a_correct_rendering() -> None:
    assert_passes("共建“一带一路”。", "Jointly build the Belt and Road.", "glossary", glossary=GLOSSARY)
    assert_passes("鲁班工坊落地。", "The workshop opened.", "glossary", glossary=GLOSSARY)  # proposed: not enforced


def test_glossary_catches_missing_and_avoided_renderings() -> None:
    found = assert_caught("共建“一带一路”。", "Jointly build One Belt One Road.", "glossary", glossary=GLOSSARY)
    assert [flag.severity for flag in found] == ["error", "error"]
    assert "must be rendered as “Belt and Road”" in found[0].message and "rules out" in found[1].message


def test_glossary_does_not_repeat_what_term_verification_found() -> None:
    document = document_of(("共建“一带一路”。", "Jointly build One Belt One Road."))
    segment = document.segments[0]
    segment.terms = [TermHit(zh="一带一路", en="Belt and Road", start=3, end=7, status="missing")]
    segment.flags = [Flag("term-missing", "error", "…")]
    run_checks(document, GLOSSARY, enabled={"glossary"})
    assert [flag.check for flag in segment.flags] == ["term-missing"]


# --- document checks -------------------------------------------------------------------------------

def test_consistency() -> None:
    same = document_of(("八项行动稳步推进。", "The eight major steps advance steadily."),
                       ("八项行动稳步推进。", "The eight major steps advance steadily"))
    run_checks(same, enabled={"consistency"})
    assert [flag for segment in same.segments for flag in segment.flags] == []
    different = document_of(("八项行动稳步推进。", "The eight major steps advance steadily."),
                            ("合作。", "Cooperation."),
                            ("八项行动稳步推进。", "The eight actions move forward."))
    run_checks(different, enabled={"consistency"})
    assert [len(segment.flags) for segment in different.segments] == [1, 0, 1]
    assert "p1.s3" in different.segments[0].flags[0].message


def test_short_repeated_sources_are_not_consistency_checked() -> None:
    document = document_of(("好。", "Good."), ("好。", "Fine."))
    run_checks(document, enabled={"consistency"})
    assert [flag for segment in document.segments for flag in segment.flags] == []


# --- end to end ------------------------------------------------------------------------------------

def test_translate_writes_qa_flags_and_scores(tiny_model: Path, sample_file: Path, tmp_path: Path) -> None:
    import json

    from pipeline.cli import main

    out = tmp_path / "out"
    assert main(["translate", str(sample_file), "--out", str(out), "--model", str(tiny_model),
                 "--engine", "transformers", "--quiet", "--no-cache", "--qa-off", "spacing,low-confidence"]) == 0
    data = json.loads((out / "sample.json").read_text(encoding="utf-8"))
    segments = [segment for paragraph in data["paragraphs"] for segment in paragraph["segments"]]
    assert all(isinstance(segment["score"], float) for segment in segments)
    checks = {flag["check"] for segment in segments for flag in segment["flags"]}
    assert checks and not checks & {"spacing", "low-confidence"}  # a random-weight model gets flagged
    assert checks <= set(check_names()) | {"term-missing", "term-avoided"}


def test_translate_rejects_an_unknown_check(sample_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    assert main(["translate", str(sample_file), "--out", str(tmp_path), "--qa-off", "nubmers"]) == 2
    assert "unknown QA check(s): nubmers" in capsys.readouterr().err
