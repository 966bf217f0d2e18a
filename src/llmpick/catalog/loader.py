"""Read the catalog's data files into validated typed records, and check their cross-references."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from llmpick import diskcache
from llmpick.catalog.catalog import Catalog
from llmpick.catalog.prices import defer_price_matches, price_matches
from llmpick.catalog.schema import (
    Hardware,
    LeaderboardSnapshot,
    Model,
    Offering,
    Provider,
    QualityRecord,
    Runtime,
)
from llmpick.errors import CatalogError, first_problem
from llmpick.yamlio import load_yaml

Record = TypeVar("Record", bound=BaseModel)


def builtin_data_dir() -> Path:
    return Path(str(resources.files("llmpick.catalog") / "data"))


CATALOG_ENV = "LLMPICK_CATALOG"  # override file(s), separated like PATH
OVERLAY_ENV = "LLMPICK_CATALOG_OVERLAY"  # where `catalog refresh` writes the user overlay (default: user data dir)
NO_CACHE_ENV = "LLMPICK_NO_CATALOG_CACHE"
OVERRIDE_KEYS = (
    "version",
    "as_of",
    "models",
    "providers",
    "offerings",
    "runtimes",
    "hardware",
    "quality",
    "leaderboards",
)


def user_overlay_path() -> Path:
    """The overlay `llmpick catalog refresh` writes; loaded on top of the built-in catalog when it exists."""
    env = os.environ.get(OVERLAY_ENV, "").strip()
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("llmpick")) / "catalog" / "overlay.yaml"


def active_layers(extra: Path | Sequence[Path] | None = None) -> list[Path]:
    """Override files in the order they apply: user overlay, then $LLMPICK_CATALOG, then the ones given."""
    layers: list[Path] = []
    overlay = user_overlay_path()
    if overlay.is_file():
        layers.append(overlay)
    layers += [Path(p) for p in os.environ.get(CATALOG_ENV, "").split(os.pathsep) if p.strip()]
    if isinstance(extra, Path | str):
        layers.append(Path(extra))
    elif extra:
        layers += [Path(p) for p in extra]
    return layers


def load_active_catalog(extra: Path | Sequence[Path] | None = None) -> Catalog:
    """The catalog every command uses: built-in + the refresh overlay + $LLMPICK_CATALOG + `--catalog` files."""
    layers = active_layers(extra)
    if not layers:
        return load_builtin_catalog()
    return _load_cached(builtin_data_dir(), tuple(layers))


@cache
def load_builtin_catalog() -> Catalog:
    """The catalog shipped in the package (read once per process, from a disk cache when unchanged)."""
    return _load_cached(builtin_data_dir(), ())


def _load_cached(data_dir: Path, overrides: tuple[Path, ...]) -> Catalog:
    """Parsing and validating ~2,000 records takes seconds; a pickle keyed by every input file's size and
    mtime (and the code that shapes the records, and genai-prices for the matches beside it) makes repeated runs
    fast."""
    if os.environ.get(NO_CACHE_ENV):
        return load_catalog(data_dir, overrides)
    try:
        inputs = sorted(data_dir.rglob("*.yaml")) + list(overrides)
        stamp = [str(Path(data_dir).resolve())]
        stamp += [diskcache.installed_stamp(name) for name in ("llmpick.catalog", "pydantic", "genai_prices")]
        stamp += [f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in inputs]
    except Exception:  # an unreadable input, or llmpick run from a source tree without metadata: no cache
        return load_catalog(data_dir, overrides)
    key = diskcache.key_of(stamp)
    cached = diskcache.read("catalog", key)
    if isinstance(cached, Catalog):
        # the genai-prices matches are stored beside the catalog (matching costs more than reading them), and
        # read only by a process that asks for a quote no earlier run stored
        defer_price_matches(lambda: _stored_matches(key))
        return cached
    catalog = load_catalog(data_dir, overrides)
    diskcache.write("price-matches", key, price_matches(catalog.offerings))
    diskcache.write("catalog", key, catalog)
    return catalog


def _stored_matches(key: str) -> dict[Any, Any] | None:
    found = diskcache.read("price-matches", key)
    return found if isinstance(found, dict) else None


def load_catalog(data_dir: Path, overrides: Iterable[Path] = ()) -> Catalog:
    """Load a catalog folder, then apply override files: records with the same id replace the shipped ones
    (an imported record never replaces a curated one), quality records are added, and `version`/`as_of`
    replace the catalog's metadata."""
    meta = _read_yaml(data_dir / "catalog.yaml")
    if not isinstance(meta, dict) or "as_of" not in meta or "version" not in meta:
        raise CatalogError(f"{data_dir / 'catalog.yaml'}: needs 'version' and 'as_of'")
    models = read_records(Model, sorted((data_dir / "models").glob("*.yaml")))
    providers = read_records(Provider, [data_dir / "providers.yaml"])
    offerings = read_records(Offering, sorted((data_dir / "offerings").glob("*.yaml")))
    runtimes = read_records(Runtime, [data_dir / "runtimes.yaml"])
    hardware = read_records(Hardware, [data_dir / "hardware.yaml"])
    quality_path = data_dir / "quality.yaml"
    quality = read_records(QualityRecord, [quality_path]) if quality_path.exists() else []
    version, as_of = str(meta["version"]), _as_date(meta["as_of"], data_dir / "catalog.yaml")
    layers = [f"built-in {version} ({as_of})"]
    leaderboards: list[LeaderboardSnapshot] = []  # the overlays' own figures for the quality index
    for path in overrides:
        data = _override_data(path)
        models, providers, offerings, runtimes, hardware = _apply_override(
            path, data, models, providers, offerings, runtimes, hardware
        )
        quality += _parse_list(QualityRecord, data.get("quality") or [], f"{path}:quality")
        leaderboards += _parse_list(LeaderboardSnapshot, data.get("leaderboards") or [], f"{path}:leaderboards")
        if "version" in data:
            version = str(data["version"])
        if "as_of" in data:
            as_of = _as_date(data["as_of"], path)
        layers.append(f"{path} ({version}, {as_of})")
    if quality:
        models = _merge_quality(models, quality)
    catalog = Catalog(
        version=version,
        as_of=as_of,
        layers=tuple(layers),
        models={m.id: m for m in models},
        providers={p.id: p for p in providers},
        offerings=offerings,
        runtimes={r.id: r for r in runtimes},
        hardware={h.id: h for h in hardware},
        leaderboards=tuple(leaderboards),
    )
    _check_references(catalog)
    return catalog


