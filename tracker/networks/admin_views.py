"""The nätverkssamordnare's page of the network: member organisations and invitations,
and the people with a network role.

Who gets a network role: the site adds anyone with an account (`tracker network
add-person`); a nätverkssamordnare adds, by e-mail address, people who are active members
of one of the network's member organisations. The answer is the same whether or not an
account exists elsewhere, so the page does not reveal who has one."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import col, select

from .. import db
from ..accounts import services as accounts
from ..accounts.models import User
from ..orgs.models import Membership, Organisation
from . import services
from .context import get_in_network_or_404, in_network, network_or_404
from .forms import (
    ActionForm,
    InviteOrgForm,
    PersonForm,
    member_status_labels,
    network_role_labels,
    share_rule_labels,
)
from .models import NetworkOrg, NetworkRole
from .views import bp, rule_message


def _page(slug: str, status: int = 200, **forms: Any) -> Any:
    access = network_or_404(slug, coordinate=True)
    s = db.session()
    org_rows = s.exec(
        select(NetworkOrg, Organisation)
        .join(Organisation, col(Organisation.id) == NetworkOrg.org_id)
        .where(in_network(NetworkOrg, access))
        .order_by(Organisation.name)
    ).all()
    taken = {o.id for r, o in org_rows if r.status in ("inbjuden", "medlem")}
    all_orgs = s.exec(select(Organisation.id, Organisation.name).order_by(Organisation.name)).all()
    invite = forms.get("invite") or InviteOrgForm()
    invite.org_id.choices = [(0, _("– välj –"))] + [(i, n) for i, n in all_orgs if i not in taken]
    people = s.exec(
        select(NetworkRole, User)
        .join(User, col(User.id) == NetworkRole.user_id)
        .where(in_network(NetworkRole, access))
        .order_by(User.name)
    ).all()
    return render_template(
        "networks/admin.html",
        access=access,
        network=access.network,
        org_rows=org_rows,
        people=people,
        invite=invite,
        person=forms.get("person") or PersonForm(),
        action_form=ActionForm(),
        status_labels_net=member_status_labels(),
        rule_labels=share_rule_labels(),
        role_labels_net=network_role_labels(),
    ), status


@bp.route("/<slug>/admin")
@login_required
def admin(slug: str) -> Any:
    return _page(slug)


@bp.route("/<slug>/admin/invite", methods=["POST"])
@login_required
def invite(slug: str) -> Any:
    access = network_or_404(slug, coordinate=True)
    s = db.session()
    form = InviteOrgForm()
    ids = list(s.exec(select(Organisation.id).order_by(Organisation.name)).all())
    form.org_id.choices = [(0, "")] + [(i, str(i)) for i in ids]
    if not form.validate_on_submit() or not form.org_id.data:
        if not form.org_id.errors:
            form.org_id.errors = [_("Välj en verksamhet.")]
        return _page(slug, 400, invite=form)
    try:
        services.invite_org(
            s, network=access.network, org_id=form.org_id.data, actor_id=current_user.id
        )
    except services.NetworkRuleError as exc:
        form.org_id.errors = [rule_message(exc.code)]
        return _page(slug, 400, invite=form)
    s.commit()
    flash(
        _(
            "Verksamheten är inbjuden. Den blir medlem när dess administratör tackat ja "
            "under Administration → Nätverk."
        ),
        "success",
    )
    return redirect(url_for("networks.admin", slug=slug))


@bp.route("/<slug>/admin/orgs/<int:row_id>/withdraw", methods=["POST"])
@login_required
def withdraw(slug: str, row_id: int) -> Any:
    access = network_or_404(slug, coordinate=True)
    s = db.session()
    row = get_in_network_or_404(NetworkOrg, row_id, access)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_invitation(s, row=row, actor_id=current_user.id)
    except services.NetworkRuleError as exc:
        flash(rule_message(exc.code), "error")
        return redirect(url_for("networks.admin", slug=slug)), 400
    s.commit()
    flash(_("Inbjudan är återkallad."), "success")
    return redirect(url_for("networks.admin", slug=slug))


def _member_of_network_org(user_id: int, network_id: int) -> bool:
    members = select(NetworkOrg.org_id).where(
        NetworkOrg.network_id == network_id, NetworkOrg.status == "medlem"
    )
    return (
        db.session()
        .exec(
            select(Membership.id).where(
                Membership.user_id == user_id,
                col(Membership.active).is_(True),
                col(Membership.org_id).in_(members),
            )
        )
        .first()
        is not None
    )


@bp.route("/<slug>/admin/people", methods=["POST"])
@login_required
def person_add(slug: str) -> Any:
    access = network_or_404(slug, coordinate=True)
    s = db.session()
    form = PersonForm()
    if not form.validate_on_submit():
        return _page(slug, 400, person=form)
    user = accounts.find_user(s, form.email.data or "")
    if user is None or user.id is None or not _member_of_network_org(user.id, access.network_id):
        form.email.errors = [
            _(
                "Här kan du lägga till personer som är medlemmar i någon av nätverkets "
                "verksamheter. Andra lägger driftansvarig till med kommandot "
                "tracker network add-person."
            )
        ]
        return _page(slug, 400, person=form)
    try:
        services.set_role(
            s,
            network=access.network,
            user_id=user.id,
            role=form.role.data or "",
            actor_id=current_user.id,
        )
    except services.NetworkRuleError as exc:
        form.role.errors = [rule_message(exc.code)]
        return _page(slug, 400, person=form)
    s.commit()
    flash(_("%(name)s har nu en roll i nätverket.", name=user.name), "success")
    return redirect(url_for("networks.admin", slug=slug))


@bp.route("/<slug>/admin/people/<int:role_id>/remove", methods=["POST"])
@login_required
def person_remove(slug: str, role_id: int) -> Any:
    access = network_or_404(slug, coordinate=True)
    s = db.session()
    row = get_in_network_or_404(NetworkRole, role_id, access)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.remove_role(s, row=row, actor_id=current_user.id)
    except services.NetworkRuleError as exc:
        flash(rule_message(exc.code), "error")
        return redirect(url_for("networks.admin", slug=slug)), 400
    s.commit()
    flash(_("Rollen i nätverket är borttagen."), "success")
    if row.user_id == current_user.id:
        return redirect(url_for("main.home"))
    return redirect(url_for("networks.admin", slug=slug))
