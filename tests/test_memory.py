"""Translation memory: hits on a rerun, misses when anything that shapes the output changes, safe for two processes."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.engines.base import (
    DecodingOptions, RequiredRendering, TranslationRequest, TranslationResult, collect_batches,
)
from pipeline.memory import TranslationMemory, memory_path, open_memory
from pipeline.cache_dir import cache_directory
from pipeline.translate import translate_unique


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from an empty memory of its own."""
    monkeypatch.setenv("ZHEN_CACHE_DIR", str(tmp_path / "cache"))


class CountingEngine:
    """A stand-in engine that upper-cases its input and remembers what it was asked."""

    name = "counting"

    def __init__(self, identity: str = "model@1", fail_on_call: int | None = None, batch_size: int = 16) -> None:
        self.identity = identity
        self.device = "cpu"
        self.calls: list[list[str]] = []
        self.fail_on_call = fail_on_call
        self.batch_size = batch_size

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text) + 1 for text in texts]

    def translate_batches(self, requests):  # noqa: ANN001, ANN201
        for start in range(0, len(requests), self.batch_size):
            batch = requests[start:start + self.batch_size]
            self.calls.append([request.source for request in batch])
            if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
                raise KeyboardInterrupt
            yield [(start + offset, TranslationResult(f"EN {request.source} {[r.rendering for r in request.required]}",
                                                      -0.5)) for offset, request in enumerate(batch)]

    def translate(self, requests, on_progress=None):  # noqa: ANN001, ANN201
        return collect_batches(len(requests), self.translate_batches(requests), on_progress)

    @property
    def translated(self) -> list[str]:
        return [source for call in self.calls for source in call]


def translate(engine: CountingEngine, requests: list[TranslationRequest],
              decoding: DecodingOptions = DecodingOptions()) -> list[TranslationResult]:
    memory = open_memory(engine, decoding)
    try:
        return translate_unique(requests, engine, memory)
    finally:
        memory.close()


LUBAN = TranslationRequest("鲁班工坊在15个国家落地扎根。", (RequiredRendering("Luban Workshop"),))
PLAIN = TranslationRequest("八项行动稳步推进。")


def test_cache_location_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHEN_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_directory() == tmp_path / "elsewhere"
    assert memory_path().parent == tmp_path / "elsewhere"
    monkeypatch.delenv("ZHEN_CACHE_DIR")
    import platformdirs

    assert cache_directory() == Path(platformdirs.user_cache_dir("zhen", appauthor=False))


def test_rerun_is_answered_from_memory() -> None:
    first = CountingEngine()
    results = translate(first, [LUBAN, PLAIN])
    assert sorted(first.translated) == sorted([LUBAN.source, PLAIN.source])
    assert not any(result.cached for result in results)
    second = CountingEngine()
    again = translate(second, [PLAIN, LUBAN])
    assert second.calls == []
    assert [result.text for result in again] == [results[1].text, results[0].text]
    assert all(result.cached for result in again) and again[0].score == -0.5


def test_identical_segments_are_translated_once() -> None:
    engine = CountingEngine()
    results = translate(engine, [PLAIN, LUBAN, PLAIN, PLAIN])
    assert sorted(engine.translated) == sorted([PLAIN.source, LUBAN.source])
    assert results[0].text == results[2].text == results[3].text


def test_whitespace_variants_share_an_entry() -> None:
    translate(CountingEngine(), [TranslationRequest("八项行动  稳步推进。 ")])
    engine = CountingEngine()
    translate(engine, [TranslationRequest(" 八项行动 稳步推进。")])
    assert engine.calls == []


@pytest.mark.parametrize(
    ("change", "request_", "decoding", "identity"),
    [
        ("another model", LUBAN, DecodingOptions(), "model@2"),
        ("another engine precision", LUBAN, DecodingOptions(), "model@1;float32"),
        ("more beams", LUBAN, DecodingOptions(beams=5), "model@1"),
        ("constraints off", LUBAN, DecodingOptions(constraints="off"), "model@1"),
        ("a longer length budget", LUBAN, DecodingOptions(length_slack=20), "model@1"),
        ("an edited rendering", TranslationRequest(LUBAN.source, (RequiredRendering("Luban Workshops"),)),
         DecodingOptions(), "model@1"),
        ("a rendering required twice", TranslationRequest(LUBAN.source, (RequiredRendering("Luban Workshop", 2),)),
         DecodingOptions(), "model@1"),
        ("a new rendering to avoid", TranslationRequest(LUBAN.source, LUBAN.required, ("Lu Ban workshop",)),
         DecodingOptions(), "model@1"),
    ],
)
def test_a_change_that_shapes_the_output_misses(change: str, request_: TranslationRequest,
                                                decoding: DecodingOptions, identity: str) -> None:
    translate(CountingEngine(), [LUBAN, PLAIN])
    engine = CountingEngine(identity)
    translate(engine, [request_, PLAIN], decoding)
    assert request_.source in engine.translated, change


def test_settings_that_do_not_shape_the_output_still_hit() -> None:
    translate(CountingEngine(), [LUBAN, PLAIN])
    engine = CountingEngine()
    translate(engine, [LUBAN, PLAIN], DecodingOptions(batch_size=3, max_batch_tokens=64))
    assert engine.calls == []


