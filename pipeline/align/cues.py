"""Cues for aligning short units: heading numbers, salutations and quotations, on both sides.

Long paragraphs align on length and on the numbers and names they share; a heading, a salutation
line or a one-line quotation is too short for the length model to tell apart from its neighbours.
These cues are what a reader uses instead: a heading's number (一、 = I., （一） = 1.), the words of
a salutation (尊敬的 = Distinguished / Your Excellency, 女士们，先生们 = Ladies and Gentlemen) and the
quotation mark a quoted line opens with. Each becomes an anchor that must agree on both sides.
Other cues say what kind of line a unit is — a heading, a title line, a salutation — so that it
is not merged into the prose beside it, or that it is the publisher's furniture (an editor's note,
a dateline lead, a pull quote) that one side may carry and the other not.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                   "八": 8, "九": 9, "十": 10}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}

# 一、 / 十二、 / （一） / (一) / 1. / 1、 / (1) at the start of a Chinese heading or list line.
_CHINESE_NUMBERING = regex.compile(r"^\s*(?:([一二三四五六七八九十]{1,3})、|[（(]([一二三四五六七八九十]{1,3})[）)]"
                                   r"|(\d{1,2})[.、．]\s*(?!\d)|[（(](\d{1,2})[）)])")
# I. / IV. / 1. / (1) / 1) at the start of an English heading ("I.Humanity" has no space after the point).
_ENGLISH_NUMBERING = regex.compile(r"^\s*(?:([IVXLC]{1,6})\.\s*(?=\p{Lu}|\s)|(\d{1,2})[.)]\s+(?!\d)|\((\d{1,2})\)\s*)")

_CHINESE_SALUTATION = regex.compile(r"尊敬的|各位|女士们|先生们|朋友们|同事们|同志们|来宾|代表们|阁下")
_ENGLISH_SALUTATION = regex.compile(r"\b(?:Excellenc(?:y|ies)|Distinguished|Dear|Ladies|Gentlemen|Friends|Colleagues|"
                                    r"Guests|Deputies|Delegates|Heads of|Representatives|Members of)\b")
# Whom a salutation line addresses, in words both sides use (尊敬的 = Distinguished / Your Excellency /
# Dear varies too much to count).
_ADDRESSEES = (("ladies", "女士", r"\bLadies\b"), ("friends", "朋友", r"\bFriends\b"), ("guests", "来宾|嘉宾", r"\bGuests\b"),
               ("colleagues", "同事", r"\bColleagues\b"), ("heads", "元首|首脑", r"\bHeads? of State"),
               ("organizations", "国际组织", r"\bInternational Organi[sz]ations?\b"))
SALUTATION_LENGTH = 160  # a salutation line is short: longer text is prose that happens to end in a comma
_OPENING_QUOTE = regex.compile(r"^\s*[“「『\"‘]")
# English often opens a quoted saying with words instead of a quotation mark (As a Chinese saying goes, …).
_INTRODUCED_SAYING = regex.compile(r"^\s*(?:As (?:an? |the )(?:(?:old|ancient) )?(?:Chinese )?(?:saying|proverb|adage|poem) "
                                   r"(?:goes|says)|As (?:an? |the )(?:(?:old|ancient) )?Chinese (?:saying|proverb|adage) puts it)\b",
                                   flags=regex.IGNORECASE)
# A speaker line: 中华人民共和国主席 习近平 (office, a space, a name) / Xi Jinping, President of … / Speech by H.E. …
_CHINESE_SPEAKER = regex.compile(r"^\s*\p{Han}{2,24}[ \u3000]+\p{Han}{2,4}\s*$")
_ENGLISH_SPEAKER = regex.compile(r"\b(?:President|Premier|Chairman|Chairwoman|Vice|Minister|Ambassador|Secretary|"
                                 r"Speech by|Remarks by|H\.E\.)\b")


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20 (the numbers headings use)."""
    if "十" not in text:
        return _CHINESE_DIGITS[text[-1]]
    tens, _, units = text.partition("十")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def roman_number(text: str) -> int:
    """IV → 4."""
    values = [_ROMAN[character] for character in text.lower()]
    return sum(-value if next_value > value else value for value, next_value in zip(values, values[1:] + [0]))


