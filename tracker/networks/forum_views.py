"""The network forum's pages: the forums and their meetings, creating a forum, planning a
meeting (its agenda is built from the escalations), escalating a network fault, and the
agenda as Markdown. The nätverkssamordnare manages, a nätverksledamot reads; anyone else
– also a worker of a member organisation – gets a 404 (network_role_or_404)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import db
from ..guard import guard_form
from ..meetings.forms import outcome_labels
from ..timeutil import local, utcnow
from . import forum_digest, forum_queries, forum_services, queries, sharing
from .context import NetworkAccess, get_in_network_or_404, network_role_or_404
from .errors import NetworkRuleError
from .forum_forms import (
    NetworkEscalateForm,
    NetworkForumForm,
    NetworkMeetingForm,
    action_status_labels,
    forum_kind_labels,
    forum_section_labels,
    meeting_status_labels,
)
from .models import NetworkForum, NetworkMeeting
from .views import _ctx, bp


def forum_rule_message(code: str) -> str:
    return {
        "no_name": _("Fyll i namn."),
        "bad_kind": _("Välj typ av forum."),
        "already_escalated": _("Nätverksfelet är redan eskalerat till forumet och inte avslutat."),
        "minutes_final": _("Protokollet är justerat och kan inte ändras."),
        "bad_outcome": _("Välj ett utfall."),
        "not_planned": _("Mötet är inte planerat längre."),
        "not_held": _("Markera mötet som genomfört först."),
        "action_closed": _("Åtgärden är redan klar."),
    }.get(code, _("Ändringen gick inte att göra."))


def forum_ctx(access: NetworkAccess, **kw: Any) -> dict[str, Any]:
    return _ctx(
        access,
        kind_labels=forum_kind_labels(),
        meeting_labels=meeting_status_labels(),
        section_labels=forum_section_labels(),
        outcome_labels=outcome_labels(),
        action_labels=action_status_labels(),
        **kw,
    )


def _forums_page(
    access: NetworkAccess, form: NetworkForumForm | None = None, status: int = 200
) -> Any:
    s = db.session()
    meetings = forum_queries.meetings_of(s, access.network_id)
    by_forum: dict[int, list[NetworkMeeting]] = {}
    for m in meetings:
        by_forum.setdefault(m.forum_id, []).append(m)
    html = render_template(
        "networks/forum_list.html",
        **forum_ctx(
            access,
            forums=forum_queries.forums(s, access.network_id),
            by_forum=by_forum,
            form=form or NetworkForumForm(),
        ),
    )
    return html, status


@bp.route("/<slug>/forums/")
@login_required
def forums(slug: str) -> Any:
    return _forums_page(network_role_or_404(slug))


@bp.route("/<slug>/forums/", methods=["POST"])
@login_required
def forum_create(slug: str) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    form = NetworkForumForm()
    if not (form.validate_on_submit() and guard_form(form, ["name"], blocking_only=True)):
        return _forums_page(access, form, 400)
    s = db.session()
    try:
        forum = forum_services.create_forum(
            s,
            network_id=access.network_id,
            name=form.name.data or "",
            kind=form.kind.data or "",
            actor_id=current_user.id,
        )
    except NetworkRuleError as exc:
        s.rollback()
        form.name.errors = [forum_rule_message(exc.code)]
        return _forums_page(access, form, 400)
    s.commit()
    flash(_("Forumet är skapat."), "success")
    return redirect(url_for("networks.forum", slug=slug, forum_id=forum.id))


def _forum_page(
    access: NetworkAccess,
    forum: NetworkForum,
    form: NetworkMeetingForm | None = None,
    status: int = 200,
) -> Any:
    s = db.session()
    meetings = forum_queries.meetings_of(s, access.network_id, forum_id=forum.id)
    html = render_template(
        "networks/forum_forum.html",
        **forum_ctx(
            access,
            forum=forum,
            meetings=meetings,
            escalations=forum_queries.open_escalations(s, forum.id or 0),
            form=form or NetworkMeetingForm(),
        ),
    )
    return html, status


@bp.route("/<slug>/forums/<int:forum_id>")
@login_required
def forum(slug: str, forum_id: int) -> Any:
    access = network_role_or_404(slug)
    return _forum_page(access, get_in_network_or_404(NetworkForum, forum_id, access))


@bp.route("/<slug>/forums/<int:forum_id>/meetings", methods=["POST"])
@login_required
def forum_plan(slug: str, forum_id: int) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    forum = get_in_network_or_404(NetworkForum, forum_id, access)
    form = NetworkMeetingForm()
    if not (form.validate_on_submit() and guard_form(form, ["place"], blocking_only=True)):
        return _forum_page(access, forum, form, 400)
    s = db.session()
    meeting = forum_services.plan_meeting(
        s,
        forum=forum,
        starts_at=form.starts_at(),
        place=form.place.data or "",
        actor_id=current_user.id,
    )
    s.commit()
    flash(_("Mötet är planerat och dagordningen skapad."), "success")
    return redirect(url_for("networks.forum_meeting", slug=slug, meeting_id=meeting.id))


def _group(access: NetworkAccess, fault_id: int) -> sharing.Group:
    s = db.session()
    orgs = sharing.member_orgs(s, access.network_id)
    grp = queries.group_of_fault(s, access.network_id, orgs, fault_id, local(utcnow()).year)
    if grp is None or grp.network_fault_id is None:
        abort(404)
    return grp


def _escalate_page(
    access: NetworkAccess, grp: sharing.Group, form: NetworkEscalateForm, status: int = 200
) -> Any:
    html = render_template("networks/forum_escalate.html", **forum_ctx(access, grp=grp, form=form))
    return html, status


def _escalate_form(access: NetworkAccess) -> NetworkEscalateForm:
    form = NetworkEscalateForm()
    form.forum_id.choices = [
        (f.id or 0, f.name) for f in forum_queries.forums(db.session(), access.network_id)
    ]
    return form


@bp.route("/<slug>/faults/<int:fault_id>/escalate", methods=["GET", "POST"])
@login_required
def forum_escalate(slug: str, fault_id: int) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    grp = _group(access, fault_id)
    form = _escalate_form(access)
    if request.method == "GET":
        return _escalate_page(access, grp, form)
    if not (form.validate_on_submit() and guard_form(form, ["ask"], blocking_only=True)):
        return _escalate_page(access, grp, form, 400)
    s = db.session()
    forum = get_in_network_or_404(NetworkForum, form.forum_id.data, access)
    try:
        forum_services.escalate(
            s,
            forum=forum,
            network_fault_id=grp.network_fault_id or 0,
            title=grp.title,
            ask=form.ask.data or "",
            actor_id=current_user.id,
        )
    except NetworkRuleError as exc:
        s.rollback()
        form.forum_id.errors = [forum_rule_message(exc.code)]
        return _escalate_page(access, grp, form, 400)
    s.commit()
    flash(_("Nätverksfelet är eskalerat till %(forum)s.", forum=forum.name), "success")
    return redirect(url_for("networks.forum", slug=slug, forum_id=forum.id))


@bp.route("/<slug>/meetings/<int:meeting_id>/agenda.md")
@login_required
def forum_agenda_md(slug: str, meeting_id: int) -> Any:
    access = network_role_or_404(slug)
    meeting = get_in_network_or_404(NetworkMeeting, meeting_id, access)
    page = forum_queries.meeting_page(db.session(), access.network_id, meeting)
    text = forum_digest.agenda_markdown(page, access.network.name)
    return Response(
        text,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="dagordning-{meeting.id}.md"'},
    )


@bp.route("/<slug>/meetings/<int:meeting_id>.ics")
@login_required
def forum_meeting_ics(slug: str, meeting_id: int) -> Any:
    """The meeting as a calendar invitation, for the network's people."""
    access = network_role_or_404(slug)
    meeting = get_in_network_or_404(NetworkMeeting, meeting_id, access)
    s = db.session()
    page = forum_queries.meeting_page(s, access.network_id, meeting)
    data = forum_digest.meeting_ics(page, access.network, forum_digest.people(s, access.network_id))
    return Response(
        data,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="mote-{meeting.id}.ics"'},
    )


# The meeting page, minutes and action items register on this blueprint too.
from . import forum_minutes_views as _forum_minutes_views  # noqa: E402,F401
