"""Quick log at /log: one form, right after a client meeting, often on a phone."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db
from ..guard import guard_form
from ..orgs.context import current_org
from . import bp, queries, services
from .common import authority_choices, refuse_repeated_title
from .forms import QuickLogForm
from .models import Fault
from .views import workers_only


def _form() -> QuickLogForm:
    form = QuickLogForm()
    form.setup(current_org().age_band_list)
    form.setup_authorities(authority_choices())
    return form


@bp.route("/log", methods=["GET", "POST"])
@workers_only
def quick_log() -> Any:
    s = db.session()
    org = current_org()
    form = _form()
    candidates: list[Any] = []
    if request.method == "GET":
        ref = request.args.get("fault", "")
        if ref and (found := queries.find_by_ref(s, ref)) is not None:
            form.fault_ref.data = found.ref
        return render_template("faults/log.html", form=form, candidates=candidates)

    ok = form.validate_on_submit()
    fault: Fault | None = None
    if form.mode.data == "new":
        if not (form.new_title.data or "").strip():
            form.new_title.errors = [_("Skriv en rubrik för det nya systemfelet.")]
            ok = False
        elif refuse_repeated_title(form.new_title):
            ok = False
        valid = {c[0] for c in form.new_authority_id.choices or [] if c[0]}
        if form.new_authority_id.data not in valid:
            form.new_authority_id.errors = [_("Välj ansvarig myndighet.")]
            ok = False
    else:
        typed = (form.fault_ref.data or "").strip()
        fault = queries.find_by_ref(s, typed) if typed else None
        if fault is not None and fault.duplicate_of_id is not None:
            fault = s.get(Fault, fault.duplicate_of_id)
        if fault is None:
            ok = False
            if typed:
                candidates = [f for f, _a in queries.suggestions(s, org.id or 0, typed, limit=10)]
                form.fault_ref.errors = [
                    _("Välj ett av systemfelen nedan.")
                    if candidates
                    else _(
                        "Inget systemfel matchar ”%(text)s”. Sök på något annat eller skapa ett "
                        "nytt.",
                        text=typed,
                    )
                ]
            else:
                form.fault_ref.errors = [_("Välj ett systemfel, eller skapa ett nytt.")]
    if not guard_form(form, ["narrative", "new_title"]):
        ok = False
    if not ok:
        return render_template("faults/log.html", form=form, candidates=candidates), 400

    if fault is None:
        fault = services.create_fault(
            s,
            org_id=org.id or 0,
            actor_id=current_user.id,
            title=form.new_title.data or "",
            primary_authority_id=form.new_authority_id.data or 0,
        )
    services.log_occurrence(s, fault=fault, actor_id=current_user.id, **form.values())
    s.commit()
    flash(_("Förekomsten är sparad på %(ref)s.", ref=fault.ref), "success")
    return redirect(url_for("faults.fault_page", ref=fault.ref))


@bp.route("/faults/suggest")
@workers_only
def suggest() -> Any:
    """Search-as-you-type for the quick log: reference, title, authority, full text."""
    rows = queries.suggestions(db.session(), current_org().id or 0, request.args.get("q", ""))
    return jsonify(
        [
            {
                "ref": f.ref,
                "title": f.title,
                "authority": a,
                "url": url_for("faults.fault_page", ref=f.ref),
            }
            for f, a in rows
        ]
    )
