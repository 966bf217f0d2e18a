"""The README documents the profile field by field and opens with the two commands."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from llmpick.profile import Profile

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, info in model.model_fields.items():
        out.append(prefix + name)
        ann = info.annotation
        nested = [a for a in (ann, *getattr(ann, "__args__", ())) if isinstance(a, type) and issubclass(a, BaseModel)]
        if nested and name not in ("gpus", "device"):
            out += fields(nested[0], prefix + name + ".")
    return out


def test_every_profile_field_is_documented_in_the_readme() -> None:
    block = README.split("## The requirements profile", 1)[1].split("## How it decides", 1)[0]
    missing = [f for f in fields(Profile) if f.split(".")[-1] + ":" not in block]
    assert missing == []


def test_readme_opens_with_the_install_and_test_commands() -> None:
    head = README.split("```", 2)[1]
    assert "llmpick recommend examples/startup.yaml" in head
    assert ".ci/run" in head