def _merge_quality(models: list[Model], records: list[QualityRecord]) -> list[Model]:
    """Attach quality.yaml's figures (with their sources) to the models they describe."""
    by_model: dict[str, list[QualityRecord]] = {}
    for record in records:
        by_model.setdefault(record.model, []).append(record)
    unknown = sorted(set(by_model) - {m.id for m in models})
    if unknown:
        raise CatalogError(f"quality.yaml: unknown model id(s) {unknown}")
    merged = []
    for model in models:
        extra = by_model.get(model.id, [])
        if not extra:
            merged.append(model)
            continue
        sources = dict(model.sources)
        scores = list(model.quality)
        for index, record in enumerate(extra):
            renamed = {key: f"quality-{index}-{key}" for key in record.sources}
            sources.update({renamed[k]: v for k, v in record.sources.items()})
            scores += [q.model_copy(update={"source": renamed[q.source]}) for q in record.scores]
        merged.append(model.model_copy(update={"sources": sources, "quality": scores}))
    return merged


def _override_data(path: Path) -> dict[str, Any]:
    data = _read_yaml(path)
    if not data:
        raise CatalogError(f"{path}: the catalog override file is empty")
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: a catalog override must be a mapping with keys {', '.join(OVERRIDE_KEYS)}")
    unknown = set(data) - set(OVERRIDE_KEYS)
    if unknown:
        raise CatalogError(f"{path}: unknown key(s) {sorted(unknown)}; allowed: {', '.join(OVERRIDE_KEYS)}")
    return data


