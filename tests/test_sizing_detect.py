"""Machine detection: each detector parses recorded tool output; devices match catalog ids by name."""

from __future__ import annotations

import pytest

from llmpick.catalog.loader import load_builtin_catalog
from llmpick.sizing.detect import (
    Found,
    detect,
    match_catalog,
    parse_apple_sysctl,
    parse_cpuinfo,
    parse_meminfo,
    parse_nvidia_smi,
    parse_rocm_smi,
)

# nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits on a two-GPU workstation
NVIDIA_SMI = "NVIDIA GeForce RTX 4090, 24564\nNVIDIA GeForce RTX 4090, 24564\n"
NVIDIA_SMI_H100 = "NVIDIA H100 80GB HBM3, 81559\n"
# rocm-smi --showproductname --showmeminfo vram --json
ROCM_SMI = (
    '{"card0": {"Card series": "AMD Instinct MI300X", "Card model": "0x74a1", "Card vendor": "Advanced Micro Devices, '
    'Inc. [AMD/ATI]", "VRAM Total Memory (B)": "206141652992", "VRAM Total Used Memory (B)": "297398272"}}'
)
MEMINFO = "MemTotal:       65536000 kB\nMemFree:        60000000 kB\n"
CPUINFO = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD Ryzen 9 7950X 16-Core Processor\n"


def catalog_rows() -> list[tuple[str, str, float]]:
    return [(h.id, h.name, h.spec.memory_gb) for h in load_builtin_catalog().hardware.values()]


def test_nvidia_smi_groups_identical_gpus() -> None:
    (gpu,) = parse_nvidia_smi(NVIDIA_SMI)
    assert gpu.name == "NVIDIA GeForce RTX 4090" and gpu.count == 2 and gpu.memory_gb == pytest.approx(23.99, abs=0.01)


def test_rocm_smi_json_gives_name_and_vram() -> None:
    (gpu,) = parse_rocm_smi(ROCM_SMI)
    assert gpu.name == "AMD Instinct MI300X" and gpu.vendor == "amd" and gpu.memory_gb == pytest.approx(192, abs=0.1)
    assert parse_rocm_smi("not json") == []


def test_apple_sysctl_and_linux_proc_files() -> None:
    mac = parse_apple_sysctl("Apple M2 Max\n", "68719476736\n")
    assert mac is not None and mac.memory_gb == 64 and mac.vendor == "apple"
    assert parse_apple_sysctl("Intel(R) Core(TM) i9-9980HK CPU @ 2.40GHz", "34359738368") is None
    assert parse_meminfo(MEMINFO) == pytest.approx(62.5)
    assert parse_cpuinfo(CPUINFO) == "AMD Ryzen 9 7950X 16-Core Processor"


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (Found("NVIDIA GeForce RTX 4090", "nvidia", 24), "rtx-4090"),
        (Found("NVIDIA GeForce RTX 3090 Ti", "nvidia", 24), "rtx-3090-ti"),
        (Found("NVIDIA GeForce RTX 3090", "nvidia", 24), "rtx-3090"),
        (Found("NVIDIA H100 80GB HBM3", "nvidia", 79.6), "h100-sxm-80gb"),
        (Found("NVIDIA A100-SXM4-80GB", "nvidia", 80), "a100-80gb"),
        (Found("AMD Instinct MI300X", "amd", 192), "mi300x"),
        (Found("Apple M1 Max", "apple", 32), "apple-m1-max"),
        (Found("Apple M1", "apple", 16), "apple-m1"),
        (Found("NVIDIA GeForce RTX 2060", "nvidia", 6), None),
        (Found("Apple M3 Pro", "apple", 36), "apple-m3-pro"),
        (Found("Apple M3 Ultra", "apple", 512), "apple-m3-ultra"),
    ],
)
def test_detected_names_match_catalog_ids(found: Found, expected: str | None) -> None:
    assert match_catalog(found, catalog_rows()) == expected


def test_detect_on_a_linux_gpu_box_and_a_mac() -> None:
    tools = {"nvidia-smi": NVIDIA_SMI}
    files = {"/proc/meminfo": MEMINFO, "/proc/cpuinfo": CPUINFO}
    linux = detect(run=lambda cmd: tools.get(cmd[0]), read=files.get, system="Linux")
    assert [a.name for a in linux.accelerators] == ["NVIDIA GeForce RTX 4090"] and linux.ram_gb == pytest.approx(62.5)
    sysctl = {"machdep.cpu.brand_string": "Apple M4 Pro\n", "hw.memsize": "25769803776\n"}
    mac = detect(
        run=lambda cmd: sysctl.get(cmd[-1]) if cmd[0] == "sysctl" else None, read=lambda _: None, system="Darwin"
    )
    assert mac.accelerators[0].name == "Apple M4 Pro" and mac.ram_gb == 24
    bare = detect(run=lambda cmd: None, read=files.get, system="Linux")
    assert not bare.accelerators and any("no GPU found" in note for note in bare.notes)


def test_fit_uses_the_detected_device_and_count() -> None:
    from llmpick.cli.sizing import _detected_device
    from llmpick.sizing.detect import Machine

    catalog = load_builtin_catalog()
    two = Machine(accelerators=parse_nvidia_smi(NVIDIA_SMI), cpu="AMD Ryzen 9 7950X", ram_gb=64)
    device, count = _detected_device(catalog, two)
    assert device.id == "rtx-4090" and count == 2
    mac = Machine(accelerators=[Found("Apple M1 Max", "apple", 32, tool="sysctl")], ram_gb=32)
    device, _ = _detected_device(catalog, mac)
    assert device.id == "apple-m1-max" and device.memory_gb == 32  # the Mac's own memory, not the largest model's
    cpu_box = Machine(cpu="AMD EPYC 9654", ram_gb=384)
    device, _ = _detected_device(catalog, cpu_box)
    assert device.id == "cpu-only" and device.memory_gb == 384


def test_an_unknown_gpu_without_a_terminal_exits_with_what_was_found() -> None:
    from llmpick.cli.sizing import _detected_device
    from llmpick.errors import EstimateError
    from llmpick.sizing.detect import Machine

    odd = Machine(accelerators=[Found("NVIDIA GeForce RTX 2060", "nvidia", 6, tool="nvidia-smi")])
    with pytest.raises(EstimateError, match="detected NVIDIA GeForce RTX 2060.*--hardware"):
        _detected_device(load_builtin_catalog(), odd)
