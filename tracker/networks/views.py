"""The network's pages: the list of one's networks, the register of shared faults, a
shared fault with the others that share it, and the nätverkssamordnare's matching."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import db
from ..faults.forms import level_choices, status_labels
from ..faults.models import STATUSES, Fault
from ..params import bounded_int, search_text, to_int
from ..timeutil import local, utcnow
from . import linking, matching, queries, services, sharing
from .context import NetworkAccess, my_networks, network_or_404
from .forms import ActionForm, LinkForm, network_role_labels

bp = Blueprint("networks", __name__, url_prefix="/networks")


def rule_message(code: str) -> str:
    return {
        "same_org": _("Systemfelen hör till samma verksamhet; koppla fel från olika verksamheter."),
        "already_linked": _("Systemfelen är redan kopplade."),
        "org_twice": _(
            "Nätverksfelet har redan ett systemfel från en av verksamheterna; ta bort den "
            "kopplingen först."
        ),
        "not_linked": _("Systemfelet är inte kopplat till något nätverksfel."),
        "already_invited": _("Verksamheten är redan inbjuden."),
        "already_member": _("Verksamheten är redan medlem."),
        "not_invited": _("Det finns ingen obesvarad inbjudan."),
        "not_member": _("Verksamheten är inte medlem i nätverket."),
        "last_coordinator": _("Nätverket måste ha minst en nätverkssamordnare."),
        "bad_role": _("Välj en roll."),
        "bad_rule": _("Välj vad verksamheten delar."),
        "bad_choice": _("Välj hur systemfelet delas."),
        "bad_slug": _("Kortnamnet får bara innehålla a–z, 0–9 och bindestreck (2–40 tecken)."),
        "slug_taken": _("Det finns redan ett nätverk med det kortnamnet."),
        "no_name": _("Fyll i namn."),
    }.get(code, _("Ändringen gick inte att göra."))


def _year() -> int:
    return local(utcnow()).year


def _ctx(access: NetworkAccess, **kw: Any) -> dict[str, Any]:
    return {
        "access": access,
        "network": access.network,
        "status_labels": status_labels(),
        "level_labels": dict(level_choices()),
        "role_labels_net": network_role_labels(),
        **kw,
    }


@bp.app_context_processor
def _nav() -> dict[str, Any]:
    return {"my_networks": my_networks}


@bp.route("/")
@login_required
def index() -> Any:
    mine = my_networks(complete=True)
    if len(mine) == 1:
        return redirect(url_for("networks.register", slug=mine[0][0].slug))
    return render_template(
        "networks/index.html", networks=mine, role_labels_net=network_role_labels()
    )


def _filters() -> queries.RegisterFilters:
    a = request.args
    status = a.get("status", "")
    return queries.RegisterFilters(
        q=search_text(),
        authority=a.get("authority", "")[:200],
        status=status if status in STATUSES else "",
        org=a.get("org", "")[:40],
    )


@bp.route("/<slug>/")
@login_required
def register(slug: str) -> Any:
    access = network_or_404(slug)
    s = db.session()
    orgs = sharing.member_orgs(s, access.network_id)
    flt = _filters()
    page = max(request.args.get("page", 1, type=bounded_int) or 1, 1)
    size = current_app.config["PAGE_SIZE"]
    year = _year()
    rows, total = queries.register(s, access.network_id, orgs, flt, page=page, size=size, year=year)
    return render_template(
        "networks/register.html",
        **_ctx(
            access,
            rows=rows,
            total=total,
            page=page,
            pages=max(1, -(-total // size)),
            flt=flt,
            orgs=orgs,
            authorities=queries.filter_options(s, access.network_id, orgs),
            year=year,
            small_limit=sharing.small_limit(orgs),
        ),
    )


@bp.route("/<slug>/faults/<int:fault_id>")
@login_required
def fault(slug: str, fault_id: int) -> Any:
    access = network_or_404(slug)
    s = db.session()
    orgs = sharing.member_orgs(s, access.network_id)
    year = request.args.get("year", type=bounded_int) or _year()
    if not 2000 <= year <= _year():
        year = _year()
    grp = queries.group_of_fault(s, access.network_id, orgs, fault_id, year)
    if grp is None:
        abort(404)
    candidates = (
        queries.link_candidates(s, access.network_id, orgs, grp) if access.coordinates else []
    )
    return render_template(
        "networks/fault.html",
        **_ctx(
            access,
            grp=grp,
            orgs=orgs,
            year=year,
            this_year=_year(),
            small_limit=sharing.small_limit(orgs),
            action_form=ActionForm(),
            candidates=candidates,
            link_form=LinkForm(),
        ),
    )


@bp.route("/<slug>/matching")
@login_required
def matches(slug: str) -> Any:
    access = network_or_404(slug, coordinate=True)
    s = db.session()
    orgs = sharing.member_orgs(s, access.network_id)
    return render_template(
        "networks/matching.html",
        **_ctx(
            access,
            suggestions=matching.suggestions(s, access.network_id, orgs),
            orgs=orgs,
            form=LinkForm(),
        ),
    )


def _shared_fault(access: NetworkAccess, raw: Any) -> Fault | None:
    """A fault shared in the network now (one statement); None for anything else."""
    fid = to_int(raw)
    if fid is None or fid < 0:
        return None
    s = db.session()
    orgs = sharing.member_orgs(s, access.network_id)
    shared = sharing.shared_select(access.network_id, orgs).where(Fault.id == fid)
    if s.exec(shared).first() is None:
        return None
    return s.get(Fault, fid)


@bp.route("/<slug>/link", methods=["POST"])
@login_required
def link(slug: str) -> Any:
    access = network_or_404(slug, coordinate=True)
    form = LinkForm()
    s = db.session()
    a = _shared_fault(access, form.a.data) if form.validate_on_submit() else None
    b = _shared_fault(access, form.b.data) if a is not None else None
    if a is None or b is None:
        flash(_("Systemfelen delas inte längre i nätverket; inget kopplades."), "error")
        return redirect(url_for("networks.matches", slug=slug)), 400
    try:
        services.link(s, network=access.network, a=a, b=b, actor_id=current_user.id)
    except services.NetworkRuleError as exc:
        flash(rule_message(exc.code), "error")
        return redirect(url_for("networks.matches", slug=slug)), 400
    s.commit()
    flash(_("Systemfelen är kopplade till ett nätverksfel."), "success")
    return redirect(url_for("networks.fault", slug=slug, fault_id=a.id))


@bp.route("/<slug>/matching/dismiss", methods=["POST"])
@login_required
def dismiss(slug: str) -> Any:
    """ "Inte samma systemfel": the suggestion goes away for good."""
    access = network_or_404(slug, coordinate=True)
    form = LinkForm()
    a = _shared_fault(access, form.a.data) if form.validate_on_submit() else None
    b = _shared_fault(access, form.b.data) if a is not None else None
    if a is None or b is None:
        flash(_("Systemfelen delas inte längre i nätverket; inget ändrades."), "error")
        return redirect(url_for("networks.matches", slug=slug)), 400
    s = db.session()
    try:
        linking.dismiss(s, network=access.network, a=a, b=b, actor_id=current_user.id)
    except services.NetworkRuleError as exc:
        flash(rule_message(exc.code), "error")
        return redirect(url_for("networks.matches", slug=slug)), 400
    s.commit()
    flash(_("Förslaget är borttaget: systemfelen föreslås inte som samma igen."), "success")
    return redirect(url_for("networks.matches", slug=slug))


@bp.route("/<slug>/faults/<int:fault_id>/unlink", methods=["POST"])
@login_required
def unlink(slug: str, fault_id: int) -> Any:
    access = network_or_404(slug, coordinate=True)
    s = db.session()
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.unlink(s, network=access.network, fault_id=fault_id, actor_id=current_user.id)
    except services.NetworkRuleError as exc:
        flash(rule_message(exc.code), "error")
        return redirect(url_for("networks.register", slug=slug)), 400
    s.commit()
    flash(_("Kopplingen är borttagen."), "success")
    return redirect(url_for("networks.register", slug=slug))


# The coordinator's admin pages register on this blueprint too.
from . import admin_views as _admin_views  # noqa: E402,F401

# The network forum (forums, meetings, minutes, escalations) registers on this blueprint too.
from . import forum_views as _forum_views  # noqa: E402,F401

# The network's compiled annual report registers on this blueprint too.
from . import report_views as _report_views  # noqa: E402,F401
