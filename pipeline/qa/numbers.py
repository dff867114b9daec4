"""Numbers and dates: what the Chinese states, what the English states, and whether they agree.

The source is read for quantities a translation must carry: Arabic numbers (``17家``, ``72/144小时``,
``1.5万``, ``3500亿元`` = 350 billion), dates (``2023年10月`` → a year and a month), decades
(``上世纪80年代`` → the 1980s), percentages (``5%``, ``百分之五``) and Chinese numerals where they
count or rank something (``八项``, ``第三届``, ``两周年``, ``百年``). Chinese numerals inside words
(``一带一路``, ``三方``, ``数百万``, ``两国``) are not quantities and are only allowed, not required,
in the English. Approximations (``100多``, ``近百``, ``约5万``) require a qualifier in the English
(``more than``, ``nearly``, ``about``) or an order of magnitude (``thousands of``). Amounts in 斤
or 亩 may be given converted (tons, hectares). The English side is read by :mod:`numbers_en`.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.qa.numbers_en import MONTHS, english_quantities
from pipeline.qa.quantity import Quantity

__all__ = ["NumberProblem", "Quantity", "allowed_values", "chinese_numeral_value", "english_quantities",
           "number_problems", "source_quantities"]

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
# What a Chinese numeral counts or ranks when it is a quantity (longest first).
_CLASSIFIERS = sorted("""
    周年 世纪 小时 分钟 季度 公里 千米 美元 人民币 方面 个月 项 个 家 届 名 位 条 种 座 所 批 次 年 天 周 倍 国
    省 市 人 件 点 场 期 轮 份 张 台 架 艘 辆 部 本 篇 套 类 岁 级 层 吨 元 米 秒 笔 款 支 只 户 代 大洲
    公斤 千克 斤 亩 公顷
