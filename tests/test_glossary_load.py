"""Which glossary a command uses (pipeline/glossary/load.py ``find_glossary``): ``--glossary``, else
``./glossary/``, else the glossary shipped with the package; the same rule for every command, run
from a folder of the user's own (not the repository)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE_ZH

from pipeline.cli import main
from pipeline.errors import GlossaryError
from pipeline.glossary.load import find_glossary, load_glossary, shipped_glossary

SMALL_GLOSSARY = """\
name: mine
version: "1"
entries:
  - zh: 鲁班工坊
    en: Luban Workshop
"""


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder outside the repository, without a glossary/ of its own."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    (folder / "article.zh.txt").write_text(SAMPLE_ZH, encoding="utf-8")
    return folder


def test_the_shipped_glossary_is_the_repository_glossary() -> None:
    """One glossary, maintained in glossary/; the package ships a copy. After editing glossary/
    belt_and_road.yaml run: cp glossary/belt_and_road.yaml pipeline/glossary/shipped/"""
    shipped = sorted(path.name for path in shipped_glossary().glob("*.yaml"))
    assert shipped == ["belt_and_road.yaml"]
    assert (shipped_glossary() / "belt_and_road.yaml").read_bytes() == (REPO / "glossary" / "belt_and_road.yaml").read_bytes()


def test_the_shipped_glossary_is_package_data() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"glossary/shipped/*.yaml"' in pyproject


@pytest.mark.parametrize(("given", "local_folder", "expected"), [
    ("mine.yaml", True, "mine.yaml"),  # --glossary wins
    ("mine.yaml", False, "mine.yaml"),
    (None, True, "glossary"),  # else ./glossary/
    (None, False, "shipped"),  # else the shipped glossary
])
def test_find_glossary(workdir: Path, given: str | None, local_folder: bool, expected: str) -> None:
    (workdir / "mine.yaml").write_text(SMALL_GLOSSARY, encoding="utf-8")
    if local_folder:
        (workdir / "glossary").mkdir()
        (workdir / "glossary" / "mine.yaml").write_text(SMALL_GLOSSARY, encoding="utf-8")
    found = find_glossary(given)
    assert found == (shipped_glossary() if expected == "shipped" else Path(expected))


def test_a_missing_glossary_named_is_an_error(workdir: Path) -> None:
    with pytest.raises(GlossaryError, match="no glossary at nowhere.yaml"):
        find_glossary("nowhere.yaml")


@pytest.mark.parametrize("command", [
    ["translate", "article.zh.txt"],
    ["align", "article.zh.txt", "article.zh.txt"],
    ["review", "apply", "article.xlsx"],
    ["glossary", "check"],
    ["glossary", "suggest", "article.zh.txt"],
    ["glossary", "export", "--format", "csv"],
    ["glossary", "import", "terms.csv", "-o", "new.yaml"],
])
def test_every_command_says_so_in_one_line_when_the_glossary_named_is_missing(
        workdir: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "terms.csv").write_text("鲁班工坊,Luban Workshop\n", encoding="utf-8")
    assert main([*command, "--glossary", "nowhere"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "no glossary at nowhere" in captured.err
    assert "Traceback" not in captured.err
    assert sorted(path.name for path in workdir.iterdir()) == ["article.zh.txt", "terms.csv"]  # nothing written


def test_glossary_commands_use_the_shipped_glossary_outside_the_repository(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shipped = load_glossary(shipped_glossary())
    assert len(shipped) > 100
    assert main(["glossary", "check"]) == 0
    assert f"{shipped_glossary()}: {len(shipped)} entries in 1 file" in capsys.readouterr().out
    assert main(["glossary", "export", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(shipped.approved)
    assert main(["glossary", "suggest", "article.zh.txt", "--min-count", "1"]) == 0
    suggested = capsys.readouterr().out
    assert f"not in the glossary {shipped_glossary()}" in suggested
    assert "zh: 鲁班工坊" not in suggested  # the shipped glossary has it
    (workdir / "terms.csv").write_text("鲁班工坊,Luban Workshop\n菌草,Juncao\n", encoding="utf-8")
    main(["glossary", "import", "terms.csv", "-o", "new.yaml"])
    assert "skipped 鲁班工坊: already in the glossary" in capsys.readouterr().err


@pytest.mark.parametrize("arguments", [
    ["glossary", "--glossary", "mine.yaml", "check"],  # before the action
    ["glossary", "check", "--glossary", "mine.yaml"],  # after it
    ["glossary", "check", "mine.yaml"],  # check's own path
])
def test_glossary_option_before_or_after_the_action(workdir: Path, arguments: list[str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "mine.yaml").write_text(SMALL_GLOSSARY, encoding="utf-8")
    assert main(arguments) == 0
    assert capsys.readouterr().out.strip() == "mine.yaml: 1 entries in 1 file; 0 errors, 0 warnings"


@pytest.mark.parametrize("mode", [0o644, 0o664])
def test_import_keeps_the_mode_of_the_glossary_it_extends(workdir: Path, mode: int) -> None:
    previous = os.umask(0o022)
    try:
        target = workdir / "team.yaml"
        target.write_text(SMALL_GLOSSARY, encoding="utf-8")
        target.chmod(mode)
        (workdir / "terms.csv").write_text("菌草,Juncao\n", encoding="utf-8")
        assert main(["glossary", "import", "terms.csv", "-o", str(target), "--glossary", str(target)]) == 0
        assert "Juncao" in target.read_text(encoding="utf-8")
        assert stat.S_IMODE(target.stat().st_mode) == mode
        (workdir / "other.csv").write_text("新词,New term\n", encoding="utf-8")
        assert main(["glossary", "import", "other.csv", "-o", "fresh.yaml", "--glossary", str(target)]) == 0
        assert stat.S_IMODE((workdir / "fresh.yaml").stat().st_mode) == 0o644
    finally:
        os.umask(previous)
