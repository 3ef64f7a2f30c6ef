from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import db
from ..audit import audit_log
from ..errors import render_error
from . import services
from .forms import LoginForm, PasswordChangeForm
from .models import User
from .policy import password_problem

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a local path: '/x' – never '//x', '/\\x', a scheme or a host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(c in target for c in "\\\r\n\t") or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    form = LoginForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            s = db.session()
            result = services.authenticate(
                s,
                form.email.data or "",
                form.password.data or "",
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                window=current_app.config["LOGIN_FAILURE_WINDOW"],
                ip=request.remote_addr,
            )
            s.commit()
            remember = bool(form.remember.data)
            next_url = safe_next(request.args.get("next"))
            if result.user is not None and result.needs_mfa:
                from .mfa_views import start_mfa

                return start_mfa(result.user, remember=remember, next_url=next_url)
            if result.user is not None:
                return finish_login(result.user, remember=remember, next_url=next_url)
            if result.deactivated:
                form.form_errors.append(
                    _(
                        "Kontot är inaktiverat. Kontakta verksamhetens administratör om du "
                        "ska ha tillgång igen."
                    )
                )
                status = 403
            elif result.throttled:
                minutes = max(
                    1,
                    -(-int(result.retry_after.total_seconds()) // 60) if result.retry_after else 1,
                )
                form.form_errors.append(
                    _(
                        "För många misslyckade inloggningar. Av säkerhetsskäl kan du "
                        "försöka igen om %(minutes)d minuter.",
                        minutes=minutes,
                    )
                )
                status = 429
            else:
                form.form_errors.append(_("Fel e-postadress eller lösenord."))
                status = 400
        else:
            status = 400
        form.password.data = ""
    return render_template("accounts/login.html", form=form), status


def finish_login(user: User, *, remember: bool, next_url: str | None) -> Any:
    """Start the session of a user who passed every step of the login."""
    session.clear()  # a new session: nothing from before the login carries over
    login_user(user, remember=remember)
    now = int(time.time())
    session["login_at"] = session["seen_at"] = now
    session["remember"] = remember
    return redirect(next_url or url_for("main.home"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    s = db.session()
    user = s.merge(current_user._get_current_object())
    services.rotate_session_token(user)
    audit_log(
        s,
        "logout.done",
        actor_id=user.id,
        org_id=session.get("org_id"),
        object_type="user",
        object_id=user.id,
    )
    s.commit()
    logout_user()
    session.clear()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    form = PasswordChangeForm()
    if request.method == "POST":
        user = current_user._get_current_object()
        if form.validate_on_submit():
            problem = password_problem(form.new.data or "", email=user.email, name=user.name)
            if not services.check_password(user, form.current.data or ""):
                form.current.errors = [_("Nuvarande lösenord stämmer inte.")]
            elif problem:
                form.new.errors = [problem]
            else:
                s = db.session()
                user = s.merge(user)
                services.change_password(s, user, form.new.data or "", org_id=session.get("org_id"))
                s.commit()
                # This session continues with the new token; every other one ends.
                login_user(user)
                flash(_("Lösenordet är bytt. Du har loggats ut på alla andra enheter."), "success")
                return redirect(url_for("main.home"))
        return render_template("accounts/password.html", form=form), 400
    return render_template("accounts/password.html", form=form)


@bp.route("/org/switch", methods=["POST"])
@login_required
def switch_org() -> Any:
    wanted = request.form.get("org_id", type=int)
    names = {o.id: o.name for _role, o in g.memberships}
    if wanted not in names:
        return render_error(400, _("Du är inte medlem i den verksamheten."))
    session["org_id"] = wanted
    flash(_("Du arbetar nu i %(name)s.", name=names[wanted]), "success")
    return redirect(url_for("main.home"))


@bp.route("/lang", methods=["POST"])
def set_language() -> Any:
    lang = request.form.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        return render_error(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        s = db.session()
        user = s.merge(current_user._get_current_object())
        user.locale = lang
        s.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.route("/account/weekly", methods=["POST"])
@login_required
def weekly_digest() -> Any:
    s = db.session()
    user = s.merge(current_user._get_current_object())
    user.weekly_digest = request.form.get("weekly") == "1"
    s.commit()
    flash(
        _("Veckoutskicket är påslaget.")
        if user.weekly_digest
        else _("Veckoutskicket är avslaget."),
        "success",
    )
    return redirect(url_for("accounts.change_password"))
