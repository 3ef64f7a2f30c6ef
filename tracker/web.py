"""Everything the web layer shares: extensions, headers, errors, template helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Flask,
    current_app,
    flash,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from . import fragments
from .audit_labels import action_label, outbox_status_labels
from .errors import ERROR_TEXT, handle_db_error, render_error
from .extensions import babel, csrf, login_manager
from .orgs.access import enforce_account_rules
from .orgs.context import load_context, load_user
from .orgs.forms import role_choices
from .params import MAX_QUERY_VALUE, BoundedInt
from .privacy.backstop import IdentifierRefused
from .text import render_markdown
from .timeutil import local, utcnow

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

FALLBACK_500 = (
    "<!doctype html><html lang=sv><title>Något gick fel</title><h1>Något gick fel</h1>"
    "<p>Ett oväntat fel inträffade. Försök igen om en stund.</p></html>"
)


def select_locale() -> str:
    if not has_request_context():  # CLI and jobs speak Swedish
        return "sv"
    if current_user.is_authenticated and current_user.locale in ("sv", "en"):
        return str(current_user.locale)
    lang = session.get("lang")
    return lang if lang in ("sv", "en") else "sv"


# The app uses no camera, microphone, location, payment or USB: deny them to every frame.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def security_headers(response: Any) -> Any:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    hsts = int(current_app.config.get("HSTS_SECONDS") or 0)
    if hsts > 0:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts}")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def handle_http_error(exc: HTTPException) -> Any:
    code = exc.code or 500
    if code not in ERROR_TEXT:
        return exc
    return render_error(code)


def handle_csrf_error(exc: CSRFError) -> Any:
    if not current_user.is_authenticated:
        flash(
            _("Sidan hade varit öppen för länge eller så har du loggats ut. Logga in igen."),
            "error",
        )
        return redirect(url_for("accounts.login", next=request.path))
    return render_error(
        400,
        _(
            "Formuläret hade gått ut. Gå tillbaka, ladda om sidan och skicka "
            "igen – kopiera gärna din text först."
        ),
    )


def handle_identifier_refused(exc: IdentifierRefused) -> Any:
    # The flush guard caught what a form did not: nothing was saved, say so in words.
    from .guard import kind_label

    what = ", ".join(kind_label(k) for k in exc.kinds)
    return render_error(
        400,
        _(
            "Texten innehåller %(what)s och sparades inte – inga uppgifter som kan "
            "identifiera en person får sparas. Gå tillbaka, ta bort uppgiften och försök igen.",
            what=what,
        ),
    )


def handle_server_error(_exc: Exception) -> Any:
    try:
        return render_error(500)
    except Exception:  # the page itself failed: answer in plain Swedish, still no trace
        return FALLBACK_500, 500


# What a form route accepts as a body; anything else (JSON, XML, text) is a 415.
FORM_TYPES = frozenset({"", "application/x-www-form-urlencoded", "multipart/form-data"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The largest request body (the longest minutes document is far below this).
MAX_CONTENT_LENGTH = 4 * 1024 * 1024


def refuse_odd_requests() -> Any:
    """before_request: every route takes forms and short query values; anything else is
    answered here, before a form parser or a query sees it."""
    if request.method in BODY_METHODS and not request.path.startswith("/api/"):  # API: JSON
        if request.mimetype not in FORM_TYPES:
            return render_error(415)
        # A multipart part whose name the parser could not read has no name (None).
        if None in request.form or None in request.files:
            return render_error(400)
    if any(len(v) > MAX_QUERY_VALUE for _k, v in request.args.items(multi=True)):
        return render_error(
            400,
            _(
                "En uppgift i adressen är för lång (högst %(n)s tecken). Korta den och "
                "försök igen.",
                n=MAX_QUERY_VALUE,
            ),
        )
    return None


def stockholm(dt: datetime | None, fmt: str = "medium") -> str:
    if dt is None:
        return ""
    return format_datetime(local(dt), fmt)


def init_app(app: Flask) -> None:
    # Before any rule is added: an `<int:…>` no database column can hold is a 404.
    app.url_map.converters["int"] = BoundedInt
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    # First, so even a request refused by CSRF knows who is asking (error page header).
    app.before_request(load_context)
    app.before_request(refuse_odd_requests)
    app.before_request(enforce_account_rules)
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
    csrf.init_app(app)
    fragments.init_app(app)  # after Flask-WTF: its own csrf_token() for the templates
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    app.after_request(security_headers)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(IdentifierRefused, handle_identifier_refused)
    app.register_error_handler(500, handle_server_error)
    app.register_error_handler(SQLAlchemyError, handle_db_error)
    app.jinja_env.filters["stockholm"] = stockholm
    app.jinja_env.globals["languages"] = app.config["LANGUAGES"]
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["action_label"] = action_label
    app.context_processor(lambda: {"current_year": utcnow().year})
    app.context_processor(lambda: {"role_labels": dict(role_choices())})
    app.context_processor(lambda: {"outbox_status_labels": outbox_status_labels()})

    from . import api
    from .accounts.mfa_views import bp as mfa_bp
    from .accounts.password_views import bp as password_bp
    from .accounts.views import bp as accounts_bp
    from .faults import bp as faults_bp
    from .imports.views import bp as imports_bp
    from .main import bp as main_bp
    from .meetings import bp as meetings_bp
    from .networks.box import bp as network_box_bp
    from .networks.org_views import bp as network_admin_bp
    from .networks.views import bp as networks_bp
    from .orgs.join import bp as join_bp
    from .orgs.views import bp as admin_bp
    from .privacy_admin import bp as privacy_bp
    from .reports import final_views, xlsx_views  # noqa: F401 – routes on the reports bp
    from .reports.views import bp as reports_bp
    from .update_views import bp as updates_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(mfa_bp)
    app.register_blueprint(password_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(join_bp)
    app.register_blueprint(faults_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(updates_bp)
    app.register_blueprint(networks_bp)
    app.register_blueprint(network_admin_bp)
    app.register_blueprint(network_box_bp)
    api.init_app(app)  # /api/v1/ (tracker/api): its own auth, errors and CSRF exemption
    app.jinja_env.filters["markdown"] = render_markdown
