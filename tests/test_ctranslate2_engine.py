"""The CTranslate2 engine: same tokens and JSON as the transformers engine, cached conversion, glossary repair."""

from __future__ import annotations

import json
import math
import os
import random
import re
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")

from conftest import REPO, SAMPLE_ZH, SEED_ARTICLE, non_space  # noqa: E402
from pipeline.cli import main  # noqa: E402
from pipeline.engines import ctranslate2_model, marian_pieces  # noqa: E402
from pipeline.engines.base import (  # noqa: E402
    DecodingOptions, EngineSettings, RequiredRendering, TranslationRequest, load_engine, resolve_engine_name,
)
from pipeline.glossary.match import count_rendering  # noqa: E402
from pipeline.errors import ModelError  # noqa: E402
from pipeline.engines.ctranslate2_glossary import GLOSSARY_METHOD  # noqa: E402



def settings(model: Path, **decoding: object) -> EngineSettings:
    return EngineSettings(model=str(model), device="cpu", threads=2,
                          decoding=DecodingOptions(**{"beams": 4, "batch_size": 4, **decoding}))


@pytest.fixture(scope="module")
def engine(tiny_model: Path):
    # Loaded lazily: the model is converted on the first translate(), into the test's cache folder.
    return load_engine("ctranslate2", settings(tiny_model))


def translate_json(path: Path, out: Path, model: Path, engine: str, *extra: str) -> dict:
    assert main(["translate", str(path), "--out", str(out), "--model", str(model), "--engine", engine,
                 "--quiet", "--no-cache", *extra]) == 0
    return json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))


def shape(value: object) -> object:
    """The JSON structure without its values: keys, nesting and list lengths (QA flags, which depend
    on the English, only by the keys of a flag)."""
    if isinstance(value, dict):
        return {key: flags_shape(item) if key == "flags" else shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__ if value is not None else "null-or-number"


def flags_shape(flags: list | dict) -> str:
    if isinstance(flags, dict):  # the run's counts per check
        assert all(isinstance(count, int) for count in flags.values())
        return "flag counts"
    assert all(set(flag) == {"check", "severity", "message"} for flag in flags), flags
    return "flags"


def terms(data: dict) -> list[tuple[dict, dict]]:
    return [(segment, term) for paragraph in data["paragraphs"] for segment in paragraph["segments"]
            for term in segment["terms"]]


# --- tokenisation --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "八项行动奠定共建“一带一路”新十年良好开局",
    "2023年10月，在第三届“一带一路”国际合作高峰论坛开幕式主旨演讲中。",
    "- 鲁班工坊在15个国家落地扎根。",
    "Mixed 中文 and English, ５Ｇ and 😀.",
    "前</s>后 <unk> x<pad>",
    ">>eng<< 中文",
    "",
    "  \t ",
])
def test_source_pieces_match_marian_tokenizer(text: str, tiny_model: Path) -> None:
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(tiny_model)
    pieces = marian_pieces.MarianPieces(tiny_model)
    assert pieces.source_pieces(text) == tokenizer.convert_ids_to_tokens(tokenizer(text).input_ids)
    spans = pieces.source_spans(text)
    assert len(spans) == len(pieces.source_pieces(text)) and spans == sorted(spans)
    assert all(0 <= start <= end <= len(text) for start, end in spans)


@pytest.mark.parametrize(("text", "term"), [
    ("八项行动奠定共建“一带一路”新十年良好开局", "一带一路"),
    ("八项行动奠定共建“一带一路”新十年良好开局", "八项行动"),
    ("鲁班工坊在15个国家落地扎根。", "国家"),
])
def test_source_range_covers_the_term(text: str, term: str, tiny_model: Path) -> None:
    pieces = marian_pieces.MarianPieces(tiny_model)
    start = text.index(term)
    first, last = pieces.source_range(text, start, start + len(term))
    source = [piece.replace("▁", "") for piece in pieces.source_pieces(text)]
    assert term in "".join(source[first:last])  # all of it, in as few pieces as hold it
    assert term not in "".join(source[first + 1:last]) and term not in "".join(source[first:last - 1])