def _apply_override(
    path: Path,
    data: dict[str, Any],
    models: list[Model],
    providers: list[Provider],
    offerings: list[Offering],
    runtimes: list[Runtime],
    hardware: list[Hardware],
) -> tuple[list[Model], list[Provider], list[Offering], list[Runtime], list[Hardware]]:
    def merge(current: list[Record], kind: type[Record], key: str) -> list[Record]:
        extra = _parse_list(kind, data.get(key) or [], f"{path}:{key}")
        by_id: dict[Any, Record] = {_identity(r): r for r in current}
        for record in extra:
            old = by_id.get(_identity(record))
            if old is not None and _curation(record) == "imported" and _curation(old) == "curated":
                continue  # curated facts win over imported ones
            by_id[_identity(record)] = record
        return list(by_id.values())

    return (
        merge(models, Model, "models"),
        merge(providers, Provider, "providers"),
        merge(offerings, Offering, "offerings"),
        merge(runtimes, Runtime, "runtimes"),
        merge(hardware, Hardware, "hardware"),
    )


def _curation(record: BaseModel) -> str:
    return str(getattr(record, "curation", "curated"))


def _identity(record: BaseModel) -> Any:
    if isinstance(record, Offering):
        return (record.model, record.provider)
    return record.id  # type: ignore[attr-defined]


def read_records(kind: type[Record], paths: list[Path]) -> list[Record]:
    """Every record of `kind` in these YAML files, validated (errors name the file, record and field)."""
    out: list[Record] = []
    for path in paths:
        out.extend(_parse_list(kind, _read_yaml(path) or [], str(path)))
    return out


def _parse_list(kind: type[Record], items: Any, where: str) -> list[Record]:
    if not isinstance(items, list):
        raise CatalogError(f"{where}: expected a list of {kind.__name__.lower()} records")
    out: list[Record] = []
    for index, item in enumerate(items):
        try:
            out.append(kind.model_validate(item))
        except ValidationError as exc:
            label = (item.get("id") or item.get("model") or item.get("url")) if isinstance(item, dict) else index
            loc, msg = first_problem(exc)
            raise CatalogError(f"{where}: {kind.__name__} {label!r}: {loc}: {msg}") from exc
    return out


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CatalogError(f"{path}: file not found") from exc
    try:
        return load_yaml(text, cache=True)  # catalog files: the shipped ones and those named with --catalog
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise CatalogError(f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc


def _as_date(value: Any, where: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise CatalogError(f"{where}: as_of {value!r} is not a YYYY-MM-DD date") from exc


def _check_references(catalog: Catalog) -> None:
    problems: list[str] = []
    for model in catalog.models.values():
        successor = model.release.successor
        if successor and successor not in catalog.models:
            problems.append(f"model {model.id}: successor {successor!r} is not in the catalog")
        problems += [
            f"model {model.id}: supersedes {old!r}, which is not in the catalog"
            for old in model.supersedes
            if old not in catalog.models
        ]
    seen: set[tuple[str, str]] = set()
    for offering in catalog.offerings:
        key = (offering.model, offering.provider)
        if key in seen:
            problems.append(f"offering {offering.model}@{offering.provider} is listed twice")
        seen.add(key)
        if offering.model not in catalog.models:
            problems.append(f"offering {offering.model}@{offering.provider}: unknown model")
        if offering.provider not in catalog.providers:
            problems.append(f"offering {offering.model}@{offering.provider}: unknown provider")
    if problems:
        raise CatalogError("catalog references are broken:\n  " + "\n  ".join(problems))
