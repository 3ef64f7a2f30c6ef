"""The minutes editor: every item of a meeting in one form with one save, an autosaved
draft of what is not saved yet, and optimistic locking across the whole document
(`tracker.meetings.minutes_doc`). Works as a plain form; `static/minutes.js` adds the
autosave and the warning before leaving with unsaved text."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from .. import db
from ..guard import check_free_text
from ..orgs.context import get_scoped_or_404
from ..timeutil import local
from . import bp, minutes_doc, queries
from .forms import MinutesDocForm, MinutesForm, section_labels
from .minutes import Minutes
from .models import AgendaItem, Forum, Meeting
from .rules import is_reopened, minutes_editable
from .views import _labels, managers_only, rule_message

SECTIONS = ("uppfoljning", "nytt", "ovrigt")
TEXTS = ("discussion", "decision", "responsible")
DRAFT_KEY = re.compile(
    r"^i\d{1,12}-(discussion|decision|responsible|responsible_contact_id|outcome|"
    r"forward_forum_id|due_on|base)$"
)


def _rows(meeting: Meeting) -> list[queries.ItemRow]:
    items = queries.agenda_items(db.session(), meeting)
    return [row for section in SECTIONS for row in items.get(section, [])]


def _prefix(item: AgendaItem) -> str:
    return f"i{item.id}"


def _posted(item: AgendaItem, data: MultiDict[str, str]) -> bool:
    start = _prefix(item) + "-"
    return any(key.startswith(start) for key in data)


def _blank_form(item: AgendaItem) -> MinutesForm:
    return MinutesForm(
        formdata=None,
        prefix=_prefix(item),
        obj=item,
        data={
            "responsible_contact_id": item.responsible_contact_id or 0,
            "forward_forum_id": item.forward_forum_id or 0,
            "base": minutes_doc.version_of(minutes_doc.stored(item)),
        },
        meta={"csrf": False},
    )


def _forms(
    meeting: Meeting, rows: list[queries.ItemRow], data: MultiDict[str, str] | None
) -> dict[int, MinutesForm]:
    """One part per item: from `data` (what was posted or the draft) where it holds the
    item's fields, else from what is stored."""
    contacts, others = _choices(meeting)
    forms: dict[int, MinutesForm] = {}
    for item, _esc, _fault in rows:
        if data is not None and _posted(item, data):
            f = MinutesForm(formdata=data, prefix=_prefix(item), meta={"csrf": False})
        else:
            f = _blank_form(item)
        f.setup(contacts, others)
        forms[item.id or 0] = f
    return forms


def _typed(item: AgendaItem, f: MinutesForm, correcting: bool) -> Minutes:
    outcome = f.outcome.data or None
    forward = f.forward_forum_id.data or None
    if correcting or item.escalation_id is None:
        # corrected minutes: the outcome already moved the escalation, only the text
        # changes; an item under Övrigt has no escalation to decide on
        outcome, forward = item.outcome, item.forward_forum_id
    return Minutes(
        discussion=f.discussion.data or "",
        decision=f.decision.data or "",
        responsible=(f.responsible.data or "").strip(),
        responsible_contact_id=f.responsible_contact_id.data or None,
        outcome=outcome,
        forward_forum_id=forward if outcome == "vidarebefordras" else None,
        due_on=f.due_on.data,
    )


def _page(
    meeting: Meeting,
    rows: list[queries.ItemRow],
    forms: dict[int, MinutesForm],
    doc: MinutesDocForm,
    status: int = 200,
    **extra: Any,
) -> Any:
    errors = [
        (item, f)
        for item, _e, _f in rows
        for f in [forms[item.id or 0]]
        if any(getattr(f, name).errors for name in (*TEXTS, "outcome", "forward_forum_id"))
        or f.due_on.errors
    ]
    return render_template(
        "meetings/minutes_edit.html",
        meeting=meeting,
        forum=get_scoped_or_404(Forum, meeting.forum_id),
        rows=rows,
        forms=forms,
        doc=doc,
        correcting=is_reopened(meeting),
        error_items=errors,
        conflicts=extra.get("conflicts", {}),
        section_labels=section_labels(),
        draft_at=extra.get("draft_at"),
        **_labels(),
    ), status


def _locked(meeting: Meeting, data: MultiDict[str, str]) -> Any:
    """The minutes were finalised while this person typed: show what they typed."""
    unsaved = [v for k, v in data.items(multi=True) if k.rsplit("-", 1)[-1] in TEXTS and v]
    return render_template(
        "meetings/locked.html", meeting=meeting, message=rule_message("locked"), unsaved=unsaved
    ), 409


