"""Translation memory: a SQLite store of finished translations, so no sentence is translated twice.

A translation is filed under a key made of everything that decides its text: the normalised
source, the engine and the model's identity (id and revision, or a hash of a local folder's file
names, sizes and times, plus the engine's numeric precision), the decoding options that change the
output, the zhen version, and the glossary renderings the segment must contain or avoid. A rerun, or a
document that repeats a sentence, reads the stored text instead of running the model; editing a
glossary entry changes the key of exactly the segments it applies to.

The store is one SQLite file in WAL mode under the user cache directory (``ZHEN_CACHE_DIR``, else
the platform's, via platformdirs), so two zhen processes can read and write it at once. Every engine
batch is committed as soon as it is translated: an interrupted run keeps what it finished.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline.engines.base import (
    DecodingOptions,
    ProgressCallback,
    TranslationEngine,
    TranslationRequest,
    TranslationResult,
)
from pipeline.cache_dir import cache_directory
from pipeline.errors import PipelineError
from pipeline import __version__

MEMORY_FILE = "memory.sqlite3"
BUSY_TIMEOUT_MS = 60_000  # how long a writer waits for another process's transaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    score REAL,
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def memory_path() -> Path:
    return cache_directory() / MEMORY_FILE


def normalise_source(text: str) -> str:
    """The form of a source text the key uses: NFC, runs of whitespace as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def request_key(request: TranslationRequest, context: str) -> str:
    """The memory key of one request under an engine/model/options ``context``."""
    required = sorted((item.rendering, item.count) for item in request.required)
    avoid = sorted(set(request.avoid))
    material = json.dumps([context, normalise_source(request.source), required, avoid], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def memory_context(engine_name: str, identity: str, decoding: DecodingOptions) -> str:
    return f"zhen {__version__}|{engine_name}|{identity}|{decoding.cache_key()}"


class TranslationMemory:
    """Stored translations for one engine, model and set of decoding options."""

    def __init__(self, path: Path, engine_name: str, identity: str, decoding: DecodingOptions) -> None:
        self.path = Path(path)
        self.engine_name = engine_name
        self.identity = identity
        self.decoding = decoding
        self.context = memory_context(engine_name, identity, decoding)
        self._connection = connect(self.path)

    def close(self) -> None:
        self._connection.close()

    def key(self, request: TranslationRequest) -> str:
        return request_key(request, self.context)

    def lookup(self, requests: Sequence[TranslationRequest]) -> dict[TranslationRequest, TranslationResult]:
        """The stored results of those ``requests`` the memory knows (marked ``cached``)."""
        keys = {self.key(request): request for request in requests}
        found: dict[TranslationRequest, TranslationResult] = {}
        chunk = 500  # SQLite's default limit on bound parameters is far above this
        key_list = list(keys)
        for start in range(0, len(key_list), chunk):
            part = key_list[start:start + chunk]
            rows = self._connection.execute(
                f"SELECT key, target, score FROM translations WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
            for key, target, score in rows:
                found[keys[key]] = TranslationResult(target, score, cached=True)
        return found

    def store(self, pairs: Sequence[tuple[TranslationRequest, TranslationResult]]) -> None:
        """File finished translations, in one transaction."""
        now = time.time()
        rows = [(self.key(request), request.source, result.text, result.score, self.engine_name, self.identity, now)
                for request, result in pairs]
        with _write(self._connection):
            self._connection.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def translate_and_store(self, engine: TranslationEngine, requests: Sequence[TranslationRequest],
                            on_progress: ProgressCallback | None = None
                            ) -> Iterator[tuple[TranslationRequest, TranslationResult]]:
        """Translate ``requests``, storing each batch as soon as the engine finishes it."""
        for finished in engine.translate_batches(requests):
            pairs = [(requests[index], result) for index, result in finished]
            self.store(pairs)
            if on_progress:
                on_progress(len(pairs))
            yield from pairs


@contextlib.contextmanager
def _write(connection: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the write lock up front (waiting for another process's),
    so it never fails half-way on a lock another writer took after it began."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating when needed) the memory database in WAL mode, safe for concurrent processes."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE (see ``_write``).
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(_SCHEMA)
    except (OSError, sqlite3.Error) as error:
        raise PipelineError(
            f"cannot open the translation memory {path}: {error}. Pass --no-cache to translate without "
            f"it, or point ZHEN_CACHE_DIR at a writable folder (zhen cache clear empties it)."
        ) from None
    return connection


def open_memory(engine: TranslationEngine, decoding: DecodingOptions) -> TranslationMemory:
    """The translation memory for ``engine`` and ``decoding``, in the user cache directory."""
    return TranslationMemory(memory_path(), engine.name, engine.identity, decoding)


# --- zhen cache info / clear ------------------------------------------------------------------------

def _folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def cache_report() -> dict[str, Any]:
    """What zhen keeps in its cache folder: the translation memory and converted models."""
    directory = cache_directory()
    report: dict[str, Any] = {"directory": str(directory), "memory": {"path": str(memory_path()), "exists": False}}
    path = memory_path()
    if path.exists():
        connection = connect(path)
        try:
            total = connection.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
            by_model = connection.execute(
                "SELECT engine, model, COUNT(*) FROM translations GROUP BY engine, model ORDER BY 3 DESC").fetchall()
        finally:
            connection.close()
        size = sum(Path(f"{path}{suffix}").stat().st_size for suffix in ("", "-wal", "-shm")
                   if Path(f"{path}{suffix}").exists())
        report["memory"] = {"path": str(path), "exists": True, "segments": total, "bytes": size,
                            "by_model": [{"engine": engine, "model": model, "segments": count}
                                         for engine, model, count in by_model]}
    models = directory / "ct2"
    report["converted_models"] = sorted(
        ({"path": str(folder), "bytes": _folder_size(folder)} for folder in models.iterdir()
         if folder.is_dir() and not folder.name.startswith(".")), key=lambda item: item["path"]
    ) if models.is_dir() else []
    return report


def clear_cache(models: bool = True, on_removed: Callable[[str], None] | None = None) -> None:
    """Empty the translation memory (safely, while another process may use it) and, unless
    ``models`` is false, delete the converted models."""
    path = memory_path()
    if path.exists():
        connection = connect(path)
        try:
            with _write(connection):
                connection.execute("DELETE FROM translations")
            connection.execute("VACUUM")
        finally:
            connection.close()
        if on_removed:
            on_removed(str(path))
    folder = cache_directory() / "ct2"
    if models and folder.is_dir():
        shutil.rmtree(folder)
        if on_removed:
            on_removed(str(folder))
