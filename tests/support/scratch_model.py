"""Build a randomly initialised MarianMT model with real tokenizers, laid out like opus-mt-zh-en.

Used by the test suite and the benchmarks, where the real weights cannot be downloaded: the
directory it writes (``config.json``, ``model.safetensors``, ``source.spm``, ``target.spm``,
``vocab.json``, ``tokenizer_config.json``) loads through exactly the same ``from_pretrained`` code
path as the published model. Its output is not a translation.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterable

SPECIAL_TOKENS = ("</s>", "<unk>", "<pad>")


@dataclass(frozen=True)
class MarianDimensions:
    """Architecture sizes; the defaults make a model small enough for unit tests."""

    d_model: int = 32
    encoder_layers: int = 1
    decoder_layers: int = 1
    attention_heads: int = 2
    ffn_dim: int = 64
    max_position_embeddings: int = 512
    target_vocab_size: int | None = None  # pad the vocabulary to this size (opus-mt-zh-en: 65,001)


OPUS_MT_ZH_EN_DIMENSIONS = MarianDimensions(
    d_model=512,
    encoder_layers=6,
    decoder_layers=6,
    attention_heads=8,
    ffn_dim=2048,
    target_vocab_size=65001,
)


def _train_sentencepiece(lines: Iterable[str], vocab_size: int, character_coverage: float) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=model,
        vocab_size=vocab_size,
        character_coverage=character_coverage,
        model_type="unigram",
        hard_vocab_limit=False,
        bos_id=-1,
        eos_id=-1,
        unk_id=0,
        pad_id=-1,
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(spm_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def build_scratch_marian(
    directory: Path,
    chinese_text: Iterable[str],
    english_text: Iterable[str],
    dimensions: MarianDimensions = MarianDimensions(),
    source_vocab_size: int = 1200,
    target_vocab_size: int = 400,
    seed: int = 0,
) -> Path:
    """Train SentencePiece models on the given lines and save a random MarianMT model beside them."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    source_spm = _train_sentencepiece(chinese_text, source_vocab_size, 0.9995)
    target_spm = _train_sentencepiece(english_text, target_vocab_size, 1.0)
    (directory / "source.spm").write_bytes(source_spm)
    (directory / "target.spm").write_bytes(target_spm)

    vocab: dict[str, int] = {}
    for token in SPECIAL_TOKENS:
        vocab.setdefault(token, len(vocab))
    for piece in _pieces(source_spm) + _pieces(target_spm):
        vocab.setdefault(piece, len(vocab))
    if dimensions.target_vocab_size:
        filler = 0
        while len(vocab) < dimensions.target_vocab_size:
            vocab.setdefault(f"<unused{filler}>", len(vocab))
            filler += 1
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"source_lang": "zh", "target_lang": "en", "model_max_length": 512,
                    "tokenizer_class": "MarianTokenizer", "separate_vocabs": False}),
        encoding="utf-8",
    )

    pad_id = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=dimensions.d_model,
        encoder_layers=dimensions.encoder_layers,
        decoder_layers=dimensions.decoder_layers,
        encoder_attention_heads=dimensions.attention_heads,
        decoder_attention_heads=dimensions.attention_heads,
        encoder_ffn_dim=dimensions.ffn_dim,
        decoder_ffn_dim=dimensions.ffn_dim,
        max_position_embeddings=dimensions.max_position_embeddings,
        pad_token_id=pad_id,
        eos_token_id=vocab["</s>"],
        decoder_start_token_id=pad_id,
        forced_eos_token_id=vocab["</s>"],
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        scale_embedding=True,
        static_position_embeddings=True,
        activation_function="swish",
        num_beams=4,
        max_length=512,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    # Like a trained zh→en model, never emit pieces that only the Chinese side uses.
    target_pieces = set(_pieces(target_spm)) | set(SPECIAL_TOKENS)
    with torch.no_grad():
        for piece, index in vocab.items():
            if piece not in target_pieces:
                model.final_logits_bias[0, index] = -1e4
    model.eval()
    model.save_pretrained(directory)
    # Round-trip through the tokenizer class once so a broken layout fails here, not in a test.
    MarianTokenizer.from_pretrained(directory)
    return directory