def test_detokenize_matches_batch_decode(tiny_model: Path) -> None:
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(tiny_model)
    pieces = marian_pieces.MarianPieces(tiny_model)
    ids = sorted(tokenizer.get_vocab().values())
    generator = random.Random(7)
    sequences = [generator.choices(ids, k=generator.randint(0, 25)) for _ in range(200)]
    expected = tokenizer.batch_decode(sequences, skip_special_tokens=True, use_source_tokenizer=False)
    assert [pieces.detokenize(tokenizer.convert_ids_to_tokens(ids)) for ids in sequences] == expected


# --- the engine ------------------------------------------------------------------------------------

def test_count_tokens_matches_transformers(engine, tiny_model: Path) -> None:
    reference = load_engine("transformers", settings(tiny_model))
    texts = ["八项行动稳步推进，成果斐然。", "硬联通", "Mixed 中文 and English.", ""]
    assert engine.count_tokens(texts) == reference.count_tokens(texts)


def test_int8_by_default_and_in_the_identity(engine) -> None:
    assert engine.compute_type == "int8"
    assert ";int8;" in engine.identity
    assert engine.identity.endswith(f";{GLOSSARY_METHOD}")  # translations stored by another method are not reused
    assert engine.device == "cpu"


def test_unknown_compute_type_is_a_model_error(tiny_model: Path) -> None:
    with pytest.raises(ModelError, match="compute-type"):
        load_engine("ctranslate2", EngineSettings(model=str(tiny_model), device="cpu", compute_type="int3"))


