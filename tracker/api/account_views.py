"""The account page's API keys: create one for the current organisation (shown once) and
revoke one. The section is templates/api/_tokens.html, included in the account page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import db
from ..accounts.forms import PasswordChangeForm
from ..guard import guard_form
from ..orgs.context import current_org
from . import tokens
from .models import ApiToken

bp = Blueprint("api_tokens", __name__)


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Namn på nyckeln"),
        validators=[
            DataRequired(_l("Ge nyckeln ett namn, till exempel systemet som ska använda den.")),
            Length(max=tokens.NAME_MAX, message=_l("Högst %(max)d tecken.", max=tokens.NAME_MAX)),
        ],
    )
    days = IntegerField(
        _l("Giltig antal dagar (tomt: tills den återkallas)"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=tokens.MAX_DAYS,
                message=_l("Ange 1–%(max)d dagar.", max=tokens.MAX_DAYS),
            ),
        ],
    )


class RevokeForm(FlaskForm):
    pass


@bp.app_template_global()
def api_token_rows() -> list[tuple[ApiToken, str]]:
    """The user's keys in the current organisation, newest first, with their state."""
    org = current_org()
    rows = tokens.for_user(db.session(), current_user.id, org.id or 0)
    return [(t, tokens.state(t)) for t in rows]


@bp.app_template_global()
def api_token_form() -> ApiTokenForm:
    return ApiTokenForm(formdata=None)


@bp.app_template_global()
def api_revoke_form() -> RevokeForm:
    return RevokeForm(formdata=None)


def _account_page(status: int, **extra: Any) -> Any:
    return render_template(
        "accounts/password.html", form=PasswordChangeForm(formdata=None), **extra
    ), status


@bp.route("/account/api-tokens", methods=["POST"])
@login_required
def create() -> Any:
    org = current_org()
    form = ApiTokenForm()
    if not (form.validate_on_submit() and guard_form(form, ["name"], blocking_only=True)):
        return _account_page(400, api_form=form)
    s = db.session()
    raw, row = tokens.issue(
        s,
        user_id=current_user.id,
        org_id=org.id or 0,
        name=form.name.data or "",
        days=form.days.data,
        actor_id=current_user.id,
    )
    s.commit()
    return render_template("api/token_created.html", token=raw, row=row, org=org), 201


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int) -> Any:
    s = db.session()
    row = s.exec(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    ).first()
    if row is None:
        abort(404)
    if not RevokeForm().validate_on_submit():
        abort(400)
    tokens.revoke(s, row, actor_id=current_user.id)
    s.commit()
    flash(_("API-nyckeln ”%(name)s” är återkallad.", name=row.name), "success")
    return redirect(url_for("accounts.change_password", _anchor="api-tokens"))
