"""Candidate terms in a Chinese text that the glossary does not have yet.

Three signals: phrases in quotation or title marks (Chinese writers quote slogans and coined
terms: “小而美”, “软联通”), words and n-grams that recur, and termhood — the C-value of
Frantzi, Ananiadou and Mima (2000), which favours longer strings and discounts a string that only
occurs inside one longer candidate (一带 inside 一带一路). Text the glossary already covers is
masked first, so known terms and their fragments never come back as candidates.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import regex

from pipeline.glossary.model import Glossary, GlossaryEntry
from pipeline.glossary.match import has_han
from pipeline.glossary.exchange import render_entry
from pipeline.glossary.general import dictionary_frequency, generality_discount

# Quotation and title marks around a candidate: the opening mark, then the closing one.
_QUOTED = regex.compile(r"“([^“”\n]{2,16})”|「([^「」\n]{2,16})」|『([^『』\n]{2,16})』"
                        r"|‘([^‘’\n]{2,16})’|\"([^\"\n]{2,16})\"|《([^《》\n]{2,24})》")
_HAN_RUN = regex.compile(r"\p{Han}+")
_SENTENCE_PUNCTUATION = regex.compile(r"[，。！？；：,.!?;:、…]")
# Characters that do not begin or end a term: particles, prepositions, conjunctions, pronouns.
_NOT_FIRST = set("的了和与及或在是为对把被也都而并将以之其这那有等个不要从向于就让使由又还更已但会到给"
                 "如则即此该着过得地来所们去说把既仅")
_NOT_LAST = set("的了和与及或在是为对把被也都而并将以之其这那有等个不要从向于就让使由又还更已但会到给"
                "如则即此该着过得地所们中上下里内既仅")
# Frequent words of news prose that recur in every article and are not terminology.
_STOP_WORDS = frozenset("""
一年来 近年来 进一步 不断 持续 推动 推进 加强 实现 成为 通过 以及 同时 进行 目前 未来 已经 可以 能够
应该 需要 不仅 而且 作为 根据 随着 面对 继续 深化 发展 合作 建设 国家 各国 世界 全球 国际 重要 提供
促进 支持 共同 积极 有效 开展 完善 形成 取得 带来 提高 扩大 增强 坚持 落实 打造 助力 注入 提升 构建
我们 他们 这些 这个 一个 一些 各类 各项 多个 之间 其中 方面 领域 问题 方式 工作 活动 项目 成果 进程
中国 中方 经济 机制 开放 创新 社会 政治 文化 环境 安全 技术 市场 贸易 投资 政策 平台 基础 模式
体系 水平 标准 机遇 潜力 动力 空间 格局 人民 民众 地区 区域 今年 去年 明年 当前 如今 此外 因此 但是 如果 虽然 并且 还是 就是 这样 那样 以来 以上 以下 之后 之前
""".split())

# Verbs that open a phrase around a term rather than a term.
_VERBS = ("推进", "推动", "落实", "展望", "助力", "坚持", "持续", "加强", "深化", "促进", "实现", "打造",
          "构建", "发展", "建设", "开展", "完善", "提升", "扩大", "支持", "践行", "弘扬", "培育", "聚焦")


# A phrase the writer put in quotation marks is twice as likely a term (a slogan, a coinage).
QUOTE_BOOST = 2.0
# A dictionary word this frequent in jieba's general corpus (about 17 per million words) is everyday language.
EVERYDAY_FREQUENCY = 1000


@dataclass(frozen=True)
class Candidate:
    """A candidate term: how often it occurs, how often quoted, its score and where it was seen."""

    zh: str
    count: int
    quoted: int
    score: float
    context: str

    def to_entry(self) -> GlossaryEntry:
        """A stub for the glossary: proposed, with the rendering left for the terminologist."""
        return GlossaryEntry(zh=self.zh, en="", status="proposed")

    @property
    def comment(self) -> str:
        quoted = f", {self.quoted} in quotation marks" if self.quoted else ""
        return f"{self.count}×{quoted}, score {self.score:.1f}: {self.context}"


def suggest_terms(text: str, glossary: Glossary | None = None, *, limit: int = 30,
                  min_count: int = 2, max_length: int = 10) -> list[Candidate]:
    """The ``limit`` best candidate terms of ``text`` not yet in ``glossary``, best first.

    A candidate occurs at least ``min_count`` times, or is quoted at least once.
    """
    glossary = glossary or Glossary.empty()
    masked = _mask(text, glossary)
    counts = _ngram_counts(masked, max_length + 1)  # one longer, to see how each one extends
    quoted = _quoted_counts(text, masked, glossary)
    fragments = _fragments(counts)
    candidates = {term for term, count in counts.items() if count >= min_count
                  and len(term) <= max_length and term not in fragments and _termlike(term)}
    candidates |= {term for term in quoted if _termlike(term, quoted=True)}
    for term in quoted:  # a quoted phrase outside Han runs (with a digit, say) is still counted
        counts[term] = max(counts.get(term, 0), masked.count(term), quoted[term])
    scores = _c_values({term: counts[term] for term in candidates})
    ranked = []
    for term in candidates:
        score = scores[term] * generality_discount(term) * (QUOTE_BOOST if quoted.get(term) else 1.0)
        if score > 0:
            ranked.append(Candidate(term, counts[term], quoted.get(term, 0), round(score, 2),
                                    _context(text, term)))
    # Quoted phrases that are not everyday words come first: quoting is the writer's own mark of a
    # term or slogan, and an article holds few of them. Everyday words quoted for emphasis
    # (“绿色”, “数字”) stay in the general ranking.
    ranked.sort(key=lambda c: (not (c.quoted and dictionary_frequency(c.zh) < EVERYDAY_FREQUENCY), -c.score, -c.count, c.zh))
    return ranked[:limit]


def _mask(text: str, glossary: Glossary) -> str:
    """The text with every glossary term (approved or proposed) blanked out; same length."""
    characters = list(text)
    for match in glossary.match(text, approved_only=False):
        characters[match.start:match.end] = "\x00" * (match.end - match.start)
    return "".join(characters)


def _ngram_counts(masked: str, max_length: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    for run in _HAN_RUN.findall(masked):
        for length in range(2, min(max_length, len(run)) + 1):
            counts.update(run[i:i + length] for i in range(len(run) - length + 1))
    return counts


def _quoted_counts(text: str, masked: str, glossary: Glossary) -> Counter[str]:
    counts: Counter[str] = Counter()
    for match in _QUOTED.finditer(text):
        group = next(g for g in range(1, 7) if match.group(g) is not None)
        phrase = match.group(group).strip()
        start = match.start(group)
        if ("\x00" in masked[start:start + len(phrase)] or glossary.lookup(phrase)
                or not has_han(phrase) or _SENTENCE_PUNCTUATION.search(phrase)):
            continue
        counts[phrase] += 1
    return counts


def _termlike(term: str, quoted: bool = False) -> bool:
    if term in _STOP_WORDS:
        return False
    if quoted:  # the writer marked it as a unit: trust the boundaries
        return True
    if any(term.startswith(verb) and len(term) > len(verb) + 1 for verb in _VERBS):
        return False  # 推进八项行动 is a verb and a term, not a term
    return term[0] not in _NOT_FIRST and term[-1] not in _NOT_LAST and len(set(term)) > 1


def _fragments(counts: Counter[str]) -> set[str]:
    """The strings that mostly occur as part of one longer string (八项行 in 八项行动).

    A term combines with different neighbours; a fragment is followed (or preceded) by the same
    character at least 80% of the time.
    """
    longest: dict[str, int] = defaultdict(int)
    for longer, count in counts.items():
        for inner in (longer[1:], longer[:-1]):
            longest[inner] = max(longest[inner], count)
    return {term for term, count in counts.items() if longest.get(term, 0) >= 0.8 * count}


def _c_values(counts: dict[str, int]) -> dict[str, float]:
    """C-value: log2(length) × (frequency − mean frequency of the longer candidates containing it)."""
    containers: dict[str, list[int]] = defaultdict(list)
    for longer, count in counts.items():
        seen = set()
        for length in range(2, len(longer)):
            for i in range(len(longer) - length + 1):
                inner = longer[i:i + length]
                if inner in counts and inner not in seen:
                    seen.add(inner)
                    containers[inner].append(count)
    scores = {}
    for term, count in counts.items():
        nested = containers.get(term)
        frequency = count - (sum(nested) / len(nested) if nested else 0)
        scores[term] = math.log2(len(term)) * frequency if len(term) > 1 else 0.0
    return scores


def _context(text: str, term: str, width: int = 14) -> str:
    """A snippet around the first occurrence of ``term``, on one line."""
    at = max(text.find(term), 0)
    start, end = max(at - width, 0), min(at + len(term) + width, len(text))
    snippet = " ".join(text[start:end].split())
    return ("…" if start else "") + snippet + ("…" if end < len(text) else "")


def render_stubs(candidates: list[Candidate], indent: int = 2) -> str:
    """The candidates as YAML list items to paste under ``entries:``, each with a comment."""
    return "".join(render_entry(c.to_entry(), indent, c.comment) for c in candidates)
