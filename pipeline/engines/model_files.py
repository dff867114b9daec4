"""Find a MarianMT model on disk or in the Hugging Face cache, with errors a user can act on.

Nothing here downloads on its own terms: a Hub id is first looked up in the local cache, and only
then (unless ``HF_HUB_OFFLINE`` is set) fetched. When neither works, the error says what was asked
for, where it was looked for, and the two ways out.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ModelError

REQUIRED_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


@dataclass(frozen=True)
class ModelLocation:
    requested: str
    directory: Path
    identity: str  # id@revision for the Hub; for a local folder, a hash of its files' names, sizes and times


def _hub_cache() -> str:
    from huggingface_hub import constants

    return str(constants.HF_HUB_CACHE)


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def not_found_message(model: str, reason: str = "") -> str:
    cause = f" ({reason})" if reason else ""
    return (
        f"the model {model!r} is not a local directory and is not in the Hugging Face cache "
        f"({_hub_cache()}), and it could not be downloaded{cause}. Either pass a local copy with "
        f"--model DIR, or download it on a connected machine (for example "
        f"`hf download {model}`, or from_pretrained once) and copy the cache folder or "
        f"the model folder here."
    )


def check_model_directory(directory: Path) -> None:
    """Raise a ModelError naming the first missing or unreadable file of a Marian model folder."""
    missing = [name for name in REQUIRED_FILES if not (directory / name).is_file()]
    if not any((directory / name).is_file() for name in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    if missing:
        raise ModelError(f"the model folder {directory} is incomplete: missing {', '.join(missing)}. "
                         f"A MarianMT folder holds {', '.join(REQUIRED_FILES)} and the weights.")
    for name in ("config.json", "vocab.json"):
        try:
            json.loads((directory / name).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(f"{directory / name} is corrupt (not valid JSON: {error}).") from None
    if (directory / WEIGHT_FILES[0]).is_file():
        check_safetensors_header(directory / WEIGHT_FILES[0])


def check_safetensors_header(path: Path) -> None:
    """Read a safetensors file's header (8-byte length, then JSON) without loading any weight."""
    size = path.stat().st_size
    try:
        with path.open("rb") as handle:
            length = int.from_bytes(handle.read(8), "little")
            if size < 8 or length <= 0 or 8 + length > size:
                raise ValueError("truncated or not a safetensors file")
            header = json.loads(handle.read(length))
        ends = [entry["data_offsets"][1] for key, entry in header.items() if key != "__metadata__"]
        if ends and 8 + length + max(ends) > size:
            raise ValueError("the weights are cut short")
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise ModelError(f"{path} is corrupt ({error}); download the model again.") from None


def directory_digest(directory: Path) -> str:
    """A hash of a model folder's file names, sizes and modification times (cheap, content-sensitive)."""
    digest = hashlib.sha256()
    for path in sorted(directory.iterdir()):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def locate_model(model: str) -> ModelLocation:
    """Resolve ``model`` (a folder or a Hub id) to a local folder with every file present."""
    path = Path(model).expanduser()
    if path.is_dir():
        check_model_directory(path)
        return ModelLocation(model, path.resolve(), f"dir:{path.resolve().name}:{directory_digest(path)}")
    if path.exists() or model.startswith((".", "/", "~")) or model.count("/") > 1:
        raise ModelError(f"the model folder {model!r} does not exist (or is not a folder).")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    # Safetensors first; the pickle weights only for a repository that has nothing else.
    patterns = ["*.json", "*.spm", "*.safetensors", "pytorch_model.bin"]
    try:
        directory = snapshot_download(model, local_files_only=True, allow_patterns=patterns)
    except (LocalEntryNotFoundError, OSError, ValueError):
        if _offline():
            raise ModelError(not_found_message(model, "HF_HUB_OFFLINE is set")) from None
        try:
            directory = snapshot_download(model, allow_patterns=patterns[:3])
            if not (Path(directory) / WEIGHT_FILES[0]).is_file():
                directory = snapshot_download(model, allow_patterns=patterns)
        except (HfHubHTTPError, OSError, ValueError) as error:
            raise ModelError(not_found_message(model, type(error).__name__)) from None
        except Exception as error:  # network stacks raise their own types; all mean "not reachable"
            raise ModelError(not_found_message(model, type(error).__name__)) from None
    directory_path = Path(directory)
    check_model_directory(directory_path)
    return ModelLocation(model, directory_path, f"hub:{model}@{directory_path.name}")
