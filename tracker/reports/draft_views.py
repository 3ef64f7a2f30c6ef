"""The draft edited per section: save (only the sections this person changed, per-section
optimistic locking, a 409 page with both texts on a conflict), preview without saving, and
taking a change in the data into the sections it affects."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from .. import db
from ..guard import FreeTextRefused
from ..orgs.models import Organisation
from ..text import render_markdown
from . import draft_changes, draft_editor, draft_sections, services
from .draft_editor import Row, SectionsForm
from .models import ReportDraft
from .views import _draft_or_404, _fresh, authors_only, bp, render_page


class TakeInForm(FlaskForm):
    change = HiddenField()
    seen = HiddenField()  # the draft's versions of the sections, as shown when confirming
    confirm = HiddenField()


def _editor(
    year: int,
    org: Organisation,
    draft: ReportDraft,
    rows: list[Row],
    form: SectionsForm,
    status: int,
    **extra: Any,
) -> Any:
    return render_page(year, org, draft, rows=rows, status=status, form=form, **extra)


def _read(year: int) -> tuple[Organisation, ReportDraft, SectionsForm, list[Row], Any]:
    """The draft and the sections as sent; a response instead when they cannot be used."""
    org, draft = _draft_or_404(year)
    form = SectionsForm()
    try:
        rows = draft_editor.from_request(request)
    except draft_editor.BadForm as exc:
        rows = list(exc.args[0]) if exc.args else []
        shown = rows or draft_editor.from_markdown(draft.markdown)
        return (
            org,
            draft,
            form,
            rows,
            _editor(
                year,
                org,
                draft,
                shown,
                form,
                400,
                form_error=_(
                    "Formuläret kunde inte läsas. Ladda om sidan och skriv in ändringarna igen."
                ),
            ),
        )
    if not form.validate_on_submit():
        return (
            org,
            draft,
            form,
            rows,
            _editor(
                year,
                org,
                draft,
                rows,
                form,
                400,
                form_error=_("Sidan var för gammal. Det du skrev finns kvar nedan; spara igen."),
            ),
        )
    return org, draft, form, rows, None


@bp.route("/<int:year>/draft/save", methods=["POST"])
@authors_only
def save_draft(year: int) -> Any:
    org, draft, form, rows, refused = _read(year)
    if refused is not None:
        return refused
    if draft.status == "slutlig":
        return _editor(
            year,
            org,
            draft,
            rows,
            form,
            409,
            form_error=_("Utkastet är markerat som slutligt och kan inte ändras."),
        )
    if any(r.errors for r in rows):
        return _editor(year, org, draft, rows, form, 400)
    s = db.session()
    try:
        merged = services.save_sections(
            s,
            draft=draft,
            edits=draft_editor.edits(rows),
            actor_id=current_user.id,
            confirmed=bool(form.confirm_anonymous.data),
        )
    except FreeTextRefused as exc:
        for i, messages in exc.result.errors.items():
            rows[int(i)].errors += messages
        form.needs_confirmation = exc.result.needs_confirmation
        return _editor(year, org, draft, rows, form, 400)
    if not merged.ok:
        rows = draft_editor.after_conflict(rows, draft.markdown, merged)
        return _editor(year, org, draft, rows, form, 409, conflict=True)
    s.commit()
    if merged.saved:
        flash(
            ngettext(
                "Utkastet är sparat (%(num)d avsnitt ändrat).",
                "Utkastet är sparat (%(num)d avsnitt ändrade).",
                len(merged.saved),
            ),
            "success",
        )
    else:
        flash(_("Du hade inte ändrat något, så inget sparades."), "success")
    if merged.taken:
        flash(
            ngettext(
                "%(num)d avsnitt hade ändrats av någon annan medan du skrev; den texten är kvar.",
                "%(num)d avsnitt hade ändrats av någon annan medan du skrev; den texten är kvar.",
                len(merged.taken),
            ),
            "success",
        )
    return redirect(url_for("reports.report", year=year, _anchor="draft"))


@bp.route("/<int:year>/draft/preview", methods=["POST"])
@authors_only
def preview_draft(year: int) -> Any:
    """The editor again with every section's preview from the text as typed; nothing is
    saved. With `only=<n>` (the page's script) just that section's preview."""
    org, draft, form, rows, refused = _read(year)
    only = request.args.get("only", "")
    if only.isdigit():
        if refused is not None or int(only) >= len(rows):
            abort(400)
        return Response(str(render_markdown(rows[int(only)].body)), mimetype="text/html")
    if refused is not None:
        return refused
    return _editor(year, org, draft, rows, form, 200, previewed=True)


def _take_in_page(
    year: int, draft: ReportDraft, change: draft_changes.Change, form: TakeInForm, **kw: Any
) -> Any:
    return render_template(
        "reports/take_in.html", year=year, draft=draft, change=change, form=form, **kw
    )


@bp.route("/<int:year>/draft/take-in", methods=["POST"])
@authors_only
def take_in(year: int) -> Any:
    """Take one change into the draft: the newly generated text of the sections it affects.
    A section the authors have edited is replaced only after a confirmation that shows both
    texts (the replaced text stays in the history)."""
    org, draft = _draft_or_404(year)
    form = TakeInForm()
    if not form.validate_on_submit():
        flash(_("Sidan var för gammal. Försök igen."), "error")
        return redirect(url_for("reports.report", year=year, _anchor="changes"))
    if draft.status == "slutlig":
        abort(409)
    _quarters, generated, facts = _fresh([org], year)
    found = draft_changes.changes(
        draft.generated, draft_changes.loads(draft.snapshot), generated, facts
    )
    change = next((c for c in found if c.key == form.change.data), None)
    if change is None:
        flash(_("Ändringen finns inte längre i listan; den kan redan vara intagen."), "success")
        return redirect(url_for("reports.report", year=year, _anchor="changes"))
    fresh = draft_sections.by_key(draft_sections.split(generated))
    base = draft_sections.by_key(draft_sections.split(draft.generated))
    mine = draft_sections.by_key(draft_sections.split(draft.markdown))
    edited = []
    for key in change.sections:
        new, old, own = fresh.get(key), base.get(key), mine.get(key)
        text = {k: (v.text if v else None) for k, v in (("new", new), ("old", old), ("own", own))}
        if text["new"] != text["old"] and text["own"] not in (text["old"], text["new"]):
            edited.append((key, own, new))
    seen = ",".join(f"{key}={own.version if own else ''}" for key, own, _n in edited)
    if edited and (form.confirm.data != "1" or form.seen.data != seen):
        again = form.confirm.data == "1"  # edited again since the confirmation was shown
        form.seen.data = seen
        return _take_in_page(year, draft, change, form, edited=edited, again=again), (
            409 if again else 200
        )
    s = db.session()
    services.take_in(
        s,
        draft=draft,
        keys=change.sections,
        generated=generated,
        facts=facts,
        actor_id=current_user.id,
    )
    s.commit()
    names = ", ".join(draft_changes.heading_of(k) for k in change.sections)
    flash(_("Den nya texten är intagen i utkastet (%(sections)s).", sections=names), "success")
    return redirect(url_for("reports.report", year=year, _anchor="changes"))
