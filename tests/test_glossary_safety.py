"""Glossary safety (pipeline/glossary_check.py): YAML tags never construct objects, absurd files
are refused with a clear message, and a large glossary loads and matches correctly.

Each case runs with both parsers the check can use: libyaml (through PyYAML) and, when that is
missing, ruamel's pure-Python parser. Timings belong to ``benchmarks/bench_glossary_load.py``.
"""

from __future__ import annotations

import importlib.util
import os
import random
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.glossary import check as glossary_check
from pipeline.errors import GlossaryError
from pipeline.glossary.model import Glossary, GlossaryEntry
from pipeline.glossary.load import check_glossary, load_glossary

REPO = Path(__file__).resolve().parents[1]
HEADER = "name: test\nversion: '1'\nentries:\n"  # the first entry is on line 4


def module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture(params=["libyaml", "pure Python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "pure Python":
        monkeypatch.setattr(glossary_check, "_libyaml_loader", lambda: None)
    elif glossary_check._libyaml_loader() is None:
        pytest.skip("PyYAML is installed without libyaml")
    return request.param


def errors(path: Path) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.message) for p in check_glossary(path) if p.severity == "error"]


# --- tags ----------------------------------------------------------------------------------

def test_a_python_tag_is_refused_and_nothing_runs(tmp_path: Path, parser: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "ran"
    calls: list[str] = []
    monkeypatch.setattr(os, "system", calls.append)
    path = write(tmp_path, "g.yaml", HEADER + (
        f"  - zh: !!python/object/apply:os.system ['touch {marker}']\n    en: x\n"
        f"  - zh: 菌草\n    en: !!python/object/apply:os.system\n      args: ['touch {marker}']\n"))
    found = errors(path)
    assert [(line, column) for line, column, _ in found] == [(4, 9), (7, 9)]
    assert found[0][2] == ("`zh` must be text, not a value with the YAML tag "
                           "`!!python/object/apply:os.system` (tags are not allowed in a glossary; "
                           "delete it)")
    assert found[1][2].startswith("`en` must be text, not a value with the YAML tag")
    with pytest.raises(GlossaryError, match="python/object/apply:os.system"):
        load_glossary(path)
    assert not marker.exists() and calls == []


@pytest.mark.parametrize("body, expected", [
    # (entries after the header, (line, column, words of the message))
    ("  - zh: 一带一路\n    en: Belt and Road\n    colour: !!python/name:os.system x\n",
     (6, 13, "the YAML tag `!!python/name:os.system` is not allowed")),
    ("  - !!python/object:collections.OrderedDict\n    zh: 一带一路\n    en: Belt and Road\n",
     (4, 5, "an entry must be a mapping of keys starting with `- zh:`, not a value with the YAML tag")),
    ("  - zh: 一带一路\n    en: !custom Belt and Road\n", (5, 9, "YAML tag `!custom`")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    avoid: !!set {OBOR: null}\n", (6, 12, "`!!set`")),
    ("  - zh: !!binary 5LiA5bim5LiA6Lev\n    en: Belt and Road\n", (4, 9, "`!!binary`")),
    ("  - zh: 一带一路\n    en: !!int Belt and Road\n", (5, 9, "`!!int`")),
    ("  - !!python/str zh: 一带一路\n    en: Belt and Road\n", (4, 5, "`!!python/str`")),
])
def test_every_tag_outside_the_core_schema_is_an_error(tmp_path: Path, parser: str, body: str,
                                                       expected: tuple[int, int, str]) -> None:
    path = write(tmp_path, "g.yaml", HEADER + body)
    found = errors(path)
    assert [(line, column) for line, column, message in found if expected[2] in message] \
        == [expected[:2]], found


@pytest.mark.parametrize("value, expected", [
    ("!!str 2030", "2030"), ("'no'", "no"), ("no", "no"), ("yes", "yes"), ("off", "off"),
    ("! 12", "12"), ("=", "="), ("1:20", "1:20"),
])
def test_plain_values_follow_yaml_1_2(tmp_path: Path, parser: str, value: str, expected: str) -> None:
    path = write(tmp_path, "g.yaml", HEADER + f"  - zh: 一带一路\n    en: {value}\n")
    assert [e.en for e in load_glossary(path).entries] == [expected]


@pytest.mark.parametrize("value, words", [
    ("2030", "not a number"), ("1.5", "not a number"), ("0x1F", "not a number"), (".inf", "not a number"),
    ("true", "not true/false"), ("!!int 7", "not a number"), ("2024-03-07", "not a date"),
])
def test_values_that_are_not_text_are_named(tmp_path: Path, parser: str, value: str, words: str) -> None:
    path = write(tmp_path, "g.yaml", HEADER + f"  - zh: 一带一路\n    en: {value}\n")
    assert [(line, column) for line, column, message in errors(path) if words in message] == [(5, 9)]


@pytest.mark.parametrize("version, expected", [("1", "1"), ("1.10", "1.1"), ("0o17", "15"), ("'1.10'", "1.10")])
def test_a_numeric_version_reads_as_before(tmp_path: Path, parser: str, version: str, expected: str) -> None:
    path = write(tmp_path, "g.yaml", f"name: x\nversion: {version}\nentries:\n  - zh: 菌草\n    en: Juncao\n")
    assert load_glossary(path).version == expected


# --- the structure of the YAML -------------------------------------------------------------

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8))


