"""A network meeting's page: the agenda (follow-up, new items), per item the minutes and
its action items, the follow-up of earlier action items; marking the meeting held,
finalising the minutes (read-only after) and cancelling a planned meeting."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from .. import db
from ..guard import guard_form
from ..params import to_int
from ..timeutil import local
from . import forum_digest, forum_queries, forum_services
from .context import NetworkAccess, get_in_network_or_404, network_role_or_404
from .errors import NetworkRuleError
from .forms import ActionForm
from .forum_forms import NetworkActionForm, NetworkMinutesForm
from .forum_views import bp, forum_ctx, forum_rule_message
from .models import NetworkActionItem, NetworkAgendaItem, NetworkMeeting

MINUTES_TEXTS = ["discussion", "decision", "responsible"]


def _minutes_form(item: NetworkAgendaItem, posted: bool = False) -> NetworkMinutesForm:
    prefix = f"i{item.id}"
    if posted:
        return NetworkMinutesForm(prefix=prefix)
    return NetworkMinutesForm(
        prefix=prefix,
        formdata=None,
        data={
            "discussion": item.discussion,
            "decision": item.decision,
            "responsible": item.responsible,
            "outcome": item.outcome,
            "due_on": item.due_on,
        },
    )


def _page(
    access: NetworkAccess,
    meeting: NetworkMeeting,
    forms: dict[str, FlaskForm] | None = None,
    status: int = 200,
) -> Any:
    s = db.session()
    page = forum_queries.meeting_page(s, access.network_id, meeting)
    forms = forms or {}
    editable = access.coordinates and forum_services.editable(meeting)
    minutes: dict[int, FlaskForm] = {}
    actions: dict[int, FlaskForm] = {}
    if editable:
        for row in page.rows:
            iid = row.item.id or 0
            minutes[iid] = forms.get(f"i{iid}") or _minutes_form(row.item)
            actions[iid] = forms.get(f"a{iid}") or NetworkActionForm(
                prefix=f"a{iid}", formdata=None
            )
    html = render_template(
        "networks/forum_meeting.html",
        **forum_ctx(
            access,
            p=page,
            local=local,
            editable=editable,
            minutes_forms=minutes,
            action_forms=actions,
        ),
    )
    return html, status


def _meeting(access: NetworkAccess, meeting_id: int) -> NetworkMeeting:
    return get_in_network_or_404(NetworkMeeting, meeting_id, access)


def _item(meeting: NetworkMeeting, item_id: int) -> NetworkAgendaItem:
    item = db.session().get(NetworkAgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def _back(slug: str, meeting: NetworkMeeting, anchor: str = "") -> Any:
    url = url_for("networks.forum_meeting", slug=slug, meeting_id=meeting.id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _refused(slug: str, meeting: NetworkMeeting, exc: NetworkRuleError) -> Any:
    db.session().rollback()
    flash(forum_rule_message(exc.code), "error")
    return _back(slug, meeting), 400


@bp.route("/<slug>/meetings/<int:meeting_id>")
@login_required
def forum_meeting(slug: str, meeting_id: int) -> Any:
    access = network_role_or_404(slug)
    return _page(access, _meeting(access, meeting_id))


@bp.route("/<slug>/meetings/<int:meeting_id>/items/<int:item_id>", methods=["POST"])
@login_required
def forum_minutes(slug: str, meeting_id: int, item_id: int) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    meeting = _meeting(access, meeting_id)
    item = _item(meeting, item_id)
    form = _minutes_form(item, posted=True)
    if not forum_services.editable(meeting):
        return _refused(slug, meeting, NetworkRuleError("minutes_final"))
    if not (form.validate_on_submit() and guard_form(form, MINUTES_TEXTS, blocking_only=True)):
        return _page(access, meeting, {f"i{item.id}": form}, 400)
    s = db.session()
    try:
        forum_services.save_minutes(
            s,
            meeting=meeting,
            item=item,
            discussion=form.discussion.data or "",
            decision=form.decision.data or "",
            responsible=form.responsible.data or "",
            outcome=form.outcome.data or None,
            due_on=form.due_on.data,
            actor_id=current_user.id,
        )
    except NetworkRuleError as exc:
        return _refused(slug, meeting, exc)
    s.commit()
    flash(_("Protokollet för ”%(title)s” är sparat.", title=item.title), "success")
    return _back(slug, meeting, f"item-{item.id}")


@bp.route("/<slug>/meetings/<int:meeting_id>/items/<int:item_id>/actions", methods=["POST"])
@login_required
def forum_action_add(slug: str, meeting_id: int, item_id: int) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    meeting = _meeting(access, meeting_id)
    item = _item(meeting, item_id)
    form = NetworkActionForm(prefix=f"a{item.id}")
    if not forum_services.editable(meeting):
        return _refused(slug, meeting, NetworkRuleError("minutes_final"))
    if not (form.validate_on_submit() and guard_form(form, ["title", "owner"], blocking_only=True)):
        return _page(access, meeting, {f"a{item.id}": form}, 400)
    s = db.session()
    forum_services.add_action(
        s,
        meeting=meeting,
        item=item,
        title=form.title.data or "",
        owner=form.owner.data or "",
        due_on=form.due_on.data,
        actor_id=current_user.id,
    )
    s.commit()
    flash(_("Åtgärden är tillagd."), "success")
    return _back(slug, meeting, f"item-{item.id}")


@bp.route("/<slug>/actions/<int:action_id>/done", methods=["POST"])
@login_required
def forum_action_done(slug: str, action_id: int) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    action = get_in_network_or_404(NetworkActionItem, action_id, access)
    # back to the meeting the button was on (one of the network's), else the action's own
    back_id = to_int(request.form.get("meeting"))
    item = db.session().get(NetworkAgendaItem, action.agenda_item_id)
    assert item is not None
    meeting = _meeting(access, back_id if back_id is not None else item.meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    s = db.session()
    try:
        forum_services.close_action(s, action=action, actor_id=current_user.id)
    except NetworkRuleError as exc:
        return _refused(slug, meeting, exc)
    s.commit()
    flash(_("Åtgärden ”%(title)s” är klar.", title=action.title), "success")
    return _back(slug, meeting)


@bp.route("/<slug>/meetings/<int:meeting_id>/items/<int:item_id>/move", methods=["POST"])
@login_required
def forum_item_move(slug: str, meeting_id: int, item_id: int) -> Any:
    """Up or down within its section, for a planned meeting."""
    access = network_role_or_404(slug, coordinate=True)
    meeting = _meeting(access, meeting_id)
    item = _item(meeting, item_id)
    if not ActionForm().validate_on_submit() or request.form.get("dir") not in ("up", "down"):
        abort(400)
    s = db.session()
    try:
        forum_services.move_item(s, meeting=meeting, item=item, up=request.form.get("dir") == "up")
    except NetworkRuleError as exc:
        return _refused(slug, meeting, exc)
    s.commit()
    return _back(slug, meeting, f"item-{item.id}")


def _meeting_step(slug: str, meeting_id: int, step: str) -> Any:
    access = network_role_or_404(slug, coordinate=True)
    meeting = _meeting(access, meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    s = db.session()
    done = {
        "held": (forum_services.mark_held, _("Mötet är markerat som genomfört.")),
        "finalise": (forum_services.finalise, _("Protokollet är justerat.")),
        "cancel": (forum_services.cancel, _("Mötet är inställt.")),
    }[step]
    try:
        done[0](s, meeting=meeting, actor_id=current_user.id)
    except NetworkRuleError as exc:
        return _refused(slug, meeting, exc)
    if step == "finalise":  # the approved minutes to the network's people, with it
        forum_digest.queue_minutes(s, access.network, meeting)
    s.commit()
    flash(done[1], "success")
    return _back(slug, meeting)


@bp.route("/<slug>/meetings/<int:meeting_id>/held", methods=["POST"])
@login_required
def forum_held(slug: str, meeting_id: int) -> Any:
    return _meeting_step(slug, meeting_id, "held")


@bp.route("/<slug>/meetings/<int:meeting_id>/finalise", methods=["POST"])
@login_required
def forum_finalise(slug: str, meeting_id: int) -> Any:
    return _meeting_step(slug, meeting_id, "finalise")


@bp.route("/<slug>/meetings/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def forum_cancel(slug: str, meeting_id: int) -> Any:
    return _meeting_step(slug, meeting_id, "cancel")
