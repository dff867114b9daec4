"""How the CTranslate2 engine batches the glossary's re-decodes: each greedy row stops at its own cap,
a worker's chunk is re-decoded together, and the chunks share the work out evenly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")

from conftest import REPO  # noqa: E402
from pipeline.cli import main  # noqa: E402
from pipeline.engines import ctranslate2_engine  # noqa: E402
from pipeline.engines.base import (  # noqa: E402
    DecodingOptions, EngineSettings, RequiredRendering, TranslationRequest, load_engine,
)
from pipeline.engines.ctranslate2_glossary import Row  # noqa: E402
from pipeline.glossary.match import count_rendering  # noqa: E402

SOURCES = ("非洲大地有鲁班工坊", "共建“一带一路”倡议提出十周年。", "硬联通、软联通、心联通不断深化。")


@pytest.fixture(scope="module")
def engine(tiny_model: Path):
    return load_engine("ctranslate2", EngineSettings(model=str(tiny_model), device="cpu", threads=1,
                                                     decoding=DecodingOptions(beams=4, batch_size=4)))


def test_each_greedy_row_stops_at_its_own_cap_as_if_decoded_alone(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = [engine.pieces.source_pieces(text) for text in SOURCES]
    sources.append(sources[-1])
    first = [engine.translator.translate_batch([source], beam_size=1, max_decoding_length=12, use_vmap=True,
                                               min_decoding_length=12)[0].hypotheses[0] for source in sources]
    # Three short prefixes searched in one batch; a long one with a short tail, read in one pass.
    prefixes = [tokens[:2] for tokens in first[:3]] + [first[3][:10]]
    caps = [4, 12, 40, 12]
    calls = []
    run = engine._run

    def recording(batch: list[list[str]], **options: object) -> list:
        calls.append((len(batch), bool(options.get("return_alternatives"))))
        return run(batch, **options)

    monkeypatch.setattr(engine, "_run", recording)
    rows = [Row(source, budget=60) for source in sources]
    engine._decode(rows, prefixes, caps, beams=1)
    assert calls == [(3, False), (1, True)]
    for row, source, prefix, cap in zip(rows, sources, prefixes, caps):
        [alone] = engine.translator.translate_batch([source], target_prefix=[prefix], beam_size=1,
                                                    max_decoding_length=cap, use_vmap=True)
        assert row.tokens == alone.hypotheses[0][:cap]
        assert len(row.tokens) <= cap


def test_chunks_cover_every_batch_once_and_share_the_work() -> None:
    lengths = [120, 110, 100, 90, 60, 50, 40, 30, 20, 10, 10, 5] * 6
    placements = [0, 3, 1, 0, 6, 0, 2, 0, 0, 4, 1, 0] * 6  # renderings each row may need placed
    batches = [list(range(start, min(start + 8, len(lengths)))) for start in range(0, len(lengths), 8)]
    chunks = ctranslate2_engine._chunks(batches, lengths, workers=2, beams=4, placements=placements)
    assert sorted(map(tuple, (batch for chunk in chunks for batch in chunk))) == sorted(map(tuple, batches))
    assert len(chunks) % 2 == 0 and len(chunks) == 2 * -(-len(lengths) // (2 * ctranslate2_engine.GLOSSARY_CHUNK))

    def cost(batch: list[int]) -> int:  # the search, then a greedy decoding per placement
        return len(batch) * max(lengths[i] for i in batch) * 4 + sum(placements[i] * lengths[i] for i in batch)

    work = [sum(cost(batch) for batch in chunk) for chunk in chunks]
    assert max(work) - min(work) <= max(cost(batch) for batch in batches)


def test_chunks_weigh_the_renderings_rows_may_need_placed() -> None:
    # Two batches of equal search cost, one with every row needing three renderings: with two more
    # light batches, the heavy one gets a chunk of its own.
    lengths = [50] * 16
    batches = [list(range(0, 4)), list(range(4, 8)), list(range(8, 12)), list(range(12, 16))]
    placements = [3] * 4 + [0] * 12
    chunks = ctranslate2_engine._chunks(batches, lengths, workers=2, beams=1, placements=placements)
    assert sorted(map(len, chunks)) == [1, 3] and [batches[0]] in chunks
    even = ctranslate2_engine._chunks(batches, lengths, workers=2, beams=1, placements=[0] * 16)
    assert sorted(map(len, even)) == [2, 2]


def test_a_chunk_is_re_decoded_together(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = load_engine("ctranslate2", EngineSettings(model=str(tiny_model), device="cpu", threads=1,
                                                       decoding=DecodingOptions(beams=2, batch_size=2)))
    calls: list[tuple[int, int]] = []
    short = []  # rows of the first search that lack the rendering
    run = engine._run

    def recording(sources: list[list[str]], **options: object) -> list:
        output = run(sources, **options)
        calls.append((len(sources), int(options.get("beam_size", 0))))
        if options.get("target_prefix") is None:
            short.extend(1 for result in output
                         if not count_rendering(engine.pieces.detokenize(result.hypotheses[0]), "Luban Workshop"))
        return output

    monkeypatch.setattr(engine, "_run", recording)
    monkeypatch.setattr(ctranslate2_engine, "ALONE_TAIL_SHARE", 0.0)  # every re-decode batched
    requests = [TranslationRequest(f"{'很多' * n}鲁班工坊", (RequiredRendering("Luban Workshop"),),
                                   terms=(("Luban Workshop", 2 * n, 2 * n + 4),)) for n in range(6)]
    results = engine.translate(requests)
    assert all(count_rendering(result.text, "Luban Workshop") >= 1 for result in results)
    assert [size for size, beams in calls if beams == 2] == [2, 2, 2]  # the first search by --batch-size
    assert len(short) > 2, "the test needs renderings missing from more than one batch"
    # Then one call re-decodes every row of the chunk that lacks it, whichever batch it came from.
    assert [size for size, beams in calls if beams == 1][0] == len(short)


HELD_ENGINE = """
import sys
from pipeline.engines.base import EngineSettings, RequiredRendering, TranslationRequest, load_engine
from pipeline.glossary.match import count_rendering
engine = load_engine("ctranslate2", EngineSettings(model=sys.argv[1], device="cpu", threads=2))
results = engine.translate([TranslationRequest(source, (RequiredRendering("Luban Workshop"),))
                            for source in sys.argv[2:]])
print(sum(count_rendering(result.text, "Luban Workshop") for result in results))
"""


def test_a_script_holding_the_engine_exits_cleanly(tiny_model: Path, tmp_path: Path) -> None:
    # A translator that ran greedy searches with a stop callback, still held when the interpreter
    # finalizes, can abort the process after its work is done: the engine releases it at exit.
    environment = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", HELD_ENGINE, str(tiny_model), *SOURCES], capture_output=True,
                              text=True, env=environment, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        assert int(done.stdout) >= len(SOURCES)


def test_no_glossary_constrains_and_checks_nothing(sample_file: Path, tiny_model: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["translate", str(sample_file), "--out", str(out), "--model", str(tiny_model), "--no-glossary",
                 "--no-cache"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("; no glossary (--no-glossary)")
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert data["metadata"]["glossary"]["entries"] == 0
    assert not any(segment["terms"] for paragraph in data["paragraphs"] for segment in paragraph["segments"])
    with pytest.raises(SystemExit) as stopped:
        main(["translate", str(sample_file), "--no-glossary", "--glossary", str(REPO / "glossary")])
    assert stopped.value.code == 2
