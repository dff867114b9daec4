"""The CTranslate2 side of a MarianMT model: device, compute type, and the cached conversion.

The Hugging Face model is converted once with CTranslate2's own ``TransformersConverter`` and kept
under the user cache folder (``<cache>/ct2/<model>-<quantization>-<hash>``), keyed by the model's
identity, the quantization and the CTranslate2 version; the conversion is written to a temporary
folder and renamed into place, so two processes never see half a model. A model the converter
cannot handle raises ``ConversionError`` (and is noted, so later runs do not try again), which
``--engine auto`` answers by using transformers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from pipeline.cache_dir import cache_directory
from pipeline.engines.marian_pieces import MarianPieces
from pipeline.engines.model_files import ModelLocation
from pipeline.errors import ConversionError, ModelError

Notify = Callable[[str], None]  # says one line to the user

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")


def pick_device(requested: str) -> tuple[str, int]:
    import ctranslate2

    cuda_devices = ctranslate2.get_cuda_device_count()
    if requested == "auto":
        return ("cuda", 0) if cuda_devices else ("cpu", 0)
    if requested == "cpu":
        return "cpu", 0
    if requested == "cuda" or requested.startswith("cuda:"):
        suffix = requested.partition(":")[2]
        if suffix and not suffix.isdigit():
            raise ModelError(f"unknown device {requested!r}; use auto, cpu, cuda or cuda:N.")
        index = int(suffix or 0)
        if index >= cuda_devices:
            raise ModelError(f"--device {requested} was asked for, but CTranslate2 sees {cuda_devices} CUDA "
                             f"device(s). Use --device cpu or auto.")
        return "cuda", index
    raise ModelError(f"unknown device {requested!r}; use auto, cpu or cuda.")


def pick_compute_type(requested: str | None, device: str) -> str:
    import ctranslate2

    supported = set(ctranslate2.get_supported_compute_types(device))
    if requested in (None, "auto", "default"):
        preferred = "int8" if device == "cpu" else "float16"
        return preferred if preferred in supported else "float32"
    if requested not in QUANTIZATIONS or requested not in supported:
        raise ModelError(f"--compute-type {requested} is not available on {device}; choose one of: "
                         f"{', '.join(sorted(supported & set(QUANTIZATIONS)))}.")
    return requested


def converted_model(location: ModelLocation, quantization: str, notify: Notify | None = None) -> Path:
    """The CTranslate2 conversion of ``location`` at ``quantization``, converting it on first use
    (and then saying so through ``notify``: it takes some 20 s for opus-mt-zh-en)."""
    import ctranslate2

    key = hashlib.sha256(f"{location.identity}|{quantization}|vmap|{ctranslate2.__version__}".encode()).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", location.requested.strip("/"))[-60:].strip("-.") or "model"
    root = cache_directory() / "ct2"
    target = root / f"{name}-{quantization}-{key}"
    if ctranslate2.contains_model(str(target)):
        return target
    # A model the converter refused once is refused again: say so at once rather than retry each run.
    refused = target.with_name(target.name + ".refused")
    if refused.is_file():
        raise ConversionError(refused.read_text(encoding="utf-8", errors="replace").strip())
    try:
        root.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=root))
    except OSError as error:
        raise ModelError(f"cannot write the converted model under {root}: {error.strerror}; "
                         f"set ZHEN_CACHE_DIR to a writable folder.") from None
    if notify is not None:
        notify(f"converting {location.requested} for CTranslate2 ({quantization}), once; "
               f"later runs use the copy kept under {root}")
    try:
        _convert(location.directory, temporary, quantization)
        try:
            os.rename(temporary, target)
        except OSError:
            if not ctranslate2.contains_model(str(target)):  # not another process's finished copy
                raise
    except ModelError:
        raise
    except Exception as error:  # the converter raises many kinds; all mean this model cannot be used here
        reason = f"CTranslate2 cannot convert the model in {location.directory} ({type(error).__name__}: {error})"
        if not isinstance(error, (OSError, ImportError)):  # a full disk or a broken install is no verdict on the model
            with contextlib.suppress(OSError):
                refused.write_text(reason, encoding="utf-8")
        raise ConversionError(reason) from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return target


def _convert(directory: Path, output: Path, quantization: str) -> None:
    """Convert with CTranslate2's converter, adding a vocabulary map of the target-side pieces.

    opus-mt models share one vocabulary between Chinese and English (65,001 pieces for zh-en), but
    only the English half can ever be written; restricting the output layer to it (``use_vmap``)
    halves the cost of the 65,001 × 512 output projection, the largest part of each decoding step.
    """
    from ctranslate2.converters import TransformersConverter
    from ctranslate2.converters import transformers as loaders
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()

    class MarianLoader(loaders.MarianMTLoader):
        """CTranslate2's Marian loader, which assumes ``<pad>`` is the last vocabulary entry (as in
        every published opus-mt model) and drops it; this one only drops it when it is last."""

        def __call__(self, model, tokenizer):  # noqa: ANN001, ANN204
            vocabulary = loaders.ModelLoader.get_vocabulary(self, model, tokenizer)
            self.pad_last = vocabulary[-1] == tokenizer.pad_token
            return super().__call__(model, tokenizer)

        def get_vocabulary(self, model, tokenizer):  # noqa: ANN001, ANN201
            tokens = loaders.ModelLoader.get_vocabulary(self, model, tokenizer)
            return tokens[:-1] if self.pad_last else tokens

        def _remove_pad_weights(self, spec):  # noqa: ANN001, ANN202
            if self.pad_last:
                super()._remove_pad_weights(spec)

    vocabulary_map = output.with_name(output.name + ".vmap")
    vocabulary_map.write_text("\t" + " ".join(MarianPieces(directory).target_vocabulary()) + "\n", encoding="utf-8")
    registered = loaders._MODEL_LOADERS.get("MarianConfig")
    loaders._MODEL_LOADERS["MarianConfig"] = MarianLoader()
    try:
        TransformersConverter(str(directory)).convert(str(output), vmap=str(vocabulary_map), quantization=quantization,
                                                      force=True)
    finally:
        loaders._MODEL_LOADERS["MarianConfig"] = registered
        vocabulary_map.unlink(missing_ok=True)
