"""``zhen translate`` end to end on the tiny real MarianMT model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import REPO, SEED_ARTICLE, non_space
from pipeline.cli import main


def translate(*args: str) -> int:
    return main(["translate", *args, "--engine", "transformers", "--quiet", "--no-cache"])


def assert_every_character_accounted(source_text: str, data: dict) -> None:
    paragraphs = data["paragraphs"]
    for paragraph in paragraphs:
        if paragraph["segments"]:
            assert "".join(segment["source"] for segment in paragraph["segments"]) == paragraph["source"]
    kept = "".join(paragraph.get("markup", "") + paragraph["source"] for paragraph in paragraphs)
    assert Counter(non_space(kept)) == Counter(non_space(source_text))


def test_end_to_end_writes_all_outputs(sample_file: Path, tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert translate(str(sample_file), "--out", str(out), "--model", str(tiny_model)) == 0
    for name in ("sample.xlsx", "sample.md", "sample.en.md", "sample.json"):
        assert (out / name).is_file(), name
    data = json.loads((out / "sample.json").read_text(encoding="utf-8"))
    assert_every_character_accounted(sample_file.read_text(encoding="utf-8"), data)
    kinds = [paragraph["kind"] for paragraph in data["paragraphs"]]
    assert kinds[0] == "title" and "heading" in kinds and "body" in kinds and "list_item" in kinds
    segments = [segment for paragraph in data["paragraphs"] for segment in paragraph["segments"]]
    assert len({segment["id"] for segment in segments}) == len(segments)
    assert all(segment["target"] for segment in segments)
    assert all(set(segment) >= {"id", "source", "target", "terms", "flags"} for segment in segments)
    for full_width in "，。“”：；！？（）":
        assert all(full_width not in segment["target"] for segment in segments)
    sheet = load_workbook(out / "sample.xlsx")["Translation"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["ID", "Source (zh)", "Machine translation (en)", "Reviewed translation (en)"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [s["id"] for s in segments]
    bilingual = (out / "sample.md").read_text(encoding="utf-8")
    assert "“小而美”项目卓有成效普惠民生。" in bilingual


def test_offline_model_error_is_short_and_exits_2(sample_file: Path, tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    completed = subprocess.run(
        [sys.executable, "-m", "pipeline", "translate", str(sample_file), "--out", str(tmp_path),
         "--model", "Helsinki-NLP/opus-mt-zh-en-not-cached", "--engine", "transformers", "--quiet"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "Helsinki-NLP/opus-mt-zh-en-not-cached" in completed.stderr
    assert "--model DIR" in completed.stderr and "connected machine" in completed.stderr
    assert not list(tmp_path.glob("*.json"))


def test_incomplete_model_folder_names_the_missing_file(sample_file: Path, tiny_model: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    for path in tiny_model.iterdir():
        if path.name != "target.spm":
            (broken / path.name).write_bytes(path.read_bytes())
    assert translate(str(sample_file), "--out", str(tmp_path), "--model", str(broken)) == 2
    assert "target.spm" in capsys.readouterr().err


def test_long_unpunctuated_paragraph_is_not_truncated(tiny_model: Path, tmp_path: Path) -> None:
    text = "互联互通建设成为其中重点推进方向" * 190  # over 3,000 characters, no punctuation
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    assert translate(str(path), "--out", str(tmp_path), "--model", str(tiny_model),
                     "--max-segment-tokens", "120") == 0
    data = json.loads((tmp_path / "long.json").read_text(encoding="utf-8"))
    assert_every_character_accounted(text, data)
    segment = data["paragraphs"][0]["segments"][0]
    assert len(segment["parts"]) > 1
    assert "".join(part["source"] for part in segment["parts"]) == text


def test_gb18030_with_and_without_encoding(tiny_model: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "legacy.zh.txt"
    path.write_bytes("高质量共建“一带一路”。\n\n鲁班工坊落地扎根。\n".encode("gb18030"))
    assert translate(str(path), "--out", str(tmp_path / "a"), "--model", str(tiny_model)) == 2
    error = capsys.readouterr().err
    assert "legacy.zh.txt" in error and "byte offset" in error and "Traceback" not in error
    assert translate(str(path), "--out", str(tmp_path / "b"), "--model", str(tiny_model),
                     "--encoding", "gb18030") == 0
    data = json.loads((tmp_path / "b" / "legacy.json").read_text(encoding="utf-8"))
    assert data["paragraphs"][0]["source"] == "高质量共建“一带一路”。"


@pytest.mark.parametrize("content", ["", "  \n\n \t\n"])
def test_empty_input_is_a_clear_error(content: str, tiny_model: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.txt"
    path.write_text(content, encoding="utf-8")
    assert translate(str(path), "--out", str(tmp_path), "--model", str(tiny_model)) == 2
    assert "empty" in capsys.readouterr().err
    assert not (tmp_path / "empty.json").exists()


def test_seed_article_accounts_for_every_character(tiny_model: Path, tmp_path: Path) -> None:
    assert translate(str(SEED_ARTICLE), "--out", str(tmp_path), "--model", str(tiny_model), "--beams", "2") == 0
    data = json.loads((tmp_path / "seed_article.json").read_text(encoding="utf-8"))
    assert_every_character_accounted(SEED_ARTICLE.read_text(encoding="utf-8"), data)
    assert data["metadata"]["counts"]["segments"] >= 60


@pytest.mark.parametrize("damaged", ["model.safetensors", "config.json", "source.spm"])
def test_corrupt_model_file_is_named(damaged: str, sample_file: Path, tiny_model: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    for path in tiny_model.iterdir():
        data = path.read_bytes()
        (broken / path.name).write_bytes(data[: len(data) // 3] if path.name == damaged else data)
    assert translate(str(sample_file), "--out", str(tmp_path / "out"), "--model", str(broken)) == 2
    error = capsys.readouterr().err
    assert damaged in error and "Traceback" not in error
