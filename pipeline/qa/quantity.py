"""A number that a text states, as the number checks compare them (Chinese and English sides)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    """A number the text states: its value, what it is and how it was written.

    ``kind`` is ``number``, ``percent``, ``month``, ``decade`` (1980 for the 1980s) or ``weekday``.
    ``alternatives`` are other values that state the same amount in another unit (1.3万亿斤 is
    650 million tons); ``name`` marks a number that is part of a name (COVID-19, G20).
    """

    value: float
    kind: str = "number"
    text: str = ""
    approximate: str = ""  # "more" or "nearly" for 100多, 近百; "vague" for thousands of
    alternatives: tuple[float, ...] = ()
    name: bool = False
