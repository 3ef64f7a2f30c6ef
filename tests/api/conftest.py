"""API fixtures: tokens issued the way the account page and the CLI issue them, and a
client helper that sends them as Bearer tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from tests.conftest import Factories
from tracker.accounts.models import User
from tracker.api import tokens
from tracker.orgs.models import Organisation


def issue_token(app: Flask, user: User, org_slug: str = "soderort", days: int | None = None) -> str:
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        org = s.exec(select(Organisation).where(Organisation.slug == org_slug)).one()
        assert user.id is not None and org.id is not None
        raw, _row = tokens.issue(
            s, user_id=user.id, org_id=org.id, name="Ärendesystemet", days=days, actor_id=user.id
        )
        s.commit()
    return raw


class ApiClient:
    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self._headers(), **kw)

    def post(self, url: str, json: Any, **kw: Any) -> Any:
        return self.client.post(url, json=json, headers=self._headers(), **kw)


@pytest.fixture
def api_as(app: Flask, make: Factories) -> Callable[..., tuple[ApiClient, User]]:
    """api_as("ombud", "nacka"): a new member of that organisation and a client with their
    token."""

    def _api_as(role: str = "ombud", org: str = "soderort") -> tuple[ApiClient, User]:
        user = make.user(role, org)
        return ApiClient(app.test_client(), issue_token(app, user, org)), user

    return _api_as
