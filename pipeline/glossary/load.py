"""Loading a glossary file or folder into a :class:`Glossary`, refusing it when it has errors."""

from __future__ import annotations

from importlib import resources
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
    glossary = Glossary(result.entries, name=result.name, version=result.version,
                        domain=result.domain, warnings=result.problems, digest=result.digest,
                        files=result.files)
    glossary.path = str(path)  # named in the run's metadata, the summary line and the Summary sheet
    return glossary


def check_glossary(path: str | Path) -> list[GlossaryProblem]:
    """Every problem of a glossary file or folder, errors and warnings; never raises for bad YAML."""
    return read_glossary(path).problems


# --- which glossary a command uses ----------------------------------------------------------------

LOCAL_GLOSSARY = Path("glossary")  # relative to the current folder, as a team's working folder holds it


def shipped_glossary() -> Path:
    """The Belt and Road glossary installed with the package (a copy of ``glossary/belt_and_road.yaml``)."""
    return Path(str(resources.files("pipeline.glossary") / "shipped"))


def find_glossary(given: str | Path | None) -> Path:
    """The glossary a command uses: ``given`` (``--glossary``); else ``./glossary/`` when that folder
    exists; else the glossary shipped with the package.

    Every command that reads a glossary goes through here, so a run outside the repository still
    applies the terms. Raises ``GlossaryError`` (exit status 2) when the glossary named cannot be found.
    """
    if given is not None:
        path = Path(given)
        if not path.exists():
            raise GlossaryError(f"no glossary at {path}: --glossary names a file or folder that does not "
                                f"exist; give an existing glossary file or folder, or leave --glossary out "
                                f"to use ./glossary/ or the shipped Belt and Road glossary.")
        return path
    if LOCAL_GLOSSARY.is_dir():
        return LOCAL_GLOSSARY
    shipped = shipped_glossary()
    if not any(shipped.glob("*.yaml")):
        raise GlossaryError(f"no glossary found: there is no ./glossary/ folder here and the glossary "
                            f"shipped with zhen is missing from {shipped} (a broken install); pass "
                            f"--glossary PATH.")
    return shipped


def glossary_label(path: Path, glossary: Glossary) -> str:
    """How the summary lines name the glossary used: its path and entry count."""
    count = len(glossary.entries)
    return f"glossary {path} ({count} entr{'y' if count == 1 else 'ies'})"


def chosen_glossary(given: str | Path | None, disabled: bool) -> tuple[Glossary, str]:
    """The glossary a command runs with and how its summary names it: none at all with
    ``--no-glossary`` (no term constrained or checked), else the one ``find_glossary`` finds."""
    if disabled:
        return Glossary.empty(), "no glossary (--no-glossary)"
    path = find_glossary(given)
    glossary = load_glossary(path)
    return glossary, glossary_label(path, glossary)
