"""Every bad or odd input gets its documented outcome: a correct result, or a clear error with exit 2.

The table here is the one in the README's "Odd inputs" section.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import non_space
from pipeline.cli import main

DATA = Path(__file__).parent / "data"

# file, extra arguments, expected exit status, text the error must contain (errors) or None (results)
CASES = [
    ("empty.txt", [], 2, "empty"),
    ("whitespace_only.txt", [], 2, "empty"),
    ("image.png", [], 2, "binary"),
    ("utf16_bom.txt", [], 0, None),
    ("gbk_no_encoding.txt", [], 2, "--encoding gb18030"),
    ("gbk_no_encoding.txt", ["--encoding", "gbk"], 0, None),
    ("control_characters.txt", [], 0, None),
    ("punctuation_only.txt", [], 0, None),
    ("mixed_chinese_english.txt", [], 0, None),
    ("traditional.txt", [], 0, None),
    ("emoji_astral.txt", [], 0, None),
    ("page.html", [], 0, None),
    ("code_and_tables.md", [], 0, None),
]


def run(path: Path, out: Path, model: Path, *extra: str) -> int:
    return main(["translate", str(path), "--out", str(out), "--model", str(model), "--engine", "transformers",
                 "--beams", "1", "--quiet", "--no-cache", *extra])


@pytest.mark.parametrize(("name", "extra", "status", "message"), CASES, ids=[f"{c[0]}{'+'.join(c[1])}" for c in CASES])
def test_odd_input(name: str, extra: list[str], status: int, message: str | None, tiny_model: Path,
                   tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(DATA / name, tmp_path, tiny_model, *extra)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert code == status, captured.err
    outputs = sorted(path.name for path in tmp_path.iterdir())
    if message is not None:
        assert message in captured.err
        assert name in captured.err
        assert outputs == []
        return
    assert len(outputs) == 4 and not any(name.endswith(".part") for name in outputs)
    data = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    raw = (DATA / name).read_bytes()
    text = raw.decode(extra[1] if extra else ("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"))
    kept = "".join(paragraph.get("markup", "") + paragraph["source"] for paragraph in data["paragraphs"])
    assert Counter(non_space(kept)) == Counter(non_space(text.lstrip("\ufeff")))


def test_code_blocks_and_tables_are_not_translated(tiny_model: Path, tmp_path: Path) -> None:
    assert run(DATA / "code_and_tables.md", tmp_path, tiny_model) == 0
    data = json.loads((tmp_path / "code_and_tables.json").read_text(encoding="utf-8"))
    untranslated = [p for p in data["paragraphs"] if p["kind"] in {"code", "table"}]
    assert {p["kind"] for p in untranslated} == {"code", "table"}
    assert all(not p["segments"] and p["target"] == p["source"] for p in untranslated)
    english = (tmp_path / "code_and_tables.en.md").read_text(encoding="utf-8")
    assert "print('不要翻译这里')" in english and "| 鲁班工坊 | 17 |" in english


def test_five_megabyte_single_line_is_refused_quickly(tiny_model: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("一带一路" * (5 * 1024 * 1024 // 12), encoding="utf-8")
    assert run(path, tmp_path / "out", tiny_model) == 2
    error = capsys.readouterr().err
    assert "huge.txt" in error and "single line" in error
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_folder_and_missing_path_as_input(tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, tmp_path / "out", tiny_model) == 2
    assert "is a folder" in capsys.readouterr().err
    assert run(tmp_path / "missing.txt", tmp_path / "out", tiny_model) == 2
    assert "no such file" in capsys.readouterr().err


def test_unwritable_out(sample_file: Path, tiny_model: Path, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert run(sample_file, blocker / "out", tiny_model) == 2
    error = capsys.readouterr().err
    assert "output folder" in error and "Traceback" not in error
    assert blocker.read_text(encoding="utf-8") == "not a folder"
