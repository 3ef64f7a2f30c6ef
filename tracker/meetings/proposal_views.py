"""Escalating a fault, and the samordnare's answer to a proposal: approve or decline."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db
from ..faults.common import MANAGERS, get_fault_or_404
from ..faults.models import Fault
from ..guard import guard_form
from ..orgs.context import get_scoped_or_404
from . import bp, proposals, queries
from .forms import EscalateForm, ReasonForm
from .models import Escalation, Forum
from .views import managers_only, rule_message, workers_only


def _back(esc: Escalation) -> Any:
    """Back where the samordnare answered: the home page's list or the forum's queue."""
    if request.form.get("next") == "home":
        return redirect(url_for("main.home", _anchor="h-proposals"))
    return redirect(url_for("meetings.forum_page", forum_id=esc.forum_id))


@bp.route("/faults/<ref>/escalate", methods=["GET", "POST"])
@workers_only
def escalate(ref: str) -> Any:
    s = db.session()
    fault = get_fault_or_404(ref)
    form = EscalateForm()
    form.setup([(f.id or 0, f.name) for f in queries.forums(s)])
    if request.method == "GET":
        return render_template("meetings/escalate.html", form=form, fault=fault)
    if not (form.validate_on_submit() and guard_form(form, ["ask"])):
        return render_template("meetings/escalate.html", form=form, fault=fault), 400
    forum = get_scoped_or_404(Forum, form.forum_id.data)
    try:
        proposals.escalate(
            s,
            fault=fault,
            forum=forum,
            ask=form.ask.data or "",
            actor_id=current_user.id,
            accept=g.role in MANAGERS,
        )
    except proposals.RuleError as exc:
        form.form_errors.append(rule_message(exc.code))
        return render_template("meetings/escalate.html", form=form, fault=fault), 400
    s.commit()
    if g.role in MANAGERS:
        flash(_("%(ref)s är eskalerat till %(forum)s.", ref=fault.ref, forum=forum.name), "success")
    else:
        flash(
            _(
                "Förslaget att eskalera till %(forum)s är skickat till samordnaren.",
                forum=forum.name,
            ),
            "success",
        )
    return redirect(url_for("faults.fault_page", ref=fault.ref))


@bp.route("/escalations/<int:esc_id>/accept", methods=["POST"])
@managers_only
def escalation_accept(esc_id: int) -> Any:
    s = db.session()
    esc = get_scoped_or_404(Escalation, esc_id)
    fault = get_scoped_or_404(Fault, esc.fault_id)
    try:
        proposals.accept_escalation(s, esc=esc, fault=fault, actor_id=current_user.id)
    except proposals.RuleError as exc:
        flash(rule_message(exc.code), "error")
        return _back(esc), 400
    s.commit()
    flash(_("Eskaleringen är godkänd och köad."), "success")
    return _back(esc)


@bp.route("/escalations/<int:esc_id>/decline", methods=["GET", "POST"])
@managers_only
def escalation_decline(esc_id: int) -> Any:
    """Decline a proposal with a reason; the proposer sees it on the fault page."""
    s = db.session()
    esc = get_scoped_or_404(Escalation, esc_id)
    fault = get_scoped_or_404(Fault, esc.fault_id)
    forum = get_scoped_or_404(Forum, esc.forum_id)
    form = ReasonForm()
    back = "home" if request.values.get("next") == "home" else ""
    data = {"form": form, "esc": esc, "fault": fault, "forum": forum, "back": back}
    if esc.status != "foreslagen":
        form.form_errors.append(rule_message("not_proposed"))
        return render_template("meetings/decline.html", **data), 409
    if request.method == "GET":
        return render_template("meetings/decline.html", **data)
    if not (form.validate_on_submit() and guard_form(form, ["reason"])):
        return render_template("meetings/decline.html", **data), 400
    proposals.decline_escalation(
        s, esc=esc, reason=form.reason.data or "", actor_id=current_user.id
    )
    s.commit()
    flash(_("Förslaget att eskalera %(ref)s är avböjt.", ref=fault.ref), "success")
    return _back(esc)


@bp.app_context_processor
def _pending_proposals() -> dict[str, Any]:
    """For the navigation's count badge: a function, so only a samordnare's pages (the
    template calls it for them) spend the one statement."""

    def pending_proposal_count() -> int:
        return proposals.pending_count(db.session()) if g.get("org") is not None else 0

    return {"pending_proposal_count": pending_proposal_count}
