"""Salutation lines aligned one by one on whom they address.

A speech opens with a run of salutation lines, and the two sides seldom cut it the same way: the
Chinese lists 英斯利州长、普利茨克部长、默里市长 on one line where the English gives Governor, Secretary
and Mayor a line each. Lengths say little here (a transliterated name is short in Chinese and long in
English), but the addressees' titles do: 博士 = Dr., 州长 = Governor, 主席 = Chairman / Chairwoman,
女士们，先生们 = Ladies and Gentlemen. Each Chinese line takes the consecutive English lines whose
titles, counted, are exactly its own; where any line has no known title or the counts do not
match, there is no line-by-line answer and the caller keeps the run together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import regex

# (addressee, Chinese pattern, English pattern). Longer titles come first and are blanked out once
# counted, so that 秘书长 is not also 部长's "Secretary" and "Prime Minister" not also a minister.
_TITLES = (
    ("secretary-general", r"秘书长", r"\bSecretary[- ]General\b"),
    ("premier", r"总理|首相", r"\bPremier\b|\bPrime Minister\b"),
    ("vice-president", r"副总统", r"\bVice[- ]President\b"),
    ("president", r"总统", r"\bPresident\b"),
    ("chair", r"主席", r"\bChair(?:man|woman|person)?\b"),
    ("minister", r"部长|大臣", r"\bMinister\b|\bSecretary\b"),
    ("governor", r"州长|省长", r"\bGovernor\b"),
    ("mayor", r"市长", r"\bMayor\b"),
    ("ambassador", r"大使", r"\bAmbassadors?\b"),
    ("doctor", r"博士", r"\bDr\b\.?|\bDoctor\b"),
    ("speaker", r"议长", r"\bSpeaker\b"),
    ("senator", r"参议员", r"\bSenators?\b"),
    ("ladies", r"女士们", r"\bLadies\b"),
    ("gentlemen", r"先生们", r"\bGentlemen\b"),
    ("friends", r"朋友们|朋友", r"\bFriends\b"),
    ("guests", r"来宾|嘉宾", r"\bGuests\b"),
    ("colleagues", r"同事们|同事", r"\bColleagues\b"),
    ("excellency", r"阁下", r"\bExcellenc(?:y|ies)\b"),
)


def chinese_addressees(text: str) -> Counter[str]:
    """The titles a Chinese salutation line addresses, counted (希尔斯主席、菲尔茨主席 → chair: 2)."""
    return _count(text, 1)


def english_addressees(text: str) -> Counter[str]:
    """The titles an English salutation line addresses, counted (Ladies and Gentlemen → ladies, gentlemen)."""
    return _count(text, 2)


def _count(text: str, side: int) -> Counter[str]:
    found: Counter[str] = Counter()
    for title in _TITLES:
        text, count = regex.subn(title[side], " ", text)
        if count:
            found[title[0]] += count
    return found


def align_salutation_lines(chinese: Sequence[str], english: Sequence[str]) -> list[tuple[list[int], list[int]]] | None:
    """Each Chinese line with the consecutive English lines addressing the same titles, or None.

    Every line on both sides must name at least one known title, and the only accepted answer is
    one where each Chinese line's titles equal its English lines' titles exactly: a partial answer
    is no answer (the run then stays one match). Since every English line names a title, the
    counts admit at most one cut; the count of cuts is checked all the same.
    """
    if not chinese or not english or len(english) < len(chinese):
        return None
    source = [chinese_addressees(text) for text in chinese]
    target = [english_addressees(text) for text in english]
    if not all(source) or not all(target):
        return None
    # ways[i][j]: how many exact cuts pair the first i Chinese lines with the first j English lines.
    ways = [[0] * (len(english) + 1) for _ in range(len(chinese) + 1)]
    came_from = [[0] * (len(english) + 1) for _ in range(len(chinese) + 1)]
    ways[0][0] = 1
    for i in range(1, len(chinese) + 1):
        for j in range(i, len(english) + 1):
            for start in range(i - 1, j):
                if ways[i - 1][start] and sum(target[start:j], Counter()) == source[i - 1]:
                    ways[i][j] += ways[i - 1][start]
                    came_from[i][j] = start
    if ways[len(chinese)][len(english)] != 1:
        return None
    alignment: list[tuple[list[int], list[int]]] = []
    j = len(english)
    for i in range(len(chinese), 0, -1):
        start = came_from[i][j]
        alignment.append(([i - 1], list(range(start, j))))
        j = start
    return alignment[::-1]
