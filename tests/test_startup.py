"""Start-up: commands that do not translate never import torch, transformers or CTranslate2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

HEAVY = ("torch", "transformers", "ctranslate2", "pdfplumber", "pdfminer", "docx")

PROBE = """
import sys
from pipeline.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exit_:
    status = exit_.code
heavy = [name for name in {heavy!r} if name in sys.modules]
print("HEAVY:" + ",".join(heavy), file=sys.stderr)
"""


def run_probe(*argv: str) -> tuple[str, float]:
    """Run ``zhen argv`` in a fresh interpreter; return its stderr and its CPU seconds.

    CPU time (user + system), unlike wall time, barely moves when other work shares the machine.
    """
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    _, status, usage = os.wait4(process.pid, 0)
    stderr = process.stderr.read().decode() if process.stderr else ""
    process.stderr and process.stderr.close()
    assert os.waitstatus_to_exitcode(status) == 0, stderr
    return stderr, usage.ru_utime + usage.ru_stime


SMALL_GLOSSARY = """\
name: startup
version: "1"
entries:
  - zh: 一带一路
    en: Belt and Road
    avoid: [One Belt One Road]
    source: test
  - zh: 鲁班工坊
    en: Luban Workshop
    source: test
"""


@pytest.mark.parametrize("argv", [
    ("--help",),
    ("translate", "--help"),
    ("glossary", "check", "GLOSSARY"),
    ("cache", "info"),
], ids=["help", "translate-help", "glossary-check", "cache-info"])
def test_command_imports_nothing_heavy_and_starts_fast(argv: tuple[str, ...], tmp_path: Path) -> None:
    # A two-entry glossary: this measures start-up, not the parsing of a long file.
    glossary = tmp_path / "startup.yaml"
    glossary.write_text(SMALL_GLOSSARY, encoding="utf-8")
    argv = tuple(str(glossary) if arg == "GLOSSARY" else arg for arg in argv)
    stderr, _ = run_probe(*argv)
    assert "HEAVY:\n" in stderr or stderr.rstrip().endswith("HEAVY:"), stderr
    best = min(run_probe(*argv)[1] for _ in range(3))
    assert best < 0.3, f"zhen {' '.join(argv)} took {best:.2f} s of CPU time"


def test_translating_with_ctranslate2_does_not_import_torch(tiny_model: Path) -> None:
    """Once the model is converted, the CTranslate2 engine needs neither torch nor transformers."""
    pytest.importorskip("ctranslate2")
    from pipeline.engines.base import EngineSettings, TranslationRequest, load_engine

    load_engine("ctranslate2", EngineSettings(model=str(tiny_model), device="cpu")).translate(
        [TranslationRequest("鲁班工坊")])  # converts the model, in this process
    code = ("import sys; from pipeline.engines.base import EngineSettings, TranslationRequest, load_engine; "
            f"engine = load_engine('ctranslate2', EngineSettings(model={str(tiny_model)!r}, device='cpu')); "
            "print(engine.translate([TranslationRequest('鲁班工坊在15个国家落地扎根。')])[0].text != ''); "
            "print(','.join(m for m in ('torch', 'transformers') if m in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert output.stdout.split("\n")[:2] == ["True", ""], output.stdout + output.stderr
