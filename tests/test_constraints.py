"""Glossary-constrained decoding: every required rendering present, every avoided one absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, SEED_ARTICLE
from pipeline.cli import main
from pipeline.engines.base import (
    DecodingOptions, EngineSettings, RequiredRendering, TranslationRequest, batches_by_length, load_engine,
)
from pipeline.glossary.match import count_rendering, replace_avoided



@pytest.fixture(scope="module")
def engine(tiny_model: Path):
    return load_engine("transformers", EngineSettings(model=str(tiny_model), device="cpu",
                                                      decoding=DecodingOptions(beams=4, batch_size=4)))


def run_translate(path: Path, out: Path, model: Path, glossary: Path, *extra: str) -> dict:
    code = main(["translate", str(path), "--out", str(out), "--model", str(model), "--glossary", str(glossary),
                 "--engine", "transformers", "--quiet", "--no-cache", *extra])
    assert code == 0
    return json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))


def segment_terms(data: dict) -> list[tuple[dict, dict]]:
    return [(segment, term) for paragraph in data["paragraphs"] for segment in paragraph["segments"]
            for term in segment["terms"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“硬联通”“软联通”“心联通”不断深化。",
         {"physical connectivity": 1, "institutional connectivity": 1, "people-to-people connectivity": 1}),
        ("小而美项目很多，小而美项目更多，小而美。", {"small yet smart": 3}),
        ("非洲大地有鲁班工坊", {"Luban Workshop": 1}),
        ("推动高质量共建“一带一路”，共建“一带一路”。", {"high-quality Belt and Road cooperation": 1, "Belt and Road": 1}),
    ],
    ids=["adjacent", "repeated", "at-the-end", "nested"],
)
def test_hard_constraints_meet_every_occurrence(text: str, expected: dict[str, int], tiny_model: Path,
                                                glossary_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    data = run_translate(path, tmp_path / "out", tiny_model, glossary_file)
    pairs = segment_terms(data)
    assert sum(expected.values()) == len(pairs)
    assert all(term["status"] in {"applied", "repaired"} for _, term in pairs)
    target = " ".join(segment["target"] for segment in {id(s): s for s, _ in pairs}.values())
    for rendering, count in expected.items():
        # a rendering nested in a longer one (Belt and Road in high-quality Belt and Road cooperation) counts there too
        assert count_rendering(target, rendering) >= count
    for avoided in ("small and beautiful", "One Belt One Road"):
        assert count_rendering(target, avoided) == 0


def test_term_in_a_split_long_sentence_is_kept_whole(tiny_model: Path, glossary_file: Path, tmp_path: Path) -> None:
    text = "，".join(["共建国家加强合作推动发展"] * 30) + "，小而美项目落地，" + "，".join(["共建国家加强合作推动发展"] * 30) + "。"
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    data = run_translate(path, tmp_path / "out", tiny_model, glossary_file, "--max-segment-tokens", "40")
    [(segment, term)] = segment_terms(data)
    assert len(segment["parts"]) > 2
    assert any("小而美" in part["source"] for part in segment["parts"])
    assert term["status"] == "applied"
    assert count_rendering(segment["target"], "small yet smart") == 1


def test_constraints_off_leaves_term_missing_and_flagged(tiny_model: Path, glossary_file: Path,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("鲁班工坊落地扎根。", encoding="utf-8")
    data = run_translate(path, tmp_path / "out", tiny_model, glossary_file, "--constraints", "off")
    [(segment, term)] = segment_terms(data)
    assert term["status"] == "missing"
    assert any(flag["check"] == "term-missing" and flag["severity"] == "error" for flag in segment["flags"])
    assert data["metadata"]["counts"]["terms"]["missing"] == 1


def test_avoided_rendering_that_slips_through_is_repaired() -> None:
    text, count = replace_avoided("Small and beautiful projects, and small  and beautiful aid.",
                                  "small and beautiful", "small yet smart")
    assert count == 2
    assert text == "Small yet smart projects, and small yet smart aid."


@pytest.mark.parametrize(
    ("text", "rendering", "count"),
    [
        ("The Belt and Road Initiative", "Belt and Road", 1),
        ("Luban Workshops opened; a Luban Workshop's teachers", "Luban Workshop", 2),
        ("Small yet smart projects", "small yet smart", 1),
        ("beltandroad", "Belt and Road", 0),
        ("physical connectivityism", "physical connectivity", 0),
    ],
)
def test_rendering_counting(text: str, rendering: str, count: int) -> None:
    assert count_rendering(text, rendering) == count


def test_batch_order_is_restored(engine) -> None:
    renderings = ["Luban Workshop", "small yet smart", "physical connectivity", "Belt and Road",
                  "institutional connectivity"]
    sources = ["鲁班工坊。", "小而美的项目在共建国家陆续落地发展。", "硬联通。", "一带一路倡议，互联互通，共同发展，成果斐然。", "软联通"]
    requests = [TranslationRequest(source, (RequiredRendering(rendering),)) for source, rendering in zip(sources, renderings)]
    results = engine.translate(requests)
    assert len(results) == len(requests)
    for rendering, result in zip(renderings, results):
        assert count_rendering(result.text, rendering) >= 1, (rendering, result.text)
        assert result.score is not None


def test_batches_group_by_length_and_respect_token_cap() -> None:
    lengths = [5, 50, 7, 48, 6, 51]
    batches = batches_by_length(lengths, batch_size=2, max_batch_tokens=None)
    assert sorted(i for batch in batches for i in batch) == list(range(6))
    assert [sorted(lengths[i] for i in batch) for batch in batches] == [[50, 51], [7, 48], [5, 6]]
    capped = batches_by_length(lengths, batch_size=16, max_batch_tokens=100)
    assert all(len(batch) * max(lengths[i] for i in batch) <= 100 or len(batch) == 1 for batch in capped)


def test_seed_article_terms_all_enforced(tiny_model: Path, tmp_path: Path) -> None:
    data = run_translate(SEED_ARTICLE, tmp_path, tiny_model, REPO / "glossary" / "belt_and_road.yaml",
                         "--beams", "2")
    pairs = segment_terms(data)
    counts = data["metadata"]["counts"]["terms"]
    assert len(pairs) >= 50
    assert counts["applied"] + counts["repaired"] + counts["missing"] == len(pairs)
    assert (counts["applied"] + counts["repaired"]) / len(pairs) >= 0.99
    from pipeline.glossary.load import load_glossary

    avoided = {phrase for entry in load_glossary(REPO / "glossary").entries for phrase in entry.avoid}
    english = " ".join(paragraph["target"] for paragraph in data["paragraphs"])
    assert all(count_rendering(english, phrase) == 0 for phrase in avoided)


def greedy_decode(processor, base_scores, max_steps: int) -> list[int]:
    """Drive the logits processor as generate() would, greedily, over fixed per-step scores."""
    import torch

    sequence = [0]  # decoder start token
    for _ in range(max_steps):
        scores = processor(torch.tensor([sequence]), torch.tensor([base_scores], dtype=torch.float32))
        token = int(scores[0].argmax())
        sequence.append(token)
        if token == 1:
            break
    return sequence[1:]


def test_budget_leaves_room_for_the_longest_form_of_a_rendering() -> None:
    from pipeline.engines.constraints import GlossaryLogitsProcessor, RowConstraints, TokenConstraint

    # Token 9 is what the "model" always prefers; the rendering's lower-case form is (3, 4), its
    # capitalised form (5, 6, 7, 8) is longer and its first token scores higher.
    row = RowConstraints(required=(TokenConstraint(((3, 4), (5, 6, 7, 8)), 1),), avoid=(), budget=6)
    base = [0.0, 0.2, 0.0, 0.4, 0.0, 0.5, 0.0, 0.0, 0.0, 1.0]
    tokens = greedy_decode(GlossaryLogitsProcessor([row], num_beams=1, eos_token_id=1), base, max_steps=12)
    assert tokens[-1] == 1 and len(tokens) <= row.budget + 1
    body = tokens[:-1]
    assert any(body[i:i + len(form)] == list(form) for form in ((3, 4), (5, 6, 7, 8)) for i in range(len(body)))


def test_avoided_sequence_is_never_completed() -> None:
    from pipeline.engines.constraints import GlossaryLogitsProcessor, RowConstraints

    # The "model" wants 7 8 7 8 …; the sequence (7, 8) is to be avoided.
    row = RowConstraints(required=(), avoid=((7, 8),), budget=6)
    base = [0.0, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.9, 0.0]
    tokens = greedy_decode(GlossaryLogitsProcessor([row], num_beams=1, eos_token_id=1), base, max_steps=10)
    assert all(tokens[i:i + 2] != [7, 8] for i in range(len(tokens)))
    assert tokens[-1] == 1 and len(tokens) == row.budget + 1
