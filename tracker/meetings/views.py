"""Meetings with their agenda and minutes, and what the area's views share. Forums are in
`forum_views`, escalations in `proposal_views`, finalising and documents in `minutes_views`."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import col, select

from .. import db
from ..dataversion import data_key
from ..digests.status import digest_status
from ..faults.common import MANAGERS, WORKERS
from ..faults.forms import status_labels
from ..guard import guard_form
from ..orgs.context import current_org, get_scoped_or_404, role_required
from ..timeutil import local, utcnow
from . import bp, export, queries, services
from .forms import (
    ItemForm,
    MeetingForm,
    ResponseForm,
    escalation_outcome_labels,
    escalation_status_labels,
    kind_labels,
    outcome_labels,
)
from .models import AgendaItem, Contact, Forum, Meeting, MeetingReopening
from .rules import is_reopened

ALL_ROLES = (*WORKERS, "ledamot")
any_member = role_required(*ALL_ROLES)
managers_only = role_required(*MANAGERS)
workers_only = role_required(*WORKERS)

RULE_MESSAGES = {
    "past": _l("Mötet kan inte planeras i det förflutna."),
    "fault_closed": _l("Ett avskrivet systemfel kan inte eskaleras. Återöppna det först."),
    "already_open": _l("Systemfelet är redan eskalerat till det forumet och inte avslutat."),
    "forward_forum": _l("Välj vilket forum ärendet ska vidarebefordras till."),
    "not_new": _l("Bara nya ärenden kan flyttas tillbaka till kön."),
    "not_proposed": _l("Eskaleringen är redan godkänd."),
    "locked": _l("Mötet är avslutat och protokollet låst; det kan inte ändras."),
    "outcome_fixed": _l(
        "Utfallet kan inte ändras i rättade minnesanteckningar, bara texten. Ta upp ärendet "
        "på nästa möte i stället."
    ),
    "not_finalised": _l("Minnesanteckningarna är inte fastställda."),
    "reason": _l("Skriv ett skäl."),
}


def rule_message(code: str) -> str:
    return str(RULE_MESSAGES.get(code) or _("Åtgärden är inte tillåten."))


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": kind_labels(),
        "outcome_labels": outcome_labels(),
        "esc_status_labels": escalation_status_labels(),
        "esc_outcome_labels": escalation_outcome_labels(),
        "fault_status_labels": status_labels(),
    }


def _visible_forum_ids() -> list[int] | None:
    """None = all of the organisation's forums; a ledamot sees only their own."""
    if g.role == "ledamot":
        return queries.member_forum_ids(db.session(), current_user.id)
    return None


def visible_forum_or_404(forum_id: int) -> Forum:
    forum = get_scoped_or_404(Forum, forum_id)
    only = _visible_forum_ids()
    if only is not None and forum.id not in only:
        abort(404)
    return forum


def visible_meeting_or_404(meeting_id: int) -> Meeting:
    meeting = get_scoped_or_404(Meeting, meeting_id)
    only = _visible_forum_ids()
    if only is not None and meeting.forum_id not in only:
        abort(404)
    return meeting


# ---- meetings ----------------------------------------------------------------------------


@bp.route("/forums/<int:forum_id>/meetings/new", methods=["GET", "POST"])
@managers_only
def meeting_new(forum_id: int) -> Any:
    s = db.session()
    forum = get_scoped_or_404(Forum, forum_id)
    form = MeetingForm()
    if request.method == "GET":
        proposed = local(services.proposed_next_start(s, forum))
        form.day.data, form.time.data = proposed.date(), proposed.time()
        return render_template("meetings/meeting_edit.html", form=form, forum=forum, meeting=None)
    if form.validate_on_submit() and guard_form(form, ["place"], blocking_only=True):
        try:
            meeting = services.plan_meeting(
                s,
                forum=forum,
                starts_at=form.starts_at(),
                place=form.place.data or "",
                actor_id=current_user.id,
            )
        except services.RuleError as exc:
            form.day.errors = [rule_message(exc.code)]
        else:
            s.commit()
            flash(_("Mötet är planerat och dagordningen byggd."), "success")
            return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id))
    return render_template("meetings/meeting_edit.html", form=form, forum=forum, meeting=None), 400


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@managers_only
def meeting_edit(meeting_id: int) -> Any:
    s = db.session()
    meeting = get_scoped_or_404(Meeting, meeting_id)
    forum = get_scoped_or_404(Forum, meeting.forum_id)
    form = MeetingForm()
    if meeting.status != "planerat":
        return render_template(
            "meetings/locked.html", meeting=meeting, message=rule_message("locked")
        ), 409
    if request.method == "GET":
        when = local(meeting.starts_at)
        form.day.data, form.time.data, form.place.data = when.date(), when.time(), meeting.place
        return render_template(
            "meetings/meeting_edit.html", form=form, forum=forum, meeting=meeting
        )
    if form.validate_on_submit() and guard_form(form, ["place"], blocking_only=True):
        try:
            services.reschedule(
                s,
                meeting=meeting,
                starts_at=form.starts_at(),
                place=form.place.data or "",
                actor_id=current_user.id,
            )
        except services.RuleError as exc:
            form.day.errors = [rule_message(exc.code)]
        else:
            s.commit()
            flash(_("Mötet är ändrat."), "success")
            return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id))
    return render_template(
        "meetings/meeting_edit.html", form=form, forum=forum, meeting=meeting
    ), 400


def latest_reopening(session: Any, meeting: Meeting) -> MeetingReopening | None:
    """Why the minutes are open again (only while they are)."""
    if not is_reopened(meeting):
        return None
    return session.exec(
        select(MeetingReopening)
        .where(MeetingReopening.meeting_id == meeting.id)
        .order_by(col(MeetingReopening.id).desc())
    ).first()


