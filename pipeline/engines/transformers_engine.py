"""MarianMT through Hugging Face transformers: the reference engine, with full glossary control."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import torch

from pipeline.engines.base import (
    BatchResults,
    EngineSettings,
    ProgressCallback,
    TranslationRequest,
    TranslationResult,
    batches_by_length,
    collect_batches,
)
from pipeline.engines.constraints import GlossaryLogitsProcessor, encode_constraints, word_continuation_ids
from pipeline.glossary.match import rendering_variants
from pipeline.engines.marian_pieces import MarianPieces
from pipeline.engines.model_files import locate_model
from pipeline.errors import ModelError


def pick_device(requested: str) -> str:
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError("--device cuda was asked for, but torch sees no CUDA device "
                         "(is this a CPU-only torch build?). Use --device cpu or auto.")
    if requested not in {"cpu"} and not requested.startswith("cuda"):
        raise ModelError(f"unknown device {requested!r}; use auto, cpu or cuda.")
    return requested


def restrict_output_layer(model: Any, directory: Path) -> None:
    """Compute the output projection for the pieces the model can write, and no others.

    opus-mt models share one vocabulary between the two languages (65,001 pieces for zh-en), but
    only those of ``target.spm`` are ever written. The projection onto the vocabulary is 60% of the
    work of a decoding step, so computing it for the target side only (about half) saves some 30%
    of it; every other piece scores -inf, as it would in effect anyway. The CTranslate2 engine does
    the same with its vocabulary map, so both engines choose among the same pieces.
    """
    head = getattr(model, "lm_head", None)
    if type(model).__name__ != "MarianMTModel" or not isinstance(head, torch.nn.Linear) or head.bias is not None:
        return
    try:
        pieces = MarianPieces(directory)
    except (OSError, ValueError, RuntimeError, ModelError):
        return  # no shared vocabulary with target.spm beside it: keep the full projection
    allowed = sorted({pieces.vocab[piece] for piece in pieces.target_vocabulary() if piece in pieces.vocab})
    if not allowed or len(allowed) >= head.out_features * 0.9:  # too little saved to pay for the scatter
        return
    model.lm_head = TargetSideProjection(head, allowed)


class TargetSideProjection(torch.nn.Module):
    """A vocabulary projection computed for ``allowed`` rows only; the rest of the logits are -inf."""

    def __init__(self, full: torch.nn.Linear, allowed: list[int]) -> None:
        super().__init__()
        self.out_features = full.out_features
        self.register_buffer("allowed", torch.tensor(allowed, dtype=torch.long), persistent=False)
        self.rows = torch.nn.Parameter(full.weight.detach()[self.allowed].clone(), requires_grad=False)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        logits = hidden.new_full((*hidden.shape[:-1], self.out_features), float("-inf"))
        logits[..., self.allowed] = torch.nn.functional.linear(hidden, self.rows)
        return logits


class TransformersEngine:
    """Batches sorted by token length, beam search under ``torch.inference_mode()``, order restored."""

    name = "transformers"

    def __init__(self, settings: EngineSettings) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()
        transformers_logging.disable_progress_bar()
        self.settings = settings
        self.decoding = settings.decoding
        self.location = locate_model(settings.model)
        self.device = pick_device(settings.device)
        if settings.threads and self.device == "cpu":
            torch.set_num_threads(settings.threads)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.location.directory, trust_remote_code=False)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(self.location.directory, trust_remote_code=False)
        except Exception as error:  # tokenizer and weight loaders raise many types; all mean a broken folder
            raise ModelError(f"cannot load the model in {self.location.directory}: {error}".split("\n")[0]) from None
        restrict_output_layer(self.model, self.location.directory)
        self.model.to(self.device).eval()
        # Reported with the run (metadata, summary line) as the CTranslate2 engine reports its own.
        self.compute_type = str(self.model.dtype).removeprefix("torch.")
        self.workers = 1
        self._unknown_id = self.tokenizer.unk_token_id
        self._eos_id = self.tokenizer.eos_token_id
        self._word_continuations = word_continuation_ids(self.tokenizer.get_vocab())

    @property
    def identity(self) -> str:
        return self.location.identity

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encoded = self.tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def encode_target(self, text: str) -> list[int]:
        """Target-side token ids of ``text`` as it would appear inside a sentence."""
        return self.tokenizer(text_target=text, add_special_tokens=False)["input_ids"]

    def translate(self, requests: Sequence[TranslationRequest],
                  on_progress: ProgressCallback | None = None) -> list[TranslationResult]:
        return collect_batches(len(requests), self.translate_batches(requests), on_progress)

    def translate_batches(self, requests: Sequence[TranslationRequest]) -> Iterator[BatchResults]:
        lengths = self.count_tokens([request.source for request in requests])
        for batch in batches_by_length(lengths, self.decoding.batch_size, self.decoding.batch_tokens):
            translated = self._translate_batch([requests[i] for i in batch], [lengths[i] for i in batch])
            yield list(zip(batch, translated))

    def _translate_batch(self, requests: list[TranslationRequest], lengths: list[int]) -> list[TranslationResult]:
        from transformers import LogitsProcessorList

        beams = self.decoding.beams
        mode = self.decoding.constraints
        rows = [encode_constraints(request if mode != "off" else TranslationRequest(request.source),
                                   self.encode_target, self.decoding.length_budget(length), self._unknown_id)
                for request, length in zip(requests, lengths)]
        generation: dict = {"num_beams": beams, "max_new_tokens": max(row.budget for row in rows) + 1}
        if mode == "hard":
            processor = GlossaryLogitsProcessor(rows, beams, self._eos_id,
                                                word_continuations=self._word_continuations)
        else:
            processor = GlossaryLogitsProcessor([row.__class__((), (), row.budget) for row in rows], beams, self._eos_id)
            if mode == "soft":
                generation.update(self._soft_constraints(requests))
        generation["logits_processor"] = LogitsProcessorList([processor])
        inputs = self.tokenizer([request.source for request in requests], return_tensors="pt",
                                padding=True, truncation=False).to(self.device)
        with torch.inference_mode():
            sequences = self.model.generate(**inputs, **generation)
            scores = self._scores(inputs, sequences)
        texts = self.tokenizer.batch_decode(sequences, skip_special_tokens=True, use_source_tokenizer=False)
        return [TranslationResult(text, score) for text, score in zip(texts, scores)]

    def _soft_constraints(self, requests: list[TranslationRequest]) -> dict:
        bias: dict[tuple[int, ...], float] = {}
        banned: list[list[int]] = []
        for request in requests:
            for item in request.required:
                for form in rendering_variants(item.rendering):
                    ids = self.encode_target(form)
                    if ids and self._unknown_id not in ids:
                        bias[tuple(ids)] = 2.0
            for phrase in request.avoid:
                for form in rendering_variants(phrase):
                    ids = self.encode_target(form)
                    if ids and self._unknown_id not in ids:
                        banned.append(ids)
        options: dict = {}
        if bias:
            options["sequence_bias"] = bias
        if banned:
            options["bad_words_ids"] = banned
        return options

    def _scores(self, inputs, sequences) -> list[float | None]:  # noqa: ANN001 - torch tensors
        """Mean log-probability per generated token, by one teacher-forced pass over the output.

        Asking ``generate`` for ``output_scores`` would keep a (beams × vocabulary) tensor per step,
        gigabytes for a long batch; this costs one decoder pass and scores the English as the model
        itself rates it, without the constraints' adjustments.
        """
        decoder_input = sequences[:, :-1]
        labels = sequences[:, 1:]
        logits = self.model(**inputs, decoder_input_ids=decoder_input).logits
        log_probs = torch.log_softmax(logits.float(), dim=-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
        mask = labels != self.tokenizer.pad_token_id
        # Padding scores -inf (it is outside the output layer), so it is left out rather than weighted by 0.
        totals = log_probs.masked_fill(~mask, 0.0).sum(dim=-1)
        counts = mask.sum(dim=-1)
        return [float(total / count) if count else None for total, count in zip(totals, counts)]


def create_engine(settings: EngineSettings, notify: Callable[[str], None] | None = None) -> TransformersEngine:
    """The transformers engine (it has nothing to say while loading, so ``notify`` goes unused)."""
    return TransformersEngine(settings)
