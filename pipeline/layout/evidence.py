"""The evidence that two blocks of text are the halves of one cut paragraph.

A join changes what the translation says, so it needs evidence a linguist would accept, not a
guess from position. :func:`join_evidence` reads the end of one block and the start of another and
returns what it finds, each piece with its weight:

- a quotation or bracket (“ 《 （ 「) opened in the first half and closed in the second;
- a word formed across the cut: a glossary term, a word of a Chinese word list with frequencies
  (jieba's dictionary) that the likeliest segmentation of the joined text puts across the cut, or
  a phrase of the document (four characters or more) that the cut splits and that occurs whole
  elsewhere in it (three characters only make a probable join: short runs recur by chance);
- a clause ending in a comma, 顿号 or colon continued by text that cannot open a paragraph
  (a particle or connective such as 的、和、以及、从而, or a lowercase Latin word);
- in hard-wrapped text, a first half whose last line stops short of the column's edge by less than
  the number or Latin word opening the second half: the wrap moved that word to the next line
  (:func:`pushed_run`).

Position alone (the next block, the only block left) is not evidence: :mod:`pipeline.layout.repair`
keeps such blocks apart and flags them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from pipeline.glossary.general import best_segmentation, log_total
from pipeline.glossary.general import word_frequencies as general_word_frequencies
from pipeline.glossary.model import Glossary
from pipeline.ingest.text import pushed_to_next_line

WINDOW = 8  # characters on each side of the cut that a word or phrase across it may use
MAX_WORD_CHARS = 6
# log-probability gained by the word across the cut over the likeliest split one: above CERTAIN the
# word list leaves no doubt (推|动: 8.2); between PROBABLE and CERTAIN the join is flagged.
CERTAIN_WORD_GAIN = 6.0
PROBABLE_WORD_GAIN = 1.0
MIN_PHRASE_CHARS = 4  # a phrase of the document split by the cut (一带|一路)
CERTAIN_PHRASE_CHARS = 5
MAX_PHRASE_CHARS = 10
# A three-character run of the document split by the cut (我|代表, 为|世界) is weaker: short runs recur
# by chance, so such a join is only probable, and flagged.
SHORT_PHRASE_CHARS = 3
SHORT_RUN_REASON = "three characters found elsewhere in the document, run across the cut"
PUSHED_RUN_REASON = "is never broken across lines"
PUSHED_RUN_WEIGHT = 4.0

_OPENERS = {"“": "”", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")", "【": "】"}
_CLAUSE_END = regex.compile(r"[，,、：:]\s*$")
_TRAILING_HAN = regex.compile(r"[\p{Han}A-Za-z0-9]{1,%d}$" % WINDOW)
_LEADING_HAN = regex.compile(r"^[\p{Han}A-Za-z0-9]{1,%d}" % WINDOW)
# Words that never open a paragraph: particles, and connectives that join to a preceding clause.
_NEVER_OPENS = (
    "以及", "及其", "从而", "进而", "以便", "以免", "以致", "乃至", "而是", "等等", "等方面", "等领域",
    "的", "地", "得", "之", "和", "与", "及", "或", "等", "了", "着", "过", "们", "所", "者",
)
# What follows a number and never starts a paragraph: a measure word or unit (10|个项目, 6|年以来).
_MEASURE_WORD = regex.compile(r"^(?:个|名|项|家|位|届|次|种|批|座|条|所|多|余|万|亿|千|百|倍|岁|周年|年|月|日|天|%|％|元|吨|公里|亿元|万元)")
_TRAILING_NUMBER = regex.compile(r"[0-9０-９.]*[0-9０-９]$")
_LOWERCASE_START = regex.compile(r"^[a-z]")
_HAN = regex.compile(r"\p{Han}")
_ALL_HAN = regex.compile(r"\p{Han}+")


@dataclass(frozen=True)
class Evidence:
    """One reason to join: what was seen, and whether it settles the question on its own."""

    reason: str
    certain: bool
    weight: float = 1.0  # how much it counts when two continuations compete for one cut end


def word_frequencies() -> tuple[dict[str, int], float]:
    """jieba's Chinese word list (word → frequency) and the log of its total; empty without jieba."""
    return general_word_frequencies(), log_total()


