"""Turn input blocks into typed paragraphs, and read the signs of a page layout gone wrong.

Kinds: ``title`` (with ``subtitle`` and ``byline`` — date, place, author — under it), ``heading``, ``body``, ``caption``, ``credit`` (``某某 摄``), ``list_item``,
``code`` and ``table``. Headings in plain text are recognised by shape: a short block with no
sentence-final punctuation, standing alone; the document's first block of that shape is its title.

Text extracted from a newspaper page also holds paragraphs cut in two. A *cut end* is a body block
that stops without sentence-final punctuation; a *cut start* begins mid-sentence (a closing quote
with no opening one, a lone short clause, the end of a construction opened elsewhere). These
functions only read the signs; :mod:`pipeline.layout_repair` decides what to join.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import regex

from pipeline.document import Paragraph
from pipeline.ingest.text import Block

MAX_HEADING_CHARS = 40
MAX_CAPTION_CHARS = 250
MAX_CREDIT_CHARS = 30

_CLOSERS = "”’\"'」』）)\\]】》〉"
# Punctuation a heading never ends with (so "…新起点" is a heading and "…规则," is not).
_PUNCTUATED_END = regex.compile(rf"[。！？；!?;…．.:：，,、][{_CLOSERS}]*\s*$")
# What may end a complete paragraph: 。！？；… (or ASCII forms) or a colon introducing a list.
_SENTENCE_FINAL_END = regex.compile(rf"[。！？；!?;：:…．.][{_CLOSERS}]*\s*$")
_INVISIBLE_END = regex.compile(r"[\s\p{C}]+$")  # spaces, control and format characters
_HAS_WORDS = regex.compile(r"[\p{L}\p{N}]")
_TRAILING_NOTE = regex.compile(r"[(（【\[][^()（）【】\[\]]{1,30}[)）】\]]$")
_INNER_SENTENCE_END = regex.compile(r"[。！？!?；;]")
_INNER_COMMA = regex.compile(r"[，,]")
_STARTS_WITH_PUNCTUATION = regex.compile(rf"^[{_CLOSERS}，,、。；;：:！？!?…]")

# Photographer and source credits: "董江辉 摄", "新华社记者 李某 摄", "(任卫云 摄)", "摄影：某某", "某某供图".
_NAME = r"[\p{Han}·•]{2,8}"
_CREDIT = regex.compile(
    rf"""^[(（]?\s*(?:
        (?:[\p{{Han}}]{{0,6}}记者\s*)?{_NAME}(?:\s*[、,，]\s*{_NAME})*\s*/?\s*摄(?:影)?
      | (?:摄影|图片?来源|图片?|供图)\s*[：:/]\s*\S.{{0,20}}
      | {_NAME}(?:\s*[、,，]\s*{_NAME})*\s*供图
      | (?:新华社|中新社|人民网|视觉中国|IC\s*photo)\S{{0,4}}发?
    )\s*[)）]?$""",
    regex.VERBOSE,
)
# A caption ends with its credit, says what the picture shows, or is marked as an archive photo.
_CAPTION_SIGNS = regex.compile(
    rf"""(?:^|[。)）\s])(?:图为|图片为|上图|下图|左图|右图|图\s*[:：])
      | [(（](?:资料(?:照片|图片?)|摄影|图片来源[^)）]*)[)）]
      | 日摄[)）]
      | [。.!！)）]\s*(?:[\p{{Han}}]{{0,6}}记者\s*)?{_NAME}(?:\s*[、,，]\s*{_NAME})*\s+摄$
      | [。.!！)）]\s*{_NAME}供图$""",
    regex.VERBOSE,
)
_SALUTATION = regex.compile(r"^(?:尊敬的|各位|亲爱的|女士们|先生们|朋友们|同志们|同事们|记者朋友们|老师们|同学们)")
_SALUTATION_END = regex.compile(r"[，,：:！!]$")
MAX_TITLE_CHARS = 150
# A last line that fills the column is evidence of a cut only while the lines that could fill it by
# chance are few: short lines without closing punctuation, fewer than this share of the width.
MAX_CHANCE_FILLS = 0.25
_DATE = r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年(?:\s*[\d〇零一二三四五六七八九十]{1,3}\s*月(?:\s*[\d〇零一二三四五六七八九十]{1,3}\s*日)?)?"
# "（2023年10月18日，北京）", "2019年5月8日", "（2023年9月）"
_DATELINE = regex.compile(rf"^[(（]?\s*{_DATE}(?:\s*[，,、]\s*[\p{{Han}}·]{{1,20}})?\s*[)）]?$")
# "中华人民共和国主席 习近平", "国务院总理 温家宝": an office, a space, a name.
_AUTHOR_LINE = regex.compile(r"^[\p{Han}（）()·]{2,40}[ \u3000]+[\p{Han}·]{2,8}$")
_LIST_MARKER = regex.compile(r"^(?:\d{1,2}[、.)）](?!\d)|[(（](?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]|[一二三四五六七八九十]{1,3}、)")

# Short openers a Chinese paragraph may legitimately begin with before its first comma.
_OPENERS = frozenset("""
    同时 此外 因此 然而 但是 但 而 且 并 又 也 还 更 其中 目前 首先 其次 再次 最后 另外 总之 当前 如今
    为此 对此 据悉 可见 所以 而且 并且 未来 此前 随后 之后 然后 当然 其实 比如 例如 那么 于是 不过
    可是 同样 因而 从而 进而 显然 毕竟 近日 日前 当天 当日 昨天 今天 今年 去年 明年 今后 眼下 早在
    当时 后来 总体 总的看 事实上 换言之 具体 具体看 一方面 另一方面 与此同时 不仅如此 尽管如此
    对 对于 关于 至于 就此 就 据 按 若 如 即 故 总而言之 简言之 值得注意 值得一提 综上 他 她 它
