"""The transformers engine (pipeline/engines/transformers_engine.py) on the tiny real MarianMT model."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.engines.base import DecodingOptions, EngineSettings, TranslationRequest, load_engine

SENTENCES = ["一带一路。", "中国与共建国家合作，互联互通建设成为重点。", "菌草。", "绿色丝绸之路推动可持续发展。"]


@pytest.fixture(scope="module")
def engine(tiny_model: Path):  # noqa: ANN201
    decoding = DecodingOptions(beams=2, batch_size=2, constraints="off")
    return load_engine("transformers", EngineSettings(model=str(tiny_model), device="cpu", threads=1, decoding=decoding))


def test_results_come_back_in_request_order_whatever_the_batching(engine) -> None:  # noqa: ANN001
    requests = [TranslationRequest(source=text) for text in SENTENCES]
    together = [result.text for result in engine.translate(requests)]
    one_by_one = [engine.translate([request])[0].text for request in requests]
    assert together == one_by_one
    assert all(isinstance(text, str) for text in together)


def test_scores_are_finite_mean_log_probabilities(engine) -> None:  # noqa: ANN001
    results = engine.translate([TranslationRequest(source=text) for text in SENTENCES])
    assert all(result.score is not None and -100 < result.score <= 0 for result in results)


def test_token_counts_grow_with_the_text(engine) -> None:  # noqa: ANN001
    short, long = engine.count_tokens(["一带一路。", "一带一路。" * 10])
    assert 0 < short < long


def test_identity_names_the_engine_and_the_model_folder(engine, tiny_model: Path) -> None:  # noqa: ANN001
    assert engine.name == "transformers"
    assert tiny_model.name in engine.identity
    assert engine.device == "cpu"