""".split(), key=len, reverse=True)
_CLASSIFIER = "|".join(_CLASSIFIERS)
_VAGUE_BEFORE = "数几若干"
_MORE_AFTER, _MORE_BEFORE = ("多", "余", "以上"), ("逾", "超过", "超")  # 100多, 超过100
_NEARLY_AFTER, _NEARLY_BEFORE = ("左右", "上下"), ("近", "约")  # 5万左右, 近百, 约5万

_ARABIC = regex.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
_ARABIC_SCALE = regex.compile(r"(多|余)?([万亿]+|千(?![米克瓦])|百(?!分))?")
_COUNTED = regex.compile(rf"{_CLASSIFIER}|[月日号%％]")
_CHINESE_QUANTITY = regex.compile(
    rf"(?<![{_VAGUE_BEFORE}{_NUMERAL}\d.多余])(第)?([{_NUMERAL}]+)(多|余)?(?=({_CLASSIFIER}))")
_ORDINAL_ALONE = regex.compile(rf"第([{_NUMERAL}]+)")
_PERCENT_WORDS = regex.compile(rf"百分之([{_NUMERAL}]+|\d+(?:\.\d+)?)")

_MORE_EN = regex.compile(r"\b(?:more than|over|above|upwards? of|in excess of|exceed\w*|surpass\w*|topped|plus|"
                      r"at least|beyond|well past)\b|\+|-plus\b", regex.I)
_NEARLY_EN = regex.compile(r"\b(?:nearly|almost|close to|about|around|approximately|roughly|some|up to|or so|"
                        r"approaching|an estimated)\b|~", regex.I)
# 上世纪80年代 = the 1980s; 21世纪20年代 = the 2020s.
_DECADE = regex.compile(r"(上个?世纪|二十世纪|20世纪|本世纪|二十一世纪|21世纪)?(\d0|[一二三四五六七八九]十)年代")
# Units the English converts: a quantity in 斤 is stated in (metric) tons or kilograms.
_CONVERSIONS = {"斤": (1 / 2000, 1 / 2), "公斤": (1 / 1000,), "千克": (1 / 1000,), "亩": (1 / 15,)}
_CONVERSION_TOLERANCE = 0.01  # converted amounts are rounded in the English
# A numeral that is a word rather than a count: 两国 is “the two countries”, often “China-U.S.”.
_WORD_NUMERALS = frozenset({"两国", "二国"})
_DAY = regex.compile(r"[日号]$")


@dataclass(frozen=True)
class NumberProblem:
    """A number finding: its kind (``missing``, ``missing-word``, ``approximation``, ``added``) and message."""

    kind: str
    message: str


# --- Chinese -------------------------------------------------------------------------------------

def chinese_numeral_value(numeral: str) -> float | None:
    """Value of a Chinese numeral: 十七 → 17, 两万三千 → 23000, 二〇二三 → 2023 (digit by digit)."""
    if not numeral or any(char not in _NUMERAL for char in numeral):
        return None
    if len(numeral) > 1 and all(char in _DIGITS for char in numeral):
        return float("".join(str(_DIGITS[char]) for char in numeral))
    total, section, digit = 0, 0, 0
    for char in numeral:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[char]
            digit = 0
        else:
            section += digit or (0 if section or total else 1)  # 万人: ten thousand
            total = (total + section) * _LARGE_UNITS[char] if char == "亿" else total + section * _LARGE_UNITS[char]
            section, digit = 0, 0
    return float(total + section + digit)


def _approximation(text: str, start: int, end: int) -> str:
    """``more`` or ``nearly`` when words around ``text[start:end]`` make the number approximate."""
    before, after = text[max(0, start - 2):start], text[end:end + 2]
    if after.startswith(_MORE_AFTER) or before.endswith(_MORE_BEFORE):
        return "more"
    if after.startswith(_NEARLY_AFTER) or before.endswith(_NEARLY_BEFORE):
        return "nearly"
    return ""


def _arabic_value(number: str, fraction: str | None) -> float:
    return float(number.replace(",", "") + (fraction or ""))


def _decades(text: str) -> list[tuple[int, int, Quantity]]:
    """Decades (上世纪80年代 → 1980) with their spans, whose digits are not counts of years."""
    found = []
    for match in _DECADE.finditer(text):
        tens = chinese_numeral_value(match.group(2)) if not match.group(2).isdigit() else float(match.group(2))
        century = 2000 if match.group(1) in ("本世纪", "二十一世纪", "21世纪") else 1900
        found.append((match.start(), match.end(), Quantity(century + (tens or 0), "decade", match.group(0))))
    return found


def _converted(value: float, counted: str) -> tuple[float, ...]:
    return tuple(value * factor for factor in _CONVERSIONS.get(counted, ()))


def source_quantities(text: str) -> list[Quantity]:
    """The quantities a translation of ``text`` must carry, in order, without repeats."""
    decades = _decades(text)
    found: list[Quantity] = [quantity for _, _, quantity in decades]

    def in_decade(position: int) -> bool:
        return any(start <= position < end for start, end, _ in decades)

    for match in _ARABIC.finditer(text):
        if in_decade(match.start()):
            continue
        value = _arabic_value(match.group(1), match.group(2))
        after = text[match.end():match.end() + 2]
        scale = _ARABIC_SCALE.match(text, match.end())
        for unit in scale.group(2) or "":
            value *= {**_SMALL_UNITS, **_LARGE_UNITS}[unit]
        if after[:1] in "%％" or text[max(0, match.start() - 3):match.start()] == "百分之":
            kind = "percent"
        elif after[:1] == "月" and 1 <= value <= 12 and value.is_integer():
            kind = "month"
        else:
            kind = "number"
        counted = _COUNTED.match(text, scale.end())
        shown = text[match.start():scale.end()] + (counted.group(0) if counted else "")
        approximate = _approximation(text, match.start(), match.end()) or _approximation(
            text, match.start(), match.start() + len(shown))
        found.append(Quantity(value, kind, shown, approximate,
                              alternatives=_converted(value, counted.group(0) if counted else "")))
    for match in _PERCENT_WORDS.finditer(text):
        value = chinese_numeral_value(match.group(1))
        if value is not None:
            found.append(Quantity(value, "percent", match.group(0)))
    for match in _CHINESE_QUANTITY.finditer(text):
        value = chinese_numeral_value(match.group(2))
        if value is None or (value == 1 and not match.group(1)) or text[max(0, match.start() - 3):match.start()] == "百分之":
            continue
        end = match.end() + len(match.group(4))
        if in_decade(match.start()) or text[match.start():end] in _WORD_NUMERALS:
            continue
        found.append(Quantity(value, "number", text[match.start():end],
                              "more" if match.group(3) else _approximation(text, match.start(), end),
                              alternatives=_converted(value, match.group(4))))
    for match in _ORDINAL_ALONE.finditer(text):
        value = chinese_numeral_value(match.group(1))
        if value is not None:
            found.append(Quantity(value, "number", match.group(0)))
    unique: dict[tuple[float, str], Quantity] = {}
    for quantity in found:
        key = (quantity.value, quantity.kind)
        if key not in unique or (quantity.approximate and not unique[key].approximate):
            unique[key] = quantity
    return list(unique.values())


def allowed_values(text: str) -> set[float]:
    """Every value the source could stand for: its quantities (in any unit the English may use), its
    Arabic numbers and any Chinese numeral in a word."""
    values = set()
    for quantity in source_quantities(text):
        values |= {quantity.value, *quantity.alternatives}
    values |= {_arabic_value(match.group(1), match.group(2)) for match in _ARABIC.finditer(text)}
    for run in regex.findall(rf"[{_NUMERAL}]+", text):
        for start in range(len(run)):
            for end in range(start + 1, min(len(run), start + 6) + 1):
                value = chinese_numeral_value(run[start:end])
                if value is not None:
                    values.add(value)
    return values


# --- comparison ----------------------------------------------------------------------------------

def number_problems(source: str, target: str, renderings: tuple[str, ...] = ()) -> list[NumberProblem]:
    """Each number of the source missing from the English, each it adds, and lost approximations.

    ``renderings`` are the glossary renderings the English may contain for the segment's terms: a
    number inside one (the 21st Century Maritime Silk Road) is the term's, not an added number.
    """
    targets = english_quantities(target)
    # News style gives a date as the weekday (4月26日 → “on Friday”); only where no month is named.
    weekday = (any(found.kind == "weekday" for found in targets)
               and not any(found.kind == "month" for found in targets))
    problems = []
    for quantity in source_quantities(source):
        matches = [found for found in targets if _same(quantity, found)]
        if not matches:
            if weekday and (quantity.kind == "month" or _DAY.search(quantity.text)):
                continue  # news style: 4月26日 is “on Friday”
            kind = "missing" if regex.search(r"\d", quantity.text) else "missing-word"  # 17家 or 八项
            problems.append(NumberProblem(kind, _missing_message(quantity)))
        elif quantity.approximate == "more" and not (_MORE_EN.search(target) or _vague(matches)):
            problems.append(NumberProblem("approximation", (
                f"The source says more than {_show(quantity.value)} ({quantity.text}); "
                f"the translation gives {_show(quantity.value)} without “more than” or “over”.")))
        elif quantity.approximate == "nearly" and not (_NEARLY_EN.search(target) or _vague(matches)):
            problems.append(NumberProblem("approximation", (
                f"The source gives an approximate number ({quantity.text}); the translation states "
                f"{_show(quantity.value)} without “about” or “nearly”.")))
    allowed = allowed_values(source)
    for rendering in renderings:
        allowed |= {found.value for found in english_quantities(rendering)}
    for found in targets:
        if (regex.match(r"\d", found.text) and not found.name and not _allowed(found, allowed)
                and not _is_scaled(found, targets, allowed)):
            problems.append(NumberProblem("added", f"The translation has the number {found.text.strip()}, "
                                                   f"which is not in the source."))
    return list(dict.fromkeys(problems))


def _vague(matches: list[Quantity]) -> bool:
    return any(found.approximate == "vague" for found in matches)


def _allowed(found: Quantity, allowed: set[float]) -> bool:
    values = {found.value, found.value % 100} if found.kind == "decade" else {found.value}  # 80年代: the 1980s
    return any(_close(value, other, 1e-6) for value in values for other in allowed)


def _is_scaled(found: Quantity, targets: list[Quantity], allowed: set[float]) -> bool:
    """``1.5`` of ``1.5 million`` is accounted for when 1,500,000 is in the source."""
    return any(other.value != found.value and other.text.startswith(found.text) and _allowed(other, allowed)
               for other in targets)


def _close(expected: float, value: float, tolerance: float = 1e-9) -> bool:
    return abs(expected - value) <= tolerance * max(1.0, abs(expected))


def _same(source: Quantity, target: Quantity) -> bool:
    if target.kind == "weekday":
        return False
    if not _close(source.value, target.value) and not any(
            _close(other, target.value, _CONVERSION_TOLERANCE) for other in source.alternatives):
        return False
    if source.kind == "percent":
        return target.kind == "percent"
    return True


def _show(value: float) -> str:
    if not value.is_integer():
        return f"{value:g}"
    return f"{int(value):,}" if value >= 10_000 else str(int(value))


def _missing_message(quantity: Quantity) -> str:
    if quantity.kind == "month":
        month = MONTHS[int(quantity.value) - 1].capitalize()
        return f"The month {quantity.text} ({month}) is missing from the translation."
    if quantity.kind == "decade":
        return f"The decade {quantity.text} (the {int(quantity.value)}s) is missing from the translation."
    if quantity.kind == "percent":
        return f"The percentage {_show(quantity.value)}% ({quantity.text}) is missing from the translation."
    return f"The number {_show(quantity.value)} ({quantity.text}) is missing from the translation."
