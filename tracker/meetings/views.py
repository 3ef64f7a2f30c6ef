"""Forums, escalations, meetings with their agenda and minutes, and what members see."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select

from .. import db
from ..accounts.models import User
from ..digests.jobs import queue_minutes
from ..digests.status import digest_status
from ..faults.common import MANAGERS, WORKERS, get_fault_or_404
from ..faults.forms import status_labels
from ..faults.models import Fault
from ..guard import guard_form
from ..orgs.context import current_org, get_scoped_or_404, role_required, scoped_with
from ..orgs.models import Membership
from ..suppression import suppress
from ..timeutil import local
from . import bp, export, queries, services
from .forms import (
    ContactForm,
    EscalateForm,
    ForumForm,
    ItemForm,
    MeetingForm,
    MinutesForm,
    ResponseForm,
    escalation_outcome_labels,
    escalation_status_labels,
    kind_labels,
    outcome_labels,
)
from .models import AgendaItem, Contact, Escalation, Forum, Meeting

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


# ---- forums ------------------------------------------------------------------------------


@bp.route("/forums/")
@any_member
def forum_list() -> Any:
    return render_template(
        "meetings/forums.html",
        forums=queries.forums(db.session(), _visible_forum_ids()),
        **_labels(),
    )


@bp.route("/forums/new", methods=["GET", "POST"], defaults={"forum_id": None})
@bp.route("/forums/<int:forum_id>/edit", methods=["GET", "POST"])
@managers_only
def forum_edit(forum_id: int | None) -> Any:
    s = db.session()
    forum = get_scoped_or_404(Forum, forum_id) if forum_id else None
    form = ForumForm(obj=forum)
    form.setup()
    if request.method == "POST":
        if form.validate_on_submit() and guard_form(form, ["name"], blocking_only=True):
            if forum is None:
                forum = services.create_forum(
                    s,
                    org_id=current_org().id or 0,
                    actor_id=current_user.id,
                    name=form.name.data or "",
                    kind=form.kind.data or "annat",
                    lead_days=form.lead_days.data or 7,
                    cadence_per_year=form.cadence_per_year.data or 4,
                )
            else:
                form.populate_obj(forum)
                s.add(forum)
            s.commit()
            flash(_("Forumet är sparat."), "success")
            return redirect(url_for("meetings.forum_page", forum_id=forum.id))
        return render_template("meetings/forum_edit.html", form=form, forum=forum), 400
    return render_template("meetings/forum_edit.html", form=form, forum=forum)


def _member_choices() -> list[tuple[int, str]]:
    rows = (
        db.session()
        .exec(
            scoped_with(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.role == "ledamot")
            .order_by(User.name)
        )
        .all()
    )
    return [(u.id or 0, f"{u.name} ({u.email})") for _m, u in rows]


@bp.route("/forums/<int:forum_id>")
@any_member
def forum_page(forum_id: int) -> Any:
    forum = visible_forum_or_404(forum_id)
    page = queries.forum_page(db.session(), forum)
    contact_form = None
    if g.role in MANAGERS:
        contact_form = ContactForm()
        contact_form.setup(_member_choices())
    return render_template("meetings/forum.html", p=page, contact_form=contact_form, **_labels())


@bp.route("/forums/<int:forum_id>/contacts", methods=["POST"])
@managers_only
def contact_add(forum_id: int) -> Any:
    s = db.session()
    forum = get_scoped_or_404(Forum, forum_id)
    form = ContactForm()
    form.setup(_member_choices())
    if form.validate_on_submit() and guard_form(form, ["name", "represents"], blocking_only=True):
        services.add_contact(
            s,
            forum=forum,
            actor_id=current_user.id,
            name=form.name.data or "",
            email=form.email.data or "",
            represents=form.represents.data or "",
            user_id=form.user_id.data or None,
        )
        s.commit()
        flash(_("Kontakten är tillagd."), "success")
        return redirect(url_for("meetings.forum_page", forum_id=forum.id))
    page = queries.forum_page(s, forum)
    return render_template("meetings/forum.html", p=page, contact_form=form, **_labels()), 400


@bp.route("/contacts/<int:contact_id>/delete", methods=["POST"])
@managers_only
def contact_delete(contact_id: int) -> Any:
    s = db.session()
    contact = get_scoped_or_404(Contact, contact_id)
    s.delete(contact)
    s.commit()
    flash(_("Kontakten är borttagen."), "success")
    return redirect(url_for("meetings.forum_page", forum_id=contact.forum_id))


# ---- escalation --------------------------------------------------------------------------


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
        services.escalate(
            s,
            fault=fault,
            forum=forum,
            ask=form.ask.data or "",
            actor_id=current_user.id,
            accept=g.role in MANAGERS,
        )
    except services.RuleError as exc:
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
        services.accept_escalation(s, esc=esc, fault=fault, actor_id=current_user.id)
    except services.RuleError as exc:
        flash(rule_message(exc.code), "error")
        return redirect(url_for("meetings.forum_page", forum_id=esc.forum_id)), 400
    s.commit()
    flash(_("Eskaleringen är godkänd och köad."), "success")
    return redirect(url_for("meetings.forum_page", forum_id=esc.forum_id))


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


def _render_meeting(meeting: Meeting, status: int = 200, **forms: Any) -> Any:
    s = db.session()
    org = current_org()
    page = queries.meeting_page(s, org, meeting, member=g.role == "ledamot")
    contacts = [
        (c.id or 0, c.name + (f" ({c.represents})" if c.represents else "")) for c in page.contacts
    ]
    other_forums = [(f.id or 0, f.name) for f in page.forums if f.id != meeting.forum_id]
    minutes_forms: dict[int, MinutesForm] = {}
    if g.role in MANAGERS and meeting.status == "planerat":
        for section in ("uppfoljning", "nytt", "ovrigt"):
            for item, _esc, _fault in page.items.get(section, []):
                f = forms.get(f"minutes_{item.id}") or MinutesForm(
                    prefix=f"i{item.id}",
                    obj=item,
                    data={
                        "responsible_contact_id": item.responsible_contact_id or 0,
                        "forward_forum_id": item.forward_forum_id or 0,
                    },
                )
                f.setup(contacts, other_forums)
                minutes_forms[item.id or 0] = f
    my_contacts = {c.id for c in page.contacts if c.user_id == current_user.id}
    return render_template(
        "meetings/meeting.html",
        p=page,
        minutes_forms=minutes_forms,
        item_form=forms.get("item_form") or ItemForm(),
        my_contacts=my_contacts,
        response_forms=forms.get("response_forms", {}),
        errors=forms.get("errors", []),
        unsaved=forms.get("unsaved", []),
        small_limit=org.small_count_limit,
        digest=digest_status(s, page) if g.role in MANAGERS else None,
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


@bp.route("/agenda-items/<int:item_id>/minutes", methods=["POST"])
@managers_only
def item_minutes(item_id: int) -> Any:
    s = db.session()
    item, meeting = _item_and_meeting(item_id)
    form = MinutesForm(prefix=f"i{item.id}")
    page_contacts = s.exec(select(Contact).where(Contact.forum_id == meeting.forum_id)).all()
    form.setup(
        [(c.id or 0, c.name) for c in page_contacts],
        [(f.id or 0, f.name) for f in queries.forums(s) if f.id != meeting.forum_id],
    )
    if meeting.status != "planerat":
        unsaved = [
            t for t in (form.discussion.data, form.decision.data, form.responsible.data) if t
        ]
        return _render_meeting(meeting, 409, errors=[rule_message("locked")], unsaved=unsaved)
    if form.validate_on_submit() and guard_form(form, ["discussion", "decision", "responsible"]):
        minutes = services.Minutes(
            discussion=form.discussion.data or "",
            decision=form.decision.data or "",
            responsible=form.responsible.data or "",
            responsible_contact_id=form.responsible_contact_id.data or None,
            outcome=form.outcome.data or None,
            forward_forum_id=form.forward_forum_id.data or None,
            due_on=form.due_on.data,
        )
        try:
            services.save_minutes(
                s, meeting=meeting, item=item, minutes=minutes, actor_id=current_user.id
            )
        except services.RuleError as exc:
            form.forward_forum_id.errors = [rule_message(exc.code)]
        else:
            s.commit()
            flash(_("Anteckningen för ”%(title)s” är sparad.", title=item.title), "success")
            return redirect(
                url_for("meetings.meeting_page", meeting_id=meeting.id, _anchor=f"item-{item.id}")
            )
    return _render_meeting(meeting, 400, **{f"minutes_{item.id}": form})


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


@bp.route("/meetings/<int:meeting_id>/finalise", methods=["POST"])
@managers_only
def meeting_finalise(meeting_id: int) -> Any:
    s = db.session()
    meeting = get_scoped_or_404(Meeting, meeting_id)
    try:
        result = services.finalise(s, meeting=meeting, actor_id=current_user.id)
        queue_minutes(s, meeting)  # the minutes digest commits with the finalising
    except services.Locked:
        return _render_meeting(meeting, 409, errors=[rule_message("locked")])
    except services.RuleError as exc:
        message = _(
            "Protokollet kan inte fastställas: dessa ärenden saknar utfall: %(names)s.",
            names="; ".join(exc.names),
        )
        return _render_meeting(meeting, 400, errors=[message])
    s.commit()
    flash(_("Protokollet är fastställt och låst."), "success")
    if result.next_meeting is not None:
        flash(_("%(n)d ärenden följs upp på nästa möte.", n=result.follow_ups), "info")
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id))
    if result.follow_ups:
        flash(
            _(
                "%(n)d ärenden ska följas upp men inget nästa möte är planerat. Planera det nu.",
                n=result.follow_ups,
            ),
            "info",
        )
        return redirect(url_for("meetings.meeting_new", forum_id=meeting.forum_id))
    return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id))


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


@bp.route("/meetings/<int:meeting_id>/agenda.md")
@any_member
def agenda_md(meeting_id: int) -> Any:
    meeting = visible_meeting_or_404(meeting_id)
    org = current_org()
    page = queries.meeting_page(db.session(), org, meeting, member=g.role == "ledamot")
    text = export.agenda_markdown(page, small_limit=org.small_count_limit)
    return Response(text, mimetype="text/markdown; charset=utf-8")


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


@bp.route("/forums/<int:forum_id>/faults/<ref>")
@any_member
def member_fault(forum_id: int, ref: str) -> Any:
    """What a forum member may see of a fault escalated to their forum: title, description,
    report summary and an aggregate count – never narratives."""
    s = db.session()
    forum = visible_forum_or_404(forum_id)
    fault = get_fault_or_404(ref)
    escalated = s.exec(
        select(Escalation.id).where(
            Escalation.fault_id == fault.id, Escalation.forum_id == forum.id
        )
    ).first()
    if escalated is None:
        abort(404)
    thread = [
        t for t in queries.fault_thread(s, fault.id or 0) if t.escalation.forum_id == forum.id
    ]
    count = fault.occurrence_count  # kept on write (tracker.faults.derived)
    limit = current_org().small_count_limit
    return render_template(
        "meetings/member_fault.html",
        forum=forum,
        fault=fault,
        count=count,
        hidden=suppress({"count": count}, [], limit).kind("count"),
        thread=thread,
        small_limit=limit,
        **_labels(),
    )
