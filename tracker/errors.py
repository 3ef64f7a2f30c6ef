"""Error pages in the user's language, never a stack trace; a database outage is a 503."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, render_template, request, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exc as sa_exc

ERROR_TEXT = {
    400: (
        _l("Felaktig begäran"),
        _l("Något i begäran kunde inte tolkas. Kontrollera uppgifterna och försök igen."),
    ),
    403: (_l("Åtkomst nekad"), _l("Du har inte behörighet till den här sidan.")),
    404: (
        _l("Sidan finns inte"),
        _l("Sidan eller objektet du söker finns inte, eller så har du inte tillgång till det."),
    ),
    405: (_l("Metoden stöds inte"), _l("Sidan kan inte användas på det här sättet.")),
    409: (
        _l("Konflikt"),
        _l("Någon annan har ändrat samma uppgifter. Ladda om sidan och försök igen."),
    ),
    413: (
        _l("För stor begäran"),
        _l(
            "Det du skickade är större än tjänsten tar emot. Korta texten eller dela upp "
            "den och försök igen."
        ),
    ),
    415: (
        _l("Fel format på begäran"),
        _l(
            "Sidan tar bara emot vanliga formulär. Gå tillbaka, ladda om sidan och skicka "
            "formuläret igen."
        ),
    ),
    429: (_l("För många försök"), _l("Vänta en stund och försök igen.")),
    500: (
        _l("Något gick fel"),
        _l(
            "Ett oväntat fel inträffade. Inget av det du skrev har sparats "
            "om sidan inte bekräftade det. Försök igen om en stund."
        ),
    ),
}

# Seconds a client (or a load balancer) is asked to wait while the database is away.
RETRY_AFTER = 30
log = logging.getLogger("tracker.outage")

# SQLite's words for "the database file cannot be used now" (as opposed to a bad query).
_SQLITE_OUTAGE = (
    "unable to open database",
    "database is locked",
    "disk i/o error",
    "database or disk is full",
    "readonly database",
)


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title, default = ERROR_TEXT.get(code, ERROR_TEXT[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=message or default
    ), code


def is_outage(exc: BaseException) -> bool:
    """A database that cannot be reached or used right now – not a faulty statement."""
    if isinstance(exc, sa_exc.TimeoutError):  # no connection free in the pool
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return False
    if type(exc.orig).__module__.startswith("sqlite3"):
        text = str(exc.orig).lower()
        return any(words in text for words in _SQLITE_OUTAGE)
    return True  # psycopg: connection refused, closed, terminated, timed out


def handle_db_error(exc: sa_exc.SQLAlchemyError) -> Any:
    """503 with Retry-After and one log line (no traceback) when the database is away; any
    other database error is a bug and goes on as a 500."""
    if not is_outage(exc):
        raise exc
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
    log.warning(
        "database unavailable: %s %s: %s: %s",
        request.method,
        request.path,
        type(getattr(exc, "orig", None) or exc).__name__,
        reason,
    )
    return unavailable_response()


def unavailable_response() -> Any:
    # The page asks nothing of the database: not the user, not their organisation.
    lang = session.get("lang") if session.get("lang") in ("sv", "en") else "sv"
    with force_locale(lang):
        wants = request.accept_mimetypes.best_match(["text/html", "application/json"])
        if wants == "application/json" or request.endpoint in ("main.readyz", "main.healthz"):
            body: Any = {"status": "unavailable"}
        else:
            # Not render_template: its context processors would load the user.
            page = current_app.jinja_env.get_template("errors/unavailable.html")
            body = page.render(lang=lang)
    resp = current_app.make_response((body, 503))
    resp.headers["Retry-After"] = str(RETRY_AFTER)
    return resp
