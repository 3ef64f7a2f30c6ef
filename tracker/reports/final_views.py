"""Making the year's section final – a samordnare or admin, after a confirmation – and an
admin opening a final section again with a reason."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from .. import db
from ..faults.common import MANAGERS
from ..guard import guard_form
from ..orgs.context import role_required
from . import services
from .views import _draft_or_404, bp

managers_only = role_required(*MANAGERS)
admins_only = role_required("admin")


class FinalForm(FlaskForm):
    confirm = BooleanField(
        _l(
            "Jag har gått igenom avsnittet och vill markera det som slutligt. Det låses, och "
            "exporterna använder den slutliga texten."
        ),
        validators=[DataRequired(_l("Kryssa i att du vill markera avsnittet som slutligt."))],
    )


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        _l("Skäl"), validators=[DataRequired(_l("Skriv ett skäl.")), Length(max=2000)]
    )


@bp.route("/<int:year>/final", methods=["GET", "POST"])
@managers_only
def finalise(year: int) -> Any:
    _org, draft = _draft_or_404(year)
    form = FinalForm()
    if draft.status == "slutlig":
        flash(_("Avsnittet är redan slutligt."), "success")
        return redirect(url_for("reports.report", year=year))
    if request.method == "POST" and form.validate_on_submit():
        s = db.session()
        services.finalise(s, draft=draft, actor_id=current_user.id)
        s.commit()
        flash(_("Avsnittet är markerat som slutligt och låst."), "success")
        return redirect(url_for("reports.report", year=year))
    status = 400 if request.method == "POST" else 200
    return render_template("reports/final.html", year=year, draft=draft, form=form), status


@bp.route("/<int:year>/reopen", methods=["GET", "POST"])
@admins_only
def reopen(year: int) -> Any:
    _org, draft = _draft_or_404(year)
    form = ReopenForm()
    if draft.status != "slutlig":
        flash(_("Avsnittet är inte slutligt."), "success")
        return redirect(url_for("reports.report", year=year))
    if (
        request.method == "POST"
        and form.validate_on_submit()
        and guard_form(form, ["reason"], blocking_only=True)
    ):
        s = db.session()
        services.reopen(s, draft=draft, reason=form.reason.data or "", actor_id=current_user.id)
        s.commit()
        flash(_("Avsnittet är öppnat för ändring igen."), "success")
        return redirect(url_for("reports.report", year=year, _anchor="draft"))
    status = 400 if request.method == "POST" else 200
    return render_template("reports/reopen.html", year=year, draft=draft, form=form), status
