"""Loading a glossary file or folder into a :class:`Glossary`, refusing it when it has errors."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import GlossaryError
from pipeline.glossary.check import read_glossary
from pipeline.glossary.model import Glossary, GlossaryProblem


def load_glossary(path: str | Path | None) -> Glossary:
    """Load a glossary file or a folder of them (``*.yaml``, ``*.yml``, sorted by name).

    Raises ``GlossaryError`` listing every problem when any is an error; warnings are kept on
    ``Glossary.warnings``. ``None`` gives an empty glossary.
    """
    if path is None:
        return Glossary.empty()
    result = read_glossary(path)
    errors = [problem for problem in result.problems if problem.severity == "error"]
    if errors:
        raise GlossaryError(
            f"the glossary {path} has {len(errors)} error(s); fix each line below "
            f"(run `zhen glossary check {path}` to see them again)",
            problems=[str(problem) for problem in result.problems])
    return Glossary(result.entries, name=result.name, version=result.version,
                    domain=result.domain, warnings=result.problems, digest=result.digest,
                    files=result.files)


def check_glossary(path: str | Path) -> list[GlossaryProblem]:
    """Every problem of a glossary file or folder, errors and warnings; never raises for bad YAML."""
    return read_glossary(path).problems