@functools.lru_cache(maxsize=4096)
def _best_segmentation(text: str) -> tuple[float, tuple[int, ...]]:
    """The likeliest split of ``text`` into words of the list: its log-probability and word ends."""
    return best_segmentation(text, MAX_WORD_CHARS)


def dictionary_word(tail: str, head: str) -> tuple[str, float] | None:
    """The word of the list that the likeliest segmentation of ``tail + head`` puts across the cut,
    with the log-probability it gains over keeping the halves apart; ``None`` if there is none."""
    if not (_HAN.search(tail[-1:]) and _HAN.search(head[:1])):
        return None
    joined_score, ends = _best_segmentation(tail + head)
    if len(tail) in ends:
        return None
    gain = joined_score - _best_segmentation(tail)[0] - _best_segmentation(head)[0]
    word_end = next(end for end in ends if end > len(tail))
    word_start = max([0, *[end for end in ends if end < len(tail)]])
    return (tail + head)[word_start:word_end], gain


@functools.lru_cache(maxsize=4)
def _phrases(text: str) -> frozenset[str]:
    """Every run of :data:`MIN_PHRASE_CHARS` to :data:`MAX_PHRASE_CHARS` characters in ``text``."""
    return frozenset(text[start:start + length] for length in range(MIN_PHRASE_CHARS, MAX_PHRASE_CHARS + 1)
                     for start in range(len(text) - length + 1))


def document_phrase(tail: str, head: str, text: str) -> str | None:
    """The longest phrase (:data:`MIN_PHRASE_CHARS` to :data:`MAX_PHRASE_CHARS` characters, some on
    each side of the cut) that occurs whole elsewhere in the document."""
    phrases = _phrases(text)
    for length in range(MAX_PHRASE_CHARS, MIN_PHRASE_CHARS - 1, -1):
        for taken in range(max(1, length - len(head)), min(len(tail), length - 1) + 1):
            phrase = tail[-taken:] + head[:length - taken]
            if phrase in phrases and _whole_words(tail, head, taken, length - taken):
                return phrase
    return None


def _whole_words(tail: str, head: str, taken: int, given: int) -> bool:
    """The run of ``taken`` characters of ``tail`` and ``given`` of ``head`` ends between words of the
    joined text: a run that ends inside the second half's first word (行动中|国作为, where 中国 is the
    word) is no phrase of the text, only a recurring string. (Its start may lie inside a word: the
    first half's edge is where the window happened to begin, 人为阻|断江河.)"""
    return len(tail) + given in _best_segmentation(tail + head)[1]


def short_document_phrase(tail: str, head: str, text: str) -> str | None:
    """A run of :data:`SHORT_PHRASE_CHARS` Chinese characters, some on each side of the cut, that
    occurs whole elsewhere in the document (``text`` holds the halves apart, so the cut run itself
    does not count)."""
    for taken in range(SHORT_PHRASE_CHARS - 1, 0, -1):
        phrase = tail[-taken:] + head[:SHORT_PHRASE_CHARS - taken]
        if (len(phrase) == SHORT_PHRASE_CHARS and _ALL_HAN.fullmatch(phrase) and phrase in text
                and _whole_words(tail, head, taken, SHORT_PHRASE_CHARS - taken)):
            return phrase
    return None


def _open_marks(text: str) -> list[str]:
    """Quotation marks and brackets opened in ``text`` and not closed, innermost last."""
    stack: list[str] = []
    closers = {closer: opener for opener, closer in _OPENERS.items()}
    for char in text:
        if char in _OPENERS:
            stack.append(char)
        elif char in closers and stack and stack[-1] == closers[char]:
            stack.pop()
    return stack


