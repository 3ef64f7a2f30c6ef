"""The organisation's admin side of networks (Administration → Nätverk): answer an
invitation, leave, choose what is shared by default, and fault by fault."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import col, select

from .. import db
from ..faults import derived
from ..faults.forms import status_labels
from ..faults.models import Fault
from ..faults.services import Recurrence
from ..orgs.context import current_org, get_scoped_or_404, role_required, scoped_with
from ..params import bounded_int
from . import services
from .forms import (
    ActionForm,
    FaultShareForm,
    ShareRuleForm,
    member_status_labels,
    share_choice_labels,
    share_rule_labels,
)
from .models import FaultShare, Network, NetworkOrg
from .views import rule_message

bp = Blueprint("network_admin", __name__, url_prefix="/admin/networks")
admin_required = role_required("admin")


@bp.route("/")
@admin_required
def index() -> Any:
    rows = (
        db.session()
        .exec(
            scoped_with(NetworkOrg, Network)
            .join(Network, col(Network.id) == NetworkOrg.network_id)
            .order_by(Network.name)
        )
        .all()
    )
    return render_template(
        "networks/org_admin.html",
        rows=rows,
        action_form=ActionForm(),
        rule_form=ShareRuleForm(),
        status_labels_net=member_status_labels(),
        rule_labels=share_rule_labels(),
    )


def _answer(row_id: int, what: str) -> Any:
    s = db.session()
    row = get_scoped_or_404(NetworkOrg, row_id)
    try:
        if what == "leave":
            services.leave(s, row=row, actor_id=current_user.id)
        else:
            services.answer_invitation(
                s, row=row, accept=what == "accept", actor_id=current_user.id
            )
    except services.NetworkRuleError as exc:
        flash(rule_message(exc.code), "error")
        return redirect(url_for("network_admin.index")), 400
    s.commit()
    flash(
        {
            "accept": _("Verksamheten är medlem i nätverket och delar enligt sin regel."),
            "decline": _("Ni har tackat nej till nätverket."),
            "leave": _("Verksamheten har lämnat nätverket och delar inget längre."),
        }[what],
        "success",
    )
    return redirect(url_for("network_admin.index"))


@bp.route("/<int:row_id>/accept", methods=["POST"])
@admin_required
def accept(row_id: int) -> Any:
    return _answer(row_id, "accept")


@bp.route("/<int:row_id>/decline", methods=["POST"])
@admin_required
def decline(row_id: int) -> Any:
    return _answer(row_id, "decline")


@bp.route("/<int:row_id>/leave", methods=["POST"])
@admin_required
def leave(row_id: int) -> Any:
    return _answer(row_id, "leave")


@bp.route("/<int:row_id>/rule", methods=["POST"])
@admin_required
def rule(row_id: int) -> Any:
    s = db.session()
    row = get_scoped_or_404(NetworkOrg, row_id)
    form = ShareRuleForm()
    if not form.validate_on_submit():
        flash(_("Välj vad verksamheten delar."), "error")
        return redirect(url_for("network_admin.index")), 400
    services.set_share_rule(s, row=row, rule=form.rule.data or "auto", actor_id=current_user.id)
    s.commit()
    flash(_("Regeln för delning är sparad."), "success")
    return redirect(url_for("network_admin.index"))


@bp.route("/sharing")
@admin_required
def sharing_page() -> Any:
    """The organisation's faults with what the rule says and the admin's choice: the
    escalated and recurring count as shared under the rule "auto"."""
    s = db.session()
    org = current_org()
    assert org.id is not None
    page = max(request.args.get("page", 1, type=bounded_int) or 1, 1)
    size = current_app.config["PAGE_SIZE"]
    q = (
        scoped_with(Fault, FaultShare.share, func.count().over())
        .outerjoin(FaultShare, col(FaultShare.fault_id) == Fault.id)
        .where(col(Fault.duplicate_of_id).is_(None))
        .order_by(col(Fault.last_observed_on).desc().nulls_last(), col(Fault.id).desc())
        .offset((page - 1) * size)
        .limit(size)
    )
    rows = s.exec(q).all()
    total = int(rows[0][2]) if rows else 0
    rec = Recurrence.of(org)
    recurring: set[int] = set()
    if rows:
        window = derived.recent_counts(
            org.id, rec.since(), fault_ids=[f.id for f, _s, _t in rows if f.id is not None]
        )
        recurring = {
            fid
            for fid, n in s.exec(select(window.c.fault_id, window.c.n)).all()
            if n >= rec.threshold
        }
    memberships = s.exec(
        scoped_with(NetworkOrg, Network.name)
        .join(Network, col(Network.id) == NetworkOrg.network_id)
        .where(NetworkOrg.status == "medlem")
        .order_by(Network.name)
    ).all()
    return render_template(
        "networks/org_sharing.html",
        rows=[
            (f, None if share is None else ("share" if share else "keep"), f.id in recurring)
            for f, share, _t in rows
        ],
        page=page,
        pages=max(1, -(-total // size)),
        total=total,
        memberships=memberships,
        rule_labels=share_rule_labels(),
        choice_labels=share_choice_labels(),
        status_labels=status_labels(),
        form=FaultShareForm(),
    )


@bp.route("/sharing/<int:fault_id>", methods=["POST"])
@admin_required
def fault_share(fault_id: int) -> Any:
    s = db.session()
    fault = get_scoped_or_404(Fault, fault_id)
    form = FaultShareForm()
    back = url_for("network_admin.sharing_page", page=request.form.get("page", type=bounded_int))
    if not form.validate_on_submit():
        flash(_("Välj hur systemfelet delas."), "error")
        return redirect(back), 400
    services.set_fault_share(
        s, fault=fault, choice=form.choice.data or "rule", actor_id=current_user.id
    )
    s.commit()
    flash(
        _(
            "Delningen av %(ref)s är sparad: %(choice)s.",
            ref=fault.ref,
            choice=share_choice_labels()[form.choice.data or "rule"],
        ),
        "success",
    )
    return redirect(back)
