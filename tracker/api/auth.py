"""Every API request: the Bearer token, the organisation's scope, the rate limit, and
errors as RFC 9457 problem details.

The API never reads the session cookie: `ignore_session` runs before the app's other
before-request hooks and gives Flask-Login an anonymous user for /api/ paths, so a cookie
neither authenticates nor is touched (and CSRF, which protects cookie sessions, is exempt
for the API blueprint alone). A token, in turn, never authenticates an HTML page: only the
API blueprint reads the Authorization header.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import current_app, g, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .. import db, errors
from ..extensions import login_manager
from ..privacy.backstop import IdentifierRefused
from . import tokens

API_PREFIX = "/api/"
PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: "Felaktig begäran",
    401: "Inte autentiserad",
    403: "Saknar behörighet",
    404: "Hittades inte",
    405: "Metoden stöds inte",
    409: "Konflikt",
    413: "För stor begäran",
    415: "Fel innehållstyp",
    422: "Uppgifterna kan inte tas emot",
    429: "För många anrop",
    500: "Internt fel",
    503: "Tjänsten är tillfälligt otillgänglig",
}


def problem(
    status: int, detail: str, *, kind: str | None = None, headers: Any = None, **extra: Any
) -> Any:
    """An RFC 9457 problem details response."""
    body: dict[str, Any] = {
        "type": f"/api/v1/problems/{kind}" if kind else "about:blank",
        "title": TITLES.get(status, "Fel"),
        "status": status,
        "detail": detail,
        **extra,
    }
    response = current_app.json.response(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def handle_http_error(exc: HTTPException) -> Any:
    code = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if messages is not None:  # webargs: the body or query does not fit the schema
        return problem(
            code,
            data.get("message") or "Uppgifterna stämmer inte med schemat.",
            kind="validation",
            errors=messages,
        )
    detail = data.get("message") or {
        404: "Resursen finns inte.",
        405: "Metoden stöds inte för den här adressen.",
        413: "Begäran är för stor.",
        415: "Skicka JSON (Content-Type: application/json).",
    }.get(code, TITLES.get(code, "Fel"))
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return problem(code, detail, headers=headers)


def handle_server_error(_exc: Exception) -> Any:
    return problem(500, "Ett oväntat fel inträffade. Försök igen om en stund.")


def handle_db_error(exc: SQLAlchemyError) -> Any:
    """The database is away: 503 with Retry-After and one log line, as for the pages; any
    other database error is a bug and goes on as a 500."""
    if not errors.is_outage(exc):
        raise exc
    errors.log.warning(
        "database unavailable: %s %s: %s", request.method, request.path, type(exc).__name__
    )
    return problem(
        503,
        "Databasen svarar inte just nu. Försök igen om en stund.",
        headers={"Retry-After": str(errors.RETRY_AFTER)},
    )


def handle_identifier_refused(exc: IdentifierRefused) -> Any:
    """The flush guard caught what the API's own check did not: nothing was saved."""
    return problem(
        422,
        "Texten innehåller uppgifter som kan identifiera en person och sparades inte.",
        kind="personal-data",
        findings=[{"field": f"{exc.table}.{exc.column}", "kind": k} for k in exc.kinds],
    )


def ignore_session() -> Any:
    """App before-request, first of all: an API request has no logged-in user, and a path
    or method the API does not have is a problem too (routing fails before any blueprint
    is known, so the blueprint's handlers would not see it)."""
    if not request.path.startswith(API_PREFIX):
        return None
    g._login_user = login_manager.anonymous_user()
    failed = request.routing_exception
    if isinstance(failed, HTTPException) and (failed.code or 500) >= 400:
        return handle_http_error(failed)
    return None


class RateLimiter:
    """A fixed window per token, counted in this process (each gunicorn worker keeps its
    own counts, so the effective limit is at most workers × the configured one)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}

    def hit(self, key: str, limit: int, window: int) -> int | None:
        """None if allowed; else the seconds until the window ends."""
        now = int(time.time())
        start = now - now % window
        with self._lock:
            if len(self._windows) > 10000:  # forget the old windows now and then
                self._windows = {k: v for k, v in self._windows.items() if v[0] == start}
            began, count = self._windows.get(key, (start, 0))
            if began != start:
                began, count = start, 0
            if count >= limit:
                return start + window - now
            self._windows[key] = (began, count + 1)
            return None


def limiter() -> RateLimiter:
    found: RateLimiter = current_app.extensions.setdefault("api_rate_limiter", RateLimiter())
    return found


def authenticate() -> Any:
    """API blueprint before-request: the token's user, organisation and role become the
    request's context (g.org, g.role, g.memberships), so `scoped()` works unchanged."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="tracker"'}
    if scheme.lower() != "bearer" or not raw.strip():
        return problem(
            401, "Ange en API-nyckel: Authorization: Bearer <nyckel>.", headers=challenge
        )
    caller = tokens.authenticate(db.session(), raw.strip())
    if caller is None:
        return problem(
            401,
            "API-nyckeln är okänd, återkallad eller har gått ut.",
            headers={**challenge, "WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    wait = limiter().hit(
        caller.token.token_hash,
        int(current_app.config.get("API_RATE_LIMIT", 300)),
        int(current_app.config.get("API_RATE_WINDOW", 60)),
    )
    if wait is not None:
        return problem(
            429,
            "För många anrop med den här API-nyckeln. Vänta och försök igen.",
            headers={"Retry-After": str(max(wait, 1))},
        )
    writing = request.method not in ("GET", "HEAD", "OPTIONS")
    tokens.mark_used(db.session(), db.engine(), caller.token, writing=writing)
    g.api = caller
    g.org, g.role = caller.org, caller.role
    g.memberships = [(caller.role, caller.org)]
    return None


def caller() -> tokens.Caller:
    found: tokens.Caller = g.api
    return found


def require_role(*roles: str) -> None:
    if caller().role not in roles:
        from flask_smorest import abort

        abort(403, message="API-nyckelns roll får inte göra det här.")
