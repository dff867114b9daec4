"""Finding a model (pipeline/engines/model_files.py): local folder, Hub cache, clear errors."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.engines.model_files import REQUIRED_FILES, locate_model
from pipeline.errors import ModelError


@pytest.fixture()
def model_copy(tiny_model: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(tiny_model, tmp_path / "model"))


def test_a_local_folder_is_found_with_an_identity_that_follows_its_files(model_copy: Path) -> None:
    location = locate_model(str(model_copy))
    assert location.directory == model_copy.resolve()
    assert location.identity.startswith("dir:model:")
    assert locate_model(str(model_copy)).identity == location.identity
    config = model_copy / "config.json"
    stat = config.stat()
    os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert locate_model(str(model_copy)).identity != location.identity


@pytest.mark.parametrize("name", [name for name in REQUIRED_FILES])
def test_a_missing_file_is_named(model_copy: Path, name: str) -> None:
    (model_copy / name).unlink()
    with pytest.raises(ModelError, match=name.replace(".", r"\.")):
        locate_model(str(model_copy))


def test_cut_weights_are_reported_as_corrupt(model_copy: Path) -> None:
    weights = model_copy / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(ModelError, match="corrupt"):
        locate_model(str(model_copy))


def test_a_missing_folder_is_not_looked_up_on_the_hub(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        locate_model(str(tmp_path / "nowhere"))


def test_offline_without_a_cached_copy_says_where_it_looked_and_what_to_do(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError) as raised:
        locate_model("Helsinki-NLP/opus-mt-zh-en")
    message = str(raised.value)
    assert "Helsinki-NLP/opus-mt-zh-en" in message and "--model DIR" in message
    assert "`hf download Helsinki-NLP/opus-mt-zh-en`" in message  # the command huggingface_hub ships now
    assert "huggingface-cli" not in message
