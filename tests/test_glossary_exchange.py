"""TBX, CSV and TSV export and import, and appending to YAML files (pipeline/term_exchange.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.errors import GlossaryError
from pipeline.glossary.model import GlossaryEntry
from pipeline.glossary.load import check_glossary, load_glossary
from pipeline.glossary.exchange import append_entries, export_terms, read_terms

REPO = Path(__file__).resolve().parents[1]

ENTRIES = [
    GlossaryEntry("一带一路", "Belt and Road", variants=("丝绸之路经济带和21世纪海上丝绸之路",), avoid=("One Belt, One Road", "OBOR"),
                  note='Used attributively; "the initiative" is 倡议 & <more>', source="http://example.org/bri"),
    GlossaryEntry("小而美", "small yet smart", avoid=("small and beautiful",), note="livelihood projects"),
    GlossaryEntry("鲁班工坊", "Luban Workshop"),
    GlossaryEntry("数字鸿沟", "digital divide", status="proposed", note="to be confirmed"),
]


def fields(entries: list[GlossaryEntry], *names: str) -> list[tuple]:
    return [tuple(getattr(entry, name) for name in names) for entry in entries]


def export_import(entries: list[GlossaryEntry], fmt: str, tmp_path: Path, **options) -> list[GlossaryEntry]:
    path = tmp_path / f"terms.{fmt}"
    path.write_text(export_terms(entries, fmt, **options), encoding="utf-8")
    read, warnings = read_terms(path)
    assert warnings == []
    return read


# --- TBX -----------------------------------------------------------------------------------

def test_tbx_is_read_by_translate_toolkit_with_the_same_entries(tmp_path: Path) -> None:
    tbx = pytest.importorskip("translate.storage.tbx")
    path = tmp_path / "terms.tbx"
    path.write_text(export_terms(ENTRIES, "tbx", name="test"), encoding="utf-8")
    store = tbx.tbxfile.parsefile(str(path))
    units = [unit for unit in store.units if not unit.isheader()]
    assert [(u.source, u.target, u.getnotes()) for u in units] == fields(ENTRIES, "zh", "en", "note")
    first = units[0]
    assert [t.text for t in first.get_source_terms()] == ["一带一路", "丝绸之路经济带和21世纪海上丝绸之路"]
    english = first.get_target_terms("en")
    assert [(t.text, t.deprecated) for t in english] == [
        ("Belt and Road", False), ("One Belt, One Road", True), ("OBOR", True)]


def test_accepted_alternatives_are_admitted_terms_and_read_back(tmp_path: Path) -> None:
    entries = [GlossaryEntry("人类命运共同体", "community with a shared future for mankind",
                             accepted=("community with a shared future for humanity", "global community of shared future"),
                             avoid=("community of common destiny",), source="http://example.org"),
               GlossaryEntry("数字鸿沟", "digital divide", accepted=("digital gap",), status="proposed")]
    text = export_terms(entries, "tbx", name="test")
    assert ("<term>community with a shared future for humanity</term>\n"
            '            <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>') in text
    back = export_import(entries, "tbx", tmp_path)
    assert fields(back, "en", "accepted", "avoid", "status") == fields(entries, "en", "accepted", "avoid", "status")
    yaml_path = tmp_path / "g.yaml"
    append_entries(yaml_path, back, name="test")
    assert fields(load_glossary(yaml_path).entries, "accepted") == fields(entries, "accepted")


def test_tbx_is_tbx_basic(tmp_path: Path) -> None:
    text = export_terms(ENTRIES, "tbx", name="test")
    assert '<martif type="TBX-Basic" xml:lang="zh">' in text
    assert '<p type="XCSURI">TBXBasicXCSV02.xcs</p>' in text
    assert text.count("<termEntry ") == len(ENTRIES)


def test_tbx_round_trip_keeps_everything(tmp_path: Path) -> None:
    back = export_import(ENTRIES, "tbx", tmp_path)
    names = ("zh", "en", "variants", "avoid", "note", "source", "status")
    assert fields(back, *names) == fields(ENTRIES, *names)


def test_tbx_version_3_is_read(tmp_path: Path) -> None:
    path = tmp_path / "v3.tbx"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
  <text><body>
    <conceptEntry id="c1">
      <note>a note</note>
      <langSec xml:lang="zh-CN"><termSec><term>菌草</term></termSec></langSec>
      <langSec xml:lang="en-US">
        <termSec><term>Juncao</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>fungus grass</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
      </langSec>
    </conceptEntry>
  </body></text>
</tbx>""", encoding="utf-8")
    entries, warnings = read_terms(path)
    assert fields(entries, "zh", "en", "avoid", "note", "status") == [
        ("菌草", "Juncao", ("fungus grass",), "a note", "approved")]


