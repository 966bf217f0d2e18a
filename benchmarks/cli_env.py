"""The environment a timed `llmpick` process runs in: as installed, with its bytecode compiled.

A pip install compiles every module to bytecode once; a process that may not write bytecode
(PYTHONDONTWRITEBYTECODE, set on some CI machines) compiles llmpick's sixty modules again at every start,
about 0.1 s that no installed user pays. The timed processes write their bytecode to a folder of their own
(PYTHONPYCACHEPREFIX, outside the source tree), and one untimed run fills it first.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


def installed_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "llmpick-bench-pycache")
    return env


def warm_up(command: list[str]) -> None:
    """One untimed run: bytecode compiled, disk caches filled, as on a machine where llmpick ran before."""
    subprocess.run(command, check=True, capture_output=True, env=installed_env())
