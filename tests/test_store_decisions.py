"""Decision records: save, list, read, delete, re-run with a diff; the database URL rules."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Status
from llmpick.engine import recommend
from llmpick.presets import load_preset
from llmpick.store import db
from llmpick.store.decisions import DecisionNotFound, DecisionStore, save_decision
from llmpick.store.diff import diff_results, route_key


@pytest.fixture()
def store(tmp_path: Path) -> DecisionStore:
    return DecisionStore.open(f"sqlite:///{tmp_path / 'd.sqlite'}")


@pytest.fixture(scope="module")
def startup():  # type: ignore[no-untyped-def]
    profile = load_preset("startup")
    return profile, recommend(profile)


def test_save_list_get_delete(store: DecisionStore, startup) -> None:  # type: ignore[no-untyped-def]
    profile, rec = startup
    first = store.save(profile, rec)
    second = store.save(profile, rec, name="second look")
    assert first != second and store.count() == 2
    listed = store.list()
    assert {d.id for d in listed} == {first, second}
    assert listed[0].best_route and listed[0].catalog_version == rec.catalog_version
    got = store.get(first)
    assert got.profile() == profile
    assert got.recommendation().to_json_dict() == rec.to_json_dict()
    assert got.llmpick_version and got.catalog_as_of == rec.catalog_as_of
    assert [d.id for d in store.list(search="second")] == [second]
    store.delete(first)
    with pytest.raises(DecisionNotFound):
        store.get(first)
    with pytest.raises(DecisionNotFound):
        store.delete(first)
    assert store.count() == 1


def test_save_decision_uses_llmpick_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, startup) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    monkeypatch.setenv("LLMPICK_DB", url)
    decision_id = save_decision(*startup)
    assert DecisionStore.open(url).get(decision_id).name == startup[0].name
    assert (tmp_path / "env.sqlite").exists()


def test_default_database_is_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMPICK_DB", raising=False)
    assert db.resolve_url() == f"sqlite:///{db.default_db_path()}"
    assert "llmpick" in str(db.default_db_path()) and db.default_db_path().name == "llmpick.sqlite"
    assert db.resolve_url("postgresql://u:secret@h/db") == "postgresql://u:secret@h/db"


def test_passwords_never_shown() -> None:
    assert "secret" not in db.safe_url("postgresql://user:secret@host/db")


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(db.StoreError, match="not a database URL"):
        db.get_engine("no such thing")


def test_rerun_unchanged_says_so(store: DecisionStore, startup) -> None:  # type: ignore[no-untyped-def]
    decision_id = store.save(*startup)
    rec, diff = store.rerun(decision_id)
    assert rec.to_json_dict() == startup[1].to_json_dict()
    assert diff.unchanged and diff.summary == ["nothing changed: same routes, same costs, no model retired"]


def test_rerun_reports_retired_best_model_and_new_best(store: DecisionStore, startup, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    profile, rec = startup
    decision_id = store.save(profile, rec)
    best = rec.recommendations[0]
    model = catalog.models[best.model]
    # a model its vendor withdrew: weights no longer published and the model retired (an API retirement alone
    # would not remove a local route of open weights)
    retired = model.model_copy(
        update={
            "release": model.release.model_copy(update={"status": Status.RETIRED}),
            "components": model.components.model_copy(update={"weights": False}),
        }
    )
    newer = dataclasses.replace(catalog, models={**catalog.models, best.model: retired}, version="9999.1")
    fresh, diff = store.rerun(decision_id, newer)
    assert diff.best_changed and diff.new_best != diff.old_best
    assert diff.old_best == route_key(best.model_dump(mode="json"))
    assert any(m.model == best.model and m.status == "retired" for m in diff.models_changed)
    assert route_key(best.model_dump(mode="json")) in diff.routes_removed
    assert diff.summary[0].startswith("new best route:")
    assert "9999.1" in diff.new_catalog and fresh.catalog_version == "9999.1"


def test_diff_reports_price_changes_and_added_routes(startup, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    _, rec = startup
    old = json.loads(json.dumps(rec.to_json_dict()))
    first = old["recommendations"][0]
    first["monthly_cost_usd"] = (first["monthly_cost_usd"] or 1.0) * 2
    dropped = old["recommendations"].pop()
    diff = diff_results(old, rec, catalog)
    assert not diff.best_changed
    change = diff.price_changes[0]
    assert change.route == route_key(first) and change.change_pct == pytest.approx(-50, abs=0.2)
    assert diff.routes_added == [route_key(dropped)]
    assert any("-50.0%" in line for line in diff.summary)


def test_a_new_best_route_is_reported_with_both_costs(catalog: Catalog) -> None:
    fresh = recommend(load_preset("startup"), catalog, top=3)
    old = fresh.to_json_dict()
    old["recommendations"] = list(reversed(old["recommendations"]))  # yesterday another route came first
    old["catalog_version"] = "2000.1.1"
    diff = diff_results(old, fresh, catalog)
    assert diff.best_changed
    first = diff.summary[0]
    assert first.startswith("new best route: ") and first.count("/month") == 2 and "(was " in first
