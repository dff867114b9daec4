"""Numbers and dates: what the Chinese states, what the English states, and whether they agree.

The source is read for quantities a translation must carry: Arabic numbers (``17家``, ``72/144小时``,
``1.5万``), dates (``2023年10月`` → a year and a month), percentages (``5%``, ``百分之五``) and
Chinese numerals where they count or rank something (``八项``, ``第三届``, ``两周年``, ``百年``).
Chinese numerals inside words (``一带一路``, ``三方``, ``数百万``) are not quantities and are only
allowed, not required, in the English. Approximations (``100多``, ``近百``, ``约5万``) require a
qualifier in the English (``more than``, ``nearly``, ``about``).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
# What a Chinese numeral counts or ranks when it is a quantity (longest first).
_CLASSIFIERS = sorted("""
    周年 世纪 小时 分钟 季度 公里 千米 美元 人民币 方面 个月 项 个 家 届 名 位 条 种 座 所 批 次 年 天 周 倍 国
    省 市 人 件 点 场 期 轮 份 张 台 架 艘 辆 部 本 篇 套 类 岁 级 层 吨 元 米 秒 笔 款 支 只 户 代 大洲
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

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_MONTH_ABBREVIATIONS = {name[:3]: number for number, name in enumerate(MONTHS, start=1)} | {"sept": 9}
_UNITS_EN = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS_EN = {word: 10 * value for value, word in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if word != "_"}
_ORDINALS_EN = {word: value for value, word in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split())} | {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000}
_MULTIPLIERS_EN = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# Words that state a number without spelling it.
_IMPLIED_EN = {"decade": 10, "decades": 10, "century": 100, "centuries": 100, "centennial": 100, "centenary": 100,
               "millennium": 1000, "both": 2, "twice": 2, "double": 2, "doubled": 2, "pair": 2, "dual": 2,
               "triple": 3, "tripled": 3, "thrice": 3, "tripartite": 3, "dozen": 12, "dozens": 12,
               "once": 1, "single": 1, "inaugural": 1, "biennial": 2, "bilateral": 2}
_MORE_EN = regex.compile(r"\b(?:more than|over|above|upwards? of|in excess of|exceed\w*|plus|at least|beyond)\b|\+|-plus\b", regex.I)
_NEARLY_EN = regex.compile(r"\b(?:nearly|almost|close to|about|around|approximately|roughly|some|up to|or so|approaching)\b|~", regex.I)
_PERCENT_AFTER = regex.compile(r"\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b)", regex.I)
_EN_TOKEN = regex.compile(
    r"(?<![\d.,])(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?P<ordinal>st|nd|rd|th)?(?!\d)"
    r"(?P<percent>\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b))?"
    r"|(?P<word>[A-Za-z]+)")


@dataclass(frozen=True)
class Quantity:
    """A number the text states: its value, what it is (number, percent, month) and how it was written."""

    value: float
    kind: str = "number"  # "number", "percent" or "month"
    text: str = ""
    approximate: str = ""  # "more" or "nearly" for 100多, 近百


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


def source_quantities(text: str) -> list[Quantity]:
    """The quantities a translation of ``text`` must carry, in order, without repeats."""
    found: list[Quantity] = []
    for match in _ARABIC.finditer(text):
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
        found.append(Quantity(value, kind, shown, approximate))
    for match in _PERCENT_WORDS.finditer(text):
        value = chinese_numeral_value(match.group(1))
        if value is not None:
            found.append(Quantity(value, "percent", match.group(0)))
    for match in _CHINESE_QUANTITY.finditer(text):
        value = chinese_numeral_value(match.group(2))
        if value is None or (value == 1 and not match.group(1)) or text[max(0, match.start() - 3):match.start()] == "百分之":
            continue
        end = match.end() + len(match.group(4))
        found.append(Quantity(value, "number", text[match.start():end],
                              "more" if match.group(3) else _approximation(text, match.start(), end)))
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
    """Every value the source could stand for: its quantities and any Chinese numeral in a word."""
    values = {quantity.value for quantity in source_quantities(text)}
    values |= {_arabic_value(match.group(1), match.group(2)) for match in _ARABIC.finditer(text)}
    for run in regex.findall(rf"[{_NUMERAL}]+", text):
        for start in range(len(run)):
            for end in range(start + 1, min(len(run), start + 6) + 1):
                value = chinese_numeral_value(run[start:end])
                if value is not None:
                    values.add(value)
    return values


# --- English -------------------------------------------------------------------------------------

