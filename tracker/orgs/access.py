"""Rules every request of a logged-in user passes (registered after load_context):

- the session ends after the organisation's idle time (default 8 hours) and after an
  absolute lifetime (SESSION_ABSOLUTE_LIFETIME; with "Kom ihåg mig" the remember cookie's
  REMEMBER_COOKIE_DURATION);
- a password someone else set must be changed before anything else;
- a member of an organisation that requires two-step verification enrols before anything
  else.
"""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

DEFAULT_IDLE_HOURS = 8
# Reachable whatever the state of the account: logging out, the language, the assets.
ALWAYS_OPEN = frozenset({"static", "accounts.logout", "accounts.set_language", "accounts.login"})


def _idle_seconds() -> int:
    org = g.get("org")
    hours = org.session_idle_hours if org is not None else DEFAULT_IDLE_HOURS
    return int(hours) * 3600


def _lifetime_seconds() -> int:
    key = "REMEMBER_COOKIE_DURATION" if session.get("remember") else "SESSION_ABSOLUTE_LIFETIME"
    return int(current_app.config[key].total_seconds())


def _end_session(idle: bool) -> Any:
    logout_user()
    session.clear()
    message = (
        _("Du har loggats ut eftersom du inte använt tjänsten på en stund.")
        if idle
        else _("Du har loggats ut eftersom inloggningen är för gammal. Logga in igen.")
    )
    if request.method in ("GET", "HEAD"):
        flash(message, "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    # A form was sent: say that it was not saved, and how to keep what was typed.
    return render_template(
        "errors/error.html",
        code=401,
        message=message
        + " "
        + _(
            "Det du skickade sparades inte. Gå tillbaka i webbläsaren, kopiera texten, "
            "logga in och skicka igen."
        ),
    ), 401


def enforce_account_rules() -> Any:
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        # Restored from the remember cookie (or a session from before these rules).
        session["login_at"] = login_at = now
        session["remember"] = True
    elif now - seen_at > _idle_seconds():
        return _end_session(idle=True)
    elif now - login_at > _lifetime_seconds():
        return _end_session(idle=False)
    session["seen_at"] = now

    endpoint = request.endpoint or ""
    if endpoint in ALWAYS_OPEN:
        return None
    if current_user.must_change_password:
        if endpoint == "accounts.change_password":
            return None
        flash(_("Välj ett eget lösenord innan du fortsätter."), "info")
        return redirect(url_for("accounts.change_password"))
    required = any(o.mfa_required for _role, o in g.get("memberships", []))
    if required and not current_user.has_mfa and not endpoint.startswith("mfa."):
        flash(
            _(
                "Din verksamhet kräver tvåstegsverifiering. Koppla en app för engångskoder "
                "innan du fortsätter."
            ),
            "info",
        )
        wanted = request.path if request.method == "GET" else None
        return redirect(url_for("mfa.setup", next=wanted))
    return None
