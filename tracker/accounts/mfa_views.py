"""Two-step verification (TOTP): enrolment, the login's second step, recovery codes."""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlmodel import col, select
from wtforms import Field

from .. import db
from . import mfa, services
from .forms import MfaDisableForm, MfaRenewForm, MfaSetupForm, MfaVerifyForm
from .models import User

bp = Blueprint("mfa", __name__)

# Flask session keys: the login waiting for its second step, and an enrolment in progress
# (its secret lives here until a code confirms it; only then is it stored in the database).
PENDING_KEY = "mfa_pending"
SETUP_KEY = "mfa_setup"
PENDING_SECONDS = 5 * 60


def _limits() -> dict[str, Any]:
    return {
        "ip": request.remote_addr,
        "max_failures": current_app.config["LOGIN_MAX_FAILURES"],
        "window": current_app.config["LOGIN_FAILURE_WINDOW"],
    }


def _throttle_message(result: mfa.CodeResult) -> str:
    seconds = int(result.retry_after.total_seconds()) if result.retry_after else 60
    return _(
        "För många misslyckade inloggningar. Av säkerhetsskäl kan du "
        "försöka igen om %(minutes)d minuter.",
        minutes=max(1, -(-seconds // 60)),
    )


def _wrong_code() -> str:
    return _(
        "Koden stämmer inte. Skriv den kod som appen visar just nu (en kod gäller bara en "
        "gång) eller en oanvänd reservkod."
    )


def _safe_next(target: Any) -> str | None:
    from .views import safe_next

    return safe_next(target) if isinstance(target, str) else None


# ---- the login's second step -------------------------------------------------------------


def start_mfa(user: User, *, remember: bool, next_url: str | None) -> Any:
    """The password was right: remember who is logging in (for five minutes) and ask for
    the code. Nobody is logged in until the code is accepted."""
    session.pop(SETUP_KEY, None)
    session[PENDING_KEY] = {
        "token": user.session_token,
        "remember": bool(remember),
        "next": next_url,
        "at": int(time.time()),
    }
    return redirect(url_for("mfa.verify"))


def _pending() -> tuple[User, dict[str, Any]] | None:
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict):
        return None
    at, token = state.get("at"), state.get("token")
    if not isinstance(at, int) or not isinstance(token, str):
        return None
    if not 0 <= time.time() - at <= PENDING_SECONDS:
        return None
    user = (
        db.session()
        .exec(select(User).where(col(User.session_token) == token, col(User.active).is_(True)))
        .first()
    )
    # A password change (new token) or an MFA reset since the password step: start over.
    if user is None or not user.has_mfa:
        return None
    return user, state


def _code_input(f: Field, *, recovery: bool) -> None:
    """A numeric keyboard for the app's code; letters for a recovery code."""
    f.render_kw = {
        "inputmode": "text" if recovery else "numeric",
        "autocapitalize": "none",
        "spellcheck": "false",
    }


@bp.route("/login/mfa", methods=["GET", "POST"])
def verify() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    pending = _pending()
    if pending is None:
        session.pop(PENDING_KEY, None)
        flash(
            _("Inloggningen hann gå ut eller har avbrutits. Logga in igen med lösenordet."),
            "error",
        )
        return redirect(url_for("accounts.login"))
    user, state = pending
    recovery = request.args.get("recovery") == "1"
    form = MfaVerifyForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            s = db.session()
            result = mfa.second_step(s, user, form.code.data or "", **_limits())
            remaining = mfa.remaining_recovery_codes(s, user) if result.kind == "recovery" else 0
            s.commit()
            if result.ok:
                from .views import finish_login

                response = finish_login(
                    user,
                    remember=bool(state.get("remember")),
                    next_url=_safe_next(state.get("next")),
                )
                if result.kind == "recovery":
                    _flash_remaining(remaining)
                return response
            if result.throttled:
                form.form_errors.append(_throttle_message(result))
                status = 429
            else:
                form.code.errors = [_wrong_code()]
        form.code.data = ""
    _code_input(form.code, recovery=recovery)
    return render_template("accounts/mfa_verify.html", form=form, recovery=recovery), status


def _flash_remaining(remaining: int) -> None:
    flash(
        ngettext(
            "Du loggade in med en reservkod. Du har %(num)d oanvänd reservkod kvar.",
            "Du loggade in med en reservkod. Du har %(num)d oanvända reservkoder kvar.",
            remaining,
        ),
        "info" if remaining > 2 else "error",
    )
    if remaining <= 2:
        flash(_("Skapa nya reservkoder under Mitt konto → Tvåstegsverifiering."), "error")


# ---- the account page: status, enrolment, new codes, turning off ------------------------


def _required_by(user_id: int | None) -> list[str]:
    """Names of the user's organisations (active memberships) that require MFA."""
    from ..orgs.models import Membership, Organisation  # orgs is above accounts

    return list(
        db.session()
        .exec(
            select(Organisation.name)
            .join(Membership, col(Membership.org_id) == col(Organisation.id))
            .where(
                col(Membership.user_id) == user_id,
                col(Membership.active).is_(True),
                col(Organisation.mfa_required).is_(True),
            )
            .order_by(col(Organisation.name))
        )
        .all()
    )


def _status_page(
    *,
    disable_form: MfaDisableForm | None = None,
    renew_form: MfaRenewForm | None = None,
    status: int = 200,
) -> Any:
    user = current_user._get_current_object()
    disable_form = disable_form or MfaDisableForm(formdata=None)
    disable_form.password.data = ""
    disable_form.code.data = ""
    renew_form = renew_form or MfaRenewForm(formdata=None)
    renew_form.password.data = ""
    remaining = mfa.remaining_recovery_codes(db.session(), user) if user.has_mfa else 0
    return render_template(
        "accounts/mfa_status.html",
        disable_form=disable_form,
        renew_form=renew_form,
        remaining=remaining,
        total=mfa.RECOVERY_CODE_COUNT,
        required_by=_required_by(user.id),
    ), status


@bp.route("/account/mfa")
@login_required
def status() -> Any:
    return _status_page()


def _setup_state(user: User) -> tuple[dict[str, Any], bool]:
    """The enrolment in progress for this user (a new one if there is none)."""
    state = session.get(SETUP_KEY)
    if (
        isinstance(state, dict)
        and state.get("uid") == user.id
        and isinstance(state.get("secret"), str)
    ):
        return state, True
    return {"uid": user.id, "secret": mfa.new_secret(), "next": None}, False


@bp.route("/account/mfa/setup", methods=["GET", "POST"])
@login_required
def setup() -> Any:
    user = current_user._get_current_object()
    if user.has_mfa:
        flash(_("Tvåstegsverifiering är redan påslagen."), "info")
        return redirect(url_for("mfa.status"))
    state, existed = _setup_state(user)
    if request.method == "GET" and request.args.get("next"):
        state["next"] = _safe_next(request.args.get("next"))
    session[SETUP_KEY] = state
    form = MfaSetupForm()
    status = 200
    if request.method == "POST":
        status = 400
        if not existed:  # the session lost the secret shown before: a new one is shown now
            form.form_errors.append(
                _("Koden hann gå ut. Lägg till kontot i appen igen med den nya QR-koden.")
            )
        elif form.validate_on_submit():
            s = db.session()
            user = s.merge(user)
            codes = mfa.enable(
                s,
                user,
                secret=state["secret"],
                code=form.code.data or "",
                org_id=session.get("org_id"),
            )
            if codes is not None:
                s.commit()
                session.pop(SETUP_KEY, None)
                onward = _safe_next(state.get("next")) or url_for("main.home")
                return render_template(
                    "accounts/mfa_codes.html", codes=codes, enrolled=True, onward=onward
                )
            form.code.errors = [
                _(
                    "Koden stämmer inte. Kontrollera att du skannade den här QR-koden och "
                    "att telefonens klocka går rätt, och skriv koden som visas nu."
                )
            ]
        form.code.data = ""
    _code_input(form.code, recovery=False)
    secret = state["secret"]
    return render_template(
        "accounts/mfa_setup.html",
        form=form,
        qr=mfa.qr_data_uri(mfa.provisioning_uri(secret, user.email)),
        key=mfa.grouped(secret),
        issuer=mfa.ISSUER,
    ), status


@bp.route("/account/mfa/disable", methods=["POST"])
@login_required
def disable() -> Any:
    user = current_user._get_current_object()
    if not user.has_mfa:
        flash(_("Tvåstegsverifiering är redan avstängd."), "info")
        return redirect(url_for("mfa.status"))
    form = MfaDisableForm()
    required_by = _required_by(user.id)
    if required_by:
        form.form_errors.append(
            _(
                "Tvåstegsverifiering kan inte stängas av: %(orgs)s kräver den.",
                orgs=", ".join(required_by),
            )
        )
        return _status_page(disable_form=form, status=400)
    if not form.validate_on_submit():
        return _status_page(disable_form=form, status=400)
    s = db.session()
    user = s.merge(user)
    result = mfa.reauthenticate(
        s,
        user,
        password_ok=services.check_password(user, form.password.data or ""),
        code=form.code.data or "",
        org_id=session.get("org_id"),
        **_limits(),
    )
    if result.ok:
        mfa.disable(s, user, org_id=session.get("org_id"))
    s.commit()
    if result.ok:
        flash(_("Tvåstegsverifiering är avstängd."), "success")
        return redirect(url_for("mfa.status"))
    if result.throttled:
        form.form_errors.append(_throttle_message(result))
        return _status_page(disable_form=form, status=429)
    form.form_errors.append(_("Lösenordet eller koden stämmer inte."))
    return _status_page(disable_form=form, status=400)


@bp.route("/account/mfa/recovery-codes", methods=["POST"])
@login_required
def recovery() -> Any:
    user = current_user._get_current_object()
    if not user.has_mfa:
        flash(_("Slå på tvåstegsverifiering först."), "info")
        return redirect(url_for("mfa.status"))
    form = MfaRenewForm()
    if not form.validate_on_submit():
        return _status_page(renew_form=form, status=400)
    s = db.session()
    user = s.merge(user)
    result = mfa.reauthenticate(
        s,
        user,
        password_ok=services.check_password(user, form.password.data or ""),
        code=None,
        org_id=session.get("org_id"),
        **_limits(),
    )
    codes = mfa.renew_recovery_codes(s, user, org_id=session.get("org_id")) if result.ok else []
    s.commit()
    if result.ok:
        return render_template(
            "accounts/mfa_codes.html", codes=codes, enrolled=False, onward=url_for("mfa.status")
        )
    if result.throttled:
        form.form_errors.append(_throttle_message(result))
        return _status_page(renew_form=form, status=429)
    form.password.errors = [_("Nuvarande lösenord stämmer inte.")]
    return _status_page(renew_form=form, status=400)
