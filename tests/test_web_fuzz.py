"""The OpenAPI spec fuzzed with schemathesis through the ASGI app: no input may cause a server error.

Bounded: a few examples per operation (the whole run takes well under two minutes).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

pytest.importorskip("schemathesis", reason="schemathesis is not installed (.ci/web-setup.sh installs it)")
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from llmpick.web.app import create_app
from llmpick.web.security import Access

_DB = Path(tempfile.mkdtemp(prefix="llmpick-fuzz-")) / "fuzz.sqlite"
# schemathesis's ASGI client sends Host: testserver; the Host check itself is tested in test_web_security
app = create_app(f"sqlite:///{_DB}", access=Access(allowed_hosts=frozenset({"testserver", "localhost"})))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
)  # no shrinking: keeps the run bounded
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


def test_the_spec_covers_the_api() -> None:
    operations = {f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())}
    assert {
        "POST /api/v1/recommend",
        "POST /api/v1/validate",
        "GET /api/v1/models",
        "POST /api/v1/estimate",
        "POST /api/v1/decisions/{decision_id}/rerun",
        "DELETE /api/v1/decisions/{decision_id}",
    } <= operations
