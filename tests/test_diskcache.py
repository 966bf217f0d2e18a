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


def test_a_stored_table_carries_answers_to_the_next_process_and_merges_with_others() -> None:
    first = diskcache.StoredTable("table", lambda: ["v1"])
    assert first.get("s", ("a", 1)) is diskcache.StoredTable.MISSING
    first.put("s", ("a", 1), None)  # None is an answer (no format fits), not a miss
    first.put("s", ("b", 2), 5.0)
    first.save()
    other = diskcache.StoredTable("table", lambda: ["v1"])  # another process, started before `first` saved more
    assert other.get("s", ("a", 1)) is None and other.get("s", ("b", 2)) == 5.0
    first.put("s", ("c", 3), 7.0)
    first.save()
    other.put("s", ("d", 4), 9.0)
    other.save()  # merges what `first` wrote meanwhile
    later = diskcache.StoredTable("table", lambda: ["v1"])
    assert [later.get("s", k) for k in (("a", 1), ("b", 2), ("c", 3), ("d", 4))] == [None, 5.0, 7.0, 9.0]
    assert later.get("another shape", ("b", 2)) is diskcache.StoredTable.MISSING
    changed = diskcache.StoredTable("table", lambda: ["v2"])  # the code or data it depends on changed
    assert changed.get("s", ("b", 2)) is diskcache.StoredTable.MISSING


def test_a_stored_table_reads_only_the_shards_it_is_asked_for(_private_cache: Path) -> None:
    table = diskcache.StoredTable("sharded", lambda: ["v"])
    for shape in range(3):
        table.put(shape, "k", shape * 10)
    table.save()
    assert len(list(_private_cache.glob("sharded-*.pickle"))) == 3
    reader = diskcache.StoredTable("sharded", lambda: ["v"])
    assert reader.get(1, "k") == 10
    assert list(reader._shards) == [1]


def test_a_stored_table_keeps_its_most_recent_shards_and_empties_a_full_one(_private_cache: Path) -> None:
    table = diskcache.StoredTable("small", lambda: ["v"], limit=2, keep=2)
    table.put("s", 1, "one")
    table.put("s", 2, "two")
    table.put("s", 3, "three")  # the limit is reached: the old rows go
    assert table.get("s", 1) is diskcache.StoredTable.MISSING and table.get("s", 3) == "three"
    for shape in ("t", "u"):
        table.put(shape, 1, shape)
        table.save()
    assert len(list(_private_cache.glob("small-*.pickle"))) == 2
    table.forget()
    assert table.get("s", 3) is diskcache.StoredTable.MISSING


def test_entries_of_a_kind_beyond_keep_are_evicted_least_recently_used_first(_private_cache: Path) -> None:
    """An upgrade or an edited catalog makes new entries; the old ones are deleted once `keep` is passed, and an
    entry that was read recently outlives one that was not."""
    import os

    for n, name in enumerate(("a", "b", "c")):
        diskcache.memo("kind", [name], lambda name=name: name, keep=3)
        entry = _private_cache / f"kind-{diskcache.key_of([name])}.pickle"
        os.utime(entry, ns=(n * 10**9, n * 10**9))  # written a second apart, oldest first
    assert diskcache.memo("kind", ["a"], lambda: "recomputed", keep=3) == "a"  # a read: "a" is now the newest
    diskcache.memo("kind", ["d"], lambda: "d", keep=3)
    left = {p.name for p in _private_cache.glob("kind-*.pickle")}
    assert left == {f"kind-{diskcache.key_of([name])}.pickle" for name in ("a", "c", "d")}  # "b" was the least used
    diskcache.memo("other", ["x"], lambda: "x", keep=1)
    assert len(list(_private_cache.glob("kind-*.pickle"))) == 3  # each kind keeps its own


def test_a_stored_table_writes_nothing_when_nothing_was_added(_private_cache: Path) -> None:
    table = diskcache.StoredTable("idle", lambda: ["v"])
    assert table.get("s", "x") is diskcache.StoredTable.MISSING
    table.save()
    assert not list(_private_cache.iterdir())


def test_stored_sizing_answers_equal_fresh_ones(catalog: object) -> None:
    from llmpick.engine.candidates import device_of, spec_of
    from llmpick.engine.quantize import STORED, choose_estimate, forget_estimates

    model = catalog.model("llama-3.1-8b-instruct")  # type: ignore[attr-defined]
    spec, device = spec_of(model), device_of(catalog.hardware["rtx-4090"])  # type: ignore[attr-defined]
    assert spec is not None
    question = {"runtime": "llama.cpp", "formats": ("gguf-q4_k_m", "gguf-q8_0"), "count": 1, "context": 8192}
    question |= {"concurrency": 1, "prompt_tokens": 1000, "speed_need": 20.0}
    forget_estimates()
    asked = choose_estimate(spec, device, **question)  # type: ignore[arg-type]
    STORED.save()
    STORED.reload()  # as a new process: read back from disk
    choose_estimate.cache_clear()
    again = choose_estimate(spec, device, **question)  # type: ignore[arg-type]
    forget_estimates()  # nothing in memory, nothing read from disk: sized again
    fresh = choose_estimate(spec, device, **question)  # type: ignore[arg-type]
    assert asked == again == fresh and again is not None and again is not asked and fresh is not again


