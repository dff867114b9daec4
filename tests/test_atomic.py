"""Atomic writes (pipeline/atomic.py): a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline.atomic import atomic_path, staged_outputs, write_bytes_atomic, write_text_atomic


def test_written_text_replaces_the_target_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    write_text_atomic(target, "新\r\nline")
    assert target.read_bytes() == "新\r\nline".encode()
    write_bytes_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_a_failure_while_writing_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_staged_outputs_replace_all_targets_or_none(tmp_path: Path) -> None:
    targets = {"a": tmp_path / "a.txt", "b": tmp_path / "b.txt"}
    for path in targets.values():
        path.write_text("old", encoding="utf-8")
    with pytest.raises(OSError), staged_outputs(targets) as staged:
        staged["a"].write_text("new a", encoding="utf-8")
        raise OSError(28, "No space left on device")
    assert [p.read_text(encoding="utf-8") for p in targets.values()] == ["old", "old"]
    with staged_outputs(targets) as staged:
        for key, path in staged.items():
            path.write_text(f"new {key}", encoding="utf-8")
    assert [p.read_text(encoding="utf-8") for p in targets.values()] == ["new a", "new b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


# --- permissions: outputs are shared, like any file the user writes -------------------------------

@pytest.mark.parametrize("write", [
    lambda target: write_text_atomic(target, "text"),
    lambda target: write_bytes_atomic(target, b"bytes"),
])
def test_a_new_output_gets_the_mode_open_would_give(tmp_path: Path, umask_022: None, write) -> None:  # noqa: ANN001
    target = tmp_path / "new.txt"
    write(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_a_replaced_output_keeps_its_mode(tmp_path: Path, umask_022: None, mode: int) -> None:
    target = tmp_path / "old.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(mode)
    write_text_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == mode and target.read_text(encoding="utf-8") == "new"


def test_staged_outputs_get_the_umask_mode(tmp_path: Path, umask_022: None) -> None:
    targets = {"a": tmp_path / "a.txt", "b": tmp_path / "b.txt"}
    with staged_outputs(targets) as staged:
        for path in staged.values():
            path.write_text("x", encoding="utf-8")
    assert {stat.S_IMODE(path.stat().st_mode) for path in targets.values()} == {0o644}


def test_a_stricter_umask_is_respected(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        write_text_atomic(tmp_path / "private.txt", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "private.txt").stat().st_mode) == 0o600