def test_every_finished_batch_is_kept_when_a_run_is_interrupted() -> None:
    requests = [TranslationRequest(f"第{n}段" + "字" * n) for n in range(10)]
    decoding = DecodingOptions(batch_size=4)
    with pytest.raises(KeyboardInterrupt):
        translate(CountingEngine(fail_on_call=2, batch_size=4), requests, decoding)
    resumed = CountingEngine(batch_size=4)
    results = translate(resumed, requests, decoding)
    assert len(resumed.translated) == 6  # the first batch of 4 was stored before the interruption
    assert len(results) == 10


def _write_many(path: str, worker: int, count: int) -> None:
    memory = TranslationMemory(Path(path), "counting", "model@1", DecodingOptions())
    for start in range(0, count, 5):
        memory.store([(TranslationRequest(f"worker {worker} segment {n}"), TranslationResult(f"text {n}", -1.0))
                      for n in range(start, start + 5)])
        memory.lookup([TranslationRequest(f"worker {1 - worker} segment {start}")])
    memory.close()


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite3"
    TranslationMemory(path, "counting", "model@1", DecodingOptions()).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(str(path), worker, 200)) for worker in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM translations").fetchone()[0] == 400
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- through the command line --------------------------------------------------------------------

def run_zhen(*argv: str) -> int:
    return main(list(argv))


def test_cli_rerun_hits_and_glossary_edit_invalidates(sample_file: Path, tiny_model: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ctranslate2")
    import pipeline.engines.ctranslate2_engine as fast

    glossary = tmp_path / "terms.yaml"
    glossary.write_text('name: t\nversion: "1"\nentries:\n  - zh: 鲁班工坊\n    en: Luban Workshop\n    source: t\n',
                        encoding="utf-8")
    arguments = ["translate", str(sample_file), "--model", str(tiny_model), "--engine", "ctranslate2", "--quiet",
                 "--glossary", str(glossary)]
    assert run_zhen(*arguments, "--out", str(tmp_path / "first")) == 0
    translated: list[str] = []
    original = fast.CTranslate2Engine.translate_batches

    def spy(self, requests):  # noqa: ANN001, ANN202
        translated.extend(request.source for request in requests)
        return original(self, requests)

    monkeypatch.setattr(fast.CTranslate2Engine, "translate_batches", spy)
    assert run_zhen(*arguments, "--out", str(tmp_path / "second")) == 0
    assert translated == []
    first = json.loads((tmp_path / "first" / "sample.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "second" / "sample.json").read_text(encoding="utf-8"))
    assert first["paragraphs"] == second["paragraphs"]

    glossary.write_text(glossary.read_text(encoding="utf-8").replace("Luban Workshop", "Luban Workshops"),
                        encoding="utf-8")
    assert run_zhen(*arguments, "--out", str(tmp_path / "third")) == 0
    assert len(translated) == 1 and "鲁班工坊" in translated[0]  # only the segment the edited entry applies to

    assert run_zhen(*arguments, "--out", str(tmp_path / "fourth"), "--beams", "2") == 0
    assert len(translated) > 1  # other decoding options: nothing known


def test_no_cache_neither_reads_nor_writes(sample_file: Path, tiny_model: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ctranslate2")
    assert run_zhen("translate", str(sample_file), "--out", str(tmp_path / "out"), "--model", str(tiny_model),
                    "--engine", "ctranslate2", "--quiet", "--no-cache") == 0
    assert not (tmp_path / "cache" / "memory.sqlite3").exists()


def test_cache_info_and_clear(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run_zhen("cache", "info") == 0
    assert "not created yet" in capsys.readouterr().out
    translate(CountingEngine(), [LUBAN, PLAIN])
    (tmp_path / "cache" / "ct2" / "model-int8-0123").mkdir(parents=True)
    (tmp_path / "cache" / "ct2" / "model-int8-0123" / "model.bin").write_bytes(b"x" * 10)
    assert run_zhen("cache", "info") == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "cache") in out and "2 segments" in out and "model-int8-0123" in out
    assert run_zhen("cache", "info", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["memory"]["segments"] == 2 and report["memory"]["by_model"][0]["engine"] == "counting"

    capsys.readouterr()
    assert run_zhen("cache", "clear", "--keep-models") == 2  # not a terminal: cannot ask, so refuses
    assert "pass --yes" in capsys.readouterr().err
    assert run_zhen("cache", "info", "--json") == 0
    assert json.loads(capsys.readouterr().out)["memory"]["segments"] == 2  # nothing cleared
    assert run_zhen("cache", "clear", "--keep-models", "--yes") == 0
    assert (tmp_path / "cache" / "ct2" / "model-int8-0123").exists()
    engine = CountingEngine()
    translate(engine, [PLAIN])
    assert engine.translated == [PLAIN.source]
    assert run_zhen("cache", "clear", "-y") == 0
    assert not (tmp_path / "cache" / "ct2").exists()
    capsys.readouterr()
    assert run_zhen("cache", "info", "--json") == 0
    assert json.loads(capsys.readouterr().out)["memory"]["segments"] == 0


@pytest.mark.parametrize(("answer", "status", "cleared"), [("y", 0, True), ("yes", 0, True), ("n", 1, False),
                                                            ("", 1, False)])
def test_cache_clear_asks_on_a_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                        answer: str, status: int, cleared: bool) -> None:
    translate(CountingEngine(), [LUBAN, PLAIN])
    questions: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or answer)
    assert run_zhen("cache", "clear") == status
    assert len(questions) == 1 and "2 segments" in questions[0] and questions[0].endswith("[y/N] ")
    capsys.readouterr()
    assert run_zhen("cache", "info", "--json") == 0
    assert json.loads(capsys.readouterr().out)["memory"]["segments"] == (0 if cleared else 2)
