"""Save, list, read, delete and re-run decisions (a profile, its recommendation, the catalog it used)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Column, Float, MetaData, String, Table, Text, delete, func, insert, or_, select
from sqlalchemy.engine import Engine

from llmpick import __version__
from llmpick.catalog.catalog import Catalog
from llmpick.engine.result import Recommendation
from llmpick.profile import Profile, parse_profile
from llmpick.store.db import get_engine
from llmpick.store.diff import Diff, diff_results
from llmpick.store.errors import StoreError
from llmpick.store.migrations import summarise

_meta = MetaData()
decisions = Table(  # the shape after the latest migration; migrations.py creates it
    "decisions",
    _meta,
    Column("id", String(32), primary_key=True),
    Column("created_at", String(40), nullable=False),
    Column("name", Text, nullable=False),
    Column("profile_json", Text, nullable=False),
    Column("result_json", Text, nullable=False),
    Column("catalog_version", String(64), nullable=False),
    Column("catalog_as_of", String(10), nullable=False),
    Column("llmpick_version", String(32)),
    Column("best_route", Text),
    Column("monthly_cost_usd", Float),
)


class DecisionNotFound(StoreError):
    def __init__(self, decision_id: str) -> None:
        self.decision_id = decision_id
        super().__init__(f"no decision with id {decision_id!r}")


@dataclass(frozen=True)
class DecisionSummary:
    id: str
    created_at: str
    name: str
    catalog_version: str
    catalog_as_of: str
    llmpick_version: str | None
    best_route: str | None
    monthly_cost_usd: float | None

    def to_json_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Decision(DecisionSummary):
    profile_data: dict[str, Any]
    result_data: dict[str, Any]

    def profile(self) -> Profile:
        return parse_profile(self.profile_data, f"decision {self.id}")

    def recommendation(self) -> Recommendation:
        try:
            return Recommendation.model_validate(self.result_data)
        except ValidationError as exc:
            raise StoreError(
                f"decision {self.id}: the stored result no longer reads as a recommendation "
                f"({exc.error_count()} problems)"
            ) from None

    def to_json_dict(self) -> dict[str, Any]:
        out = DecisionSummary.to_json_dict(self)
        out.pop("profile_data"), out.pop("result_data")
        return {**out, "profile": self.profile_data, "result": self.result_data}


_SUMMARY_COLUMNS = [c for c in decisions.c if c.name not in ("profile_json", "result_json")]


class ReadOnlyStore(StoreError):
    """A write to a store opened read-only (``llmpick serve --read-only``)."""

    def __init__(self) -> None:
        super().__init__("this llmpick instance is read-only: decisions cannot be saved, changed or deleted")


class DecisionStore:
    """Decisions in one database."""

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only

    @classmethod
    def open(cls, db_url: str | None = None, *, read_only: bool = False) -> DecisionStore:
        return cls(get_engine(db_url), read_only=read_only)

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStore()

    def save(self, profile: Profile, rec: Recommendation, name: str | None = None) -> str:
        self._writable()
        decision_id = uuid.uuid4().hex[:12]
        result_json = json.dumps(rec.to_json_dict(), ensure_ascii=False, sort_keys=True)
        best, cost = summarise(result_json)
        with self.engine.begin() as conn:
            conn.execute(
                insert(decisions).values(
                    id=decision_id,
                    created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    name=name or profile.name,
                    profile_json=json.dumps(profile.model_dump(mode="json"), ensure_ascii=False),
                    result_json=result_json,
                    catalog_version=rec.catalog_version,
                    catalog_as_of=rec.catalog_as_of,
                    llmpick_version=__version__,
                    best_route=best,
                    monthly_cost_usd=cost,
                )
            )
        return decision_id

    def list(self, *, limit: int = 100, offset: int = 0, search: str | None = None) -> list[DecisionSummary]:
        query = select(*_SUMMARY_COLUMNS).order_by(decisions.c.created_at.desc(), decisions.c.id)
        if search:  # a literal search: autoescape makes % and _ match themselves
            needle = search.lower()
            query = query.where(
                or_(
                    func.lower(decisions.c.name).contains(needle, autoescape=True),
                    func.lower(decisions.c.best_route).contains(needle, autoescape=True),
                )
            )
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).mappings().all()
        return [DecisionSummary(**row) for row in rows]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(decisions)).scalar_one())

    def get(self, decision_id: str) -> Decision:
        with self.engine.connect() as conn:
            row = conn.execute(select(decisions).where(decisions.c.id == decision_id)).mappings().first()
        if row is None:
            raise DecisionNotFound(decision_id)
        data = dict(row)
        return Decision(
            **{k: v for k, v in data.items() if k not in ("profile_json", "result_json")},
            profile_data=json.loads(data["profile_json"]),
            result_data=json.loads(data["result_json"]),
        )

    def delete(self, decision_id: str) -> None:
        self._writable()
        with self.engine.begin() as conn:
            if conn.execute(delete(decisions).where(decisions.c.id == decision_id)).rowcount == 0:
                raise DecisionNotFound(decision_id)

    def rerun(self, decision_id: str, catalog: Catalog | None = None) -> tuple[Recommendation, Diff]:
        """The stored profile through today's engine and catalog, and what changed since."""
        from llmpick.catalog.loader import load_builtin_catalog
        from llmpick.engine import recommend

        decision = self.get(decision_id)
        catalog = catalog or load_builtin_catalog()
        top = max(len(decision.result_data.get("recommendations") or []), 1)
        fresh = recommend(decision.profile(), catalog, top=top)
        return fresh, diff_results(decision.result_data, fresh, catalog)


def save_decision(profile: Profile, recommendation: Recommendation, db_url: str | None = None) -> str:
    """Keep a decision (what `llmpick recommend --save` calls); returns its id."""
    return DecisionStore.open(db_url).save(profile, recommendation)


def list_decisions(db_url: str | None = None, *, limit: int = 100) -> list[DecisionSummary]:
    return DecisionStore.open(db_url).list(limit=limit)


def get_decision(decision_id: str, db_url: str | None = None) -> Decision:
    return DecisionStore.open(db_url).get(decision_id)


def delete_decision(decision_id: str, db_url: str | None = None) -> None:
    DecisionStore.open(db_url).delete(decision_id)


def rerun(
    decision_id: str, catalog: Catalog | None = None, *, db_url: str | None = None
) -> tuple[Recommendation, Diff]:
    return DecisionStore.open(db_url).rerun(decision_id, catalog)
