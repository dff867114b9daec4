"""XLIFF 1.2 out (``--xliff``) and back in (``zhen review apply NAME.xlf``): a CAT tool's round trip.

The written file is validated against the OASIS XLIFF 1.2 transitional schema shipped under
``tests/data/xliff/``; files are edited the way a CAT tool does, through translate-toolkit's XLIFF
store; tampering is refused by unit ID with exit status 2 and nothing written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import DATA
from pipeline.cli import main
from pipeline.export.xliff import XLIFF_NS, write_xliff, xliff_bytes
from pipeline.review.xliff import read_reviewed_xliff, unit_status, xliff_has_reviewer_edits
from test_align import EN, GLOSSARY_YAML, ZH
from test_review import JUNCAO, LUBAN, SMALL, TITLE, properties, read_tmx, translate_sample
from test_workbook import handmade_document

SCHEMA_DIR = DATA / "xliff"
NS = {"x": XLIFF_NS}


class _LocalSchemas(etree.Resolver):
    """The XLIFF schema imports xml.xsd from the W3C; read the copy beside it instead."""

    def resolve(self, url: str, pubid: str, context: Any) -> Any:
        if url.rsplit("/", 1)[-1] == "xml.xsd":
            return self.resolve_filename(str(SCHEMA_DIR / "xml.xsd"), context)
        return None


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "xliff-core-1.2-transitional.xsd"), parser))


def apply(*args: str) -> int:
    return main(["review", "apply", *args])


def store_of(path: Path) -> Any:
    from translate.storage import xliff

    return xliff.xlifffile.parsefile(str(path))


def units_by_source(store: Any) -> dict[str, Any]:
    return {unit.source: unit for unit in store.units}


# --- the run writes NAME.xlf ----------------------------------------------------------------------

@pytest.fixture()
def translated(sample_file: Path, tiny_model: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A fresh run on the sample document with --xliff: (the XLIFF file, the glossary file)."""
    out, glossary = translate_sample(sample_file, tiny_model, tmp_path, "--xliff")
    return out / "sample.xlf", glossary


def test_translate_writes_a_valid_xliff(translated: tuple[Path, Path], schema: etree.XMLSchema) -> None:
    path, _ = translated
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "sample.en.md", "sample.json", "sample.md", "sample.xlf", "sample.xlsx"]
    tree = etree.parse(str(path))
    assert schema.validate(tree), schema.error_log
    file = tree.getroot().find("x:file", NS)
    assert (file.get("source-language"), file.get("target-language"), file.get("datatype"), file.get("original")) \
        == ("zh-CN", "en", "plaintext", "sample.zh.txt")
    groups = tree.findall(".//x:body/x:group", NS)
    assert [g.get("restype") for g in groups][:2] == ["x-title", "x-body"]
    units = tree.findall(".//x:trans-unit", NS)
    assert [u.get("id") for u in units][0] == "p1.s1"
    assert {u.find("x:target", NS).get("state") for u in units} == {"needs-review-translation"}
    small = next(u for u in units if u.find("x:source", NS).text == SMALL)
    notes = {note.get("from"): note.text for note in small.findall("x:note", NS)}
    assert re.fullmatch(r"小而美 → small yet smart \((applied|repaired|missing)\)", notes["zhen-terms"])
    data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    expected = {}
    for paragraph in data["paragraphs"]:
        for position, segment in enumerate(paragraph["segments"]):
            flags = segment["flags"] + (paragraph.get("flags", []) if position == 0 else [])
            expected[segment["id"]] = {f"[{f['severity']}] {f['check']}: {f['message']}" for f in flags}
    found = {u.get("id"): {n.text for n in u.findall("x:note", NS) if n.get("from") == "zhen-qa"} for u in units}
    assert found == expected and any(found.values())  # every QA flag, as a note on its unit


def test_without_the_flag_no_xliff(sample_file: Path, tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["translate", str(sample_file), "--out", str(out), "--model", str(tiny_model), "--engine",
                 "transformers", "--quiet", "--no-cache"]) == 0
    assert not (out / "sample.xlf").exists()


