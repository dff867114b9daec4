"""The exceptions the pipeline raises for problems a user can fix.

The CLI turns each into a one-paragraph message and an exit status; nothing else in the package
calls ``sys.exit``. Messages say what is wrong, where (file, line, sheet, row) and what to do.
"""

from __future__ import annotations


class PipelineError(Exception):
    """A problem with the user's input, settings or environment (exit status 2)."""

    exit_status = 2


class InputError(PipelineError):
    """An input document cannot be read or decoded."""


class GlossaryError(PipelineError):
    """A glossary file is malformed; ``problems`` lists every finding, not only the first."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        if self.problems:
            message = message + "\n" + "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(message)


class ModelError(PipelineError):
    """The translation model cannot be found or loaded."""


class ConversionError(ModelError):
    """CTranslate2 cannot convert or tokenise the model; the transformers engine may still run it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{reason}; use --engine transformers.")


class ReviewError(PipelineError):
    """A reviewed workbook does not match the run it came from, or cannot be read."""


class OutputError(PipelineError):
    """Outputs cannot be written, or writing them would destroy reviewed work."""