@bp.route("/meetings/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@managers_only
def minutes_edit(meeting_id: int) -> Any:
    s = db.session()
    meeting = get_scoped_or_404(Meeting, meeting_id)
    rows = _rows(meeting)
    doc = MinutesDocForm()
    if request.method == "GET":
        if not minutes_editable(meeting):
            flash(rule_message("locked"), "error")
            return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id))
        draft = minutes_doc.load_draft(s, meeting=meeting, user_id=current_user.id)
        data = MultiDict(minutes_doc.draft_fields(draft)) if draft else None
        draft_at = local(draft.saved_at).strftime("%H:%M") if draft else None
        return _page(meeting, rows, _forms(meeting, rows, data), doc, draft_at=draft_at)
    if not minutes_editable(meeting):
        return _locked(meeting, request.form)
    forms = _forms(meeting, rows, request.form)
    valid = doc.validate_on_submit()
    correcting = is_reopened(meeting)
    entries = []
    for item, _esc, _fault in rows:
        if not _posted(item, request.form):
            continue
        f = forms[item.id or 0]
        valid = f.validate() and valid
        found = check_free_text(
            {n: getattr(f, n).data for n in TEXTS}, confirmed=bool(doc.confirm_anonymous.data)
        )
        for name, messages in found.errors.items():
            getattr(f, name).errors = list(getattr(f, name).errors) + messages
        doc.needs_confirmation = getattr(doc, "needs_confirmation", False) or (
            found.needs_confirmation
        )
        valid = valid and found.ok
        typed = _typed(item, f, correcting)
        if correcting and f.outcome.data and f.outcome.data != item.outcome:
            f.outcome.errors = [rule_message("outcome_fixed")]
            valid = False
        if typed.outcome == "vidarebefordras" and not typed.forward_forum_id:
            f.forward_forum_id.errors = [rule_message("forward_forum")]
            valid = False
        entries.append((item, typed, f.base.data or ""))
    if not valid:
        return _page(meeting, rows, forms, doc, 400)
    result = minutes_doc.save_document(
        s, meeting=meeting, entries=entries, actor_id=current_user.id
    )
    if not result.ok:
        s.rollback()
        conflicts: dict[int, AgendaItem] = {}
        for item, _esc, _fault in rows:
            key = item.id or 0
            s.refresh(item)
            if key in result.conflicts:
                # keep the typed text; saving again now means "mine over theirs"
                forms[key].base.data = minutes_doc.version_of(minutes_doc.stored(item))
                conflicts[key] = item
            elif key in result.taken:
                forms[key] = _blank_form(item)
                forms[key].setup(*_choices(meeting))
        return _page(meeting, rows, forms, doc, 409, conflicts=conflicts)
    s.commit()
    n = len(result.saved)
    if n:
        flash(
            ngettext(
                "Minnesanteckningarna är sparade (%(num)d ärende ändrat).",
                "Minnesanteckningarna är sparade (%(num)d ärenden ändrade).",
                n,
            ),
            "success",
        )
    else:
        flash(_("Inget var ändrat."), "success")
    if result.taken:
        flash(
            _("Ärenden som någon annan ändrade medan du skrev har deras version."),
            "success",
        )
    return redirect(url_for("meetings.minutes_edit", meeting_id=meeting.id))


def _choices(meeting: Meeting) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    s = db.session()
    contacts = [(c.id or 0, c.name) for c in queries.forum_contacts(s, meeting.forum_id)]
    others = [(f.id or 0, f.name) for f in queries.forums(s) if f.id != meeting.forum_id]
    return contacts, others


@bp.route("/meetings/<int:meeting_id>/minutes/draft", methods=["POST"])
@managers_only
def minutes_draft(meeting_id: int) -> Any:
    """The autosave: keeps the editor's fields as this person's draft. Answers JSON with
    a Swedish message for the page's status line."""
    s = db.session()
    meeting = get_scoped_or_404(Meeting, meeting_id)
    if not MinutesDocForm().validate_on_submit():
        return jsonify(ok=False, message=_("Sidan är för gammal. Ladda om den.")), 400
    if not minutes_editable(meeting):
        return jsonify(ok=False, message=rule_message("locked")), 409
    fields = {k: v[:5000] for k, v in request.form.items() if DRAFT_KEY.match(k) and len(k) < 64}
    found = check_free_text(
        {k: v for k, v in fields.items() if k.rsplit("-", 1)[-1] in TEXTS}, confirmed=True
    )
    if not found.ok:
        first = next(iter(found.errors.values()))[0]
        return jsonify(ok=False, message=_("Utkastet sparades inte. %(why)s", why=first)), 400
    row = minutes_doc.save_draft(s, meeting=meeting, user_id=current_user.id, fields=fields)
    s.commit()
    return jsonify(
        ok=True,
        message=_("Utkastet sparat %(when)s.", when=local(row.saved_at).strftime("%H:%M")),
    )


@bp.route("/meetings/<int:meeting_id>/minutes/draft/discard", methods=["POST"])
@managers_only
def minutes_draft_discard(meeting_id: int) -> Any:
    s = db.session()
    meeting = get_scoped_or_404(Meeting, meeting_id)
    if MinutesDocForm().validate_on_submit():
        minutes_doc.discard_draft(s, meeting=meeting, user_id=current_user.id)
        s.commit()
        flash(_("Utkastet är slängt."), "success")
    return redirect(url_for("meetings.minutes_edit", meeting_id=meeting.id))