def test_after_forget_a_stored_table_reads_nothing_from_disk() -> None:
    table = diskcache.StoredTable("forgotten", lambda: ["v"])
    table.put("s", "k", 1)
    table.save()
    table.forget()
    assert table.get("s", "k") is diskcache.StoredTable.MISSING
    table.reload()
    assert table.get("s", "k") == 1


def test_a_remembered_function_is_called_once_per_question_across_processes() -> None:
    calls: list[tuple[int, int]] = []

    def square(x: int, *, shape: int) -> int:
        calls.append((x, shape))
        return x * x

    first = diskcache.StoredTable("fn", lambda: ["v"])
    remembered = first.remembers(shape=("shape",))(square)
    assert remembered(3, shape=1) == remembered(3, shape=1) == 9 and calls == [(3, 1)]
    first.save()
    later = diskcache.StoredTable("fn", lambda: ["v"]).remembers(shape=("shape",))(square)
    assert later(3, shape=1) == 9 and later(3, shape=2) == 9 and calls == [(3, 1), (3, 2)]


def test_remembers_names_the_shard_by_the_shape_arguments_defaults_included() -> None:
    table = diskcache.StoredTable("decorated", lambda: ["v"])
    calls: list[tuple[str, int]] = []

    @table.remembers(shape=("size",))
    def double(word: str, *, size: int = 2) -> str:
        calls.append((word, size))
        return word * size

    assert double("ab") == "abab" and double("ab", size=2) == "abab" and double("ab", size=3) == "ababab"
    assert calls == [("ab", 2), ("ab", 3)]  # the default and the same value given: one shard, one answer
    assert sorted(table._shards, key=repr) == [(2,), (3,)]


def test_a_new_process_with_stored_quotes_never_imports_genai_prices(tmp_path: Path) -> None:
    """Quotes and dated price changes are stored between runs, so a repeated recommend reads them instead of
    importing genai-prices and matching its records (a tenth of a second of every CLI run)."""
    import os
    import subprocess
    import sys

    script = (
        "import sys, datetime as dt\n"
        "from llmpick.engine import recommend\n"
        "from llmpick.presets import load_preset\n"
        "rec = recommend(load_preset('startup'), as_of=dt.date(2026, 12, 3))\n"
        "print('genai_prices' in sys.modules, rec.recommendations[0].monthly_cost_usd)\n"
    )
    env = {**os.environ, diskcache.CACHE_DIR_ENV: str(tmp_path)}
    env.pop(diskcache.NO_CACHE_ENV, None)
    runs = [
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    first, second = (run.split() for run in runs)
    assert first[0] == "True" and second[0] == "False"  # the first run matched and stored, the second only read
    assert first[1] == second[1]  # the same answer


def test_an_installed_package_stamp_changes_with_its_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site" / "stamped_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "data.py").write_text("PRICES = {}\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    before = diskcache.installed_stamp("stamped_pkg")
    assert before == diskcache.installed_stamp("stamped_pkg") and "data.py" in before
    (package / "data.py").write_text("PRICES = {'a': 1}\n")  # a new release, or an edited source tree
    assert diskcache.installed_stamp("stamped_pkg") != before
    assert diskcache.installed_stamp("no_such_package_here") == "no_such_package_here: not installed"


def test_the_cache_folder_can_be_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.undo()  # this file's fixture replaced cache_dir: ask the real one
    monkeypatch.setenv(diskcache.CACHE_DIR_ENV, str(tmp_path / "elsewhere"))
    assert diskcache.cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv(diskcache.CACHE_DIR_ENV)
    assert diskcache.cache_dir().name == "llmpick"


def test_a_new_process_reads_the_policy_without_building_its_validators(tmp_path: Path) -> None:
    """The validated policy is stored between runs: a second process unpickles it, equal to a fresh validation,
    and never builds the policy classes' validators (deferred until a validation needs them)."""
    import os
    import subprocess
    import sys

    script = (
        "from pydantic_core import SchemaValidator\n"
        "from llmpick.engine.policy import Policy, load_policy\n"
        "policy = load_policy()\n"
        "print(isinstance(Policy.__dict__.get('__pydantic_validator__'), SchemaValidator), hash(policy.model_dump_json()))\n"
    )
    env = {**os.environ, diskcache.CACHE_DIR_ENV: str(tmp_path), "PYTHONHASHSEED": "0"}
    env.pop(diskcache.NO_CACHE_ENV, None)
    runs = [
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    (built_first, first), (built_second, second) = (run.split() for run in runs)
    assert built_first == "True" and built_second == "False"  # the first validated and stored, the second read
    assert first == second  # the same policy
