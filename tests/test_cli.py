"""The ``zhen`` command line end to end, as a new user meets it: run from a working folder of their
own (not the repository), under a shared-drive umask, with output piped into ``head``."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from conftest import REPO, SAMPLE_ZH, SEED_ARTICLE

from pipeline.cli import main
from pipeline.export.workbook import COLUMNS
from pipeline.glossary.load import load_glossary, shipped_glossary


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_day_one_outside_the_repository(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch,
                                        umask_022: None, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # a working folder with no glossary/ in it
    Path("article.zh.txt").write_text(SAMPLE_ZH, encoding="utf-8")
    assert main(["translate", "article.zh.txt", "--model", str(tiny_model), "--engine", "transformers",
                 "--no-cache"]) == 0
    shipped = load_glossary(shipped_glossary())
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert summary.endswith(f"; glossary {shipped_glossary()} ({len(shipped)} entries)")

    # the shipped glossary's terms were applied
    record = json.loads(Path("outputs/article.json").read_text(encoding="utf-8"))
    assert record["metadata"]["glossary"]["entries"] == len(shipped) > 100
    assert record["metadata"]["glossary"]["path"] == str(shipped_glossary())
    terms = record["metadata"]["counts"]["terms"]
    assert terms["applied"] + terms["repaired"] > 0
    hits = [hit for paragraph in record["paragraphs"] for segment in paragraph["segments"] for hit in segment["terms"]]
    assert "Luban Workshop" in {hit["en"] for hit in hits if hit["status"] in ("applied", "repaired")}

    # everything is readable by colleagues (umask 022), like any file the user writes
    outputs = sorted(Path("outputs").iterdir())
    assert [path.name for path in outputs] == ["article.en.md", "article.json", "article.md", "article.xlsx"]
    assert {path.name: mode(path) for path in outputs} == {path.name: 0o644 for path in outputs}

    # the workbook: source, machine and reviewed translation side by side, frozen after the source, printable
    book = load_workbook("outputs/article.xlsx")
    sheet = book["Translation"]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert sheet.freeze_panes == "C2"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1 and sheet.print_title_rows == "$1:$1"
    assert sheet.print_options.gridLines
    summary_sheet = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary_sheet["Glossary file or folder"] == str(shipped_glossary())
    assert summary_sheet["Glossary entries"] == len(shipped)

    # the bilingual Markdown has one title, not two
    parsed = MarkdownIt("commonmark").parse(Path("outputs/article.md").read_text(encoding="utf-8"))
    assert [token.tag for token in parsed if token.type == "heading_open"].count("h1") == 1

    # a review of two rows: the TMX holds those two, nothing else
    rows = list(sheet.iter_rows(min_row=2))
    first, second = rows[0], rows[1]
    first[COLUMNS.index("Reviewed translation (en)")].value = "Eight Major Steps for a new decade"
    first[COLUMNS.index("Status")].value = "Edited"
    second[COLUMNS.index("Status")].value = "Approved"
    rows[2][COLUMNS.index("Status")].value = "Rejected"
    book.save("outputs/article.xlsx")
    assert main(["review", "apply", "outputs/article.xlsx"]) == 0
    assert f"glossary {shipped_glossary()}" in capsys.readouterr().out
    tmx = Path("outputs/article.tmx").read_text(encoding="utf-8")
    assert tmx.count("<tu ") == 2
    assert f'tuid="{first[0].value}"' in tmx and f'tuid="{second[0].value}"' in tmx
    assert "Eight Major Steps for a new decade" in tmx
    for name in ("article.final.en.md", "article.final.md", "article.tmx", "article.review.txt"):
        assert mode(Path("outputs") / name) == 0o644, name


def _big_glossary(path: Path, count: int) -> Path:
    lines = ['name: big', 'version: "1"', "entries:"]
    for number in range(count):
        zh = "第" + "".join("零一二三四五六七八九"[int(digit)] for digit in f"{number:04d}") + "区"
        lines += [f"  - zh: {zh}", f"    en: district number {number}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("arguments", [
    ["glossary", "export", "--format", "tsv", "--glossary", "big.yaml"],  # far more than a pipe holds
    ["glossary", "suggest", str(SEED_ARTICLE), "--top", "200", "--min-count", "1"],
])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, arguments: list[str]) -> None:
    """`zhen … | head -1`: the reader stops after one line; zhen ends with status 0 and says nothing."""
    _big_glossary(tmp_path / "big.yaml", 5000)
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "pipeline", *arguments], cwd=tmp_path, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()  # as head does after its line
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert error == ""


def test_a_missing_ctranslate2_gives_the_install_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # `import ctranslate2` fails as when not installed
    monkeypatch.chdir(tmp_path)
    Path("article.zh.txt").write_text(SAMPLE_ZH, encoding="utf-8")
    assert main(["translate", "article.zh.txt", "--engine", "ctranslate2", "--model", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert "the ctranslate2 engine needs ctranslate2, which is not installed" in error
    assert "pip install -e ." in error and "--engine transformers" in error
    assert not Path("outputs/article.xlsx").exists()
