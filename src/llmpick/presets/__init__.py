"""The seed's decision cheat sheet and its other cases, as ready-made profiles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from llmpick.errors import UnknownIdError
from llmpick.profile import Profile, parse_profile
from llmpick.yamlio import load_yaml


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    seed: str
    description: str
    profile: Profile


@cache
def list_presets() -> list[Preset]:
    """Every shipped preset, in name order."""
    folder = resources.files("llmpick.presets") / "data"
    names = sorted(e.name.removesuffix(".yaml") for e in folder.iterdir() if e.name.endswith(".yaml"))
    return [_read(name) for name in names]


@cache
def _read(name: str) -> Preset:
    data = load_yaml((resources.files("llmpick.presets") / "data" / f"{name}.yaml").read_text(encoding="utf-8"))
    profile = parse_profile(data["profile"], f"preset {name}")
    return Preset(name, data["title"], data["seed"], data["description"], profile)


def load_preset(name: str) -> Profile:
    """The named preset's profile (only its own file is read: the CLI asks for one)."""
    folder = resources.files("llmpick.presets") / "data"
    if "/" in name or "\\" in name or not (folder / f"{name}.yaml").is_file():
        raise UnknownIdError("preset", name, [p.name for p in list_presets()])
    return _read(name).profile
