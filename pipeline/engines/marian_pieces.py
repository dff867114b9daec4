"""opus-mt's SentencePiece tokenisation without transformers, for the CTranslate2 engine.

Checked against transformers' ``MarianTokenizer`` in the tests, so both engines see the same pieces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import ConversionError


class MarianPieces:
    """opus-mt's SentencePiece tokenisation as transformers' ``MarianTokenizer`` does it.

    Source: the text is cut at special tokens written literally in it, each remaining piece is
    encoded with ``source.spm`` (after a leading ``>>lang<<`` code), pieces missing from
    ``vocab.json`` become ``<unk>``, and ``</s>`` ends the sequence. Target: special tokens are
    dropped and the rest decoded with ``target.spm`` (``batch_decode(..., skip_special_tokens=True)``).
    """

    def __init__(self, directory: Path) -> None:
        import sentencepiece

        config_path = directory / "tokenizer_config.json"
        config: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
        if config.get("separate_vocabs"):
            raise ConversionError(f"{directory} uses separate source and target vocabularies, which the ctranslate2 "
                                  f"engine does not handle")
        self.vocab: dict[str, int] = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        self.eos = _token_text(config.get("eos_token"), "</s>")
        self.unk = _token_text(config.get("unk_token"), "<unk>")
        self.pad = _token_text(config.get("pad_token"), "<pad>")
        extra = [_token_text(token, "") for token in config.get("additional_special_tokens") or []]
        self.special = {self.eos, self.unk, self.pad, *(token for token in extra if token in self.vocab)}
        self.clean_up_spaces = bool(config.get("clean_up_tokenization_spaces", False))
        longest_first = sorted(self.special, key=len, reverse=True)
        self._split = re.compile("(" + "|".join(re.escape(token) for token in longest_first) + ")")
        self.source_model = sentencepiece.SentencePieceProcessor(model_file=str(directory / "source.spm"))
        self.target_model = sentencepiece.SentencePieceProcessor(model_file=str(directory / "target.spm"))

    def source_pieces(self, text: str) -> list[str]:
        pieces: list[str] = []
        for chunk in self._split.split(text):
            if chunk in self.special:
                pieces.append(chunk)
            elif chunk:
                if chunk.startswith(">>") and (end := chunk.find("<<")) != -1:  # a >>lang<< code, kept whole
                    pieces.append(chunk[:end + 2])
                    chunk = chunk[end + 2:]
                pieces.extend(self.source_model.encode(chunk, out_type=str))
        return [piece if piece in self.vocab else self.unk for piece in pieces] + [self.eos]

    def source_range(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The indices ``[first, last)`` of the ``source_pieces`` of ``text`` that characters
        ``start:end`` fall in (at least one piece)."""
        inside = [index for index, (begin, finish) in enumerate(self.source_spans(text))
                  if begin < end and start < finish]
        return (inside[0], inside[-1] + 1) if inside else (0, 1)

    def source_spans(self, text: str) -> list[tuple[int, int]]:
        """The characters of ``text`` each of its ``source_pieces`` stands for, as (start, end)."""
        spans: list[tuple[int, int]] = []
        offset = 0
        for chunk in self._split.split(text):
            if chunk in self.special:
                spans.append((offset, offset + len(chunk)))
            elif chunk:
                rest, base = chunk, offset
                if chunk.startswith(">>") and (end := chunk.find("<<")) != -1:
                    spans.append((base, base + end + 2))
                    rest, base = chunk[end + 2:], base + end + 2
                # SentencePiece's pieces spell its normalised text; the offsets map that back.
                normalised, origins = self.source_model.normalize(rest, with_offsets=True)
                position = 0
                for piece in self.source_model.encode(rest, out_type=str):
                    after = position + len(piece)
                    spans.append((base + origins[position], base + origins[min(after, len(normalised))]))
                    position = after
            offset += len(chunk)
        return spans + [(len(text), len(text))]  # the end of sentence

    def target_pieces(self, text: str) -> list[str] | None:
        """Target pieces of ``text`` inside a sentence, or None when the vocabulary cannot spell it."""
        pieces = self.target_model.encode(text, out_type=str)
        return pieces if pieces and all(piece in self.vocab for piece in pieces) else None

    def target_vocabulary(self) -> list[str]:
        """Every piece the model may write: ``target.spm``'s pieces (the only ones it was trained to
        write) that the vocabulary holds, the end of sentence and the unknown piece."""
        pieces = {self.target_model.id_to_piece(index) for index in range(self.target_model.get_piece_size())}
        allowed = {piece for piece in pieces if piece in self.vocab} - {self.pad} | {self.eos, self.unk}
        return sorted(allowed, key=lambda piece: self.vocab.get(piece, -1))

    def detokenize(self, pieces: Sequence[str]) -> str:
        text = self.target_model.decode_pieces([piece for piece in pieces if piece not in self.special])
        text = text.replace("▁", " ").strip()
        if self.clean_up_spaces:
            for before, after in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                                  (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
                text = text.replace(before, after)
        return text


def _token_text(token: Any, default: str) -> str:
    if isinstance(token, dict):  # an AddedToken serialised by transformers
        return str(token.get("content") or default)
    return str(token) if token else default