def chinese_heading_number(text: str) -> tuple[int | None, str]:
    """The number a Chinese heading or list line starts with, and the text after it."""
    match = _CHINESE_NUMBERING.match(text)
    if not match:
        return None, text
    chinese, bracketed, digits, bracketed_digits = match.groups()
    number = chinese_number(chinese or bracketed) if (chinese or bracketed) else int(digits or bracketed_digits)
    return number, text[match.end():]


def english_heading_number(text: str) -> tuple[int | None, str]:
    """The number an English heading or list line starts with (I., 1., (1)), and the text after it."""
    match = _ENGLISH_NUMBERING.match(text)
    if not match:
        return None, text
    roman, digits, bracketed = match.groups()
    return (roman_number(roman) if roman else int(digits or bracketed)), text[match.end():]


def is_chinese_salutation(text: str) -> bool:
    """尊敬的…， / 各位来宾， / 女士们，先生们，朋友们： — a line addressing the audience."""
    text = text.strip()
    if not text or len(text) > SALUTATION_LENGTH // 2 or regex.search(r"[。？]", text):
        return False
    if text[-1] in "，,":  # prose never ends a paragraph on a comma
        return True
    return text[-1] in "：:！!" and bool(_CHINESE_SALUTATION.search(text))


def is_english_salutation(text: str) -> bool:
    """Your Excellency…, / Distinguished Guests, / Ladies and Gentlemen: — a line addressing the audience."""
    text = text.strip()
    if not text or len(text) > SALUTATION_LENGTH:
        return False
    if text[-1] == ",":
        return True
    return text[-1] in ":!" and bool(_ENGLISH_SALUTATION.search(text))


def is_chinese_heading(text: str) -> bool:
    """A numbered heading (一、 / （一）) or a short lead-in line ending in a colon (过去一年：), not a salutation."""
    text = text.strip()
    if not text or is_chinese_salutation(text):
        return False
    return chinese_heading_number(text)[0] is not None or (text[-1] in "：:" and len(text) <= 30)


def is_chinese_title_line(text: str) -> bool:
    """A title line: a subtitle, a bracketed date line, or a short line without punctuation or figures (2024年工作回顾)."""
    text = text.strip()
    if regex.fullmatch(r"——[^。！？]{2,60}|[（(][^。！？（）()]{2,40}[）)]", text):
        return True  # a subtitle line (——在…上的讲话) or a bracketed date and place line (（2021年4月20日，北京）)
    # A headline may quote a name or split in two halves (发挥香港独特优势 共创“一带一路”美好未来):
    # quotation marks, title marks and spaces do not make it a sentence.
    bare = regex.sub(r"[“”‘’《》\s\u3000]", "", text)
    return (0 < len(bare) <= (24 if bare != text else 16) and not regex.search(r"\p{P}", bare)
            and not regex.search(r"\d", regex.sub(r"^\d{4}年", "", bare)))


def is_english_heading(text: str) -> bool:
    """A numbered heading (I. / 1.) or a short lead-in line ending in a colon, not a salutation."""
    text = text.strip()
    if not text or is_english_salutation(text):
        return False
    return english_heading_number(text)[0] is not None or (text[-1] == ":" and len(text) <= 80)


def is_english_title_line(text: str) -> bool:
    """A short line that is not a sentence: a title, an author or publisher line, a date."""
    text = text.strip()
    return 0 < len(text) <= 100 and text[-1] not in ".!?;:,”\"’'" and not regex.search(r"[.!?]\s+\p{Lu}", text)


# What the publisher adds around a text: an editor's note, "the full text follows", a dateline lead.
_ENGLISH_FURNITURE = regex.compile(r"^\s*(?:Editor['’]s note|Full text of|(?:The )?following is|"
                                   r"[A-Z][A-Z .,]+, [A-Z][a-z]+\.? \d{1,2} (?:\([A-Za-z]+\) )?--)")
