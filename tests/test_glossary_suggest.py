"""Candidate terms not yet in the glossary (pipeline/term_suggest.py, ``zhen glossary suggest``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from pipeline.cli import main
from pipeline.glossary.model import Glossary, GlossaryEntry
from pipeline.glossary.load import check_glossary, load_glossary
from pipeline.glossary.general import generality_discount
from pipeline.glossary.suggest import suggest_terms
from conftest import SEED_ARTICLE as ARTICLE

REPO = Path(__file__).resolve().parents[1]

TEXT = ("推动“小而美”项目落地。“小而美”项目惠及民生。鲁班工坊在非洲落地，鲁班工坊培养人才。"
        "各国推进鲁班工坊建设，持续推进数字丝绸之路建设。数字丝绸之路带来机遇。“幸福草”造福世界。")


def test_quoted_and_recurring_terms_are_suggested_with_count_and_context() -> None:
    candidates = {c.zh: c for c in suggest_terms(TEXT)}
    assert {"小而美", "鲁班工坊", "数字丝绸之路", "幸福草"} <= set(candidates)
    assert (candidates["小而美"].count, candidates["小而美"].quoted) == (2, 2)
    assert candidates["鲁班工坊"].count == 3 and candidates["鲁班工坊"].quoted == 0
    assert "幸福草" in candidates["幸福草"].context
    assert not {"鲁班工", "班工坊", "丝绸之"} & set(candidates)  # fragments of longer terms


def test_terms_already_in_the_glossary_are_left_out() -> None:
    glossary = Glossary([GlossaryEntry("鲁班工坊", "Luban Workshop"),
                         GlossaryEntry("小而美", "", status="proposed")])
    found = {c.zh for c in suggest_terms(TEXT, glossary)}
    assert "鲁班工坊" not in found and "小而美" not in found and "数字丝绸之路" in found
    assert not any("鲁班" in zh or "工坊" in zh for zh in found)


def test_limit_and_minimum_count() -> None:
    assert len(suggest_terms(TEXT, limit=2)) == 2
    assert {c.zh for c in suggest_terms(TEXT, min_count=3)} == {"鲁班工坊", "小而美", "幸福草"}


def test_suggest_prints_yaml_stubs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "a.zh.txt"
    text.write_text(TEXT, encoding="utf-8")
    empty = tmp_path / "empty.yaml"
    empty.write_text("name: empty\nversion: '0'\nentries:\n", encoding="utf-8")
    assert main(["glossary", "suggest", str(text), "--glossary", str(empty)]) == 0
    out = capsys.readouterr().out
    stubs = YAML(typ="safe").load(out)
    assert stubs and all(s["en"] == "" and s["status"] == "proposed" for s in stubs)
    assert "鲁班工坊" in [s["zh"] for s in stubs]
    assert "  # 3×, score" in out  # the count and a context snippet, as a comment


def test_suggest_write_appends_and_keeps_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "a.zh.txt"
    text.write_text(TEXT, encoding="utf-8")
    target = tmp_path / "candidates.yaml"
    original = "# candidates, to be researched\nname: candidates\nversion: '0'\nentries:\n  - zh: 幸福草\n    en: ''   # pending\n    status: proposed\n"
    target.write_text(original, encoding="utf-8")
    assert main(["glossary", "suggest", str(text), "--glossary", str(target), "--write", str(target)]) == 0
    assert "added" in capsys.readouterr().out
    written = target.read_text(encoding="utf-8")
    assert written.startswith(original)
    entries = load_glossary(target).entries
    assert [e.zh for e in entries].count("幸福草") == 1 and "鲁班工坊" in [e.zh for e in entries]
    assert {p.severity for p in check_glossary(target)} == {"warning"}  # empty renderings while proposed


def test_seed_article_quoted_terms_rank_near_the_top(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["glossary", "suggest", str(ARTICLE), "--glossary", str(empty), "--top", "30"]) == 0
    ranked = [stub["zh"] for stub in YAML(typ="safe").load(capsys.readouterr().out)]
    assert "一带一路" in ranked[:3] and "小而美" in ranked[:3]
    quoted = ["软联通", "心联通", "良渚论坛", "六廊六路多国多港", "太平洋岛国菌草技术培训班"]
    assert all(term in ranked for term in quoted), ranked


def test_seed_article_against_the_shipped_glossary_suggests_only_new_terms() -> None:
    glossary = load_glossary(REPO / "glossary")
    candidates = suggest_terms(ARTICLE.read_text(encoding="utf-8"), glossary, limit=50)
    assert candidates
    assert all(glossary.lookup(c.zh) is None for c in candidates)
    assert not {"一带一路", "小而美", "八项行动"} & {c.zh for c in candidates}


# The article's quoted terms (everyday words it quotes for emphasis, “绿色” and “数字”, are not terms).
QUOTED_TERMS = ["一带一路", "小而美", "软联通", "心联通", "硬联通", "良渚论坛", "立柱架梁", "数字鸿沟", "幸福草",
                "丝路海运", "六廊六路多国多港", "太平洋岛国菌草技术培训班"]


def test_seed_article_with_an_empty_glossary_ranks_quoted_terms_first_and_everyday_words_low() -> None:
    ranked = [c.zh for c in suggest_terms(ARTICLE.read_text(encoding="utf-8"), Glossary.empty(), limit=30)]
    assert sum(term in ranked[:15] for term in QUOTED_TERMS) >= 10, ranked[:15]
    assert not {"共建", "绿色", "数字", "合作", "国家"} & set(ranked[:15]), ranked[:15]


@pytest.mark.parametrize(("term", "everyday"), [
    ("共建", True), ("绿色", True), ("数字", True), ("国际合作", True),
    ("小而美", False), ("软联通", False), ("鲁班工坊", False), ("菌草", False), ("丝路海运", False),
])
def test_generality_separates_everyday_words_from_domain_terms(term: str, everyday: bool) -> None:
    assert (generality_discount(term) < 0.1) is everyday, generality_discount(term)
