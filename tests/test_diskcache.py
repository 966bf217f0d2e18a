"""The disk cache: an entry is reused only for the same inputs, and a broken cache only costs time."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmpick import diskcache
from llmpick.yamlio import CACHE_FROM_CHARS, load_yaml


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(diskcache, "cache_dir", lambda: tmp_path)
    monkeypatch.delenv(diskcache.NO_CACHE_ENV, raising=False)
    return tmp_path


def test_memo_computes_once_per_input_and_again_when_the_input_changes() -> None:
    calls: list[str] = []

    def compute(text: str) -> dict[str, str]:
        calls.append(text)
        return {"value": text}

    assert diskcache.memo("t", ["a"], lambda: compute("a")) == {"value": "a"}
    assert diskcache.memo("t", ["a"], lambda: compute("a")) == {"value": "a"}
    assert diskcache.memo("t", ["b"], lambda: compute("b")) == {"value": "b"}
    assert calls == ["a", "b"]


def test_a_corrupt_entry_is_recomputed(_private_cache: Path) -> None:
    key = diskcache.key_of(["x"])
    (_private_cache / f"t-{key}.pickle").write_bytes(b"not a pickle")
    assert diskcache.memo("t", ["x"], lambda: 42) == 42
    assert diskcache.memo("t", ["x"], lambda: 43) == 42  # the rewritten entry


def test_an_entry_of_the_wrong_type_is_not_used() -> None:
    diskcache.memo("t", ["y"], lambda: "text")
    assert diskcache.memo("t", ["y"], lambda: 7, check=int) == 7


def test_the_environment_switch_bypasses_the_cache(monkeypatch: pytest.MonkeyPatch, _private_cache: Path) -> None:
    monkeypatch.setenv(diskcache.NO_CACHE_ENV, "1")
    assert diskcache.memo("t", ["z"], lambda: 1) == 1
    assert diskcache.memo("t", ["z"], lambda: 2) == 2
    assert not list(_private_cache.iterdir())


def test_key_parts_are_delimited() -> None:
    assert diskcache.key_of(["ab", "c"]) != diskcache.key_of(["a", "bc"])


def test_a_large_yaml_document_parses_the_same_from_the_cache_and_each_read_is_a_fresh_copy(
    _private_cache: Path,
) -> None:
    text = "items:\n" + "".join(f"  - {{id: m{i}, score: {i / 7:.4f}}}\n" for i in range(2000))
    assert len(text) > CACHE_FROM_CHARS
    first = load_yaml(text, cache=True)
    assert list(_private_cache.glob("yaml-*.pickle"))
    second = load_yaml(text, cache=True)
    assert first == second and first is not second
    second["items"].clear()
    assert load_yaml(text, cache=True) == first


def test_what_users_send_is_never_written_to_the_cache(_private_cache: Path) -> None:
    text = "notes: " + "x" * (CACHE_FROM_CHARS + 10) + "\n"
    assert load_yaml(text)["notes"].startswith("x")
    assert not list(_private_cache.iterdir())


def test_a_large_document_that_breaks_a_limit_is_refused_every_time() -> None:
    import yaml

    text = "a: &x [1]\nb: *x\n" + "#" * CACHE_FROM_CHARS
    for _ in range(2):
        with pytest.raises(yaml.YAMLError):
            load_yaml(text, cache=True)
