"""Action items: added under an agenda item on the meeting page while the minutes can be
written, done or struck there or by their owner in "Mina åtgärder", moved to a new date.

The meeting page's action blocks (templates/meetings/_item_actions.html) get what they
need from `action_tools()`, built on first use in the request: the owner choices are one
statement, whatever the number of agenda items."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from .. import db
from ..faults.common import MANAGERS
from ..guard import guard_form
from ..orgs.context import get_scoped_or_404
from ..params import to_int
from . import action_queries, actions, bp
from .action_forms import ActionForm, DueForm, action_status_labels, owner_group_labels
from .action_queries import ActionRow
from .models import ActionItem, AgendaItem, Contact, Meeting
from .rules import RuleError, minutes_editable
from .views import _render_meeting, any_member, managers_only, rule_message

ACTION_MESSAGES = {
    "owner": _l("Välj en ansvarig: en användare i verksamheten eller en av forumets kontakter."),
    "due_missing": _l("Ange när det ska vara klart (ÅÅÅÅ-MM-DD)."),
    "due_past": _l("Datumet har redan passerat. Välj dagens datum eller ett senare."),
    "title": _l("Skriv vad som ska göras."),
    "action_closed": _l("Åtgärden är avslutad. Öppna den igen för att flytta datumet."),
}
STATUS_FLASH = {
    "klar": _l("Åtgärden är markerad som klar."),
    "struken": _l("Åtgärden är struken."),
    "oppen": _l("Åtgärden är öppen igen."),
}


class ActionTools:
    """What the action blocks of one meeting page need."""

    def __init__(self) -> None:
        self._options: list[tuple[str, list[tuple[str, Markup]]]] | None = None
        self._blank: Markup | None = None
        self._blank_fields: str | None = None
        self.status_labels = action_status_labels()
        self.group_labels = owner_group_labels()
        self.labels = {
            "actions": _("Åtgärder"),
            "add": _("Lägg till åtgärd"),
            "title": _("Åtgärd"),
            "hint": _("Kort: vad ska göras? Inga uppgifter om klienter."),
            "owner": _("Ansvarig"),
            "choose": _("– välj ansvarig –"),
            "due": _("Klart senast"),
        }

    def can_add(self, meeting: Meeting) -> bool:
        return g.role in MANAGERS and minutes_editable(meeting)

    def can_manage(self) -> bool:
        return g.role in MANAGERS

    def can_close(self, row: ActionRow) -> bool:
        """Samordnare and admin; the owner may mark their own item done."""
        return g.role in MANAGERS or (
            row.owner_account is not None and row.owner_account == current_user.id
        )

    def refused_form(self, item_id: int) -> ActionForm | None:
        """The form that was just refused for this item, with what was typed; otherwise
        the template writes a blank form out directly (one per agenda item)."""
        refused = g.get("action_form")
        if refused is not None and refused[0] == item_id:
            form: ActionForm = refused[1]
            return form
        return None

    def due_form_for(self, action_id: int) -> DueForm | None:
        refused = g.get("due_form")
        if refused is not None and refused[0] == action_id:
            form: DueForm = refused[1]
            return form
        return None

    def owner_options(self, contacts: list[Contact], selected: str | None = None) -> Markup:
        """The owner select's options, grouped: built once per page, as every agenda item's
        form offers the same choices."""
        if self._options is None:
            groups = action_queries.owner_choices(db.session(), contacts)
            self._options = [
                (self.group_labels[key], [(v, escape(label)) for v, label in options])
                for key, options in groups
                if options
            ]
        if selected is None and self._blank is not None:
            return self._blank
        parts = [Markup('<option value="">%s</option>') % self.labels["choose"]]
        for group, options in self._options:
            parts.append(Markup('<optgroup label="%s">') % group)
            parts.extend(
                Markup('<option value="%s"%s>%s</option>')
                % (v, Markup(" selected") if v == selected else "", label)
                for v, label in options
            )
            parts.append(Markup("</optgroup>"))
        html = Markup("").join(parts)
        if selected is None:
            self._blank = html  # every blank form of the page: the same options
        return html

    def blank_fields(self, item_id: int, contacts: list[Contact]) -> Markup:
        """The fields of an agenda item's blank form: the same for every item but for the
        ids, so rendered once for the page (a meeting may have dozens of items)."""
        if self._blank_fields is None:
            self._blank_fields = render_template(
                "meetings/_blank_action.html", pre=_PLACEHOLDER, tools=self, contacts=contacts
            )
        # the prefix is made of a number only: nothing to escape
        return Markup(self._blank_fields.replace(_PLACEHOLDER, f"a{int(item_id)}"))  # noqa: S704


_PLACEHOLDER = "__agenda_item__"


@bp.app_context_processor
def _action_tools() -> dict[str, Any]:
    def tools() -> ActionTools:
        if "action_tools" not in g:
            g.action_tools = ActionTools()
        tools_: ActionTools = g.action_tools
        return tools_

    return {"action_tools": tools}


def _message(code: str) -> str:
    message = ACTION_MESSAGES.get(code)
    return str(message) if message is not None else rule_message(code)


def _item_and_meeting(item_id: int) -> tuple[AgendaItem, Meeting]:
    item = get_scoped_or_404(AgendaItem, item_id)
    return item, get_scoped_or_404(Meeting, item.meeting_id)


@bp.route("/agenda-items/<int:item_id>/actions", methods=["POST"])
@managers_only
def action_add(item_id: int) -> Any:
    s = db.session()
    item, meeting = _item_and_meeting(item_id)
    form = ActionForm(prefix=f"a{item.id}")
    if not minutes_editable(meeting):
        g.action_form = (item.id, form)
        return _render_meeting(meeting, 409, errors=[rule_message("locked")])
    if form.validate_on_submit() and guard_form(form, ["title"], blocking_only=True):
        user_id, contact_id = action_queries.parse_owner(form.owner.data)
        try:
            actions.add_action(
                s,
                meeting=meeting,
                item=item,
                title=form.title.data or "",
                owner_user_id=user_id,
                owner_contact_id=contact_id,
                due_on=form.due_on.parsed,
                actor_id=current_user.id,
            )
        except RuleError as exc:
            field = {"owner": form.owner, "title": form.title}.get(exc.code, form.due_on)
            field.errors = [*field.errors, _message(exc.code)]
        else:
            s.commit()
            flash(_("Åtgärden är tillagd."), "success")
            return redirect(
                url_for("meetings.meeting_page", meeting_id=meeting.id, _anchor=f"item-{item.id}")
            )
    elif not form.owner.data:
        form.owner.errors = [_message("owner")]
    g.action_form = (item.id, form)
    summary = _(
        "Åtgärden är inte tillagd. Rätta det som är markerat under ”%(title)s”.", title=item.title
    )
    return _render_meeting(meeting, 400, errors=[summary])


def _back(action: ActionItem) -> Any:
    """Where the form was: "Mina åtgärder", the home page, or a meeting page (its id; by
    default the meeting the item was decided at)."""
    target = request.form.get("next", "")
    if target == "mine":
        return redirect(url_for("meetings.my_actions"))
    if target == "home":
        return redirect(url_for("main.home"))
    meeting_id = to_int(target)
    if meeting_id is None:
        item = get_scoped_or_404(AgendaItem, action.agenda_item_id)
        meeting_id = item.meeting_id
    return redirect(
        url_for("meetings.meeting_page", meeting_id=meeting_id, _anchor=f"action-{action.id}")
    )


def _owner_account(action: ActionItem) -> int | None:
    if action.owner_user_id is not None:
        return action.owner_user_id
    contact = (
        db.session().get(Contact, action.owner_contact_id) if action.owner_contact_id else None
    )
    return contact.user_id if contact is not None else None


@bp.route("/actions/<int:action_id>/status", methods=["POST"])
@any_member
def action_status(action_id: int) -> Any:
    """Samordnare and admin set any status; the owner may mark their own item done."""
    s = db.session()
    action = get_scoped_or_404(ActionItem, action_id)
    status = request.form.get("status", "")
    if g.role not in MANAGERS:
        if _owner_account(action) != current_user.id:
            abort(403)
        if status != "klar":
            abort(403)
    if status not in STATUS_FLASH:
        abort(400)
    if actions.set_status(s, action=action, status=status, actor_id=current_user.id):
        s.commit()
        flash(str(STATUS_FLASH[status]), "success")
    return _back(action)


@bp.route("/actions/<int:action_id>/due", methods=["POST"])
@managers_only
def action_due(action_id: int) -> Any:
    s = db.session()
    action = get_scoped_or_404(ActionItem, action_id)
    form = DueForm(prefix=f"d{action.id}")
    if form.validate_on_submit():
        try:
            actions.move_due(s, action=action, due_on=form.due_on.parsed, actor_id=current_user.id)
        except RuleError as exc:
            form.due_on.errors = [*form.due_on.errors, _message(exc.code)]
        else:
            s.commit()
            flash(_("Åtgärdens datum är ändrat."), "success")
            return _back(action)
    g.due_form = (action.id, form)
    target = request.form.get("next", "")
    meeting_id = to_int(target)
    if meeting_id is None:
        meeting_id = get_scoped_or_404(AgendaItem, action.agenda_item_id).meeting_id
    summary = _("Datumet är inte ändrat för ”%(title)s”.", title=action.title)
    return _render_meeting(get_scoped_or_404(Meeting, meeting_id), 400, errors=[summary])


@bp.route("/actions/mine")
@any_member
def my_actions() -> Any:
    rows = action_queries.mine(db.session(), current_user.id, role=g.role)
    return render_template(
        "meetings/my_actions.html", rows=rows, status_labels=action_status_labels()
    )
