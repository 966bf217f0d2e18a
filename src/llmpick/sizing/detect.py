"""Know the user's machine: GPUs, Apple silicon, CPU and RAM from the tools the OS already has.

Detectors ask, in order: NVIDIA through ``nvidia-smi`` (the NVML command-line front end), AMD through
``rocm-smi``, Apple silicon through ``sysctl``, then the CPU and RAM through ``/proc`` (Linux) or
``sysctl`` (macOS). Each parser is a pure function of the tool's text, so tests feed recorded output.
Nothing leaves the machine: these are local commands with a short timeout.

A detected device is matched to a catalog hardware id by the words and model numbers of its name
(``NVIDIA GeForce RTX 4090`` → ``rtx-4090``); a device the catalog does not know is reported as found,
with no id, and the caller asks.
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

Runner = Callable[[list[str]], str | None]
Reader = Callable[[str], str | None]
GIB = 2**30
_TIER_WORDS = {"max", "pro", "ultra", "ti", "super", "mini", "nvl"}  # a different product when missing
_VENDOR_WORDS = {"nvidia", "geforce", "amd", "radeon", "instinct", "apple", "intel", "tesla", "generation", "graphics"}


@dataclass(frozen=True)
class Found:
    """One accelerator (or the CPU) as a tool reported it."""

    name: str
    vendor: str  # nvidia | amd | apple | cpu
    memory_gb: float  # per device, GiB
    count: int = 1
    tool: str = ""


@dataclass
class Machine:
    """What the detectors found: accelerators (empty on a CPU-only machine), the CPU and system RAM."""

    accelerators: list[Found] = field(default_factory=list)
    cpu: str | None = None
    ram_gb: float | None = None
    notes: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        lines = [f"{a.count}× {a.name}, {a.memory_gb:.0f} GB ({a.tool})" for a in self.accelerators]
        if self.cpu or self.ram_gb:
            lines.append(f"CPU {self.cpu or 'unknown'}, {self.ram_gb or 0:.0f} GB RAM")
        return lines + self.notes


# ---------------------------------------------------------------- parsers (pure)


def parse_nvidia_smi(text: str) -> list[Found]:
    """``nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits`` (MiB), one line per GPU;
    identical GPUs are counted together."""
    rows: list[tuple[str, float]] = []
    for line in text.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 2 or not parts[1].replace(".", "", 1).isdigit():
            continue
        rows.append((parts[0], float(parts[1]) / 1024))
    return _grouped(rows, "nvidia", "nvidia-smi")


def parse_rocm_smi(text: str) -> list[Found]:
    """``rocm-smi --showproductname --showmeminfo vram --json``: one object per card."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return []
    rows: list[tuple[str, float]] = []
    for card in data.values() if isinstance(data, dict) else []:
        if not isinstance(card, dict):
            continue
        name = next(
            (
                str(v)
                for k, v in card.items()
                if k.lower() in ("card series", "card model", "product name", "marketing name")
            ),
            None,
        )
        vram = next((v for k, v in card.items() if "vram total memory" in k.lower()), None)
        if name and vram is not None and str(vram).isdigit():
            rows.append((name, int(vram) / GIB))
    return _grouped(rows, "amd", "rocm-smi")


def parse_apple_sysctl(brand: str, memsize: str) -> Found | None:
    """``sysctl -n machdep.cpu.brand_string`` (``Apple M2 Max``) and ``sysctl -n hw.memsize`` (bytes)."""
    name = brand.strip()
    if not name.lower().startswith("apple") or not memsize.strip().isdigit():
        return None
    return Found(name=name, vendor="apple", memory_gb=int(memsize.strip()) / GIB, tool="sysctl")


def parse_meminfo(text: str) -> float | None:
    """GiB of RAM from ``/proc/meminfo`` (``MemTotal: 32795584 kB``)."""
    match = re.search(r"^MemTotal:\s+(\d+)\s*kB", text, re.MULTILINE)
    return int(match.group(1)) * 1024 / GIB if match else None


