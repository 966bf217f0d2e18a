"""The expert scenarios in ../shared/scenarios, through the installed CLI and the shared checker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
CHECKER = SHARED / "tools" / "check_scenarios.py"


def test_every_shared_scenario_passes() -> None:
    if not CHECKER.exists():
        pytest.skip(f"SKIPPED LOUDLY: the shared scenario checker is not at {CHECKER}")
    cli = shutil.which("llmpick", path=str(Path(sys.executable).parent)) or shutil.which("llmpick")
    assert cli, "the llmpick console script is not installed"
    result = subprocess.run(
        [sys.executable, str(CHECKER), str(SHARED / "scenarios"), "-v"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "LLMPICK": cli},
    )
    assert result.returncode == 0, result.stdout + result.stderr
