"""The invited person's side: follow the link, choose name and password (or log in with
an existing account), and join the organisation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .. import db
from ..accounts import services as accounts
from ..accounts import tokens
from ..accounts.forms import NewPasswordForm
from ..accounts.models import AccountToken
from ..accounts.policy import password_problem
from ..accounts.views import finish_login
from ..guard import guard_form
from . import invitations
from .forms import role_choices
from .models import Organisation

bp = Blueprint("join", __name__)


class JoinForm(NewPasswordForm):
    name = StringField(
        _l("Ditt namn"), validators=[DataRequired(_l("Fyll i ditt namn.")), Length(max=120)]
    )


def _page(template: str, row: AccountToken, org: Organisation, status: int = 200, **kw: Any) -> Any:
    role = dict(role_choices()).get(row.role or "", row.role)
    return render_template(template, row=row, org=org, role=role, **kw), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str) -> Any:
    s = db.session()
    row = tokens.find_valid(s, "invite", token)
    org = s.get(Organisation, row.org_id) if row is not None else None
    if row is None or org is None:
        return render_template("accounts/link_invalid.html", what="invite"), 400
    existing = accounts.find_user(s, row.email)
    if current_user.is_authenticated and current_user.email != row.email:
        return _page("orgs/join_other.html", row, org, 400)
    if existing is None:
        form = JoinForm()
        if request.method == "POST":
            if form.validate_on_submit() and guard_form(form, ["name"], blocking_only=True):
                problem = password_problem(
                    form.new.data or "", email=row.email, name=form.name.data or ""
                )
                if problem:
                    form.new.errors = [problem]
                else:
                    user = invitations.accept_new(
                        s, row, name=form.name.data or "", password=form.new.data or ""
                    )
                    accounts.record_login(s, user)
                    s.commit()
                    flash(_("Välkommen till %(org)s!", org=org.name), "success")
                    response = finish_login(user, remember=False, next_url=None)
                    session["org_id"] = org.id
                    return response
            return _page("orgs/join_new.html", row, org, 400, form=form)
        return _page("orgs/join_new.html", row, org, form=form)
    if not current_user.is_authenticated:
        # An account exists: the person proves it is theirs by logging in.
        return _page("orgs/join_login.html", row, org, token=token)
    if request.method == "POST":
        user = s.merge(current_user._get_current_object())
        invitations.accept(s, row, user)
        s.commit()
        session["org_id"] = org.id
        flash(_("Du är nu medlem i %(org)s.", org=org.name), "success")
        return redirect(url_for("main.home"))
    return _page("orgs/join_confirm.html", row, org)
