"""The runner (pipeline/run.py): stage lists over the same stages, switched off by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLE_ZH
from pipeline.document import Document
from pipeline.engines.base import DecodingOptions, EngineSettings, load_engine
from pipeline.glossary.load import load_glossary
from pipeline.glossary.model import Glossary
from pipeline.qa import check_names
from pipeline.run import ALIGN_STAGES, TRANSLATE_STAGES, RunContext, RunSettings, run_stages


@pytest.fixture(scope="module")
def engine(tiny_model: Path):  # noqa: ANN201
    decoding = DecodingOptions(beams=1, constraints="hard")
    return load_engine("transformers", EngineSettings(model=str(tiny_model), device="cpu", threads=1, decoding=decoding))


def document() -> Document:
    return Document(path=Path("sample.zh.txt"), text=SAMPLE_ZH)


def test_translate_and_align_share_their_stages() -> None:
    translate = dict(TRANSLATE_STAGES)
    for name, stage in ALIGN_STAGES:
        if name != "align":
            assert translate[name] is stage


@pytest.mark.parametrize("disabled", ["verify_terms", "postprocess", "qa"])
def test_switching_a_stage_off_leaves_the_others_working(engine, glossary_file: Path, disabled: str) -> None:  # noqa: ANN001
    settings = RunSettings(engine="transformers", disable=(disabled,), use_cache=False)
    result = run_stages(document(), RunContext(settings, load_glossary(glossary_file), engine), TRANSLATE_STAGES)
    assert disabled not in result.timings and "assemble" in result.timings
    body = [p for p in result.paragraphs if p.translatable and p.segments]
    assert body and all(p.target for p in body), "every translated paragraph still has its English"
    statuses = {hit.status for segment in result.segments for hit in segment.terms}
    if disabled == "verify_terms":
        assert statuses == {"pending"}
    else:
        assert statuses <= {"applied", "repaired", "missing"}
    checks = {flag.check for p in result.paragraphs for flag in [*p.flags, *(f for s in p.segments for f in s.flags)]}
    if disabled == "qa":
        assert not checks & set(check_names())
    else:
        assert checks & set(check_names()), "the random model's English always draws some QA finding"


def test_metadata_names_what_ran(engine) -> None:  # noqa: ANN001
    settings = RunSettings(engine="transformers", use_cache=False, command="zhen translate sample.zh.txt")
    result = run_stages(document(), RunContext(settings, Glossary.empty(), engine), TRANSLATE_STAGES)
    metadata = result.metadata
    assert metadata["engine"] == "transformers" and metadata["command"] == "zhen translate sample.zh.txt"
    assert metadata["counts"]["segments"] == len(result.segments) > 0
    assert "alignment" not in metadata
