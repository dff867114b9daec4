"""Numbers the way English writes them (pipeline/qa/numbers.py, numbers_en.py): pairs a human
translator writes that must pass, and real mismatches the check must still catch."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import Document, Paragraph, Segment, TermHit
from pipeline.qa import run_checks
from pipeline.qa.calibration import NUMBER_SEVERITY
from pipeline.qa.checks import CheckContext, check_numbers
from pipeline.qa.numbers import english_quantities, number_problems, source_quantities

PASS = [
    # number words and approximations
    ("两千多年前，先辈开辟了丝绸之路。", "Over two millennia ago, our ancestors opened the Silk Road."),
    ("古丝绸之路绵亘万里，延续千年。", "Spanning thousands of miles and years, the ancient silk routes endured."),
    ("数十个国家参与其中。", "Dozens of countries took part."),
    ("150多个国家参与合作。", "More than 150 countries take part."),
    ("十年来成果丰硕。", "Over the past decade, the results have been fruitful."),
    ("20年来，亚洲国家推动区域经济一体化。", "Over these two decades, Asian countries advanced integration."),
    ("13亿多中国人民", "over 1.3 billion Chinese people"),
    ("18位国家元首出席。", "Eighteen heads of state attended."),
    ("5年前，她不幸殉职，留下年仅4岁的幼子。", "Five years ago she died, leaving a four-year-old son."),
    ("国内生产总值超过126万亿元。", "GDP surpassed 126 trillion yuan."),
    ("约有3万人参加。", "Around 30,000 people attended."),
    ("近百个国家", "nearly a hundred countries"),
    # decades and centuries
    ("上世纪80年代以来，联合国提出设想。", "In the 1980s, the United Nations began to envisage it."),
    ("20世纪80年代", "since the 1980s"),
    ("上世纪八十年代", "in the '80s"),
    ("21世纪是亚洲的世纪。", "The 21st century is Asia's century."),
    ("21世纪是亚洲的世纪。", "The twenty-first century is Asia's century."),
    # ordinals
    ("第三届“一带一路”国际合作高峰论坛", "the third Belt and Road Forum for International Cooperation"),
    ("第三届“一带一路”国际合作高峰论坛", "the 3rd Belt and Road Forum for International Cooperation"),
    ("第二届高峰论坛", "the Second Forum"),
    # ranges
    ("3至5年内完成。", "It will be finished within three to five years."),
    ("3至5年内完成。", "It will be finished within 3-5 years."),
    # percentages
    ("增长24.8%。", "an increase of 24.8 percent."),
    ("增长24.8%。", "an increase of 24.8%."),
    ("增长百分之五十。", "It grew by 50 per cent."),
    # 万 and 亿 scaling, and units the English converts
    ("投资3500亿元。", "An investment of 350 billion yuan."),
    ("2.4万亿元", "2.4 trillion yuan"),
    ("57121万吨", "571.21 million tons"),
    ("1亿美元", "US$100 million"),
    ("10.37万亿元", "10.37 trillion yuan"),
    ("粮食产量稳定在1.3万亿斤以上。", "Grain output remained at over 650 million metric tons."),
    ("粮食产量1.39万亿斤。", "Grain output reached 695 million metric tons."),
    # English date formats
    ("2023年10月18日，北京", "October 18, 2023, Beijing"),
    ("2023年10月18日，北京", "Beijing, 18 October 2023"),
    ("2023年10月18日，北京", "Beijing, Oct. 18, 2023"),
    ("2023年10月18日，北京", "Beijing, 2023-10-18"),
    ("2023年10月18日，北京", "Beijing, the 18th of October, 2023"),
    ("4月26日，论坛开幕。", "The forum opened on Friday."),
    # numbers that are words or names
    ("两国关系取得历史性进展。", "China-U.S. relations have made historic progress."),
    ("新冠肺炎疫情", "the COVID-19 pandemic"),
    ("新冠肺炎疫情", "Covid19"),
]


@pytest.mark.parametrize(("zh", "en"), PASS)
def test_a_faithful_number_passes(zh: str, en: str) -> None:
    assert number_problems(zh, en) == [], [problem.message for problem in number_problems(zh, en)]


CAUGHT = [
    ("投资3500亿元。", "An investment of 35 billion yuan.", "missing"),
    ("2.4万亿元", "2.4 billion yuan", "missing"),
    ("57121万吨", "57.121 million tons", "missing"),
    ("粮食产量1.3万亿斤。", "Grain output reached 600 million metric tons.", "missing"),
    ("第三届论坛", "the second forum", "missing-word"),
    ("第三届论坛", "the 2nd forum", "missing-word"),
    ("上世纪80年代以来", "since the 1990s", "missing"),
    ("21世纪是亚洲的世纪。", "The 20th century was Asia's century.", "missing"),
    ("两千多年前", "two millennia ago", "approximation"),
    ("两千多年前", "over two centuries ago", "missing-word"),
    ("150多个国家参与合作。", "150 countries take part.", "approximation"),
    ("20年来，亚洲国家推动一体化。", "Over these three decades, Asian countries advanced integration.", "missing"),
    ("增长24.8%。", "an increase of 28.4%.", "missing"),
    ("增长24.8%。", "an increase of 24.8 times.", "missing"),
    ("2023年10月18日", "October 19, 2023", "missing"),
    ("2023年10月18日", "September 18, 2023", "missing"),
    ("4月26日，论坛开幕。", "The forum opened on Friday, May 26.", "missing"),
    ("3至5年内完成。", "within three to six years", "missing"),
    ("就已有17家鲁班工坊。", "There are already 17 Luban Workshops in 2019.", "added"),
    ("留下年仅4岁的幼子。", "She left a five-year-old son.", "missing"),
]


@pytest.mark.parametrize(("zh", "en", "kind"), CAUGHT)
def test_a_real_mismatch_is_caught(zh: str, en: str, kind: str) -> None:
    problems = number_problems(zh, en)
    assert kind in [problem.kind for problem in problems], [problem.message for problem in problems]


@pytest.mark.parametrize(("text", "expected"), [
    ("Over two millennia ago", [2, 1000, 2000]),
    ("tens of thousands of people", [10, 10_000]),
    ("in the 1980s", [1980]),
    ("over 1.3 billion", [1.3, 1_300_000_000]),
    ("the twenty-first century", [21, 100]),
    ("a hundred years", [100]),
    ("one hundred and fifty-two", [152]),
])
def test_english_quantities_read_words_scales_and_decades(text: str, expected: list[float]) -> None:
    assert [quantity.value for quantity in english_quantities(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("上世纪80年代", [(1980, "decade")]),
    ("21世纪20年代", [(2020, "decade")]),
    ("3500亿元", [(350_000_000_000, "number")]),
    ("57121万吨", [(571_210_000, "number")]),
    ("两国关系", []),
])
def test_source_quantities(text: str, expected: list[tuple[float, str]]) -> None:
    assert [(quantity.value, quantity.kind) for quantity in source_quantities(text)] == expected


def test_a_number_inside_a_term_rendering_is_the_terms() -> None:
    source, target = "携手推进“一带一路”建设", "Build the Silk Road Economic Belt and the 21st Century Maritime Silk Road"
    assert [problem.kind for problem in number_problems(source, target)] == ["added"]
    segment = Segment(id="s", source=source, target=target, terms=[TermHit(
        zh="一带一路", en="Belt and Road", start=5, end=9,
        accepted=("Silk Road Economic Belt and the 21st Century Maritime Silk Road",))])
    assert list(check_numbers(segment, CheckContext())) == []


def test_number_findings_carry_their_calibrated_severity() -> None:
    segment = Segment(id="s", source="投资3500亿元。", target="An investment of 35 billion yuan.")
    findings = list(check_numbers(segment, CheckContext()))
    assert findings and all(finding.severity == "error" for finding in findings)


def test_the_calibration_table_sets_the_flag_severity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(NUMBER_SEVERITY, "added", "warning")
    document = Document(path=Path("n.zh.txt"), text="", paragraphs=[Paragraph(
        id="p1", kind="body", source="就已有17家鲁班工坊。",
        segments=[Segment(id="p1.s1", source="就已有17家鲁班工坊。", target="17 Luban Workshops opened in 2019.")])])
    run_checks(document, enabled={"numbers"})
    assert [(flag.check, flag.severity) for flag in document.segments[0].flags] == [("numbers", "warning")]
