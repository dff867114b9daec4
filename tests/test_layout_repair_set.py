"""Layout repair on the broken-layout set: official texts cut as a PDF extraction cuts them.

``benchmarks/bench_layout_repair.py`` prints the same figures per document.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.ingest.text import split_blocks
from pipeline.layout.classify import classify_blocks
from pipeline.layout.repair import repair_layout
from support.cut_layout import OFFICIAL, misplaced, official_set, paragraphs_of, score, totals, wrap

# Measured on the set (benchmarks/bench_layout_repair.py): the floor below which recall must not fall.
RECALL_FLOOR = 0.84
# Paragraphs of the repaired set out of the original order (all but the longest run in order): 25,
# most of them second halves left apart; 47 when the text after a second half always moved with it.
MISPLACED_CEILING = 28


@pytest.fixture(scope="module")
def results() -> list[tuple[object, Document]]:
    pairs = []
    for cut in official_set():
        document = Document(path=Path(f"{cut.name}.zh.txt"), text=cut.text)
        document.paragraphs = classify_blocks(split_blocks(cut.text))
        repair_layout(document)
        pairs.append((cut, document))
    return pairs


def test_the_set_is_large_enough(results: list) -> None:
    names = {cut.name.split("#")[0] for cut, _ in results}
    assert len(names) >= 10
    assert sum(len(cut.joins) for cut, _ in results) >= 3 * len(names)


def test_the_cutter_keeps_every_character_and_numbers_blocks_as_the_reader_does(results: list) -> None:
    for cut, document in results:
        blocks = split_blocks(cut.text)
        assert len(blocks) == len(cut.kinds)
        for first, second in cut.joins:
            assert cut.kinds[first] == "first" and cut.kinds[second] == "second"
        original = (Path(__file__).parent / "data" / "official" / f"{cut.name.split('#')[0]}.zh.txt").read_text(encoding="utf-8")
        pieces = Counter(char for number, block in enumerate(blocks)
                         if cut.kinds[number] not in {"caption", "credit"} for char in block.text if not char.isspace())
        assert pieces == Counter(char for char in original if not char.isspace())


def test_the_repair_puts_the_paragraphs_back_in_order(results: list) -> None:
    rows = [score(cut, document.paragraphs) for cut, document in results]
    unrepaired = sum(misplaced(cut, classify_blocks(split_blocks(cut.text))) for cut, _ in results)
    assert totals(rows)["misplaced_paragraphs"] <= MISPLACED_CEILING < unrepaired


def test_cutting_is_deterministic() -> None:
    assert [cut.text for cut in official_set()] == [cut.text for cut in official_set()]


def test_precision_and_no_silent_wrong_join(results: list) -> None:
    rows = [score(cut, document.paragraphs) for cut, document in results]
    total = totals(rows)
    assert total["wrong_joins_without_flag"] == 0, [row for row in rows if row["wrong_joins_without_flag"]]
    assert total["precision"] >= 0.98, total
    assert total["recall"] >= RECALL_FLOOR, total


@pytest.mark.parametrize("seed", [1, 2])
def test_held_out_damage_keeps_precision_and_no_silent_wrong_join(seed: int) -> None:
    """The same texts cut elsewhere, which no rule was fitted to."""
    rows = []
    for cut in official_set(seed=seed):
        document = Document(path=Path(f"{cut.name}.zh.txt"), text=cut.text)
        document.paragraphs = classify_blocks(split_blocks(cut.text))
        repair_layout(document)
        rows.append(score(cut, document.paragraphs))
    total = totals(rows)
    assert total["wrong_joins_without_flag"] == 0, total
    assert total["precision"] >= 0.98, total
    assert total["recall"] >= RECALL_FLOOR, total


@pytest.mark.parametrize("path", sorted(OFFICIAL.glob("*.zh.txt")), ids=lambda path: path.name)
def test_an_intact_official_text_comes_out_unjoined(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    document = Document(path=path, text=text)
    document.paragraphs = classify_blocks(split_blocks(text))
    repair_layout(document)
    assert [paragraph.joined_from for paragraph in document.paragraphs
            if paragraph.kind not in {"caption", "credit"} and len(paragraph.joined_from) > 1] == []


@pytest.mark.parametrize("path", sorted(OFFICIAL.glob("*.zh.txt")), ids=lambda path: path.name)
def test_an_intact_official_text_hard_wrapped_at_any_width_comes_out_unjoined(path: Path) -> None:
    # Every paragraph whose last line happens to fill the column, and ends without closing
    # punctuation, is then taken for a cut one: none may be joined to anything.
    paragraphs = paragraphs_of(path.read_text(encoding="utf-8"))
    for width in range(12, 31):
        text = "\n\n".join("\n".join(wrap(paragraph, width)) for paragraph in paragraphs) + "\n"
        document = Document(path=path, text=text)
        document.paragraphs = classify_blocks(split_blocks(text))
        repair_layout(document)
        assert [paragraph.joined_from for paragraph in document.paragraphs
                if paragraph.kind not in {"caption", "credit"} and len(paragraph.joined_from) > 1] == [], width


@pytest.mark.xfail(strict=True, reason="recall goal 0.9 not reached: where a cut falls between two words, the "
                                       "corpus model often reads on from it into another block about as well")
def test_recall_goal(results: list) -> None:
    rows = [score(cut, document.paragraphs) for cut, document in results]
    assert totals(rows)["recall"] >= 0.9
