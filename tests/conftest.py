"""Shared fixtures: a tiny real MarianMT model built at test time and sample documents (all under tests/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
SEED_ARTICLE = DATA / "seed_article.zh.txt"  # a real newspaper article pasted from a PDF

SAMPLE_ZH = """八项行动奠定共建“一带一路”新十年良好开局

2023年10月，在第三届“一带一路”国际合作高峰论坛开幕式主旨演讲中，中国国家主席宣布中国支持高质量共建“一带一路”的八项行动。一年来，八项行动稳步推进，成果斐然。

## 八项行动推动高质量共建“一带一路”迈上新起点

“小而美”项目卓有成效普惠民生。硬联通、软联通、心联通不断深化。
菌草项目已在100多个国家落地生根，成为造福世界的“幸福草”。

- 鲁班工坊在15个国家落地扎根。
- 丝路海运港航贸一体化发展。
"""

# Lines the tiny model's SentencePiece models learn from (the English side must spell the
# glossary renderings, or constraints could never be met).
TRAINING_ZH = [
    line for line in SAMPLE_ZH.splitlines() if line.strip()
] + ["中国与共建国家合作。", "互联互通建设成为重点。", "绿色丝绸之路推动可持续发展。", "数字丝绸之路快速拓展新空间。"]
TRAINING_EN = [
    "The Belt and Road Initiative promotes connectivity and cooperation among partner countries.",
    "Eight Major Steps support high-quality Belt and Road cooperation in a new decade.",
    "small yet smart projects improve lives; physical connectivity, institutional connectivity and "
    "people-to-people connectivity deepen.",
    "Juncao technology, Luban Workshop, Silk Road Maritime, the Green Silk Road and the Digital Silk Road.",
    "In October 2023, at the third Belt and Road Forum for International Cooperation, the president spoke.",
]


def glossary_renderings() -> list[str]:
    """Every English rendering in the shipped glossary, so the test vocabulary can spell them."""
    from ruamel.yaml import YAML

    lines = []
    for path in sorted((REPO / "glossary").glob("*.yaml")):
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("entries") or []:
            if isinstance(entry, dict):
                lines += [str(entry.get("en") or "")] + [str(a) for a in entry.get("avoid") or []]
    return [line for line in lines if line.strip()]


TEST_GLOSSARY = """\
name: test
version: "1"
domain: belt and road
entries:
  - zh: 硬联通
    en: physical connectivity
    source: test
  - zh: 软联通
    en: institutional connectivity
    source: test
  - zh: 心联通
    en: people-to-people connectivity
    source: test
  - zh: 小而美
    en: small yet smart
    avoid: [small and beautiful]
    source: test
  - zh: 一带一路
    en: Belt and Road
    avoid: [One Belt One Road]
    source: test
  - zh: 高质量共建“一带一路”
    en: high-quality Belt and Road cooperation
    source: test
  - zh: 鲁班工坊
    en: Luban Workshop
    source: test
"""


@pytest.fixture()
def glossary_file(tmp_path: Path) -> Path:
    path = tmp_path / "test.yaml"
    path.write_text(TEST_GLOSSARY, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight MarianMT folder laid out like opus-mt-zh-en, with real tokenizers."""
    from support.scratch_model import build_scratch_marian

    english = TRAINING_EN + glossary_renderings()
    chinese = list(TRAINING_ZH) + [line for line in SEED_ARTICLE.read_text(encoding="utf-8").splitlines()
                                   if line.strip()]
    return build_scratch_marian(tmp_path_factory.mktemp("tiny-marian"), chinese, english * 3)


@pytest.fixture()
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "sample.zh.txt"
    path.write_text(SAMPLE_ZH, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _isolated_caches(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the translation memory and Hub lookups inside the test's temporary space, offline."""
    cache = tmp_path_factory.getbasetemp() / "user-cache"
    monkeypatch.setenv("ZHEN_CACHE_DIR", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def non_space(text: str) -> str:
    return "".join(text.split())


@pytest.fixture()
def umask_022():  # noqa: ANN201 - a generator fixture
    """Files are created as under the usual umask 022, whatever the test runner's umask is."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)