def closes_open_mark(end: str, start: str) -> str | None:
    """The mark left open at the end of ``end`` that ``start`` closes before opening any other."""
    stack = _open_marks(end)
    if not stack:
        return None
    expected = _OPENERS[stack[-1]]
    for char in start:
        if char == expected:
            return stack[-1] + expected
        if char in _OPENERS or char in _OPENERS.values():
            return None
    return None


def cannot_open_paragraph(text: str) -> str | None:
    """Why ``text`` cannot be the start of a paragraph (it continues something), or ``None``."""
    text = text.lstrip()
    for word in _NEVER_OPENS:
        # "过去" is not "过": the likeliest segmentation must start with the word itself.
        if text.startswith(word) and _best_segmentation(text[:WINDOW])[1][0] == len(word):
            return f"it starts with “{word}”, which never opens a paragraph"
    if _LOWERCASE_START.match(text):
        return "it starts with a lowercase word"
    if text[:1] in "，,、。；;：:！？!?）)】》”」』":
        return f"it starts with “{text[0]}”"
    return None


def join_evidence(end: str, start: str, text: str, glossary: Glossary | None = None) -> list[Evidence]:
    """Every piece of evidence that ``start`` continues the paragraph cut at the end of ``end``."""
    end, start = end.rstrip(), start.lstrip()
    evidence: list[Evidence] = []
    mark = closes_open_mark(end, start)
    if mark:
        evidence.append(Evidence(f"a {mark} opened in one half is closed in the other", True, 10.0))
    if glossary is not None:
        tail, head = end[-16:], start[:16]
        for match in glossary.match(tail + head, approved_only=False):
            if match.start < len(tail) < match.end:
                evidence.append(Evidence(f"the glossary term {match.entry.zh} runs across the cut", True, 10.0))
                break
    tail_match, head_match = _TRAILING_HAN.search(end), _LEADING_HAN.match(start)
    if tail_match and head_match:
        tail, head = tail_match.group(), head_match.group()
        word = dictionary_word(tail[-(MAX_WORD_CHARS - 1):], head[:MAX_WORD_CHARS - 1])
        if word and word[1] >= PROBABLE_WORD_GAIN:
            evidence.append(Evidence(f"the word “{word[0]}” runs across the cut", word[1] >= CERTAIN_WORD_GAIN, word[1]))
        phrase = document_phrase(tail, head, text)
        if phrase:
            evidence.append(Evidence(f"“{phrase}”, a phrase found elsewhere in the document, runs across the cut",
                                     len(phrase) >= CERTAIN_PHRASE_CHARS, 1.5 * len(phrase)))
        elif short := short_document_phrase(tail, head, text):
            evidence.append(Evidence(f"“{short}”, {SHORT_RUN_REASON}", False, 3.0))
        number = _TRAILING_NUMBER.search(tail)
        if number and _MEASURE_WORD.match(head):
            evidence.append(Evidence(f"the number “{number.group()}” is cut from its measure word “{head[0]}”",
                                     True, 6.0))
    why = cannot_open_paragraph(start)
    if why and _CLAUSE_END.search(end):
        evidence.append(Evidence(f"the first half ends in “{end[-1]}” and the second cannot stand alone: {why}", True, 6.0))
    elif why:
        evidence.append(Evidence(f"the second half cannot stand alone: {why}", False, 2.0))
    return evidence


def pushed_run(shortfall: int | None, start: str) -> Evidence | None:
    """Evidence that a first half whose last line stops ``shortfall`` characters short of a
    hard-wrapped column's edge continues in ``start``: the number or Latin word opening it would not
    have fit in that room, which is why the line ended there. Probable only: a paragraph's true last
    line may stop just as short by chance."""
    pushed = pushed_to_next_line(shortfall, start.lstrip())
    if pushed is None:
        return None
    return Evidence(f"the first half's last line stops {shortfall} characters short of the column's edge, too little "
                    f"room for “{pushed}”, which opens the second half and {PUSHED_RUN_REASON}", False, PUSHED_RUN_WEIGHT)
