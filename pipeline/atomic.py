"""Write files so that a reader never sees half of one: temp file in the same folder, then rename."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back, under a lock)."""
    with _lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def output_mode(target: Path) -> int:
    """The permission bits an output gets: those of the file it replaces, else what ``open()``
    would give a new file under the current umask (``tempfile.mkstemp`` makes files 0600, which
    would keep colleagues on a shared drive from reading them)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def staged_file(target: Path, suffix: str = ".part") -> Path:
    """An empty temporary file beside ``target``, with the mode ``target`` will have."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    try:
        os.fchmod(descriptor, output_mode(target))
    finally:
        os.close(descriptor)
    return Path(temporary)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one step."""
    target = Path(target)
    temporary = staged_file(target)
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


@contextlib.contextmanager
def staged_outputs(targets: dict[str, Path]) -> Iterator[dict[str, Path]]:
    """Yield temporary paths for a set of outputs; they replace the targets only if all were written.

    A failure while writing any of them leaves every previous output as it was.
    """
    staged: dict[str, Path] = {}
    try:
        for key, target in targets.items():
            staged[key] = staged_file(target)
        yield staged
        for key, temporary in staged.items():
            os.replace(temporary, targets[key])
    finally:
        for temporary in staged.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
