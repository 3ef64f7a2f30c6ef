"""Quick log at /log: one form, right after a client meeting, often on a phone.

The fault is picked with search-as-you-type (static/quicklog.js) or, without JavaScript,
from the ranked candidates shown when the typed text names no fault. Both lists come from
`picker.rank`. Picking a candidate without JavaScript ("pick") and "Byt" ("change_fault")
only re-render the form with what was typed; they never save.
"""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from .. import db
from ..guard import guard_form
from ..orgs.context import current_org
from ..params import search_text
from . import bp, picker, services
from .common import authority_choices, refuse_repeated_title
from .forms import QuickLogForm
from .views import workers_only

CANDIDATES = 10  # shown without JavaScript
SUGGESTIONS = 8  # shown while typing
# The fields the page shows before the occurrence's own: the error summary follows the page.
PAGE_ORDER = ["mode", "fault_ref", "new_title", "new_authority_id", "observed_on", "narrative"]


def _form() -> QuickLogForm:
    form = QuickLogForm()
    form.setup(current_org().age_band_list)
    form.setup_authorities(authority_choices())
    return form


def count_text(n: int) -> str:
    return ngettext("%(num)d förekomst", "%(num)d förekomster", n)


def error_links(form: QuickLogForm) -> list[tuple[str, str]]:
    """(element id, message) for the error summary: each links to its field's input (the
    first option of a group of radio buttons or checkboxes)."""
    links: list[tuple[str, str]] = []
    rest = len(PAGE_ORDER)
    for f in sorted(form, key=lambda f: PAGE_ORDER.index(f.name) if f.name in PAGE_ORDER else rest):
        if not f.errors or f.type in ("CSRFTokenField", "HiddenField"):
            continue
        target = f"{f.id}-0" if f.type in ("RadioField", "MultiCheckboxField") else f.id
        for e in f.errors:
            links.append((target, e.striptags() if isinstance(e, Markup) else str(e)))
    return links


def _page(
    form: QuickLogForm,
    *,
    chosen: picker.Pick | None = None,
    candidates: list[picker.Pick] | None = None,
    focus_search: bool = False,
    status: int = 200,
) -> Any:
    if focus_search:  # "Byt" without JavaScript: back in the search field
        form.fault_ref.render_kw = {**(form.fault_ref.render_kw or {}), "autofocus": True}
    return (
        render_template(
            "faults/log.html",
            form=form,
            chosen=chosen,
            chosen_count=count_text(chosen.count) if chosen else "",
            candidates=candidates or [],
            errors=error_links(form),
        ),
        status,
    )


def _step(form: QuickLogForm) -> Any:
    """A step without JavaScript: a candidate picked, or "Byt" – shown, never saved."""
    form.mode.data = "existing"
    chosen = None
    if "change_fault" not in request.form:
        chosen = picker.chosen(db.session(), request.form.get("pick"))
    form.fault_ref.data = chosen.ref if chosen else ""
    return _page(form, chosen=chosen, focus_search=chosen is None)


@bp.route("/log", methods=["GET", "POST"])
@workers_only
def quick_log() -> Any:
    s = db.session()
    org = current_org()
    form = _form()
    if request.method == "GET":
        chosen = picker.chosen(s, request.args.get("fault"))
        if chosen is not None:
            form.fault_ref.data = chosen.ref
        return _page(form, chosen=chosen)
    if "pick" in request.form or "change_fault" in request.form:
        return _step(form)

    ok = form.validate_on_submit()
    chosen = None
    candidates: list[picker.Pick] = []
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
        typed = picker.clean_query(form.fault_ref.data)
        chosen = picker.chosen(s, typed)
        if chosen is not None:
            form.fault_ref.data = chosen.ref
        else:
            ok = False
            if typed:
                candidates = picker.rank(s, typed, limit=CANDIDATES)
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
        return _page(form, chosen=chosen, candidates=candidates, status=400)

    if chosen is not None:
        fault = chosen.fault
    else:
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
    """Search-as-you-type for the quick log, most relevant first (`picker.rank`)."""
    picks = picker.rank(db.session(), search_text(), limit=SUGGESTIONS)
    return jsonify(
        [
            {
                "ref": p.ref,
                "title": p.title,
                "authority": p.authority,
                "count": p.count,
                "count_text": count_text(p.count),
                "url": url_for("faults.fault_page", ref=p.ref),
            }
            for p in picks
        ]
    )