def parse_cpuinfo(text: str) -> str | None:
    """The CPU model from ``/proc/cpuinfo`` (x86 ``model name``; ARM boards may only have ``Model``)."""
    match = re.search(r"^(?:model name|Model)\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None


def _grouped(rows: list[tuple[str, float]], vendor: str, tool: str) -> list[Found]:
    out: dict[tuple[str, int], Found] = {}
    for name, gib in rows:
        key = (name, round(gib))
        prev = out.get(key)
        out[key] = Found(name, vendor, gib, (prev.count + 1) if prev else 1, tool)
    return list(out.values())


# ---------------------------------------------------------------- detection


def run_tool(cmd: list[str]) -> str | None:
    """A local command's stdout; None when the tool is missing, fails or takes over 5 s."""
    if shutil.which(cmd[0]) is None:
        return None
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=5, check=False)  # noqa: S603 - fixed argv
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def read_file(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def detect(run: Runner = run_tool, read: Reader = read_file, system: str | None = None) -> Machine:
    """Everything the detectors find on this machine (or the one the runner and reader describe)."""
    system = system or platform.system()
    machine = Machine()
    nvidia = run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"])
    if nvidia:
        machine.accelerators += parse_nvidia_smi(nvidia)
    rocm = run(["rocm-smi", "--showproductname", "--showmeminfo", "vram", "--json"])
    if rocm:
        machine.accelerators += parse_rocm_smi(rocm)
    if system == "Darwin":
        brand = run(["sysctl", "-n", "machdep.cpu.brand_string"]) or ""
        memsize = run(["sysctl", "-n", "hw.memsize"]) or ""
        apple = parse_apple_sysctl(brand, memsize)
        if apple is not None:
            machine.accelerators.append(apple)
        machine.cpu = brand.strip() or None
        machine.ram_gb = int(memsize.strip()) / GIB if memsize.strip().isdigit() else None
    else:
        meminfo = read("/proc/meminfo")
        cpuinfo = read("/proc/cpuinfo")
        machine.ram_gb = parse_meminfo(meminfo) if meminfo else None
        machine.cpu = parse_cpuinfo(cpuinfo) if cpuinfo else None
    if not machine.accelerators:
        machine.notes.append("no GPU found (nvidia-smi, rocm-smi" + (", sysctl" if system == "Darwin" else "") + ")")
    return machine


# ---------------------------------------------------------------- catalog matching


# Form factors spelt several ways; NVIDIA's "80GB HBM3" H100 is the SXM5 part (the PCIe card has HBM2e)
_SAME = {"sxm4": "sxm", "sxm5": "sxm", "sxm6": "sxm", "hbm3": "sxm"}


def _tokens(name: str) -> list[str]:
    text = re.sub(r"\(.*?\)", " ", name.lower())
    words = [t for t in re.findall(r"[a-z]*\d+[a-z]*|[a-z]+", text) if t not in _VENDOR_WORDS]
    return [_SAME.get(w, w) for w in words]


def match_catalog(found: Found, catalog: Iterable[tuple[str, str, float]]) -> str | None:
    """The catalog hardware id (from ``(id, name, memory_gb)`` rows) that names this device: every model
    number and tier word of the catalog name must appear (``4090``, ``h100``, ``m2``, ``max``, ``ti``),
    most shared words win, then the closest memory."""
    seen = set(_tokens(found.name))
    best: tuple[float, int, float, str] | None = None
    for hw_id, name, memory in catalog:
        words = _tokens(name)
        if not words:
            continue
        required = [w for w in words if (any(ch.isdigit() for ch in w) and not w.endswith("gb")) or w in _TIER_WORDS]
        if not required or not all(w in seen for w in required):
            continue
        shared = sum(w in seen for w in words)
        score = (shared / len(words), shared, -abs(memory - found.memory_gb), hw_id)
        if best is None or score > best:
            best = score
    return best[3] if best else None
