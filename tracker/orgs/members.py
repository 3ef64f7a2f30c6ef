"""Admin: the organisation's members and invitations – invite, resend, revoke, change role,
deactivate and reactivate, reset two-step verification, remove. An admin never sets or
sees a password."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col

from .. import db
from ..accounts import mfa, tokens
from ..accounts.models import AccountToken, User
from . import invitations, services
from .context import current_org, get_scoped_or_404, scoped_with
from .forms import InviteForm, RoleForm, role_choices
from .models import Membership
from .views import admin_required, bp


@bp.route("/users")
@admin_required
def users() -> Any:
    s = db.session()
    org = current_org()
    assert org.id is not None
    rows = s.exec(
        scoped_with(Membership, User)
        .join(User, col(User.id) == Membership.user_id)
        .order_by(col(Membership.active).desc(), User.name)
    ).all()
    return render_template(
        "orgs/users.html",
        rows=rows,
        roles=dict(role_choices()),
        invitations=invitations.open_invitations(s, org.id),
        token_state=tokens.state,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new() -> Any:
    form = InviteForm()
    if request.method == "POST":
        if form.validate_on_submit():
            s = db.session()
            try:
                invitations.invite(
                    s,
                    org=current_org(),
                    email=form.email.data or "",
                    role=form.role.data or "ombud",
                    actor_id=current_user.id,
                    base_url=current_app.config["BASE_URL"],
                )
            except invitations.InviteError as exc:
                form.email.errors = [str(exc)]
            else:
                s.commit()
                flash(
                    _(
                        "Inbjudan är skickad till %(email)s. Personen blir medlem när hen "
                        "följt länken i mejlet (giltig i 72 timmar).",
                        email=form.email.data,
                    ),
                    "success",
                )
                return redirect(url_for("admin.users"))
        return render_template("orgs/user_new.html", form=form), 400
    return render_template("orgs/user_new.html", form=form)


def _invitation(invitation_id: int) -> AccountToken:
    row = get_scoped_or_404(AccountToken, invitation_id)
    if row.kind != "invite" or row.used_at is not None or row.revoked_at is not None:
        abort(404)
    return row


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@admin_required
def invitation_resend(invitation_id: int) -> Any:
    s = db.session()
    row = _invitation(invitation_id)
    invitations.resend(
        s,
        row,
        org=current_org(),
        actor_id=current_user.id,
        base_url=current_app.config["BASE_URL"],
    )
    s.commit()
    flash(
        _("Inbjudan är skickad igen med en ny länk; den gamla länken fungerar inte längre."),
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@admin_required
def invitation_revoke(invitation_id: int) -> Any:
    s = db.session()
    invitations.revoke(s, _invitation(invitation_id), actor_id=current_user.id)
    s.commit()
    flash(_("Inbjudan är återkallad; länken fungerar inte längre."), "success")
    return redirect(url_for("admin.users"))


def _member_page(m: Membership, user: User, form: RoleForm, status: int = 200) -> Any:
    return render_template("orgs/member.html", m=m, user=user, form=form), status


@bp.route("/users/<int:membership_id>", methods=["GET", "POST"])
@admin_required
def member(membership_id: int) -> Any:
    s = db.session()
    m = get_scoped_or_404(Membership, membership_id)
    user = s.get(User, m.user_id)
    assert user is not None and user.id is not None
    form = RoleForm(prefix="m", data={"role": m.role})
    if request.method == "POST":
        org = current_org()
        assert org.id is not None
        if not form.validate_on_submit():
            return _member_page(m, user, form, 400)
        new_role = form.role.data or m.role
        if m.role == "admin" and new_role != "admin" and services.admin_count(s, org.id) <= 1:
            form.role.errors = [_("Verksamheten måste ha minst en administratör.")]
            return _member_page(m, user, form, 400)
        services.set_membership(
            s, user_id=user.id, org_id=org.id, role=new_role, actor_id=current_user.id
        )
        s.commit()
        flash(_("Rollen är sparad."), "success")
        return redirect(url_for("admin.users"))
    return _member_page(m, user, form)


def _refuse_last_admin_or_self(m: Membership) -> Any:
    """A redirect with the reason when the change would lock the organisation out."""
    if m.user_id == current_user.id:
        flash(_("Du kan inte inaktivera eller ta bort dig själv."), "error")
        return redirect(url_for("admin.member", membership_id=m.id)), 400
    if m.role == "admin" and m.active and services.admin_count(db.session(), m.org_id) <= 1:
        flash(_("Verksamheten måste ha minst en administratör."), "error")
        return redirect(url_for("admin.member", membership_id=m.id)), 400
    return None


@bp.route("/users/<int:membership_id>/deactivate", methods=["POST"])
@admin_required
def member_deactivate(membership_id: int) -> Any:
    m = get_scoped_or_404(Membership, membership_id)
    refused = _refuse_last_admin_or_self(m)
    if refused is not None:
        return refused
    s = db.session()
    services.set_active(s, m, active=False, actor_id=current_user.id)
    s.commit()
    flash(_("Personen är inaktiverad och utloggad. Namnet finns kvar i historiken."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:membership_id>/reactivate", methods=["POST"])
@admin_required
def member_reactivate(membership_id: int) -> Any:
    s = db.session()
    m = get_scoped_or_404(Membership, membership_id)
    services.set_active(s, m, active=True, actor_id=current_user.id)
    s.commit()
    flash(_("Personen är aktiv igen och kan logga in."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:membership_id>/mfa-reset", methods=["POST"])
@admin_required
def member_mfa_reset(membership_id: int) -> Any:
    s = db.session()
    m = get_scoped_or_404(Membership, membership_id)
    user = s.get(User, m.user_id)
    assert user is not None
    mfa.reset_mfa(s, user, actor_id=current_user.id, org_id=m.org_id)
    s.commit()
    flash(
        _(
            "Tvåstegsverifieringen är nollställd. Personen kopplar en ny app vid nästa "
            "inloggning om verksamheten kräver det."
        ),
        "success",
    )
    return redirect(url_for("admin.member", membership_id=m.id))


@bp.route("/users/<int:membership_id>/remove", methods=["POST"])
@admin_required
def member_remove(membership_id: int) -> Any:
    s = db.session()
    m = get_scoped_or_404(Membership, membership_id)
    refused = _refuse_last_admin_or_self(m)
    if refused is not None:
        return refused
    services.remove_membership(s, m, actor_id=current_user.id)
    s.commit()
    flash(_("Personen är borttagen ur verksamheten."), "success")
    return redirect(url_for("admin.users"))