def test_bad_tbx_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "bad.tbx"
    path.write_text("<martif>\n<text><body>\n</martif>\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"bad.tbx:3:\d+: not a readable TBX file"):
        read_terms(path)


# --- CSV and TSV ---------------------------------------------------------------------------

def test_csv_has_two_columns_without_header() -> None:
    rows = list(csv.reader(io.StringIO(export_terms(ENTRIES, "csv"))))
    assert rows == [[e.zh, e.en] for e in ENTRIES]
    noted = list(csv.reader(io.StringIO(export_terms(ENTRIES, "csv", with_notes=True))))
    assert noted == [[e.zh, e.en, e.note] for e in ENTRIES]


def test_tsv_is_omegat_glossary() -> None:
    lines = export_terms([GlossaryEntry("鲁班工坊", "Luban Workshop", note="two\nlines\tand a tab"),
                          GlossaryEntry("菌草", "Juncao")], "tsv").splitlines()
    assert lines == ["鲁班工坊\tLuban Workshop\ttwo lines and a tab", "菌草\tJuncao"]


@pytest.mark.parametrize("fmt, options, names", [
    ("csv", {}, ("zh", "en")),
    ("csv", {"with_notes": True}, ("zh", "en", "note")),
    ("tsv", {}, ("zh", "en", "note")),
])
def test_csv_and_tsv_round_trips(tmp_path: Path, fmt: str, options: dict, names: tuple) -> None:
    assert fields(export_import(ENTRIES, fmt, tmp_path, **options), *names) == fields(ENTRIES, *names)


@pytest.mark.parametrize("name, text, expected", [
    ("h.csv", "zh,en,note\n菌草,Juncao,a note\n", [("菌草", "Juncao", "a note")]),
    ("h.csv", "source,target\n菌草,Juncao\n", [("菌草", "Juncao", "")]),
    ("h.csv", "English,Chinese,Comment\nJuncao,菌草,x\n", [("菌草", "Juncao", "x")]),
    ("h.csv", "\ufeff菌草,Juncao\n\n鲁班工坊,\"Luban Workshop\"\n", [("菌草", "Juncao", ""), ("鲁班工坊", "Luban Workshop", "")]),
    ("h.txt", "# OmegaT glossary\n菌草\tJuncao\tnote\n", [("菌草", "Juncao", "note")]),
])
def test_import_reads_headers_and_plain_rows(tmp_path: Path, name: str, text: str, expected) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    entries, warnings = read_terms(path)
    assert fields(entries, "zh", "en", "note") == expected and warnings == []


def test_import_skips_incomplete_rows_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("菌草,Juncao\n鲁班工坊,\n,digital divide\n", encoding="utf-8")
    entries, warnings = read_terms(path)
    assert [e.zh for e in entries] == ["菌草"]
    assert warnings == [f"{path}:2: skipped: no English rendering", f"{path}:3: skipped: no Chinese term"]


ZH = st.text(st.sampled_from(list("一带路共建高质量国际合作丝绸之鲁班工坊菌草")), min_size=1, max_size=8)
EN = st.text(st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABC-,'\"&<>/é")), min_size=1, max_size=20).map(str.strip).filter(bool)
NOTE = st.text(st.sampled_from(list("abc xyz,;\"'<>&é中文")), max_size=30).map(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(ZH, EN, NOTE), min_size=1, max_size=8, unique_by=lambda row: row[0]))
def test_zh_en_and_note_survive_every_round_trip(tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    entries = [GlossaryEntry(zh, en, note=note) for zh, en, note in rows]
    for fmt, options in (("tbx", {}), ("tsv", {}), ("csv", {"with_notes": True})):
        assert fields(export_import(entries, fmt, tmp_path, **options), "zh", "en", "note") == rows, fmt


# --- appending to YAML ---------------------------------------------------------------------

EXISTING = """\
# Terms of the test domain.   (comments, order and spacing must survive)
name: test
version: "1"   # a trailing comment
entries:
    # --- first group ---
    -   zh: 菌草
        en: Juncao    # keep me
        note: 'quoted'
    -   en: Luban Workshop   # en before zh
        zh: 鲁班工坊
# the end
"""


def test_append_keeps_every_existing_byte(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(EXISTING, encoding="utf-8")
    added = append_entries(path, [ENTRIES[0], GlossaryEntry("菌草", "fungus grass"), ENTRIES[3]],
                           comments={"数字鸿沟": "seen 3 times"})
    assert [e.zh for e in added] == ["一带一路", "数字鸿沟"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(EXISTING)
    assert "    # seen 3 times\n    - zh: 数字鸿沟\n      en: digital divide\n      status: proposed\n" in text
    assert check_glossary(path) == []
    loaded = load_glossary(path)
    assert fields(loaded.entries[2:], "zh", "en", "variants", "avoid", "note", "source", "status") == \
        fields([ENTRIES[0], ENTRIES[3]], "zh", "en", "variants", "avoid", "note", "source", "status")
    assert append_entries(path, [ENTRIES[0]]) == [] and path.read_text(encoding="utf-8") == text


def test_append_creates_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.yaml"
    append_entries(path, ENTRIES[:2], header="imported from x.csv")
    assert path.read_text(encoding="utf-8").startswith("# imported from x.csv\nname: new\n")
    assert check_glossary(path) == []
    assert [e.zh for e in load_glossary(path).entries] == ["一带一路", "小而美"]
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("text, message", [
    ("entries:\n  - zh: 菌草\n    en: Juncao\nname: x\n", "must be its last key"),
    ("name: x\nentries: []\n", "replace `entries: \\[\\]`"),
    ("name: x\nentries: [\n", "not valid YAML"),
])
def test_append_refuses_what_it_cannot_do_safely(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError, match=message):
        append_entries(path, ENTRIES[:1])
    assert path.read_text(encoding="utf-8") == text


# --- the commands --------------------------------------------------------------------------

def test_export_command_writes_approved_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    glossary = tmp_path / "g.yaml"
    append_entries(glossary, ENTRIES)
    out = tmp_path / "terms.csv"
    assert main(["glossary", "export", "--glossary", str(glossary), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines() == ["一带一路,Belt and Road", "小而美,small yet smart",
                                                            "鲁班工坊,Luban Workshop"]
    assert main(["glossary", "export", "--glossary", str(glossary), "--format", "tsv", "--include-proposed"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "数字鸿沟\tdigital divide\tto be confirmed"
    assert main(["glossary", "export", "--glossary", str(glossary)]) == 2  # no format


def test_shipped_glossary_exports_to_tbx_and_back(tmp_path: Path) -> None:
    out = tmp_path / "terms.tbx"
    assert main(["glossary", "export", "--glossary", str(REPO / "glossary"), "-o", str(out)]) == 0
    back, _ = read_terms(out)
    approved = load_glossary(REPO / "glossary").approved
    names = ("zh", "en", "variants", "avoid", "note", "source")
    assert fields(back, *names) == fields(approved, *names)


def test_import_command_appends_only_new_terms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "glossary"
    folder.mkdir()
    append_entries(folder / "main.yaml", [GlossaryEntry("菌草", "Juncao")])
    terms = tmp_path / "terms.csv"
    terms.write_text("菌草,fungus grass\n鲁班工坊,Luban Workshop\n小而美,\n", encoding="utf-8")
    target = folder / "imported.yaml"
    status = main(["glossary", "import", str(terms), "-o", str(target), "--glossary", str(folder),
                   "--status", "proposed"])
    assert status == 1  # rows were skipped
    err = capsys.readouterr().err
    assert "skipped: no English rendering" in err and "skipped 菌草: already in the glossary" in err
    assert fields(load_glossary(target).entries, "zh", "en", "status") == [("鲁班工坊", "Luban Workshop", "proposed")]
    assert main(["glossary", "check", str(folder)]) == 0