def english_quantities(text: str) -> list[Quantity]:
    """Numbers the English states, in digits, words, ordinals, month names or implied (a decade)."""
    found: list[Quantity] = []
    words: list[str] = []  # a pending run of number words
    last_end = 0

    def flush() -> None:
        if words:
            found.extend(_word_numbers(words, percent=bool(_PERCENT_AFTER.match(text, last_end))))
            words.clear()

    for match in _EN_TOKEN.finditer(text):
        if match.group("number"):
            flush()
            value = _arabic_value(match.group("number"), match.group("fraction"))
            tail = regex.match(r"\s*-?\s*([a-z]+)", text[match.end():], regex.I)
            if tail and tail.group(1).lower() in _MULTIPLIERS_EN and not match.group("percent"):
                found.append(Quantity(value * _MULTIPLIERS_EN[tail.group(1).lower()], "number", match.group(0)))
            found.append(Quantity(value, "percent" if match.group("percent") else "number", match.group(0)))
            continue
        original = match.group("word")
        word = original.lower()
        if (word in _UNITS_EN or word in _TENS_EN or word in _MULTIPLIERS_EN
                or (word == "and" and words) or (word == "a" and not words)):
            words.append(word)
            last_end = match.end()
            continue
        if word in _ORDINALS_EN:
            tens = _TENS_EN.get(words[-1], 0) if words else 0  # twenty-first
            if tens:
                words.pop()
            flush()
            found.append(Quantity(tens + _ORDINALS_EN[word], "number", word))
            continue
        flush()
        month = _month(word) if original[:1].isupper() else None  # "may" and "march" are verbs too
        if month is not None:
            found.append(Quantity(month, "month", original))
        elif word in _IMPLIED_EN:
            found.append(Quantity(_IMPLIED_EN[word], "number", word))
    flush()
    return found


def _month(word: str) -> int | None:
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBREVIATIONS.get(word)


def _word_numbers(words: list[str], percent: bool = False) -> list[Quantity]:
    """``two hundred and fifty`` → 250; ``a hundred`` → 100; a lone ``a`` or ``and`` is nothing."""
    while words and words[-1] == "and":
        words = words[:-1]
    if not words or words == ["a"]:
        return []
    total, current, seen = 0, 0, False
    for word in words:
        if word == "a":
            current = 1
        elif word in _UNITS_EN:
            current += _UNITS_EN[word]
            seen = True
        elif word in _TENS_EN:
            current += _TENS_EN[word]
            seen = True
        elif word in _MULTIPLIERS_EN:
            current = (current or 1) * _MULTIPLIERS_EN[word]
            if _MULTIPLIERS_EN[word] >= 1000:
                total, current = total + current, 0
            seen = True
    if not seen:
        return []
    return [Quantity(float(total + current), "percent" if percent else "number", " ".join(words))]


# --- comparison ----------------------------------------------------------------------------------

def number_problems(source: str, target: str) -> list[str]:
    """Messages for each number of the source missing from the English, and each one it adds."""
    targets = english_quantities(target)
    problems = []
    for quantity in source_quantities(source):
        matches = [found for found in targets if _same(quantity, found)]
        if not matches:
            problems.append(_missing_message(quantity))
        elif quantity.approximate == "more" and not _MORE_EN.search(target):
            problems.append(f"The source says more than {_show(quantity.value)} ({quantity.text}); "
                            f"the translation gives {_show(quantity.value)} without “more than” or “over”.")
        elif quantity.approximate == "nearly" and not _NEARLY_EN.search(target):
            problems.append(f"The source gives an approximate number ({quantity.text}); the translation states "
                            f"{_show(quantity.value)} without “about” or “nearly”.")
    allowed = allowed_values(source)
    for found in targets:
        if regex.match(r"\d", found.text) and found.value not in allowed and not _is_scaled(found, targets, allowed):
            problems.append(f"The translation has the number {found.text.strip()}, which is not in the source.")
    return list(dict.fromkeys(problems))


def _is_scaled(found: Quantity, targets: list[Quantity], allowed: set[float]) -> bool:
    """``1.5`` of ``1.5 million`` is accounted for when 1,500,000 is in the source."""
    return any(other.value != found.value and other.text == found.text and other.value in allowed for other in targets)


def _same(source: Quantity, target: Quantity) -> bool:
    if abs(source.value - target.value) > 1e-9 * max(1.0, abs(source.value)):
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
    if quantity.kind == "percent":
        return f"The percentage {_show(quantity.value)}% ({quantity.text}) is missing from the translation."
    return f"The number {_show(quantity.value)} ({quantity.text}) is missing from the translation."