def test_conversion_is_cached_and_loading_is_lazy(tiny_model: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHEN_CACHE_DIR", str(tmp_path))
    first = load_engine("ctranslate2", settings(tiny_model))
    assert first.count_tokens(["鲁班工坊"])[0] > 1
    assert not (tmp_path / "ct2").exists()  # nothing converted or loaded until something is translated
    first.translate([TranslationRequest("鲁班工坊在15个国家落地扎根。")])
    [converted] = [path for path in (tmp_path / "ct2").iterdir()]
    assert converted.name.endswith(tuple("0123456789abcdef")) and "-int8-" in converted.name
    assert not [path for path in (tmp_path / "ct2").iterdir() if path.name.startswith(".")]  # no leftovers

    def no_second_conversion(*args: object) -> None:
        raise AssertionError("converted twice")

    monkeypatch.setattr(ctranslate2_model, "_convert", no_second_conversion)
    second = load_engine("ctranslate2", settings(tiny_model))
    assert second.translate([TranslationRequest("鲁班工坊在15个国家落地扎根。")])[0].text


def test_output_layer_is_restricted_to_english_pieces(engine, tiny_model: Path) -> None:
    import sentencepiece

    english = sentencepiece.SentencePieceProcessor(model_file=str(tiny_model / "target.spm"))
    allowed = engine.pieces.target_vocabulary()
    assert set(allowed) - {"</s>", "<unk>"} <= {english.id_to_piece(i) for i in range(english.get_piece_size())}
    assert "<pad>" not in allowed and len(allowed) < len(engine.pieces.vocab)
    engine.translate([TranslationRequest("硬联通")])
    [converted] = list((Path(os.environ["ZHEN_CACHE_DIR"]) / "ct2").glob("*-int8-*"))
    assert (converted / "vmap.txt").read_text(encoding="utf-8").split() == allowed


def test_float32_is_converted_separately(tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHEN_CACHE_DIR", str(tmp_path))
    engine = load_engine("ctranslate2", EngineSettings(model=str(tiny_model), device="cpu", compute_type="float32"))
    engine.translate([TranslationRequest("硬联通")])
    assert [path.name.split("-")[-2] for path in (tmp_path / "ct2").iterdir()] == ["float32"]


def test_order_restored_and_renderings_met(engine) -> None:
    renderings = ["Luban Workshop", "small yet smart", "physical connectivity", "Belt and Road",
                  "institutional connectivity"]
    sources = ["鲁班工坊。", "小而美的项目在共建国家陆续落地发展。", "硬联通。",
               "一带一路倡议，互联互通，共同发展，成果斐然。", "软联通"]
    requests = [TranslationRequest(source, (RequiredRendering(rendering),))
                for source, rendering in zip(sources, renderings)]
    results = engine.translate(requests)
    assert len(results) == len(requests)
    for rendering, result in zip(renderings, results):
        assert count_rendering(result.text, rendering) == 1, (rendering, result.text)
        assert result.score is not None


def test_progress_reports_every_request(engine) -> None:
    seen: list[int] = []
    engine.translate([TranslationRequest(f"第{n}个项目落地。") for n in range(9)], seen.append)
    assert sum(seen) == 9 and len(seen) == 3  # batches of 4, 4 and 1


@pytest.mark.parametrize(("required", "count"), [("physical connectivity", 2), ("Luban Workshop", 3)])
def test_repeated_rendering_is_written_as_often_as_required(engine, required: str, count: int) -> None:
    [result] = engine.translate([TranslationRequest("硬联通、硬联通、鲁班工坊、鲁班工坊、鲁班工坊。",
                                                    (RequiredRendering(required, count),))])
    assert count_rendering(result.text, required) >= count


def test_avoided_rendering_is_suppressed(engine) -> None:
    # Find a word (one piece) the model writes of its own accord, then rule it out.
    sources = [line for line in SAMPLE_ZH.splitlines() if line.strip()]
    results = engine.translate([TranslationRequest(source) for source in sources])
    written = [(source, word) for source, result in zip(sources, results)
               for word in dict.fromkeys(re.findall(r"[A-Za-z]+", result.text))
               if count_rendering(result.text, word) and len(engine.pieces.target_pieces(word) or ()) == 1]
    if not written:
        pytest.skip("the test model writes no whole word here")
    source, word = written[0]
    for mode in ("hard", "soft"):
        suppressing = load_engine("ctranslate2", settings(engine.location.directory, constraints=mode))
        [result] = suppressing.translate([TranslationRequest(source, avoid=(word,))])
        assert count_rendering(result.text, word) == 0, (mode, word, result.text)


def test_a_rendering_goes_where_the_attention_aligns_its_term() -> None:
    from pipeline.engines.ctranslate2_glossary import aligned_run

    tokens = ["▁We", "▁build", "▁One", "▁Bel", "t", "▁One", "▁Road", "▁projects", "."]
    weight = [0.0, 0.1, 0.9, 0.8, 0.7, 0.9, 1.0, 0.2, 0.0]  # alignment of each piece to the term's source
    assert aligned_run(tokens, weight, [], cap=8) == (2, 7)  # "One Belt One Road": the prefix ends before it
    # Nothing before an earlier rendering (locked) nor inside a written one is replaced.
    assert aligned_run(tokens, weight, [(0, 3), (5, 7)], cap=8) == (3, 5)
    assert aligned_run(tokens, weight, [(0, 9)], cap=8) == (9, 9)  # nothing free: the rendering goes last


def test_a_segment_left_empty_starts_with_its_rendering() -> None:
    import numpy

    from pipeline.engines.ctranslate2_glossary import Rendering, Row, enforce

    rendering = Rendering("Belt and Road", 1, (("▁Belt", "▁and", "▁Road"),))
    row = Row(source=["▁", "一带一路", "</s>"], budget=10, required=(rendering,),
              sites=((rendering, numpy.array([0.0, 1.0, 0.0])),))
    asked: list[tuple[list[str], int]] = []

    def decode(rows, prefixes, caps) -> None:  # noqa: ANN001 - what the engine's search would do
        for again, prefix, cap in zip(rows, prefixes, caps):
            asked.append((list(prefix), cap))
            again.tokens, again.attention = list(prefix) + ["."], [[0.0, 1.0, 0.0]] * (len(prefix) + 1)

    enforce([row], "hard", lambda pieces: "".join(pieces).replace("▁", " ").strip(), decode, None, slack=2)
    assert asked == [(["▁Belt", "▁and", "▁Road"], 5)]  # the rendering, then at most the slack more
    assert row.tokens == ["▁Belt", "▁and", "▁Road", "."]


class Recorder:
    """Wraps the engine's own ``translate_batch`` calls (they still run) to see what was asked."""

    def __init__(self, engine, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[list[list[str]], dict]] = []
        run = engine._run

        def recording(sources: list[list[str]], **options: object) -> list:
            self.calls.append((sources, options))
            return run(sources, **options)

        monkeypatch.setattr(engine, "_run", recording)

    def redecodes(self) -> list[tuple[list[list[str]], dict]]:
        """The searches continuing a prefix (not the first search, not the short forced decodings)."""
        return [(sources, options) for sources, options in self.calls
                if options.get("target_prefix")
                and options["max_decoding_length"] > max(len(prefix or ()) for prefix in options["target_prefix"])]


def test_words_after_a_rendering_are_decoded_knowing_it_is_there(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    source, rendering = "非洲大地有鲁班工坊", "Luban Workshop"
    pieces = engine.pieces.source_pieces(source)
    budget = engine.decoding.length_budget(len(pieces))
    [unconstrained] = engine.translator.translate_batch([pieces], beam_size=4, max_decoding_length=budget,
                                                       use_vmap=True)
    old = unconstrained.hypotheses[0]
    assert count_rendering(engine.pieces.detokenize(old), rendering) == 0  # missing without the glossary
    recorder = Recorder(engine, monkeypatch)
    [result] = engine.translate([TranslationRequest(source, (RequiredRendering(rendering),))])
    [(sources, options)] = recorder.redecodes()
    [prefix] = options["target_prefix"]
    spelled = tuple(engine.pieces.target_pieces(rendering))
    before = len(prefix) - len(spelled)
    assert tuple(prefix[before:]) == spelled
    assert prefix[:before] == old[:before]  # the words before it are the unconstrained search's
    # The English after the rendering is what CTranslate2 decodes from that prefix, called directly
    # (the engine only adds a space where the next piece would run into the rendering).
    [direct] = engine.translator.translate_batch(sources, target_prefix=[prefix], beam_size=options["beam_size"],
                                                 max_decoding_length=options["max_decoding_length"], use_vmap=True)
    tail = direct.hypotheses[0][len(prefix):]
    assert result.text.split(rendering, 1)[1].strip() == engine.pieces.detokenize(tail)
    assert non_space(result.text) == non_space(engine.pieces.detokenize(direct.hypotheses[0]))
    assert tail and all(tail != old[start:] for start in range(len(old) + 1))  # not a piece of the old tail
    assert count_rendering(result.text, rendering) == 1


def test_several_renderings_placed_in_source_order_each_on_the_last(tiny_model: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    engine = load_engine("ctranslate2", EngineSettings(model=str(tiny_model), device="cpu", threads=1,
                                                       decoding=DecodingOptions(batch_size=8)))
    renderings = ("physical connectivity", "institutional connectivity", "people-to-people connectivity")
    order = ("people-to-people connectivity", "physical connectivity", "institutional connectivity")
    requests = [TranslationRequest("心联通，硬联通，软联通。", tuple(RequiredRendering(r) for r in renderings),
                                   terms=tuple((rendering, 4 * i, 4 * i + 3) for i, rendering in enumerate(order))),
                TranslationRequest("非洲大地有鲁班工坊", (RequiredRendering("Luban Workshop"),)),
                TranslationRequest("硬联通，硬联通。", (RequiredRendering("physical connectivity", 2),))]
    recorder = Recorder(engine, monkeypatch)
    results = engine.translate(requests)
    text = results[0].text.lower()
    assert [text.find(rendering) for rendering in order] == sorted(text.find(rendering) for rendering in order)
    assert all(count_rendering(text, rendering) == 1 for rendering in renderings)
    assert count_rendering(results[1].text, "Luban Workshop") == 1
    assert count_rendering(results[2].text, "physical connectivity") == 2
    # One call per round for every segment still short of a rendering, one rendering each per round,
    # and each later prefix continues the previous re-decode.
    rounds = recorder.redecodes()
    assert [len(sources) for sources, _ in rounds] == [3, 2, 1]
    # Where a request says where its terms are, no forced decoding is needed to find them.
    assert len(recorder.calls) == 1 + len(rounds) + 1  # the first search, the rounds, Luban's forced one
    first = [options["target_prefix"][0] for _, options in rounds]
    assert first[1][:len(first[0])] == first[0] and first[2][:len(first[1])] == first[1]


def test_soft_and_off_insert_nothing(tiny_model: Path) -> None:
    request = TranslationRequest("非洲大地有鲁班工坊", (RequiredRendering("Luban Workshop"),))
    for mode in ("soft", "off"):
        [result] = load_engine("ctranslate2", settings(tiny_model, constraints=mode)).translate([request])
        assert count_rendering(result.text, "Luban Workshop") == 0, mode


# --- end to end -----------------------------------------------------------------------------------

def test_same_segments_and_json_shape_as_transformers(sample_file: Path, tiny_model: Path, tmp_path: Path) -> None:
    fast = translate_json(sample_file, tmp_path / "ct2", tiny_model, "ctranslate2")
    reference = translate_json(sample_file, tmp_path / "hf", tiny_model, "transformers")
    assert shape(fast) == shape(reference)
    assert [[(s["id"], s["source"]) for s in p["segments"]] for p in fast["paragraphs"]] == \
           [[(s["id"], s["source"]) for s in p["segments"]] for p in reference["paragraphs"]]
    assert fast["metadata"]["engine"] == "ctranslate2" and reference["metadata"]["engine"] == "transformers"
    assert all(segment["target"] for paragraph in fast["paragraphs"] for segment in paragraph["segments"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“硬联通”“软联通”“心联通”不断深化。",
         {"physical connectivity": 1, "institutional connectivity": 1, "people-to-people connectivity": 1}),
        ("小而美项目很多，小而美项目更多，小而美。", {"small yet smart": 3}),
        ("非洲大地有鲁班工坊", {"Luban Workshop": 1}),
    ],
    ids=["adjacent", "repeated", "at-the-end"],
)
def test_hard_constraints_meet_every_occurrence(text: str, expected: dict[str, int], tiny_model: Path,
                                                glossary_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    data = translate_json(path, tmp_path / "out", tiny_model, "ctranslate2", "--glossary", str(glossary_file))
    pairs = terms(data)
    assert sum(expected.values()) == len(pairs)
    assert all(term["status"] in {"applied", "repaired"} for _, term in pairs)
    target = " ".join(paragraph["target"] for paragraph in data["paragraphs"])
    for rendering, count in expected.items():
        assert count_rendering(target, rendering) >= count
    assert count_rendering(target, "small and beautiful") == 0


def test_constraints_off_leaves_term_missing(tiny_model: Path, glossary_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("鲁班工坊落地扎根。", encoding="utf-8")
    data = translate_json(path, tmp_path / "out", tiny_model, "ctranslate2", "--glossary", str(glossary_file),
                          "--constraints", "off")
    [(segment, term)] = terms(data)
    assert term["status"] == "missing"
    assert any(flag["check"] == "term-missing" for flag in segment["flags"])


def test_seed_article_terms_all_enforced(tiny_model: Path, tmp_path: Path) -> None:
    data = translate_json(SEED_ARTICLE, tmp_path, tiny_model, "ctranslate2", "--glossary",
                          str(REPO / "glossary" / "belt_and_road.yaml"), "--beams", "2")
    pairs = terms(data)
    counts = data["metadata"]["counts"]["terms"]
    assert len(pairs) >= 50
    assert counts["missing"] == 0, [(s["source"], t["en"], s["target"]) for s, t in pairs if t["status"] == "missing"]
    from pipeline.glossary.load import load_glossary

    avoided = {phrase for entry in load_glossary(REPO / "glossary").entries for phrase in entry.avoid}
    english = " ".join(paragraph["target"] for paragraph in data["paragraphs"])
    assert all(count_rendering(english, phrase) == 0 for phrase in avoided)


# --- the default engine -----------------------------------------------------------------------------

def test_auto_picks_ctranslate2_when_installed() -> None:
    assert resolve_engine_name("auto") == "ctranslate2"


def test_default_engine_meets_every_term_and_says_so(sample_file: Path, tiny_model: Path, glossary_file: Path,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ZHEN_CACHE_DIR", str(tmp_path / "fresh-cache"))  # the first run converts
    out = tmp_path / "out"
    assert main(["translate", str(sample_file), "--out", str(out), "--model", str(tiny_model),
                 "--glossary", str(glossary_file), "--threads", "2"]) == 0
    captured = capsys.readouterr()
    [conversion] = captured.err.splitlines()
    assert "converting" in conversion and "CTranslate2" in conversion
    [summary] = captured.out.splitlines()
    assert "ctranslate2 int8, 2 workers" in summary
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert (data["metadata"]["engine"], data["metadata"]["compute_type"], data["metadata"]["workers"]) == (
        "ctranslate2", "int8", 2)
    from openpyxl import load_workbook

    summary = dict(row[:2] for row in load_workbook(next(out.glob("*.xlsx")))["Summary"].iter_rows(
        min_row=2, values_only=True))
    assert (summary["Engine"], summary["Compute type"], summary["Workers"]) == ("ctranslate2", "int8", 2)
    pairs = terms(data)
    assert len(pairs) >= 8 and data["metadata"]["counts"]["terms"]["missing"] == 0
    assert all(term["status"] in {"applied", "repaired"} for _, term in pairs)
    # A second run finds the conversion cached and has nothing to say but its summary.
    assert main(["translate", str(sample_file), "--out", str(out), "--model", str(tiny_model),
                 "--glossary", str(glossary_file), "--no-cache"]) == 0
    assert capsys.readouterr().err == ""


@pytest.fixture(scope="module")
def unconvertible_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with an activation transformers runs and CTranslate2's converter does not know."""
    import shutil

    folder = tmp_path_factory.mktemp("unconvertible") / "model"
    shutil.copytree(tiny_model, folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["activation_function"] = "tanh"
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


def test_auto_falls_back_to_transformers_when_conversion_fails(sample_file: Path, unconvertible_model: Path,
                                                              tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    command = ["translate", str(sample_file), "--out", str(tmp_path), "--model", str(unconvertible_model),
               "--no-cache"]
    assert main(command) == 0
    captured = capsys.readouterr()
    trying, fallback = captured.err.splitlines()  # the attempt, then the fallback
    assert "converting" in trying
    assert "CTranslate2 cannot convert" in fallback and "transformers engine instead" in fallback
    assert "transformers float32, 1 worker," in captured.out
    data = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    assert data["metadata"]["engine"] == "transformers"
    # The refusal is remembered: the next run falls back at once, with that one line.
    assert main(command) == 0
    assert capsys.readouterr().err.splitlines() == [fallback]


def test_explicit_ctranslate2_that_cannot_convert_is_an_error(sample_file: Path, unconvertible_model: Path,
                                                             tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", str(sample_file), "--out", str(tmp_path / "out"), "--model", str(unconvertible_model),
                 "--engine", "ctranslate2", "--quiet"]) == 2
    message = capsys.readouterr().err
    assert "CTranslate2 cannot convert the model" in message and "use --engine transformers" in message
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_batches_run_side_by_side_on_the_cpu(tiny_model: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHEN_CACHE_DIR", str(tmp_path))
    engine = load_engine("ctranslate2", EngineSettings(model=str(tiny_model), device="cpu", threads=3,
                                                       decoding=DecodingOptions(batch_size=16)))
    assert engine.workers == 3 and engine.translator.num_translators == 3
    requests = [TranslationRequest(f"第{n}个项目在{n + 2}个国家落地。") for n in range(7)]
    batches = list(engine.translate_batches(requests))
    assert len(batches) == 3  # fewer segments than a full batch are still shared among the workers
    indices = sorted(index for batch in batches for index, _ in batch)
    assert indices == list(range(7))
    by_index = {index: result.text for batch in batches for index, result in batch}
    assert [result.text for result in engine.translate(requests)] == [by_index[i] for i in range(7)]


def test_many_threads_are_shared_among_a_bounded_number_of_workers(tiny_model: Path) -> None:
    from pipeline.engines.ctranslate2_engine import MAX_CPU_WORKERS

    engine = load_engine("ctranslate2", EngineSettings(model=str(tiny_model), device="cpu",
                                                       threads=2 * MAX_CPU_WORKERS + 1))
    assert (engine.workers, engine.threads_per_worker) == (MAX_CPU_WORKERS, 2)


def test_both_engines_choose_among_the_same_target_pieces(tiny_model: Path) -> None:
    import torch

    from pipeline.engines.marian_pieces import MarianPieces
    from pipeline.engines.transformers_engine import TargetSideProjection

    reference = load_engine("transformers", EngineSettings(model=str(tiny_model), device="cpu"))
    head = reference.model.lm_head
    assert isinstance(head, TargetSideProjection)
    pieces = MarianPieces(tiny_model)
    assert head.allowed.tolist() == sorted(pieces.vocab[piece] for piece in pieces.target_vocabulary())
    hidden = torch.randn(2, 3, reference.model.config.d_model)
    logits = head(hidden)
    full = hidden @ reference.model.get_input_embeddings().weight.T  # the tied, unrestricted projection
    allowed = head.allowed
    assert torch.allclose(logits[..., allowed], full[..., allowed], atol=1e-5)
    others = torch.ones(logits.shape[-1], dtype=torch.bool)
    others[allowed] = False
    assert others.any() and torch.isneginf(logits[..., others]).all()
    # Rows of one batch end at different lengths: the padding after the shorter one is not scored.
    results = reference.translate([TranslationRequest("鲁班工坊。"), TranslationRequest(SAMPLE_ZH[:120])])
    assert all(result.score is not None and math.isfinite(result.score) for result in results)
