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
    presets = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = load_yaml(entry.read_text(encoding="utf-8"))
        name = entry.name.removesuffix(".yaml")
        presets.append(
            Preset(
                name, data["title"], data["seed"], data["description"], parse_profile(data["profile"], f"preset {name}")
            )
        )
    return presets


def load_preset(name: str) -> Profile:
    by_name = {p.name: p for p in list_presets()}
    if name not in by_name:
        raise UnknownIdError("preset", name, sorted(by_name))
    return by_name[name].profile