@pytest.mark.parametrize("text, expected", [
    ("name: x\nversion: 1\nname: y\nentries:\n", (3, 1, "the key `name` is also at line 1, column 1")),
    ("name: x\nentries:\n  - zh: 一带一路\n    en: x\n---\nname: y\n", (5, 1, "a second document")),
    ("name: x\nentries:\n  - zh: *term\n    en: x\n", (3, 9, "the alias `*term` names no `&` anchor")),
    ("name: x\nentries: &e\n  - *e\n", (3, 5, "the alias `*e` is inside the value it names")),
    ("name: x\nentries:\n  - ? [zh, en]\n    : x\n", (3, 7, "a key must be a single text, not a list")),
    ("name: x\nentries:\n  - zh: " + "[" * 30 + "]" * 30 + "\n", (3, 26, "nested more than 20 deep")),
    (LAUGHS + "entries: *i\n", (7, 8, "more than 2,000,000 values")),  # a billion laughs
    ("name: x\nentries:\n  - zh: 一带\x00一路\n    en: x\n", (3, 11, "the control character U+0000")),
])
def test_what_a_glossary_cannot_hold_is_one_clear_error(tmp_path: Path, parser: str, text: str,
                                                        expected: tuple[int, int, str]) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    found = errors(path)
    assert len(found) == 1 and found[0][:2] == expected[:2] and expected[2] in found[0][2], found


def test_an_alias_gives_its_anchor_again(tmp_path: Path, parser: str) -> None:
    path = write(tmp_path, "g.yaml", HEADER + (
        "  - zh: 一带一路\n    en: Belt and Road\n    source: &people http://en.people.cn/\n"
        "  - zh: 菌草\n    en: Juncao\n    source: *people\n"))
    assert [e.source for e in load_glossary(path).entries] == ["http://en.people.cn/"] * 2


def test_both_parsers_find_the_same_problems_in_the_same_places(tmp_path: Path) -> None:
    cases = module(REPO / "tests" / "test_glossary.py", "glossary_cases")
    if glossary_check._libyaml_loader() is None:
        pytest.skip("PyYAML is installed without libyaml")
    for index, (body, _) in enumerate(cases.ERROR_CASES):
        path = write(tmp_path, f"g{index}.yaml", HEADER + body)
        fast = [(p.line, p.column, p.severity) for p in check_glossary(path)]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(glossary_check, "_libyaml_loader", lambda: None)
            pure = [(p.line, p.column, p.severity) for p in check_glossary(path)]
        assert fast == pure, body


# --- sizes ---------------------------------------------------------------------------------

