"""zhen: Chinese→English translation with glossary-constrained MarianMT and a reviewer workbook."""

__version__ = "0.1.0"
