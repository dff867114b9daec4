"""Loading, checking and matching the glossary (pipeline/glossary.py, pipeline/glossary_check.py)."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.errors import GlossaryError
from pipeline.glossary.model import Glossary, GlossaryEntry, GlossaryProblem
from pipeline.glossary.load import check_glossary, load_glossary
from pipeline.glossary.match import normalise

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "glossary"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


HEADER = "name: test\nversion: '1'\nentries:\n"

# (file body after the header, expected (line, column, severity, words of the message)).
# Line 4 is the first line after the header.
ERROR_CASES = [
    ("  - zh: 一带一路\n    en: [Belt, Road\n", (6, 1, "error", "flow sequence at line 5, column 9")),
    ("  - zh: 一带一路\n\ten: Belt and Road\n", (5, 1, "error", "YAML syntax error")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    sorce: x\n", (6, 5, "error", "did you mean `source`")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    colour: red\n", (6, 5, "error", "unknown key `colour`")),
    ("  - en: Belt and Road\n", (4, 5, "error", "no `zh:`")),
    ("  - zh: ''\n    en: Belt and Road\n", (4, 9, "error", "`zh` is empty")),
    ("  - zh: 一带一路\n", (4, 5, "error", "no `en:`")),
    ("  - zh: 一带一路\n    en:\n", (5, 5, "error", "`en` is empty")),
    ("  - zh: 一带一路\n    en: 2030\n", (5, 9, "error", "must be text, not a number")),
    ("  - zh: [一带一路, 一帶一路]\n    en: Belt and Road\n", (4, 9, "error", "must be text, not a list")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    variants: 一帶一路\n", (6, 15, "error", "must be a list")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    avoid: [OBOR, 3]\n", (6, 19, "error", "each item of `avoid`")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    status: draft\n", (6, 13, "error", "approved or proposed")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    avoid: [OBOR, belt and road]\n",
     (6, 19, "error", "also in its own `avoid`")),
    ("  - zh: 一带一路\n    en: Belt and Road 倡议\n", (5, 9, "error", "contains Chinese")),
    ("  - zh: 一带一路\n    en: Belt and Road\n  - zh: 一带一路\n    en: BRI\n",
     (6, 9, "error", "with the rendering `Belt and Road`")),
    ("  - zh: 一带一路\n    en: Belt and Road\n  - zh: 一帶一路倡议\n    en: BRI\n    variants: [一帶一路]\n",
     (8, 16, "error", "a term has one rendering")),
    ("  - zh: 一带一路\n    en: 'Belt and Road '\n", (5, 9, "warning", "leading or trailing spaces")),
    ("  - zh: ' 一带一路'\n    en: Belt and Road\n", (4, 9, "warning", "leading or trailing spaces")),
    ("  - zh: 一带一路\n    en: Belt and Road\n  - zh: 一带一路\n    en: Belt and Road\n",
     (6, 9, "warning", "already at")),
    ("  - zh: Belt and Road\n    en: 一带一路\n", (4, 9, "warning", "are `zh` and `en` swapped")),
    ("  - zh: 数字鸿沟\n    en: ''\n    status: proposed\n", (5, 9, "warning", "allowed while the entry is proposed")),
    ("  - 一带一路\n", (4, 5, "error", "an entry must be a mapping")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    variants: [“一帶一路”, 一帶一路]\n",
     (6, 24, "warning", "is the same term as `一带一路`")),    ("  - zh: 一带一路\n    en: Belt and Road\n    accepted: BRI\n", (6, 15, "error", "`accepted` must be a list")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    accepted: [带路]\n", (6, 16, "error", "`带路` contains Chinese")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    accepted: [OBOR]\n    avoid: [obor]\n",
     (6, 16, "error", "both accepted and in the `avoid`")),
    ("  - zh: 一带一路\n    en: Belt and Road\n    accepted: [belt and road]\n",
     (6, 16, "warning", "is the rendering itself")),
]


@pytest.mark.parametrize("body, expected", ERROR_CASES, ids=[c[1][3] for c in ERROR_CASES])
def test_each_problem_is_reported_with_its_line_and_column(tmp_path: Path, body: str, expected) -> None:
    path = write(tmp_path, "g.yaml", HEADER + body)
    found = [(p.line, p.column, p.severity) for p in check_glossary(path) if expected[3] in p.message]
    assert found == [expected[:3]], [str(p) for p in check_glossary(path)]


@pytest.mark.parametrize("text, expected", [
    ("entries:\n  - zh: 一带一路\n    en: Belt and Road\n", (1, 1, "warning", "no `name:` or `version:`")),
    ("name: x\nversion: 1\nentires:\n  - zh: 一带一路\n", (3, 1, "error", "did you mean `entries`")),
    ("name: x\nversion: 1\n", (1, 1, "error", "no `entries:` list")),
    ("name: x\nversion: 1\nentries: 一带一路\n", (3, 10, "error", "`entries` must be a list")),
    ("- zh: 一带一路\n  en: Belt and Road\n", (1, 1, "error", "a glossary file is a mapping")),
    ("name: x\nname: y\nentries:\n", (2, 1, "error", "YAML syntax error")),
    ("", (1, 1, "warning", "the file is empty")),
])
def test_problems_of_the_file_itself(tmp_path: Path, text: str, expected) -> None:
    path = write(tmp_path, "g.yaml", text)
    found = [(p.line, p.column, p.severity) for p in check_glossary(path) if expected[3] in p.message]
    assert found == [expected[:3]], [str(p) for p in check_glossary(path)]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "g.yaml", HEADER + (
        "  - zh: 一带一路\n    en: Belt and Road\n    sorce: x\n"
        "  - zh: ''\n    en: x\n"
        "  - zh: 小而美\n    en: small 美\n"
        "  - zh: 菌草\n    en: Juncao\n    avoid: [juncao]\n"))
    problems = check_glossary(path)
    assert [(p.line, p.severity) for p in problems] == [(6, "error"), (7, "error"), (10, "error"), (13, "error")]
    with pytest.raises(GlossaryError) as raised:
        load_glossary(path)
    assert raised.value.problems == [str(p) for p in problems]
    assert "4 error(s)" in str(raised.value) and f"{path}:6:5: error: unknown key" in str(raised.value)


def test_duplicates_across_files_name_both_places(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + "  - zh: 一带一路\n    en: Belt and Road\n")
    write(tmp_path, "b.yaml", HEADER + "  - zh: 菌草\n    en: Juncao\n  - zh: 一帶一路\n    en: BRI\n")
    problems = check_glossary(tmp_path)
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'b.yaml'}:6:9: error: `一帶一路` is also at {tmp_path / 'a.yaml'}:4 with the "
        "rendering `Belt and Road`, here `BRI`; a term has one rendering: merge the two entries or delete one"]


def test_problem_text_is_file_line_column_severity_message() -> None:
    assert str(GlossaryProblem("glossary/x.yaml", 12, 5, "error", "bad")) == "glossary/x.yaml:12:5: error: bad"


def test_a_missing_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="nowhere.yaml"):
        load_glossary(tmp_path / "nowhere.yaml")
    assert check_glossary(tmp_path / "nowhere.yaml")[0].severity == "error"


def test_load_merges_files_keeps_warnings_and_digests_bytes(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "name: a\nversion: 1\nentries:\n  - zh: 一带一路\n    en: 'Belt and Road '\n")
    b = write(tmp_path, "b.yml", "name: b\nversion: 2\nentries:\n  - zh: 菌草\n    en: Juncao\n    status: proposed\n")
    (tmp_path / "notes.txt").write_text("not a glossary")
    glossary = load_glossary(tmp_path)
    assert [(e.zh, e.en, e.status, Path(e.file).name, e.line) for e in glossary.entries] == [
        ("一带一路", "Belt and Road", "approved", "a.yaml", 4), ("菌草", "Juncao", "proposed", "b.yml", 4)]
    assert [e.approved for e in glossary.entries] == [True, False]
    assert (glossary.name, glossary.version) == ("a, b", "1, 2")
    assert [p.severity for p in glossary.warnings] == ["warning"]
    assert glossary.digest == hashlib.sha256(a.read_bytes() + b.read_bytes()).hexdigest()
    assert load_glossary(a).digest == hashlib.sha256(a.read_bytes()).hexdigest()


def test_empty_glossaries() -> None:
    assert load_glossary(None).entries == [] and load_glossary(None).digest == ""
    assert Glossary.empty().match("一带一路") == [] and Glossary.empty().lookup("一带一路") is None


def test_unsafe_yaml_tags_build_no_objects(tmp_path: Path) -> None:
    path = write(tmp_path, "g.yaml", HEADER + "  - zh: !!python/object/apply:os.system [echo hi]\n    en: x\n")
    assert [p.message for p in check_glossary(path) if p.severity == "error"][0].startswith("`zh` must be text")


# --- the shipped glossary ------------------------------------------------------------------

def test_shipped_glossary_checks_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["glossary", "check", str(SHIPPED)]) == 0
    assert capsys.readouterr().out.strip().endswith("0 errors, 0 warnings")


def test_shipped_glossary_content() -> None:
    glossary = load_glossary(SHIPPED)
    approved = glossary.approved
    assert len(approved) >= 100
    assert all(entry.source or entry.note for entry in approved)
    assert all(not re.search(r"[\"“”‘’]", entry.en) for entry in glossary.entries)
    expected = {"八项行动": "Eight Major Steps", "小而美": "small yet smart", "硬联通": "physical connectivity",
                "软联通": "institutional connectivity", "心联通": "people-to-people connectivity",
                "鲁班工坊": "Luban Workshop", "菌草": "Juncao", "丝路海运": "Silk Road Maritime",
                "良渚论坛": "Liangzhu Forum", "新质生产力": "new quality productive forces",
                "六廊六路多国多港": "six corridors, six connectivity routes, and multiple countries and ports"}
    for zh, en in expected.items():
        entry = glossary.lookup(zh)
        assert entry is not None and entry.en == en and entry.approved, zh
    assert "One Belt, One Road" in glossary.lookup("一带一路").avoid
    accepted = glossary.lookup("人类命运共同体").accepted
    assert "community with a shared future for humanity" in accepted and "global community of shared future" in accepted
    assert glossary.lookup("“一带一路”国际合作高峰论坛").accepted == ("BRF",)
    assert "BRI" in glossary.lookup("共建“一带一路”倡议").accepted
    for zh in ("政策沟通", "设施联通", "贸易畅通", "资金融通", "民心相通"):  # the five connectivities
        assert glossary.lookup(zh).approved
    assert all(not e.approved and "official_terms.tsv" in e.note for e in glossary.entries if e.status == "proposed")


def test_readme_example_is_a_valid_glossary(tmp_path: Path) -> None:
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    path = write(tmp_path, "example.yaml", example)
    assert check_glossary(path) == []


def test_benchmark_glossary_matches_at_scale() -> None:
    """The benchmark's 20,000-entry case gives valid matches (its timing is the benchmark's job)."""
    spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks" / "bench_glossary_match.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    glossary, text = bench.synthetic(20_000, 100_000, seed=1)
    found = glossary.match(text)
    assert len(found) > 1000
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    assert all(text[m.start:m.end] == m.surface for m in found)


def test_import_is_light() -> None:
    code = ("import sys, pipeline.glossary; heavy = {'opencc', 'ahocorasick', 'torch', 'transformers'}"
            " & set(sys.modules); assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# --- the check command ---------------------------------------------------------------------

def test_check_command_prints_problems_and_sets_the_exit_status(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "bad.yaml", HEADER + "  - zh: 一带一路\n    en: Belt and Road\n    sorce: x\n")
    assert main(["glossary", "check", str(bad)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{bad}:6:5: error: unknown key `sorce`; did you mean `source`?"
    assert out[-1] == f"{bad}: 1 entries in 1 file; 1 error, 0 warnings"
    warned = write(tmp_path, "warned.yaml", HEADER + "  - zh: 一带一路\n    en: 'Belt and Road '\n")
    assert main(["glossary", "check", "--glossary", str(warned)]) == 1
    clean = write(tmp_path, "clean.yaml", HEADER + "  - zh: 一带一路\n    en: Belt and Road\n")
    assert main(["glossary", "check", str(clean)]) == 0


def test_check_defaults_to_the_glossary_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "glossary").mkdir()
    write(tmp_path / "glossary", "bad.yaml", HEADER + "  - zh: 一带一路\n    en: Belt and Road\n    sorce: x\n")
    assert main(["glossary", "check"]) == 2
    assert "glossary/bad.yaml:6:5: error: unknown key" in capsys.readouterr().out


# --- matching ------------------------------------------------------------------------------

def entries(*pairs: str, status: str = "approved") -> list[GlossaryEntry]:
    return [GlossaryEntry(zh=zh, en=f"en {zh}", status=status) for zh in pairs]


BRI = Glossary(entries("一带一路", "共建“一带一路”", "高质量共建“一带一路”", "G20", "72/144小时过境免签", "中欧班列")
               + [GlossaryEntry("菌草", "Juncao", variants=("幸福草",))]
               + entries("国际合作", status="proposed"))


@pytest.mark.parametrize("text, expected", [
    ("推动高质量共建“一带一路”行稳致远", [("高质量共建“一带一路”", "高质量共建“一带一路”")]),
    ("共建“一带一路”国家", [("共建“一带一路”", "共建“一带一路”")]),
    ("“一带一路”倡议", [("一带一路", "一带一路")]),
    ('共建"一带一路"与共建「一带一路」', [('共建"一带一路"', "共建“一带一路”"), ("共建「一带一路」", "共建“一带一路”")]),
    ("深化同共建‘一带一路’国家", [("共建‘一带一路’", "共建“一带一路”")]),
    ("共建＂一带一路＂", [("共建＂一带一路＂", "共建“一带一路”")]),
    ("高質量共建「一帶一路」", [("高質量共建「一帶一路」", "高质量共建“一带一路”")]),
    ("中歐班列開行", [("中歐班列", "中欧班列")]),
    ("实施７２／１４４小时过境免签政策", [("７２／１４４小时过境免签", "72/144小时过境免签")]),
    ("g20 峰会与 G200", [("g20", "G20")]),
    ("成为造福世界的“幸福草”", [("幸福草", "菌草")]),
    ("国际合作", []),
    ("", []),
])
def test_match_finds_terms_with_offsets_into_the_original(text: str, expected) -> None:
    found = BRI.match(text)
    assert [(m.surface, m.entry.zh) for m in found] == expected
    assert all(text[m.start:m.end] == m.surface for m in found)


def test_match_can_include_proposed_entries_and_lookup_folds_forms() -> None:
    assert [m.entry.zh for m in BRI.match("国际合作", approved_only=False)] == ["国际合作"]
    assert BRI.lookup("共建「一帶一路」").zh == "共建“一带一路”"
    assert BRI.lookup("幸福草").zh == "菌草" and BRI.lookup("无此词") is None


def test_normalise_keeps_the_length() -> None:
    text = "高質量共建「一帶一路」，７２／１４４小時　“OK”"
    assert len(normalise(text)) == len(text)
    assert normalise(text) == '高质量共建"一带一路",72/144小时 "ok"'


# --- matcher properties --------------------------------------------------------------------

HAN = st.sampled_from(list("一带路共建高质量国际合作丝绸之帶質國"))
MARKS = st.sampled_from(list("“”\"「」，。 "))
TERMS = st.lists(st.text(HAN, min_size=1, max_size=5), min_size=1, max_size=12, unique=True)
TEXTS = st.text(st.one_of(HAN, MARKS), max_size=80)


def occurrences(glossary: Glossary, text: str) -> list[tuple[int, int]]:
    """Every occurrence of every term, found the slow way."""
    folded = normalise(text)
    keys = {normalise(form) for entry in glossary.entries for form in entry.forms}
    return [(i, i + len(key)) for key in keys for i in range(len(folded)) if folded.startswith(key, i)]


@settings(max_examples=200, deadline=None)
@given(terms=TERMS, text=TEXTS)
def test_match_properties(terms: list[str], text: str) -> None:
    glossary = Glossary(entries(*terms))
    found = glossary.match(text)
    for m in found:  # spans map back to the text and to an entry's term
        assert text[m.start:m.end] == m.surface
        assert normalise(m.surface) in {normalise(form) for form in m.entry.forms}
    for before, after in zip(found, found[1:]):  # sorted, never overlapping
        assert before.end <= after.start
    spans = {(m.start, m.end) for m in found}
    for start, end in occurrences(glossary, text):  # longest wins
        if (start, end) in spans:
            continue
        rivals = [m for m in found if m.start < end and start < m.end]
        assert rivals and max(m.end - m.start for m in rivals) >= end - start
