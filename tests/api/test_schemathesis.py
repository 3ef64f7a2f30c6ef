"""Schemathesis runs against the generated OpenAPI document (on SQLite, and on PostgreSQL
with TRACKER_TEST_DATABASE_URL): generated requests – valid and invalid – to every
operation, with a samordnare's token on the demo data; no 5xx, every status, content type,
header and body as documented. SCHEMATHESIS_EXAMPLES sets the examples per operation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import select

from tests.conftest import _wipe
from tracker import create_app, db
from tracker.accounts.services import find_user
from tracker.api import tokens
from tracker.demo import load_demo
from tracker.orgs.models import Organisation

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def demo_token(_app: Flask) -> Iterator[str]:
    """The demo data once for the module, and a samordnare's token (may write)."""
    _wipe(_app)
    with _app.app_context():
        s = db.session()
        load_demo(s)
        user = find_user(s, "samordnare@demo.se")
        assert user is not None and user.id is not None
        org = s.exec(select(Organisation).where(Organisation.slug == "soderort")).one()
        raw, _row = tokens.issue(
            s, user_id=user.id, org_id=org.id or 0, name="schemathesis", actor_id=None
        )
        s.commit()
    before = _app.config["API_RATE_LIMIT"]
    _app.config["API_RATE_LIMIT"] = 100000
    yield raw
    _app.config["API_RATE_LIMIT"] = before
    _wipe(_app)


def _spec() -> dict[str, Any]:
    """The document as the app serves it (built from code; no database needed)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "spec", "DATABASE_URL": "sqlite://"})
    spec: dict[str, Any] = app.test_client().get("/api/v1/openapi.json").get_json()
    return spec


schema = schemathesis.openapi.from_dict(_spec())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("SCHEMATHESIS_RANDOM"),
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case: Any, _app: Flask, demo_token: str) -> None:
    case.call_and_validate(
        app=_app, headers={"Authorization": f"Bearer {demo_token}"}, checks=CHECKS
    )
