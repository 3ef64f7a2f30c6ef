"""Forums and their contacts, and what a forum member may see of an escalated fault."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from .. import db
from ..accounts.models import User
from ..faults.common import MANAGERS, get_fault_or_404
from ..guard import guard_form
from ..orgs.context import current_org, get_scoped_or_404, scoped_with
from ..orgs.models import Membership
from ..suppression import suppress
from . import bp, queries, services
from .forms import ContactForm, ForumForm
from .models import Contact, Escalation, Forum
from .views import _labels, _visible_forum_ids, any_member, managers_only, visible_forum_or_404

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
                    reminder_days=form.reminder_days.data or 3,
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
    try:
        services.delete_contact(s, contact=contact, actor_id=current_user.id)
    except services.ContactInUse as exc:
        flash(
            _(
                "%(name)s kan inte tas bort: kontakten står som ansvarig på %(n)s punkter "
                "i protokollen, och protokollen ska visa vem som svarade.",
                name=contact.name,
                n=exc.items,
            )
            if exc.items != 1
            else _(
                "%(name)s kan inte tas bort: kontakten står som ansvarig på en punkt "
                "i ett protokoll, och protokollet ska visa vem som svarade.",
                name=contact.name,
            ),
            "error",
        )
        return redirect(url_for("meetings.forum_page", forum_id=contact.forum_id))
    s.commit()
    flash(_("Kontakten är borttagen."), "success")
    return redirect(url_for("meetings.forum_page", forum_id=contact.forum_id))


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