""".split())
_TIME_OR_PLACE_ENDING = regex.compile(r"[来后前中时上下里外间内是看说言讲之际]$")
_FIRST_CLAUSE = regex.compile(r"^([^，,；;。！？!?：:]*)([，,；;：:])")
# A construction opened in one half and closed in the other: 通过……等形式, 以……为, 在……的同时.
_FRAMES: tuple[tuple[regex.Pattern[str], regex.Pattern[str]], ...] = (
    (regex.compile(r"通过|借助|采取|采用|利用|以"), regex.compile(r"等(?:形式|方式|途径|手段|渠道|措施|方法)$")),
    (regex.compile(r"以"), regex.compile(r"为(?:重点|主线|核心|抓手|指导|引领|目标|基础|契机|载体)$")),
    (regex.compile(r"在"), regex.compile(r"的同时$")),
)


def looks_like_heading(text: str) -> bool:
    """Short, with no punctuation at its end, no sentence inside and at most one comma."""
    text = text.strip()
    return (0 < len(text) <= MAX_HEADING_CHARS and not _PUNCTUATED_END.search(text)
            and not _INNER_SENTENCE_END.search(text) and len(_INNER_COMMA.findall(text)) <= 1)


def is_salutation(text: str) -> bool:
    """A line of address (``尊敬的各位来宾，``, ``女士们，先生们，朋友们：``): whole, though it ends in a comma."""
    text = text.strip()
    return (len(text) <= MAX_HEADING_CHARS and bool(_SALUTATION.match(text)) and bool(_SALUTATION_END.search(text))
            and not _INNER_SENTENCE_END.search(text[:-1]))


def is_credit(text: str) -> bool:
    """A photographer or source credit standing alone: ``董江辉 摄``."""
    text = text.strip()
    return 0 < len(text) <= MAX_CREDIT_CHARS and bool(_CREDIT.match(text))


def is_caption(text: str) -> bool:
    """A photo caption: says what a picture shows, ends with its credit or is an archive photo."""
    text = text.strip()
    return 0 < len(text) <= MAX_CAPTION_CHARS and bool(_CAPTION_SIGNS.search(text))


def open_quotes(text: str) -> int:
    """Opening quotation marks not closed within ``text`` (negative: closings never opened)."""
    return sum(text.count(mark) for mark in "“「『") - sum(text.count(mark) for mark in "”」』")


def is_cut_end(text: str) -> bool:
    """Stops mid-sentence: no sentence-final punctuation at the end, or a quotation left open.

    A closing note in brackets after the last sentence (``……。(完)``, ``(记者 张三)``) does not count.
    """
    text = _INVISIBLE_END.sub("", text)
    if not _HAS_WORDS.search(text):
        return False  # only punctuation or symbols: nothing to continue
    if _ends_inside_quote(text):
        return True
    while (note := _TRAILING_NOTE.search(text)) and note.start() > 0:
        text = text[:note.start()].rstrip()
    return not _SENTENCE_FINAL_END.search(text)


def _ends_inside_quote(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "“「『":
            depth += 1
        elif char in "”」』":
            depth = max(0, depth - 1)
    return depth > 0


def closes_unopened_quote(text: str) -> bool:
    """The first quotation mark in ``text`` is a closing one: the quote was opened elsewhere."""
    for char in text:
        if char in "“「『":
            return False
        if char in "”」』":
            return True
    return False


def first_clause(text: str) -> str:
    """The text before the first clause punctuation (or all of it)."""
    match = _FIRST_CLAUSE.match(text.strip())
    return match.group(1) if match else text.strip()


def cut_start_signs(text: str) -> tuple[str, ...]:
    """Why ``text`` looks like the second half of a cut paragraph; empty when it looks whole.

    The first two signs are strong (text never starts so); the others are weak and only lead to a
    join together with other evidence.
    """
    text = text.strip()
    signs: list[str] = []
    if not _HAS_WORDS.search(text):
        return ()
    if _STARTS_WITH_PUNCTUATION.match(text) and not text.startswith(("“", "「", "『", "(", "（", "【", "《", "…")):
        signs.append("starts with punctuation")
    if closes_unopened_quote(text):
        signs.append("closes a quotation opened elsewhere")
    if is_lone_clause(text):
        signs.append("begins with a lone word before a comma")
    if frames_closed(text):
        signs.append("completes a construction begun elsewhere")
    return tuple(signs)


STRONG_START_SIGNS = frozenset({"starts with punctuation", "closes a quotation opened elsewhere"})


def is_lone_clause(text: str) -> bool:
    """``行动,要继续……``: one to three Chinese characters, then a comma, that no sentence opens with."""
    match = _FIRST_CLAUSE.match(text.strip())
    if not match or match.group(2) not in "，,":
        return False
    clause = match.group(1).strip()
    return (0 < len(clause) <= 3 and bool(regex.fullmatch(r"\p{Han}+", clause))
            and clause not in _OPENERS and not _TIME_OR_PLACE_ENDING.search(clause))


def frames_closed(text: str) -> frozenset[int]:
    """Constructions (indices into ``_FRAMES``) the first clause closes without their opening word:
    ``……等形式,`` with no ``通过`` before it."""
    clause = first_clause(text)
    closed = set()
    for number, (opener, closer) in enumerate(_FRAMES):
        found = closer.search(clause)
        if found and not opener.search(clause[:found.start()]):
            closed.add(number)
    return frozenset(closed)


def frames_left_open(text: str) -> frozenset[int]:
    """Constructions the last sentence opens (``通过……``) and never closes."""
    last = regex.split(r"[。！？!?；;]", text.strip())[-1]
    left_open = set()
    for number, (opener, closer) in enumerate(_FRAMES):
        openings = list(opener.finditer(last))
        if not openings:
            continue
        clauses = regex.split(r"[，,、：:]", last[openings[-1].end():])
        if not any(closer.search(clause.strip()) for clause in clauses):
            left_open.add(number)
    return frozenset(left_open)


def _kind(block: Block, blocks: Sequence[Block], index: int) -> str:
    if block.kind != "text":
        return block.kind
    text = block.text
    if is_credit(text):
        return "credit"
    if is_caption(text) or (index + 1 < len(blocks) and blocks[index + 1].kind == "text"
                            and is_credit(blocks[index + 1].text) and len(text) <= MAX_CAPTION_CHARS
                            and not looks_like_heading(text)
                            and not (block.fills_column and is_cut_end(text))):  # a paragraph cut at a column's end
        return "caption"
    if looks_like_heading(text) and not _heading_is_fragment(blocks, index):
        return "heading"
    if _LIST_MARKER.match(text):
        return "list_item"
    return "body"


def _heading_is_fragment(blocks: Sequence[Block], index: int) -> bool:
    """A heading-shaped block that is really a cut end: a quote left open, a last line that runs to
    the edge of a hard-wrapped column, no text after it, or a continuation right after it."""
    text = blocks[index].text
    if not is_cut_end(text):
        return False
    if open_quotes(text) > 0 or blocks[index].fills_column:
        return True
    following = [block for block in blocks[index + 1:]
                 if not (block.kind == "text" and (is_credit(block.text) or is_caption(block.text)))]
    if not following:
        return index > 0  # a one-block document is a title, not a fragment
    after = following[0]
    return after.kind == "text" and bool(set(cut_start_signs(after.text)) & STRONG_START_SIGNS)


def is_long_title(text: str) -> bool:
    """A title longer than a heading, often with its subtitle on the same line
    (``携手推进……——在……高峰论坛开幕式上的主旨演讲``): no sentence in it, no punctuation at its end."""
    text = text.strip()
    return (0 < len(text) <= MAX_TITLE_CHARS and not _INNER_SENTENCE_END.search(text)
            and not _PUNCTUATED_END.search(text))


def is_subtitle(text: str) -> bool:
    """A subtitle line under a title: ``——在联合国维和峰会上的讲话``."""
    text = text.strip()
    return (text.startswith("——") and 2 < len(text) <= MAX_TITLE_CHARS
            and not _INNER_SENTENCE_END.search(text) and not _PUNCTUATED_END.search(text))


def is_byline(text: str) -> bool:
    """A date, place or author line under a title: ``（2023年10月18日，北京）``, ``中华人民共和国主席 习近平``."""
    text = text.strip()
    return bool(_DATELINE.match(text) or _AUTHOR_LINE.match(text))


def _front_matter_kind(block: Block, index: int, previous: Sequence[str]) -> str | None:
    """title, subtitle or byline for the blocks at the head of a document (title, then its lines)."""
    if block.kind not in {"text", "heading"}:
        return None
    text = block.text
    if index == 0 and is_long_title(text):
        return "title"
    # Right under a title (or a heading-shaped line standing as one, after a news lead).
    above = previous[-1] if previous else None
    if above in {"title", "heading"} and is_subtitle(text):
        return "subtitle"
    if above in {"title", "subtitle", "byline", "heading"} and is_byline(text):
        return "byline"
    return None


def full_lines_are_evidence(blocks: Sequence[Block]) -> bool:
    """Whether a block's last line running to the column's edge tells a cut: not when the document
    sets many short lines without closing punctuation of its own (headings, list items), of which
    about one in ``width`` comes out exactly as wide as the column by chance."""
    width = next((block.column_width for block in blocks if block.column_width), None)
    if width is None:
        return False
    short = sum(1 for block in blocks if block.kind == "text" and not block.fills_column
                and looks_like_heading(block.text) and not is_credit(block.text))
    return short <= MAX_CHANCE_FILLS * width


def classify_blocks(blocks: Sequence[Block]) -> list[Paragraph]:
    """Give each block a kind; the document's first block, when heading-shaped, becomes its title,
    and a subtitle (``——……``) and date, place and author lines right under it are recognised."""
    if any(block.fills_column for block in blocks) and not full_lines_are_evidence(blocks):
        blocks = [replace(block, column_shortfall=None) for block in blocks]
    paragraphs: list[Paragraph] = []
    for index, block in enumerate(blocks):
        kind = _front_matter_kind(block, index, [paragraph.kind for paragraph in paragraphs]) or _kind(block, blocks, index)
        if kind == "heading" and not paragraphs:
            kind = "title"
        paragraphs.append(Paragraph(
            id=f"p{len(paragraphs) + 1}", kind=kind, source=block.text, markup=block.markup,
            lines=(block.first_line, block.last_line), block=block.number,
            column_shortfall=block.column_shortfall,
        ))
    return paragraphs