def test_a_50_mb_file_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(text: str) -> None:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(glossary_check, "_read_yaml", parse)
    entry = "  - zh: 一带一路\n    en: Belt and Road\n"
    path = tmp_path / "huge.yaml"
    path.write_text(HEADER + entry * (50_000_000 // len(entry.encode())), encoding="utf-8")
    problems = check_glossary(path)
    assert [str(p) for p in problems] == [
        f"{path}: error: the file is 50.0 MB; a glossary file may have at most 20 MB, so it was "
        "not read: split it, or remove what is not a term"]
    with pytest.raises(GlossaryError, match=f"{path}: error: the file is 50.0 MB"):
        load_glossary(path)


def test_a_folder_is_capped_in_all(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + "  - zh: 一带一路\n    en: Belt and Road\n")
    for name in ("b.yaml", "c.yaml"):
        with open(tmp_path / name, "wb") as handle:
            handle.truncate(12_000_000)  # sparse: the size alone must refuse the second one
    problems = check_glossary(tmp_path)
    assert [(Path(p.file).name, p.line, p.column) for p in problems] == [("b.yaml", 1, 1), ("c.yaml", 0, 0)]
    assert "U+0000 is not allowed" in problems[0].message
    assert "the file (12.0 MB) takes the glossary past 20 MB" in problems[1].message


def test_the_entries_are_capped(tmp_path: Path, parser: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glossary_check, "MAX_ENTRIES", 3)
    entries = "".join(f"  - zh: 一带一路{i}\n    en: Belt and Road {i}\n" for i in range(4))
    one = write(tmp_path, "one.yaml", HEADER + entries)
    assert errors(one) == [(10, 5, "a list of more than 3 items; a glossary holds at most 3 entries")]
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, start in (("a.yaml", 0), ("b.yaml", 2), ("c.yaml", 4)):
        write(folder, name, HEADER + "".join(f"  - zh: 菌草{i}\n    en: Juncao {i}\n"
                                             for i in range(start, start + 2)))
    problems = check_glossary(folder)
    assert [(Path(p.file).name, p.message) for p in problems] == [
        ("b.yaml", "with this file the glossary has 4 entries; it may have at most 3, so the "
                   "files after it were not read")]


@pytest.mark.parametrize("key, line, column, words", [
    ("zh", 4, 9, "`zh` has 10,000 characters; a term may have at most 100"),
    ("en", 5, 9, "`en` has 10,000 characters; a rendering may have at most 300"),
    ("variants", 6, 16, "an item of `variants` has 10,000 characters; a term may have at most 100"),
    ("avoid", 6, 13, "an item of `avoid` has 10,000 characters; a rendering may have at most 300"),
])
def test_a_10000_character_term_is_an_error_at_its_line(tmp_path: Path, parser: str, key: str,
                                                        line: int, column: int, words: str) -> None:
    long = ("一带一路" if key in ("zh", "variants") else "Road") * 2_500
    body = {"zh": f"  - zh: {long}\n    en: Belt and Road\n",
            "en": f"  - zh: 一带一路\n    en: {long}\n",
            "variants": f"  - zh: 一带一路\n    en: Belt and Road\n    variants: [{long}]\n",
            "avoid": f"  - zh: 一带一路\n    en: Belt and Road\n    avoid: [{long}]\n"}[key]
    path = write(tmp_path, "g.yaml", HEADER + body)
    assert errors(path) == [(line, column, words + ": shorten it, or move the text to `note`")]
    with pytest.raises(GlossaryError, match=f"{path}:{line}:{column}: error: "):
        load_glossary(path)


def test_the_matcher_takes_a_10000_character_term() -> None:
    long = "".join(random.Random(1).choice("一带路共建高质量国际合作") for _ in range(10_000))
    glossary = Glossary([GlossaryEntry(long, "x"), GlossaryEntry("菌草", "Juncao")])
    text = "菌草，" + long + "，菌草"
    assert [(m.start, m.end, m.entry.en) for m in glossary.match(text)] == [
        (0, 2, "Juncao"), (3, 10_003, "x"), (10_004, 10_006, "Juncao")]


def test_100000_entries_load_with_their_lines_and_match(tmp_path: Path) -> None:
    bench = module(REPO / "benchmarks" / "bench_glossary_load.py", "bench_glossary_load")
    text = bench.glossary_yaml(100_000)
    path = tmp_path / "large.yaml"
    path.write_text(text, encoding="utf-8")
    glossary = load_glossary(path)
    assert len(glossary) == 100_000 and glossary.warnings == []
    lines = text.splitlines()
    starts = [(number, line[len("  - zh: "):]) for number, line in enumerate(lines, 1)
              if line.startswith("  - zh: ")]
    assert [(e.line, e.zh) for e in glossary.entries] == starts
    assert [e.en for e in glossary.entries[:3]] == ["term 0", "term 1", "term 2"]
    assert sum(1 for e in glossary.entries if e.variants) == 10_000
    assert sum(1 for e in glossary.entries if not e.approved) == len(range(0, 100_000, 7))

    chosen = random.Random(2).sample([e for e in glossary.entries if e.approved], 200)
    found = glossary.match("，".join(e.zh for e in chosen))
    assert [m.entry for m in found] == chosen
    variant = glossary.entries[10]
    assert [m.entry for m in glossary.match(f"推动{variant.variants[0]}。")] == [variant]