_CHINESE_FURNITURE = regex.compile(r"^\s*(?:新华社.{0,24}?电|编者按|编者注|\p{Han}{2,8}社.{0,12}?\d{1,2}月\d{1,2}日电)")
# The editor's lead-in to what follows, the Chinese for "The following is …": 以下为讲话全文： /
# 下面，和双语君一起来学习吧。 A short line of its own: a speaker's 下面，我谈三点意见 goes on in prose.
_CHINESE_LEAD_IN = regex.compile(r"^\s*(?:下面|以下)[，,]?[^。！？]{0,20}?(?:一起来|全文|如下)[^。！？]{0,12}[。！：:]?\s*$")


def is_english_furniture(text: str) -> bool:
    """An editor's note, a "full text follows" line or a news agency's dateline lead."""
    return bool(_ENGLISH_FURNITURE.match(text))


def is_chinese_furniture(text: str) -> bool:
    """A news agency's dateline lead (新华社…电), an editor's note (编者按) or lead-in (以下为讲话全文：)."""
    return bool(_CHINESE_FURNITURE.match(text) or _CHINESE_LEAD_IN.match(text))


def repeats_next(paragraphs: Sequence[str], index: int) -> bool:
    """A pull quote or subheading whose words come again in the next paragraph (a news site's quote header)."""
    if index + 1 >= len(paragraphs):
        return False
    words = regex.sub(r"[^\p{L}\p{N} ]", "", paragraphs[index]).lower().split()
    following = " ".join(regex.sub(r"[^\p{L}\p{N} ]", "", paragraphs[index + 1]).lower().split())
    return 2 <= len(words) <= 40 and " ".join(words) in following


_CHINESE_QUOTED = regex.compile(r"“([^“”]{8,})”")


def quotes_later(paragraphs: Sequence[str], index: int, reach: int = 6) -> bool:
    """A teaser made of quotations only, one of which comes again word for word in a later paragraph.

    News sites open a speech's excerpts with its best lines (“…”“…”……); the English seldom
    carries that teaser, and the repeated words would otherwise pull it onto the paragraph they
    are quoted from.
    """
    text = paragraphs[index]
    quoted = _CHINESE_QUOTED.findall(text)
    if not quoted or regex.sub(r"[\p{P}\s]", "", _CHINESE_QUOTED.sub("", text)):
        return False  # no quotation, or words outside the quotations: the paragraph says something itself
    later = "".join(paragraphs[index + 1:index + 1 + reach])
    return any(quote in later for quote in quoted)


def opens_with_quotation(text: str) -> bool:
    """The unit begins with a quotation mark (a quoted line, a classical quotation)."""
    return bool(_OPENING_QUOTE.match(text))


def _cue_set(heading: int | None, salutation: bool, addressed: list[str], quotation: bool, speaker: bool) -> set[str]:
    """The anchors a unit carries, named the same on both sides so they can be compared."""
    cues = {f"h:{heading}"} if heading is not None else set()
    if salutation:
        cues |= {"salutation", *(f"to:{name}" for name in addressed)}
    if quotation:
        cues.add("quotation")
    if speaker:
        cues.add("speaker")
    return cues


def chinese_cues(text: str) -> set[str]:
    """The short-unit anchors of a Chinese paragraph or sentence."""
    salutation = is_chinese_salutation(text)
    addressed = [name for name, chinese, _ in _ADDRESSEES if salutation and regex.search(chinese, text)]
    return _cue_set(chinese_heading_number(text)[0], salutation, addressed, opens_with_quotation(text),
                    bool(_CHINESE_SPEAKER.match(text)))


def english_cues(text: str) -> set[str]:
    """The short-unit anchors of an English paragraph or sentence."""
    salutation = is_english_salutation(text)
    addressed = [name for name, _, english in _ADDRESSEES
                 if salutation and regex.search(english, text, flags=regex.IGNORECASE)]
    quotation = opens_with_quotation(text) or bool(_INTRODUCED_SAYING.match(text))
    speaker = len(text) <= SALUTATION_LENGTH and not salutation and bool(_ENGLISH_SPEAKER.search(text))
    return _cue_set(english_heading_number(text)[0], salutation, addressed, quotation, speaker)
