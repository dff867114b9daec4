"""Read the grammar at the edges of a block: does it stop inside a construction, or start inside one?

A cut made at the end of a printed line leaves both halves visibly unfinished to a reader of Chinese,
even when no word runs across the cut:

- a *dangling end* stops on a word that needs what follows it: a preposition without its object
  (``……为``), a conjunction (``……和``), a structural particle (``……的``), an adverb or modal verb
  without its verb (``……也``, ``……能够``), a number or classifier without its noun (``……2000名``);
- a *headless start* opens on what no sentence opens with: a lone character that forms no word with
  the text after it and is not a free word that may open a sentence (``心相通，``, ``义，对……``), or a
  classifier or suffix with nothing to count or attach to (``位代表……``, ``型邮轮……``).

Word classes come from jieba's dictionary (MIT), which tags each of its words (``p`` preposition,
``c`` conjunction, ``q`` classifier …); it is read once, like the word frequencies of
:mod:`pipeline.glossary.general`. Without jieba nothing is read and nothing is found.
"""

from __future__ import annotations

import regex

from pipeline.glossary.general import best_segmentation, word_classes

_EDGE_CHARS = 8
NAME_CHARS = 4  # a surname and a given name of one or two characters, and one more to end the name
_LEADING_HAN = regex.compile(r"^\p{Han}+")
_TRAILING_HAN = regex.compile(r"\p{Han}+$")
_TRAILING_NUMBER = regex.compile(r"[0-9０-９]$")

# Classes of a word that must be followed by more of the sentence.
_DANGLING_CLASSES = {
    "p": "the preposition", "c": "the conjunction", "uj": "the particle", "uv": "the particle",
    "ud": "the particle", "d": "the adverb", "q": "the classifier", "m": "the number",
}
# Adverbs that also end a clause (“我们也一样”, “不断发展壮大” aside): an adverb at a line end is dangling
# only when it never stands last.
_ADVERBS_THAT_END = frozenset("一样 如此 而已 罢了 为止 不已 为止 至今 以来 起来 一起 左右 再见".split())
_MODAL_VERBS = frozenset("能够 能 可以 可 应该 应当 应 要 会 将 必须 需要 愿意 得以 值得 敢于 善于 致力于 旨在".split())
# A conjunction or preposition tagged so but able to end a clause as a verb or noun (“……为此”, “……同时”).
_NOT_DANGLING = frozenset("而已 以来 以后 以前 之后 之前 同时 此外 为此 对此 因此 所以 然后 总之 的确".split())

# Single characters a sentence may open with: pronouns, prepositions, conjunctions, adverbs,
# numbers and time words (their classes), and these verbs and nouns of address or wish.
_FREE_OPENING_CLASSES = frozenset({"p", "c", "r", "d", "m", "t"})
_FREE_OPENING_CHARACTERS = frozenset("要让使请愿祝望谢是有在对从为把被将据按依凭随自当若如虽因由即便就")
_ATTACHING_CLASSES = {"q": "classifier", "k": "suffix"}


def _words(text: str) -> list[str]:
    _, ends = best_segmentation(text, 6)
    return [text[start:end] for start, end in zip((0, *ends), ends)]


def dangling_end(text: str) -> str | None:
    """Why ``text`` stops on a word that needs a continuation (``ends in the preposition “为”``), or ``None``."""
    text = text.rstrip()
    if _TRAILING_NUMBER.search(text) and not _TRAILING_HAN.search(text):
        return None  # a bare number may end a heading or a table cell
    match = _TRAILING_HAN.search(text)
    if not match:
        return None
    words = _words(match.group()[-_EDGE_CHARS:])
    last = words[-1]
    if last in _MODAL_VERBS:
        return f"ends in the modal verb “{last}”, which needs its verb"
    word_class = word_classes().get(last, "")
    if last in _NOT_DANGLING or last in _ADVERBS_THAT_END or word_class not in _DANGLING_CLASSES:
        return None
    if word_class == "m" and last[-1] in "年月日号时":
        return None  # a date ends a dateline
    if word_class == "m" and not _TRAILING_NUMBER.search(text[:match.start()]) and len(last) == 1:
        return None  # 一, 二 alone end idioms and names (“统一”); a number needs a counted noun only as a count
    return f"ends in {_DANGLING_CLASSES[word_class]} “{last}”, which needs what follows it"


def headless_start(text: str) -> str | None:
    """Why ``text`` cannot open a sentence (``starts with “义”, …``), or ``None`` when it may."""
    match = _LEADING_HAN.match(text.lstrip())
    if not match:
        return None
    head = match.group()[:_EDGE_CHARS]
    classes = word_classes()
    if not classes:
        return None
    first = _words(head)[0]
    word_class = classes.get(first, "")
    if word_class in _ATTACHING_CLASSES:
        reason = f"it starts with the {_ATTACHING_CLASSES[word_class]} “{first}”, with nothing before it to attach to"
    elif len(first) > 1 or word_class in _FREE_OPENING_CLASSES or first in _FREE_OPENING_CHARACTERS:
        return None
    elif any(head[:length] in classes for length in range(2, len(head) + 1)):
        return None  # the character begins a word after all (可|再生能源 is 可再生能源)
    elif word_class == "n":
        return None  # a one-character noun may be a subject (党的……, 甲方 spelt 甲 in a contract)
    else:
        reason = f"it starts with “{first}”, a character that forms no word with what follows and opens no sentence"
    return None if _opens_with_a_name(head) else reason


def _opens_with_a_name(head: str) -> bool:
    """Whether ``head`` opens with a person's name, which the dictionary does not list (王毅指出…,
    张德江表示…: a surname that is also a lone character or a classifier): jieba's tagging model for
    words it does not know reads the first word as a name (``nr``)."""
    try:
        from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P, viterbi
    except ImportError:
        return False
    _, states = viterbi(head[:NAME_CHARS], char_state_tab_P, start_P, trans_P, emit_P)
    length = next((index + 1 for index, (position, _) in enumerate(states) if position in "ES"), len(states))
    return length > 1 and states[0][1].startswith("nr")