def test_align_writes_a_valid_xliff(tmp_path: Path, schema: etree.XMLSchema) -> None:
    zh, en, glossary = tmp_path / "pair.zh.txt", tmp_path / "pair.en.txt", tmp_path / "glossary.yaml"
    zh.write_text(ZH, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    glossary.write_text(GLOSSARY_YAML, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["align", str(zh), str(en), "--out", str(out), "--glossary", str(glossary), "--quiet", "--xliff"]) == 0
    assert schema.validate(etree.parse(str(out / "pair.xlf"))), schema.error_log
    assert apply(str(out / "pair.xlf"), "--out", str(tmp_path / "final"), "--glossary", str(glossary)) == 0
    assert (tmp_path / "final" / "pair.final.en.md").read_text(encoding="utf-8").strip()


# --- the round trip through a CAT tool ------------------------------------------------------------

def review_in_a_cat_tool(path: Path) -> None:
    """Change targets and states and add a note through translate-toolkit's XLIFF store, then save."""
    store = store_of(path)
    units = units_by_source(store)
    units[TITLE].settarget("Eight Major Steps open a new decade of Belt and Road cooperation")
    units[TITLE].xmlelement.find(f"{{{XLIFF_NS}}}target").set("state", "final")
    units[SMALL].settarget("Small yet smart projects have worked well for people.")  # the store marks it translated
    units[SMALL].addnote("Term fixed", origin="translator")
    units[LUBAN].settarget("Lu Ban workshops took root in 15 countries.")
    units[LUBAN].xmlelement.find(f"{{{XLIFF_NS}}}target").set("state", "signed-off")
    store.savefile(str(path))


def test_review_round_trip_through_translate_toolkit(translated: tuple[Path, Path], tmp_path: Path,
                                                    schema: etree.XMLSchema,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path, glossary = translated
    machine = {unit.source: unit.target for unit in store_of(path).units}
    review_in_a_cat_tool(path)
    assert schema.validate(etree.parse(str(path))), schema.error_log  # what translate-toolkit saved is still XLIFF
    out = tmp_path / "final"
    assert apply(str(path), "--out", str(out), "--glossary", str(glossary)) == 0
    printed = capsys.readouterr().out
    assert "2 approved, 1 edited" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "sample.final.en.md", "sample.final.md", "sample.review.txt", "sample.tmx"]
    english = (out / "sample.final.en.md").read_text(encoding="utf-8")
    assert english.startswith("# Eight Major Steps open a new decade of Belt and Road cooperation\n")
    assert "Small yet smart projects have worked well for people." in english
    assert "Lu Ban workshops took root in 15 countries." in english
    assert " ".join(machine[JUNCAO].split()) in " ".join(english.split())  # untouched: the machine translation
    units = {unit.source: unit for unit in read_tmx(out / "sample.tmx")}
    assert sorted(units) == sorted([TITLE, SMALL, LUBAN])  # a memory holds what people reviewed
    assert units[SMALL].target == "Small yet smart projects have worked well for people."
    assert units[SMALL].getnotes() == "Term fixed"
    assert [properties(units[s])["x-status"] for s in (TITLE, SMALL, LUBAN)] == ["Approved", "Edited", "Approved"]
    assert properties(units[SMALL])["x-origin"] == "reviewed"
    everything = tmp_path / "everything"
    assert apply(str(path), "--out", str(everything), "--glossary", str(glossary), "--include-unreviewed") == 0
    units = {unit.source: unit for unit in read_tmx(everything / "sample.tmx")}
    assert len(units) == len(machine)
    assert properties(units[JUNCAO])["x-status"] == "To review" and properties(units[JUNCAO])["x-reviewed"] == "no"
    assert "term-missing" in (out / "sample.review.txt").read_text(encoding="utf-8")  # Lu Ban ≠ Luban Workshop

    assert apply(str(path), "--out", str(tmp_path / "approved"), "--glossary", str(glossary), "--approved-only") == 0
    assert sorted(unit.source for unit in read_tmx(tmp_path / "approved" / "sample.tmx")) == sorted([TITLE, SMALL, LUBAN])
    assert apply(str(path), "--out", str(out), "--glossary", str(glossary), "--strict") == 1


def test_translating_again_guards_the_reviewed_xliff(translated: tuple[Path, Path], sample_file: Path,
                                                     tiny_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, glossary = translated
    assert not xliff_has_reviewer_edits(path)
    review_in_a_cat_tool(path)
    args = ["translate", str(sample_file), "--out", str(path.parent), "--model", str(tiny_model), "--engine",
            "transformers", "--quiet", "--no-cache", "--glossary", str(glossary), "--xliff"]
    assert main(args) == 2
    assert "sample.xlf holds reviewer edits" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
    backups = list(path.parent.glob("sample.reviewed-*.xlf"))
    assert len(backups) == 1 and xliff_has_reviewer_edits(backups[0])
    assert not xliff_has_reviewer_edits(path)


# --- what CAT tools rewrite is tolerated ----------------------------------------------------------

@pytest.fixture()
def handmade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The handmade document as XLIFF, applied from a folder without glossary/."""
    monkeypatch.chdir(tmp_path)
    return write_xliff(handmade_document(), tmp_path / "handmade.xlf")


def test_handmade_xliff_validates(handmade: Path, schema: etree.XMLSchema) -> None:
    tree = etree.parse(str(handmade))
    assert schema.validate(tree), schema.error_log
    assert [g.get("id") for g in tree.findall(".//x:group", NS)] == ["p1", "p2", "p3", "p4", "p5", "p7"]  # no code
    tree.find(".//x:target", NS).set("state", "done")
    assert not schema.validate(tree)  # the schema is strict enough to catch a made-up state


def _edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _cat_tool_rewrite(text: str) -> str:
    """What CAT tools do to a file: reflow whitespace, tag the target, add attributes, proposals and notes."""
    text = text.replace("<source>“小而美”项目卓有成效。</source>", "<source>\n   “小而美”项目卓有成效。\n  </source>")
    text = text.replace('<target state="needs-review-translation">Small and beautiful projects work.</target>',
                        '<target state="translated" xmlns:mq="urn:x-memoq" mq:status="Confirmed">'
                        '<g id="1" ctype="bold">Small yet smart</g> projects work.<x id="2"/></target>'
                        '<alt-trans origin="tm" match-quality="80"><target>Small projects.</target></alt-trans>'
                        '<note from="reviewer">checked against the glossary</note>')
    text = text.replace('<target state="needs-review-translation">Silk Road', '<target>Silk Road')  # no state:
    return text.replace('<trans-unit id="p7.s1"', '<trans-unit id="p7.s1" approved="yes" extradata="cat"')  # approved


def test_cat_tool_rewrites_are_tolerated(handmade: Path, tmp_path: Path) -> None:
    _edit(handmade, _cat_tool_rewrite)
    reviewed = read_reviewed_xliff(handmade)
    row = reviewed.rows["p3.s1"]
    assert (row.source, row.reviewed, row.status, row.comment) == (
        "“小而美”项目卓有成效。", "Small yet smart projects work.", "Edited", "checked against the glossary")
    assert reviewed.rows["p7.s1"].status == "Approved" and not reviewed.rows["p7.s1"].reviewed
    assert reviewed.rows["p2.s1"].status == "To review" and not reviewed.rows["p2.s1"].comment  # zhen's notes aren't
    assert apply(str(handmade)) == 0
    english = (tmp_path / "handmade.final.en.md").read_text(encoding="utf-8")
    assert "Small yet smart projects work. Luban Workshop takes root." in english
    assert "```\nprint('不翻译')\n```" in english  # the untranslated code block comes back from the header records


@pytest.mark.parametrize(("change", "edited"), [
    (lambda t: t, False),
    (lambda t: t.replace(">Luban Workshop takes root.<", ">Luban Workshop took root.<"), True),
    (lambda t: t.replace('state="needs-review-translation">Luban', 'state="final">Luban'), True),
    (lambda t: t.replace("</trans-unit>", '<note from="me">?</note></trans-unit>', 1), True),
    (lambda t: t.replace("\n      ", "\n  "), False),  # re-indented
    (lambda t: "not xml", True),  # unreadable: overwriting it needs --force
])
def test_xliff_has_reviewer_edits(handmade: Path, change: Callable[[str], str], edited: bool) -> None:
    _edit(handmade, change)
    assert xliff_has_reviewer_edits(handmade) is edited


@pytest.mark.parametrize(("state", "approved", "expected"), [
    ("final", None, "Approved"), ("signed-off", None, "Approved"), ("translated", None, "Edited"),
    ("translated", "yes", "Edited"),  # translate-toolkit marks every translated unit approved
    ("needs-review-translation", None, "To review"), ("needs-review-l10n", None, "To review"),
    ("new", None, "To review"), ("needs-translation", None, "To review"), ("x-custom", "yes", "To review"),
    (None, "yes", "Approved"), (None, None, "To review"),
])
def test_state_to_status(state: str | None, approved: str | None, expected: str) -> None:
    unit = etree.Element("trans-unit", {"approved": approved} if approved else {})
    target = etree.SubElement(unit, "target", {"state": state} if state else {})
    assert unit_status(unit, target) == expected


# --- tampering: refused by unit id, exit 2, nothing written ---------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xliff [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def _unit(text: str, unit_id: str) -> str:
    return re.search(rf'<trans-unit id="{re.escape(unit_id)}".*?</trans-unit>\n', text, re.S).group(0)


def _laughs(text: str) -> str:
    text = text.split("\n", 1)[1]  # a DTD must come after the XML declaration, before the root
    return BILLION_LAUGHS + text.replace("Eight Major Steps make a good start", "&lol9;", 1)


TAMPERING: dict[str, tuple[Callable[[str], str], list[str]]] = {
    "edited source": (lambda t: t.replace("<source>鲁班工坊落地扎根。</source>", "<source>鲁班工坊已落地。</source>"),
                      ["trans-unit p3.s2: the source text was changed"]),
    "deleted unit": (lambda t: t.replace(_unit(t, "p3.s2"), ""), ["trans-unit p3.s2: missing"]),
    "duplicated unit": (lambda t: t.replace(_unit(t, "p3.s2"), _unit(t, "p3.s2") * 2),
                        ["trans-unit p3.s2: appears twice (also unit 4)"]),
    "unknown id": (lambda t: t.replace('<trans-unit id="p4.s1"', '<trans-unit id="p99.s1"'),
                   ["trans-unit p99.s1: unknown segment ID", "trans-unit p4.s1: missing"]),
    "empty id": (lambda t: t.replace('<trans-unit id="p4.s1"', '<trans-unit id=""'), ["the id is empty"]),
    "edited header": (lambda t: t.replace('\\"kind\\":\\"title\\"', '\\"kind\\":\\"body\\"')
                      .replace('"kind":"title"', '"kind":"body"'), ["checksum does not match"]),
    "header dropped": (lambda t: re.sub(r"<zhen:review-data.*?</zhen:review-data>", "", t, flags=re.S),
                       ["was not written by zhen translate --xliff"]),
    "not XML": (lambda t: t[: len(t) // 2], ["not an XLIFF file"]),
    "not XLIFF": (lambda t: "<html><body>hello</body></html>", ["expected XLIFF 1.2"]),
    "billion laughs": (_laughs, ["declares XML entities"]),
    "external entity": (lambda t: '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                        + t.split("\n", 1)[1].replace("Eight Major Steps make a good start", "&e;", 1),
                        ["declares XML entities"]),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampered_xliff_is_refused(case: str, handmade: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    change, expected = TAMPERING[case]
    _edit(handmade, change)
    out = tmp_path / "out"
    assert apply(str(handmade), "--out", str(out)) == 2
    captured = capsys.readouterr()
    for fragment in expected:
        assert fragment in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handmade.xlf"]


def test_every_problem_is_reported_at_once(handmade: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(handmade, lambda t: TAMPERING["edited source"][0](TAMPERING["unknown id"][0](t)))
    assert apply(str(handmade)) == 2
    error = capsys.readouterr().err
    assert "p3.s2: the source text was changed" in error and "p99.s1: unknown" in error and "p4.s1: missing" in error


def test_xliff_is_deterministic() -> None:
    assert xliff_bytes(handmade_document()) == xliff_bytes(handmade_document())
