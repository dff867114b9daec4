"""No lost work, no overwritten review, no half-written output, no formula in a workbook."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook

from conftest import REPO
from pipeline.cli import main
from pipeline.document import Document, Paragraph, Segment
from pipeline.export.workbook import COLUMNS, write_workbook

SOURCE, MACHINE = COLUMNS.index("Source (zh)"), COLUMNS.index("Machine translation (en)")

NUMERALS = "一二三四五六七八九十"


def long_document(path: Path) -> Path:
    """Sixty distinct sentences in a dozen paragraphs: many engine batches at --batch-size 2."""
    paragraphs = []
    for p in range(12):
        sentences = [f"第{NUMERALS[p % 10]}{NUMERALS[s]}个小而美项目在{NUMERALS[(p + s) % 10]}个国家落地。" for s in range(5)]
        paragraphs.append("".join(sentences))
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def zhen_command(source: Path, out: Path, model: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "translate", str(source), "--out", str(out), "--model", str(model),
            "--engine", "transformers", "--batch-size", "2", "--beams", "2", "--quiet", *extra]


def zhen_env(cache: Path) -> dict[str, str]:
    return {**os.environ, "ZHEN_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1", "SOURCE_DATE_EPOCH": "1700000000",
            "PYTHONPATH": str(REPO)}


def stored_translations(cache: Path) -> int:
    database = cache / "memory.sqlite3"
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(database, timeout=1) as connection:
            return connection.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def interrupt_midway(command: list[str], env: dict[str, str], cache: Path, sig: int) -> subprocess.CompletedProcess:
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while stored_translations(cache) < 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def workbook_values(path: Path) -> list[tuple]:
    return list(load_workbook(path)["Translation"].iter_rows(values_only=True))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "Ctrl-C"])
def test_interrupted_run_resumes_to_identical_outputs(sig: int, tiny_model: Path, tmp_path: Path) -> None:
    source = long_document(tmp_path / "long.zh.txt")
    out = tmp_path / "out"
    command = zhen_command(source, out, tiny_model)
    reference_env = zhen_env(tmp_path / "cache-reference")
    subprocess.run(command, env=reference_env, check=True, timeout=600)
    reference = {name: (out / name).read_bytes() for name in ("long.json", "long.md", "long.en.md")}
    reference_cells = workbook_values(out / "long.xlsx")
    for path in out.iterdir():
        path.unlink()

    cache = tmp_path / "cache-interrupted"
    env = zhen_env(cache)
    interrupted = interrupt_midway(command, env, cache, sig)
    assert interrupted.returncode != 0, "the run finished before it could be interrupted"
    assert not (out / "long.json").exists()
    finished = stored_translations(cache)
    assert 0 < finished
    if sig == signal.SIGINT:
        assert interrupted.returncode == 130
        assert "Traceback" not in interrupted.stderr
        assert len(interrupted.stderr.strip().splitlines()) == 1 and "interrupted" in interrupted.stderr

    subprocess.run(command, env=env, check=True, timeout=600)
    for name, content in reference.items():
        assert (out / name).read_bytes() == content, name
    assert workbook_values(out / "long.xlsx") == reference_cells
    assert stored_translations(cache) == stored_translations(tmp_path / "cache-reference")


def test_reviewed_workbook_is_not_overwritten_without_force(sample_file: Path, tiny_model: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    args = ["translate", str(sample_file), "--out", str(tmp_path), "--model", str(tiny_model),
            "--engine", "transformers", "--quiet", "--beams", "1"]
    assert main(args) == 0
    workbook_path = tmp_path / "sample.xlsx"
    workbook = load_workbook(workbook_path)
    workbook["Translation"]["D2"] = "A reviewer's own sentence."
    workbook.save(workbook_path)
    reviewed = workbook_path.read_bytes()
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    assert main(args) == 2
    error = capsys.readouterr().err
    assert "reviewer edits" in error and "--force" in error
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before

    assert main([*args, "--force"]) == 0
    backups = list(tmp_path.glob("sample.reviewed-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == reviewed
    assert load_workbook(workbook_path)["Translation"]["D2"].value in (None, "")


def test_failed_export_leaves_previous_outputs_intact(sample_file: Path, tiny_model: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = ["translate", str(sample_file), "--out", str(out), "--model", str(tiny_model),
            "--engine", "transformers", "--quiet", "--beams", "1"]
    assert main(args) == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pipeline.outputs.write_markdown", disk_full)
    sample_file.write_text(sample_file.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    assert main(args) == 2
    error = capsys.readouterr().err
    assert "No space left on device" in error and "Traceback" not in error
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


def test_two_runs_sharing_cache_and_output_folder(tiny_model: Path, tmp_path: Path) -> None:
    first = long_document(tmp_path / "first.zh.txt")
    second = tmp_path / "second.zh.txt"
    second.write_text(first.read_text(encoding="utf-8").replace("项目", "工程"), encoding="utf-8")
    out, env = tmp_path / "out", zhen_env(tmp_path / "cache")
    processes = [subprocess.Popen(zhen_command(source, out, tiny_model), env=env, stderr=subprocess.PIPE, text=True)
                 for source in (first, second, first)]
    errors = [process.communicate(timeout=600)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], errors
    for name in ("first", "second"):
        data = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert data["metadata"]["counts"]["segments"] == 60
        assert len(workbook_values(out / f"{name}.xlsx")) == 61
    assert not list(out.glob(".*.part"))
    with sqlite3.connect(tmp_path / "cache" / "memory.sqlite3") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


FORMULAS = ["=HYPERLINK(\"http://example.com\",\"click\")", "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A3)"]


def formula_document(tmp_path: Path) -> Document:
    segments = [Segment(id=f"p1.s{i + 1}", source=f"{text}来源", parts=[f"{text}来源"], target=text)
                for i, text in enumerate(FORMULAS)]
    segments += [Segment(id=f"p1.s{len(segments) + i + 1}", source=text, parts=[text], target=f"{text} translated")
                 for i, text in enumerate(FORMULAS)]
    paragraph = Paragraph(id="p1", kind="body", source="".join(s.source for s in segments), segments=segments)
    return Document(path=tmp_path / "formulas.txt", text=paragraph.source, paragraphs=[paragraph])


def test_formula_like_text_never_becomes_a_formula(tmp_path: Path) -> None:
    target = tmp_path / "formulas.xlsx"
    write_workbook(formula_document(tmp_path), target)
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    sheet = load_workbook(target)["Translation"]
    rows = list(sheet.iter_rows(min_row=2))
    for row, text in zip(rows, FORMULAS):
        assert row[SOURCE].value == f"{text}来源" and row[SOURCE].data_type == "s"
        assert row[MACHINE].value == text and row[MACHINE].data_type == "s"
    for row, text in zip(rows[len(FORMULAS):], FORMULAS):
        assert row[SOURCE].value == text and row[SOURCE].data_type == "s"


@given(st.text(min_size=1, max_size=200))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_round_trips_through_the_workbook_or_is_reported(tmp_path: Path, text: str) -> None:
    segment = Segment(id="p1.s1", source=text, parts=[text], target=text)
    document = Document(path=tmp_path / "fuzz.txt", text=text,
                        paragraphs=[Paragraph(id="p1", kind="body", source=text, segments=[segment])])
    target = tmp_path / "fuzz.xlsx"
    write_workbook(document, target)
    workbook = load_workbook(target)
    row = next(workbook["Translation"].iter_rows(min_row=2, values_only=True))
    read_back = [str(row[SOURCE] or ""), str(row[MACHINE] or "")]
    if read_back != [text, text]:
        summary = {str(r[0]): r[1] for r in workbook["Summary"].iter_rows(values_only=True) if r and r[0]}
        replaced = [value for key, value in summary.items() if "replaced" in key.lower()]
        assert replaced and int(replaced[0]) > 0, (text, read_back, summary)
