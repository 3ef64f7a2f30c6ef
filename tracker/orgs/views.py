"""Admin pages of the current organisation: catalogues, settings, outbox, audit log
(the member pages are in members.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_
from sqlmodel import col, select

from .. import db
from ..accounts.models import User
from ..accounts.views import safe_next
from ..audit import AuditEntry, audit_log
from ..guard import guard_form
from ..params import bounded_int
from ..timeutil import STOCKHOLM
from . import services
from .context import current_org, get_scoped_or_404, role_required, scoped, scoped_with
from .forms import AuthorityForm, SectionForm, SettingsForm, ThemeForm
from .models import Authority, Membership, ReportSection

bp = Blueprint("admin", __name__, url_prefix="/admin")

admin_required = role_required("admin")


@bp.route("/")
@admin_required
def index() -> Any:
    return redirect(url_for("admin.users"))


# ---- catalogues --------------------------------------------------------------------------


def _section_choices() -> list[tuple[int, str]]:
    org = current_org()
    assert org.id is not None
    sections = services.sections_in_order(db.session(), org.id)
    return [(sec.id or 0, ("– " if sec.parent_id else "") + sec.heading) for sec in sections]


@bp.route("/authorities")
@admin_required
def authorities() -> Any:
    s = db.session()
    rows = s.exec(scoped(Authority).order_by(Authority.position, Authority.name)).all()  # type: ignore[arg-type]
    sections = {sec.id: sec.heading for sec in s.exec(scoped(ReportSection)).all()}
    return render_template(
        "orgs/authorities.html",
        rows=rows,
        sections=sections,
        huvudman=dict(AuthorityForm(sections=[]).huvudman.choices or []),
    )


@bp.route("/authorities/new", methods=["GET", "POST"], defaults={"authority_id": None})
@bp.route("/authorities/<int:authority_id>", methods=["GET", "POST"])
@admin_required
def authority(authority_id: int | None) -> Any:
    s = db.session()
    org = current_org()
    obj = get_scoped_or_404(Authority, authority_id) if authority_id else None
    form = AuthorityForm(obj=obj, sections=_section_choices())
    if request.method == "POST":
        if form.validate_on_submit() and guard_form(form, ["name"], blocking_only=True):
            dup = s.exec(
                scoped(Authority).where(
                    func.lower(Authority.name) == (form.name.data or "").strip().lower(),
                    Authority.id != (obj.id if obj else -1),
                )
            ).first()
            if dup is None:
                if obj is None:
                    obj = Authority(org_id=org.id or 0, huvudman="", name="")
                    obj.position = 1000
                obj.name = (form.name.data or "").strip()
                obj.huvudman = form.huvudman.data or "ovriga"
                obj.section_id = get_scoped_or_404(ReportSection, form.section_id.data).id
                s.add(obj)
                s.flush()
                audit_log(
                    s,
                    "authority.saved",
                    actor_id=current_user.id,
                    org_id=org.id,
                    object_type="authority",
                    object_id=obj.id,
                )
                s.commit()
                flash(_("Myndigheten är sparad."), "success")
                return redirect(url_for("admin.authorities"))
            form.name.errors = [_("Det finns redan en myndighet med det namnet.")]
        return render_template("orgs/authority.html", form=form, obj=obj), 400
    return render_template("orgs/authority.html", form=form, obj=obj)


def _delete(obj: Any, object_type: str, done: str, endpoint: str) -> Any:
    """Delete one org-owned catalogue row, audited; the caller loaded it through the scope."""
    s = db.session()
    s.delete(obj)
    audit_log(
        s,
        f"{object_type}.deleted",
        actor_id=current_user.id,
        org_id=obj.org_id,
        object_type=object_type,
        object_id=obj.id,
    )
    s.commit()
    flash(done, "success")
    return redirect(url_for(endpoint))


@bp.route("/authorities/<int:authority_id>/delete", methods=["POST"])
@admin_required
def authority_delete(authority_id: int) -> Any:
    from ..faults.models import Fault, FaultAuthority

    s = db.session()
    obj = get_scoped_or_404(Authority, authority_id)
    used = (
        s.exec(
            select(func.count()).select_from(Fault).where(Fault.primary_authority_id == obj.id)
        ).one()
        + s.exec(
            select(func.count())
            .select_from(FaultAuthority)
            .where(FaultAuthority.authority_id == obj.id)
        ).one()
    )
    if used:
        # Faults point at it: deleting would orphan them. Renaming it is the way instead.
        form = AuthorityForm(formdata=None, obj=obj, sections=_section_choices())
        form.form_errors.append(
            _(
                "Myndigheten används av %(n)d systemfel och kan inte tas bort. Byt namn på den "
                "i stället, eller flytta systemfelen till en annan myndighet först.",
                n=used,
            )
        )
        return render_template("orgs/authority.html", form=form, obj=obj), 400
    return _delete(obj, "authority", _("Myndigheten är borttagen."), "admin.authorities")


@bp.route("/sections")
@admin_required
def sections() -> Any:
    org = current_org()
    assert org.id is not None
    return render_template(
        "orgs/sections.html", rows=services.sections_in_order(db.session(), org.id)
    )


@bp.route("/sections/new", methods=["GET", "POST"], defaults={"section_id": None})
@bp.route("/sections/<int:section_id>", methods=["GET", "POST"])
@admin_required
def section(section_id: int | None) -> Any:
    s = db.session()
    org = current_org()
    obj = get_scoped_or_404(ReportSection, section_id) if section_id else None
    parents = [
        (sid, h)
        for sid, h in _section_choices()
        if not h.startswith("– ") and (obj is None or sid != obj.id)
    ]
    form = SectionForm(obj=obj, parents=parents)
    if request.method == "GET" and obj is not None:
        form.parent_id.data = obj.parent_id or 0
    if request.method == "POST":
        if form.validate_on_submit() and guard_form(form, ["heading"], blocking_only=True):
            if obj is None:
                obj = ReportSection(org_id=org.id or 0, heading="")
            obj.heading = (form.heading.data or "").strip()
            parent = form.parent_id.data or 0
            obj.parent_id = get_scoped_or_404(ReportSection, parent).id if parent else None
            if form.position.data is not None:
                obj.position = form.position.data
            elif obj.id is None:
                obj.position = 1 + (
                    s.exec(
                        select(func.max(ReportSection.position)).where(
                            ReportSection.org_id == org.id
                        )
                    ).one()
                    or 0
                )
            s.add(obj)
            s.flush()
            audit_log(
                s,
                "report_section.saved",
                actor_id=current_user.id,
                org_id=org.id,
                object_type="report_section",
                object_id=obj.id,
            )
            s.commit()
            flash(_("Rubriken är sparad."), "success")
            return redirect(url_for("admin.sections"))
        return render_template("orgs/section.html", form=form, obj=obj), 400
    return render_template("orgs/section.html", form=form, obj=obj)


@bp.route("/sections/<int:section_id>/delete", methods=["POST"])
@admin_required
def section_delete(section_id: int) -> Any:
    obj = get_scoped_or_404(ReportSection, section_id)
    return _delete(obj, "report_section", _("Rubriken är borttagen."), "admin.sections")


@bp.route("/themes", methods=["GET", "POST"])
@admin_required
def themes() -> Any:
    from ..faults.models import Theme

    s = db.session()
    org = current_org()
    form = ThemeForm()
    status = 200
    if request.method == "POST":
        name = (form.name.data or "").strip().lower()
        if form.validate_on_submit() and guard_form(form, ["name"], blocking_only=True):
            if s.exec(scoped(Theme).where(Theme.name == name)).first() is None:
                theme = Theme(org_id=org.id or 0, name=name)
                s.add(theme)
                s.flush()
                audit_log(
                    s,
                    "theme.created",
                    actor_id=current_user.id,
                    org_id=org.id,
                    object_type="theme",
                    object_id=theme.id,
                )
                s.commit()
                flash(_("Temat är tillagt."), "success")
                return redirect(url_for("admin.themes"))
            form.name.errors = [_("Temat finns redan.")]
        status = 400
    rows = s.exec(scoped(Theme).order_by(Theme.name)).all()
    return render_template("orgs/themes.html", rows=rows, form=form), status


@bp.route("/themes/<int:theme_id>/delete", methods=["POST"])
@admin_required
def theme_delete(theme_id: int) -> Any:
    from ..faults.models import Theme

    theme = get_scoped_or_404(Theme, theme_id)
    return _delete(theme, "theme", _("Temat är borttaget."), "admin.themes")


@bp.route("/outbox")
@admin_required
def outbox() -> Any:
    from ..digests.models import OutboxMessage

    s = db.session()
    status = request.args.get("status") or None
    q = scoped(OutboxMessage)
    if status:
        q = q.where(OutboxMessage.status == status)
    rows = s.exec(q.order_by(col(OutboxMessage.id).desc()).limit(200)).all()
    return render_template(
        "orgs/outbox.html",
        rows=rows,
        status=status,
        mail_configured=bool(current_app.config.get("MAIL_SERVER")),
    )


@bp.route("/outbox/<int:msg_id>")
@admin_required
def outbox_message(msg_id: int) -> Any:
    from ..digests.models import OutboxMessage

    return render_template("orgs/outbox_message.html", msg=get_scoped_or_404(OutboxMessage, msg_id))


@bp.route("/outbox/<int:msg_id>/resend", methods=["POST"])
@admin_required
def outbox_resend(msg_id: int) -> Any:
    from ..digests import outbox as mail
    from ..digests.models import OutboxMessage

    s = db.session()
    msg = get_scoped_or_404(OutboxMessage, msg_id)
    if msg.status != "failed":
        flash(_("Bara misslyckade meddelanden kan skickas igen."), "error")
        return redirect(url_for("admin.outbox")), 400
    mail.resend(s, msg)
    audit_log(
        s,
        "outbox.resend",
        actor_id=current_user.id,
        org_id=msg.org_id,
        object_type="outbox_message",
        object_id=msg.id,
    )
    s.commit()
    flash(_("Meddelandet skickas igen vid nästa utskick."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("admin.outbox"))


# ---- settings ----------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings() -> Any:
    s = db.session()
    org = s.merge(current_org())
    form = SettingsForm(obj=org)
    if request.method == "POST":
        if form.validate_on_submit() and guard_form(
            form, ["name", "kommuner", "age_bands"], blocking_only=True
        ):
            mfa_before = org.mfa_required
            form.populate_obj(org)
            if org.mfa_required != mfa_before:
                audit_log(
                    s,
                    "org.mfa_required" if org.mfa_required else "org.mfa_optional",
                    actor_id=current_user.id,
                    org_id=org.id,
                    object_type="organisation",
                    object_id=org.id,
                )
            org.age_bands = ",".join(b.strip() for b in org.age_bands.split(",") if b.strip())
            audit_log(
                s,
                "org.settings_changed",
                actor_id=current_user.id,
                org_id=org.id,
                object_type="organisation",
                object_id=org.id,
            )
            s.commit()
            flash(_("Inställningarna är sparade."), "success")
            return redirect(url_for("admin.settings"))
        return render_template("orgs/settings.html", form=form), 400
    return render_template("orgs/settings.html", form=form)


# ---- audit log ---------------------------------------------------------------------------


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@bp.route("/audit")
@admin_required
def audit() -> Any:
    s = db.session()
    org = current_org()
    page = max(request.args.get("page", 1, type=bounded_int) or 1, 1)
    size = current_app.config["PAGE_SIZE"]
    action = request.args.get("action") or None
    actor = request.args.get("actor", type=bounded_int)
    day_from = _parse_day(request.args.get("from"))
    day_to = _parse_day(request.args.get("to"))
    errors = []
    if request.args.get("from") and day_from is None:
        errors.append(_("Från-datum ska skrivas ÅÅÅÅ-MM-DD."))
    if request.args.get("to") and day_to is None:
        errors.append(_("Till-datum ska skrivas ÅÅÅÅ-MM-DD."))
    members = select(Membership.user_id).where(Membership.org_id == org.id)
    # The organisation's own entries, and the account events (logins, failed logins,
    # lockouts) of its members, which belong to no single organisation.
    mine = or_(
        col(AuditEntry.org_id) == org.id,
        col(AuditEntry.org_id).is_(None)
        & (AuditEntry.object_type == "user")
        & col(AuditEntry.object_id).in_(members),
    )
    q = select(AuditEntry, User).outerjoin(User, col(User.id) == AuditEntry.actor_id).where(mine)
    if action:
        q = q.where(AuditEntry.action == action)
    if actor:
        q = q.where(AuditEntry.actor_id == actor)
    if day_from:
        q = q.where(AuditEntry.at >= datetime.combine(day_from, time(), STOCKHOLM).astimezone(UTC))
    if day_to:
        end = datetime.combine(day_to + timedelta(days=1), time(), STOCKHOLM).astimezone(UTC)
        q = q.where(AuditEntry.at < end)
    rows = s.exec(
        q.order_by(col(AuditEntry.id).desc()).offset((page - 1) * size).limit(size + 1)
    ).all()
    actions = s.exec(
        select(AuditEntry.action).where(mine).distinct().order_by(AuditEntry.action)
    ).all()
    actors = s.exec(
        scoped_with(Membership, User).join(User, User.id == Membership.user_id).order_by(User.name)
    ).all()
    return render_template(
        "orgs/audit.html",
        rows=rows[:size],
        has_next=len(rows) > size,
        page=page,
        actions=actions,
        actors=[u for _m, u in actors],
        errors=errors,
    ), 400 if errors else 200


# The member pages (users, invitations, deactivation) register on this blueprint too.
from . import members as _members  # noqa: E402,F401
