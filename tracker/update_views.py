"""The ombud's updates (tracker.faults.updates): the list of all updates, marking them read
(the home page shows the unread ones), and the user's choice of e-mail about them.
Sits at the top of the layers, beside main: it reads meetings and accounts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import db
from .accounts.forms import PasswordChangeForm
from .accounts.models import UPDATE_MAIL
from .errors import render_error
from .faults import updates
from .meetings.updates import page_of
from .orgs.context import current_org, role_required
from .params import bounded_int, to_int

bp = Blueprint("updates", __name__)
PAGE_SIZE = 25
readers = role_required(*updates.RECIPIENT_ROLES)


def _page() -> int:
    return max(request.args.get("page", 1, type=bounded_int) or 1, 1)


@bp.route("/updates")
@readers
def index() -> Any:
    page = _page()
    listing = page_of(db.session(), current_user.id, page=page, size=PAGE_SIZE)
    return render_template("main/updates.html", listing=listing, page=page)


@bp.route("/updates/read", methods=["POST"])
@readers
def mark_read() -> Any:
    """Mark the updates the page showed as read (not any that arrived since)."""
    ids = [n for v in request.form.getlist("id") if (n := to_int(v)) is not None]
    if not ids:
        return render_error(400, _("Det fanns inga olästa uppdateringar att markera."))
    s = db.session()
    n = updates.mark_read(s, user_id=current_user.id, org_id=current_org().id or 0, ids=ids)
    s.commit()
    flash(
        _("%(n)d uppdateringar är markerade som lästa.", n=n)
        if n != 1
        else _("En uppdatering är markerad som läst."),
        "success",
    )
    if request.form.get("next") == "list":
        page = request.form.get("page", 1, type=bounded_int)
        return redirect(url_for("updates.index", page=page))
    return redirect(url_for("main.home"))


@bp.route("/account/updates", methods=["POST"])
@login_required
def mail_setting() -> Any:
    choice = request.form.get("update_mail", "")
    if choice not in UPDATE_MAIL:
        page = render_template(
            "accounts/password.html",
            form=PasswordChangeForm(formdata=None),
            update_mail_choice=choice,
            update_mail_error=_("Välj ett av alternativen för e-post om uppdateringar."),
        )
        return page, 400
    s = db.session()
    user = s.merge(current_user._get_current_object())
    org = g.get("org")
    updates.set_update_mail(s, user=user, choice=choice, org_id=org.id if org else None)
    s.commit()
    flash(
        {
            "none": _("Du får ingen e-post om uppdateringar."),
            "weekly": _("Uppdateringarna kommer med veckosammanfattningen på måndagar."),
            "direct": _("Du får e-post direkt när något händer med dina systemfel."),
        }[choice],
        "success",
    )
    return redirect(url_for("accounts.change_password", _anchor="update-mail"))
