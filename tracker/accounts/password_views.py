"""'Glömt lösenord?': ask for a link, then choose a new password through it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import db
from . import reset, tokens
from .forms import ForgotForm, NewPasswordForm
from .models import User
from .policy import password_problem

bp = Blueprint("password", __name__, url_prefix="/password")


@bp.route("/forgot", methods=["GET", "POST"])
def forgot() -> Any:
    form = ForgotForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("accounts/forgot.html", form=form), 400
        s = db.session()
        reset.request_reset(s, form.email.data or "", base_url=current_app.config["BASE_URL"])
        s.commit()
        # The same answer whether or not the address has an account.
        flash(
            _(
                "Om adressen hör till ett konto har vi skickat en länk för att välja nytt "
                "lösenord. Länken gäller i en timme. Hittar du inget mejl, titta i skräpposten."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


def _invalid_link() -> Any:
    return render_template("accounts/link_invalid.html", what="reset"), 400


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    s = db.session()
    row = tokens.find_valid(s, "reset", token)
    user = s.get(User, row.user_id) if row is not None else None
    if row is None or user is None or not user.active:
        return _invalid_link()
    form = NewPasswordForm()
    if request.method == "POST":
        if form.validate_on_submit():
            problem = password_problem(form.new.data or "", email=user.email, name=user.name)
            if problem:
                form.new.errors = [problem]
            else:
                reset.complete_reset(s, row, form.new.data or "")
                s.commit()
                flash(
                    _("Lösenordet är bytt och du är utloggad överallt. Logga in med det nya."),
                    "success",
                )
                return redirect(url_for("accounts.login"))
        return render_template("accounts/reset.html", form=form, user=user), 400
    return render_template("accounts/reset.html", form=form, user=user)