def _render_meeting(meeting: Meeting, status: int = 200, **forms: Any) -> Any:
    s = db.session()
    org = current_org()
    page = queries.meeting_page(s, org, meeting, member=g.role == "ledamot")
    my_contacts = {c.id for c in page.contacts if c.user_id == current_user.id}
    refused = forms.get("response_forms") or g.get("action_form") or g.get("due_form")
    return render_template(
        "meetings/meeting.html",
        p=page,
        # what an agenda item shows depends on the meetings' data (not the occurrences),
        # who looks, the day (late action items) and the language
        part_key=None
        if refused
        else (
            data_key(org),
            meeting.id,
            g.role,
            current_user.id,
            local(utcnow()).date(),
            str(get_locale()),
        ),
        item_form=forms.get("item_form") or ItemForm(),
        my_contacts=my_contacts,
        response_forms=forms.get("response_forms", {}),
        errors=forms.get("errors", []),
        unsaved=forms.get("unsaved", []),
        small_limit=org.small_count_limit,
        digest=digest_status(s, page) if g.role in MANAGERS else None,
        correcting=is_reopened(meeting),
        reopening=latest_reopening(s, meeting) if g.role in MANAGERS else None,
        **_labels(),
    ), status


@bp.route("/meetings/<int:meeting_id>")
@any_member
def meeting_page(meeting_id: int) -> Any:
    return _render_meeting(visible_meeting_or_404(meeting_id))


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@managers_only
def item_add(meeting_id: int) -> Any:
    s = db.session()
    meeting = get_scoped_or_404(Meeting, meeting_id)
    form = ItemForm()
    if meeting.status != "planerat":
        return _render_meeting(meeting, 409, errors=[rule_message("locked")], item_form=form)
    if form.validate_on_submit() and guard_form(form, ["title"]):
        services.add_item(s, meeting=meeting, title=form.title.data or "", actor_id=current_user.id)
        s.commit()
        return redirect(
            url_for("meetings.meeting_page", meeting_id=meeting.id, _anchor="section-ovrigt")
        )
    return _render_meeting(meeting, 400, item_form=form)


def _item_and_meeting(item_id: int) -> tuple[AgendaItem, Meeting]:
    item = get_scoped_or_404(AgendaItem, item_id)
    return item, get_scoped_or_404(Meeting, item.meeting_id)


@bp.route("/agenda-items/<int:item_id>/move", methods=["POST"])
@managers_only
def item_move(item_id: int) -> Any:
    s = db.session()
    item, meeting = _item_and_meeting(item_id)
    try:
        services.move_item(s, meeting=meeting, item=item, up=request.form.get("dir") == "up")
    except services.RuleError as exc:
        return _render_meeting(meeting, 409, errors=[rule_message(exc.code)])
    s.commit()
    return redirect(
        url_for("meetings.meeting_page", meeting_id=meeting.id, _anchor=f"item-{item.id}")
    )


@bp.route("/agenda-items/<int:item_id>/unqueue", methods=["POST"])
@managers_only
def item_unqueue(item_id: int) -> Any:
    s = db.session()
    item, meeting = _item_and_meeting(item_id)
    try:
        services.back_to_queue(s, meeting=meeting, item=item, actor_id=current_user.id)
    except services.RuleError as exc:
        return _render_meeting(
            meeting,
            409 if isinstance(exc, services.Locked) else 400,
            errors=[rule_message(exc.code)],
        )
    s.commit()
    flash(_("Ärendet är tillbaka i kön."), "success")
    return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id))


@bp.route("/agenda-items/<int:item_id>/response", methods=["POST"])
@any_member
def item_response(item_id: int) -> Any:
    s = db.session()
    item, meeting = _item_and_meeting(item_id)
    visible_meeting_or_404(meeting.id or 0)
    contact = s.get(Contact, item.responsible_contact_id) if item.responsible_contact_id else None
    assigned = contact is not None and contact.user_id == current_user.id
    if not (g.role in MANAGERS or (g.role == "ledamot" and assigned)):
        abort(403)
    form = ResponseForm(prefix=f"r{item.id}")
    if form.validate_on_submit() and guard_form(form, ["response"]):
        services.respond(s, item=item, text=form.response.data or "", actor_id=current_user.id)
        s.commit()
        flash(_("Svaret är sparat."), "success")
        return redirect(
            url_for("meetings.meeting_page", meeting_id=meeting.id, _anchor=f"item-{item.id}")
        )
    return _render_meeting(meeting, 400, response_forms={item.id: form})


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@managers_only
def meeting_cancel(meeting_id: int) -> Any:
    s = db.session()
    meeting = get_scoped_or_404(Meeting, meeting_id)
    try:
        services.cancel(s, meeting=meeting, actor_id=current_user.id)
    except services.RuleError as exc:
        return _render_meeting(meeting, 409, errors=[rule_message(exc.code)])
    s.commit()
    flash(_("Mötet är inställt. Nya ärenden är tillbaka i kön."), "success")
    return redirect(url_for("meetings.forum_page", forum_id=meeting.forum_id))


@bp.route("/meetings/<int:meeting_id>.ics")
@any_member
def meeting_ics(meeting_id: int) -> Any:
    meeting = visible_meeting_or_404(meeting_id)
    page = queries.meeting_page(db.session(), current_org(), meeting, member=g.role == "ledamot")
    return Response(
        export.meeting_ics(page),
        mimetype="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="mote-{meeting.id}.ics"'},
    )
