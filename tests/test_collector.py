"""The collector settings of llmpick's long-running processes (checked in fresh processes: they are global)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from llmpick.collector import YOUNG_THRESHOLD

REPORT = "import gc, json; print(json.dumps([gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()]))"


def _run(code: str, **env: str) -> list[object]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env}, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_settle_freezes_what_is_alive_and_batches_young_collections() -> None:
    before, frozen_before, _ = _run(REPORT)
    after, frozen, enabled = _run("from llmpick.collector import settle; settle(); " + REPORT)
    assert before[0] < YOUNG_THRESHOLD  # CPython's default, 700
    assert frozen_before == 0
    assert after == [YOUNG_THRESHOLD, before[1], before[2]]  # only the young generation's batch changes
    assert frozen > 1_000  # the imported modules at least
    assert enabled  # cycles are still collected


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_server_worker_settles_after_its_warm_up(tmp_path: Path) -> None:
    config = json.dumps({"db": f"sqlite:///{tmp_path / 'decisions.db'}"})
    threshold, frozen, enabled = _run(
        "from llmpick.web.app import app_from_env; app_from_env(); " + REPORT, LLMPICK_WEB_CONFIG=config
    )
    assert threshold[0] == YOUNG_THRESHOLD
    assert frozen > 100_000  # the catalog and what the warm-up recommendation derived from it
    assert enabled
