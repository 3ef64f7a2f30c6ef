"""Finalising with a confirmation, reopening with a reason, and the meeting's documents:
the agenda and the minutes (Markdown, Word, print view), frozen at the finalising."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from .. import db
from ..dataversion import cached, org_key
from ..digests.jobs import queue_minutes
from ..guard import guard_form
from ..orgs.context import current_org, get_scoped_or_404
from ..reports.docx_export import markdown_to_docx
from ..text import render_markdown
from ..timeutil import local, utcnow
from . import bp, export, minutes, queries, snapshot
from .forms import FinaliseForm, ReasonForm
from .models import AgendaItem, Forum, Meeting
from .rules import Locked, RuleError, is_reopened
from .views import any_member, managers_only, rule_message, visible_meeting_or_404

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _not_started(meeting: Meeting) -> str:
    return _(
        "Minnesanteckningarna kan inte fastställas före mötets start (%(when)s).",
        when=local(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
    )


def _finalise_page(meeting: Meeting, form: FinaliseForm, status: int = 200, **extra: Any) -> Any:
    s = db.session()
    items = list(
        s.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(col(AgendaItem.section), col(AgendaItem.position))
        ).all()
    )
    missing = [i.title for i in items if i.escalation_id is not None and not i.outcome]
    return render_template(
        "meetings/finalise.html",
        meeting=meeting,
        forum=get_scoped_or_404(Forum, meeting.forum_id),
        form=form,
        items=items,
        missing=missing,
        correcting=is_reopened(meeting),
        started=meeting.starts_at <= utcnow(),
        errors=extra.get("errors", []),
    ), status


@bp.route("/meetings/<int:meeting_id>/finalise", methods=["GET", "POST"])
@managers_only
def meeting_finalise(meeting_id: int) -> Any:
    """A confirmation step (a required checkbox – no script), then lock, carry follow-ups,
    freeze the documents and queue the minutes digest (the corrected one after a
    reopening), all in one transaction."""
    s = db.session()
    meeting = get_scoped_or_404(Meeting, meeting_id)
    form = FinaliseForm()
    if meeting.status != "planerat" and not is_reopened(meeting):
        return render_template(
            "meetings/locked.html", meeting=meeting, message=rule_message("locked")
        ), 409
    if request.method == "GET":
        return _finalise_page(meeting, form)
    if not form.validate_on_submit():
        return _finalise_page(meeting, form, 400)
    try:
        result = minutes.finalise(s, meeting=meeting, actor_id=current_user.id)
        queue_minutes(s, meeting, result.revision)  # the digest commits with the finalising
    except Locked:
        return _finalise_page(meeting, form, 409, errors=[rule_message("locked")])
    except RuleError as exc:
        if exc.code == "not_started":
            message = _not_started(meeting)
        else:
            message = _(
                "Protokollet kan inte fastställas: dessa ärenden saknar utfall: %(names)s.",
                names="; ".join(exc.names),
            )
        return _finalise_page(meeting, form, 400, errors=[message])
    s.commit()
    if result.corrected:
        flash(
            _("De rättade minnesanteckningarna är fastställda och skickade till kontakterna."),
            "success",
        )
        return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id))
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


@bp.route("/meetings/<int:meeting_id>/reopen", methods=["GET", "POST"])
@managers_only
def meeting_reopen(meeting_id: int) -> Any:
    """Open finalised minutes for a correction, with a required reason."""
    s = db.session()
    meeting = get_scoped_or_404(Meeting, meeting_id)
    form = ReasonForm()
    if meeting.status != "genomfort" or meeting.finalised_at is None:
        form.form_errors.append(rule_message("not_finalised"))
        return render_template("meetings/reopen.html", meeting=meeting, form=form), 409
    if request.method == "GET":
        return render_template("meetings/reopen.html", meeting=meeting, form=form)
    if not (form.validate_on_submit() and guard_form(form, ["reason"])):
        return render_template("meetings/reopen.html", meeting=meeting, form=form), 400
    minutes.reopen(s, meeting=meeting, reason=form.reason.data or "", actor_id=current_user.id)
    s.commit()
    flash(
        _("Minnesanteckningarna är öppnade för rättelse. Fastställ dem igen när du är klar."),
        "success",
    )
    return redirect(url_for("meetings.meeting_page", meeting_id=meeting.id))


# ---- documents ---------------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/agenda.md")
@any_member
def agenda_md(meeting_id: int) -> Any:
    """The agenda; for a finalised meeting the one frozen at the finalising."""
    meeting = visible_meeting_or_404(meeting_id)
    org = current_org()
    member = g.role == "ledamot"
    docs = snapshot.documents(db.session(), org, meeting)
    if docs is not None:
        text = docs.agenda_member_md if member else docs.agenda_md
    else:
        # a pure function of the organisation's data, the day (the statistics' window) and
        # the language: kept per process until one of them changes
        key = (org_key(org), meeting.id, member, utcnow().date(), str(get_locale()))

        def build() -> str:
            page = queries.meeting_page(db.session(), org, meeting, member=member)
            return export.agenda_markdown(page, small_limit=org.small_count_limit)

        text = cached("agenda_md", key, build)
    return Response(text, mimetype="text/markdown; charset=utf-8")


def _minutes_or_404(meeting_id: int) -> tuple[Meeting, snapshot.Documents]:
    meeting = visible_meeting_or_404(meeting_id)
    docs = snapshot.documents(db.session(), current_org(), meeting)
    if docs is None:
        abort(404)  # never finalised: there are no minutes yet
    return meeting, docs


@bp.route("/meetings/<int:meeting_id>/minutes.<fmt>")
@any_member
def minutes_file(meeting_id: int, fmt: str) -> Any:
    if fmt not in ("md", "docx"):
        abort(404)
    meeting, docs = _minutes_or_404(meeting_id)
    name = f"minnesanteckningar-{meeting.id}"
    if fmt == "docx":
        return Response(
            markdown_to_docx(
                docs.minutes_md,
                title=f"Minnesanteckningar {local(meeting.starts_at).date().isoformat()}",
                author=current_org().name,
                created=local(docs.finalised_at).date() if docs.finalised_at else None,
            ),
            mimetype=DOCX,
            headers={"Content-Disposition": f'attachment; filename="{name}.docx"'},
        )
    return Response(docs.minutes_md, mimetype="text/markdown; charset=utf-8")


@bp.route("/meetings/<int:meeting_id>/minutes")
@any_member
def minutes_page(meeting_id: int) -> Any:
    """The minutes to read and print (print.css hides everything but the document)."""
    meeting, docs = _minutes_or_404(meeting_id)
    body = docs.minutes_md.split("\n", 1)[1] if docs.minutes_md.startswith("# ") else ""
    forum = get_scoped_or_404(Forum, meeting.forum_id)
    return render_template(
        "meetings/minutes.html",
        meeting=meeting,
        forum=forum,
        docs=docs,
        html=render_markdown(body or docs.minutes_md),
        correcting=is_reopened(meeting),
    )
