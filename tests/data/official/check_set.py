#!/usr/bin/env python3
"""Consistency check for the official zh/en evaluation set in this folder.

For every document id (taken from SOURCES.tsv if present, else from *.zh.txt):
  * <id>.zh.txt / <id>.en.txt: UTF-8, LF only, paragraphs separated by exactly
    one blank line, no tabs, no leading/trailing spaces on a line;
  * <id>.paragraphs.tsv: header "zh\ten"; every paragraph number of both files
    appears exactly once and in increasing order;
  * <id>.segments.tsv: header "zh\ten"; every cell is a substring of its file
    once all whitespace is removed, and rows follow document order.
Run: python3 check_set.py   (exit status 1 on any problem)
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
errors = []


def err(msg):
    errors.append(msg)


def read_paras(path):
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        err(f"{path.name}: not UTF-8 ({exc})")
        return []
    if "\r" in text:
        err(f"{path.name}: contains CR")
    if "\t" in text:
        err(f"{path.name}: contains TAB")
    if not text.endswith("\n") or text.endswith("\n\n"):
        err(f"{path.name}: must end with exactly one newline")
    body = text[:-1] if text.endswith("\n") else text
    paras = body.split("\n\n")
    for i, p in enumerate(paras, 1):
        if not p or "\n" in p:
            err(f"{path.name}: paragraph {i} empty or contains a line break")
        if p != p.strip():
            err(f"{path.name}: paragraph {i} has leading/trailing whitespace")
    return paras


def parse_nums(cell, where):
    cell = cell.strip()
    if not cell:
        return []
    out = []
    for tok in cell.split(","):
        tok = tok.strip()
        if not tok.isdigit():
            err(f"{where}: bad paragraph number {tok!r}")
            continue
        out.append(int(tok))
    return out


def squash(s):
    return re.sub(r"\s+", "", s)


def check_doc(docid):
    zp, ep = HERE / f"{docid}.zh.txt", HERE / f"{docid}.en.txt"
    pt, st = HERE / f"{docid}.paragraphs.tsv", HERE / f"{docid}.segments.tsv"
    for p in (zp, ep, pt, st):
        if not p.exists():
            err(f"{docid}: missing {p.name}")
            return None
    zh, en = read_paras(zp), read_paras(ep)
    # paragraphs.tsv
    lines = pt.read_text(encoding="utf-8").split("\n")
    if lines[0] != "zh\ten":
        err(f"{pt.name}: bad header")
    seen = {"zh": [], "en": []}
    for n, line in enumerate(lines[1:], 2):
        if not line:
            continue
        cols = line.split("\t")
        if len(cols) != 2:
            err(f"{pt.name}:{n}: expected 2 columns")
            continue
        z = parse_nums(cols[0], f"{pt.name}:{n}")
        e = parse_nums(cols[1], f"{pt.name}:{n}")
        if not z and not e:
            err(f"{pt.name}:{n}: empty row")
        seen["zh"] += z
        seen["en"] += e
    for side, paras in (("zh", zh), ("en", en)):
        if seen[side] != list(range(1, len(paras) + 1)):
            err(f"{pt.name}: {side} paragraphs not covered exactly once in order "
                f"(have {len(paras)}, listed {seen[side]})")
    # segments.tsv
    ztext, etext = squash("".join(zh)), squash("".join(en))
    lines = st.read_text(encoding="utf-8").split("\n")
    if lines[0] != "zh\ten":
        err(f"{st.name}: bad header")
    rows = 0
    zpos = epos = 0
    for n, line in enumerate(lines[1:], 2):
        if not line:
            continue
        cols = line.split("\t")
        if len(cols) != 2:
            err(f"{st.name}:{n}: expected 2 columns")
            continue
        rows += 1
        zc, ec = squash(cols[0]), squash(cols[1])
        if not zc or not ec:
            err(f"{st.name}:{n}: empty cell")
            continue
        if zc not in ztext:
            err(f"{st.name}:{n}: zh cell not found in {zp.name}: {cols[0][:40]!r}")
        else:
            k = ztext.find(zc, zpos)
            if k < 0:
                err(f"{st.name}:{n}: zh cell out of document order: {cols[0][:40]!r}")
            else:
                zpos = k + len(zc)
        if ec not in etext:
            err(f"{st.name}:{n}: en cell not found in {ep.name}: {cols[1][:40]!r}")
        else:
            k = etext.find(ec, epos)
            if k < 0:
                err(f"{st.name}:{n}: en cell out of document order: {cols[1][:40]!r}")
            else:
                epos = k + len(ec)
    return len(zh), len(en), rows


def main():
    src = HERE / "SOURCES.tsv"
    ids = []
    if src.exists():
        lines = src.read_text(encoding="utf-8").rstrip("\n").split("\n")
        header = "id\ttitle_zh\ttitle_en\tpublisher\tdate\tzh_source\ten_source\tnotes"
        if lines[0] != header:
            err("SOURCES.tsv: bad header")
        for n, line in enumerate(lines[1:], 2):
            cols = line.split("\t")
            if len(cols) != 8:
                err(f"SOURCES.tsv:{n}: expected 8 columns, got {len(cols)}")
            ids.append(cols[0])
    files = sorted(p.name[: -len(".zh.txt")] for p in HERE.glob("*.zh.txt"))
    if src.exists() and sorted(ids) != files:
        err(f"SOURCES.tsv ids {sorted(ids)} != documents {files}")
    total = 0
    for docid in (ids or files):
        res = check_doc(docid)
        if res:
            print(f"{docid}\tzh={res[0]}\ten={res[1]}\tsegments={res[2]}")
            total += res[2]
    print(f"documents={len(ids or files)} segment_rows={total}")
    if errors:
        print("\n".join("ERROR: " + e for e in errors))
        sys.exit(1)


if __name__ == "__main__":
    main()
