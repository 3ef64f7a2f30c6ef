"""/networks/<slug>/reports/<year>: the network's compiled "Uppmärksammade brister", for
the people with a network role only (the workers of member organisations have their own
report); Markdown and Word downloads; the nätverkssamordnare's draft, saved with a
version check, and made final."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from .. import db
from ..guard import guard_form
from ..params import to_int
from ..text import render_markdown
from ..timeutil import local, utcnow
from . import report_drafts
from .context import NetworkAccess, network_role_or_404
from .models import NetworkReportDraft
from .views import _ctx, bp

MAX_CHARS = 200_000
MIME = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class CreateForm(FlaskForm):
    pass


class DraftForm(FlaskForm):
    markdown = TextAreaField(
        _l("Rapportens text (Markdown)"),
        validators=[DataRequired(_l("Skriv rapportens text.")), Length(max=MAX_CHARS)],
    )
    version = HiddenField()


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        _l("Skäl till att rapporten öppnas igen"),
        validators=[DataRequired(_l("Skriv ett skäl.")), Length(max=2000)],
    )
    version = HiddenField()


class FinalForm(FlaskForm):
    confirm = BooleanField(
        _l(
            "Jag har gått igenom rapporten och vill markera den som slutlig. Den låses, och "
            "sidan och filerna visar den slutliga texten."
        ),
        validators=[DataRequired(_l("Kryssa i att du vill markera rapporten som slutlig."))],
    )
    version = HiddenField()


def _year(year: int) -> int:
    if not 2000 <= year <= local(utcnow()).year + 1:
        abort(404)
    return year


def _draft_or_404(access: NetworkAccess, year: int) -> NetworkReportDraft:
    draft = report_drafts.get_draft(db.session(), access.network_id, _year(year))
    if draft is None:
        abort(404)
    return draft


def _page(
    access: NetworkAccess,
    year: int,
    *,
    draft: NetworkReportDraft | None,
    form: DraftForm | None = None,
    final_form: FinalForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> Any:
    s = db.session()
    markdown, final = report_drafts.current_text(s, access.network, year, draft)
    if form is None:
        form = DraftForm(formdata=None)
        if draft is not None:
            form.markdown.data = draft.markdown
            form.version.data = str(draft.version)
    if final_form is None:
        final_form = FinalForm(formdata=None)
        if draft is not None:
            final_form.version.data = str(draft.version)
    if reopen_form is None:
        reopen_form = ReopenForm(formdata=None)
        if draft is not None:
            reopen_form.version.data = str(draft.version)
    return render_template(
        "networks/report.html",
        **_ctx(
            access,
            year=year,
            this_year=local(utcnow()).year,
            html=render_markdown(markdown, heading_offset=1),
            final=final,
            draft=draft,
            form=form,
            final_form=final_form,
            reopen_form=reopen_form,
            create_form=CreateForm(),
        ),
    ), status


@bp.route("/<slug>/reports/")
@login_required
def report_latest(slug: str) -> Any:
    """This year's report (the navigation's link)."""
    access = network_role_or_404(slug)
    return redirect(url_for("networks.report", slug=access.network.slug, year=local(utcnow()).year))


@bp.route("/<slug>/reports/<int:year>")
@login_required
def report(slug: str, year: int) -> Any:
    access = network_role_or_404(slug)
    year = _year(year)
    draft = report_drafts.get_draft(db.session(), access.network_id, year)
    return _page(access, year, draft=draft)


@bp.route("/<slug>/reports/<int:year>.<fmt>")
@login_required
def report_export(slug: str, year: int, fmt: str) -> Any:
    access = network_role_or_404(slug)
    if fmt not in MIME:
        abort(404)
    year = _year(year)
    markdown, _final = report_drafts.current_text(db.session(), access.network, year)
    data = report_drafts.export_bytes(markdown, fmt, network=access.network, year=year)
    name = f"uppmarksammade-brister-{access.network.slug}-{year}.{fmt}"
    return Response(
        data,
        mimetype=MIME[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<slug>/reports/<int:year>/draft", methods=["POST"])
@login_required
def report_create_draft(slug: str, year: int) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    year = _year(year)
    if not CreateForm().validate_on_submit():
        abort(400)
    s = db.session()
    generated, _final = report_drafts.current_text(s, access.network, year)
    report_drafts.create_draft(
        s, network=access.network, year=year, generated=generated, actor_id=current_user.id
    )
    s.commit()
    flash(_("Utkastet är skapat från den genererade texten."), "success")
    return redirect(url_for("networks.report", slug=access.network.slug, year=year))


def _stale_message() -> str:
    return _(
        "Rapporten har sparats av någon annan sedan du öppnade den, så din ändring sparades "
        "inte. Din text finns kvar i rutan nedan: kopiera den, ladda om sidan och för in "
        "dina ändringar i den senaste versionen."
    )


def _final_message() -> str:
    return _("Rapporten är redan slutlig och kan inte ändras.")


@bp.route("/<slug>/reports/<int:year>/save", methods=["POST"])
@login_required
def report_save(slug: str, year: int) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    draft = _draft_or_404(access, year)
    form = DraftForm()
    version = to_int(form.version.data)
    if not (form.validate_on_submit() and version is not None) or not guard_form(
        form, ["markdown"], blocking_only=True
    ):
        return _page(access, draft.year, draft=draft, form=form, status=400)
    s = db.session()
    try:
        report_drafts.save_draft(
            s,
            draft=draft,
            markdown=(form.markdown.data or "").replace("\r\n", "\n"),
            version=version,
            actor_id=current_user.id,
        )
    except report_drafts.StaleDraft:
        s.rollback()
        form.form_errors.append(_stale_message())
        return _page(access, year, draft=_draft_or_404(access, year), form=form, status=409)
    except report_drafts.FinalDraft:
        s.rollback()
        form.form_errors.append(_final_message())
        return _page(access, year, draft=_draft_or_404(access, year), form=form, status=409)
    s.commit()
    flash(_("Utkastet är sparat."), "success")
    return redirect(url_for("networks.report", slug=access.network.slug, year=year))


@bp.route("/<slug>/reports/<int:year>/final", methods=["POST"])
@login_required
def report_finalise(slug: str, year: int) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    draft = _draft_or_404(access, year)
    form = FinalForm()
    version = to_int(form.version.data)
    if not (form.validate_on_submit() and version is not None):
        return _page(access, year, draft=draft, final_form=form, status=400)
    s = db.session()
    try:
        report_drafts.finalise(s, draft=draft, version=version, actor_id=current_user.id)
    except (report_drafts.StaleDraft, report_drafts.FinalDraft) as exc:
        s.rollback()
        stale = isinstance(exc, report_drafts.StaleDraft)
        form.form_errors.append(_stale_message() if stale else _final_message())
        return _page(access, year, draft=_draft_or_404(access, year), final_form=form, status=409)
    s.commit()
    flash(_("Rapporten är markerad som slutlig."), "success")
    return redirect(url_for("networks.report", slug=access.network.slug, year=year))


@bp.route("/<slug>/reports/<int:year>/reopen", methods=["POST"])
@login_required
def report_reopen(slug: str, year: int) -> Any:
    """A nätverkssamordnare opens a final report for changes again, with a reason."""
    access = network_role_or_404(slug, coordinate=True)
    draft = _draft_or_404(access, year)
    form = ReopenForm()
    version = to_int(form.version.data)
    if not (form.validate_on_submit() and version is not None) or not guard_form(
        form, ["reason"], blocking_only=True
    ):
        return _page(access, year, draft=draft, reopen_form=form, status=400)
    s = db.session()
    try:
        report_drafts.reopen(
            s,
            draft=draft,
            version=version,
            reason=form.reason.data or "",
            actor_id=current_user.id,
        )
    except (report_drafts.StaleDraft, report_drafts.NotFinal):
        s.rollback()
        form.form_errors.append(_stale_message())
        return _page(access, year, draft=_draft_or_404(access, year), reopen_form=form, status=409)
    s.commit()
    flash(_("Rapporten är öppnad för ändring igen."), "success")
    return redirect(
        url_for("networks.report", slug=access.network.slug, year=year, _anchor="draft")
    )
