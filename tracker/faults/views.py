"""Fault register: list, CSV export, page, create, edit (optimistic locking), status,
merge and relate, and editing an occurrence."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import db
from ..conflicts import read_snapshot
from ..dataversion import org_key
from ..guard import guard_form
from ..meetings.forms import (
    escalation_outcome_labels,
    escalation_status_labels,
    outcome_labels,
)
from ..meetings.queries import fault_thread
from ..orgs.context import current_org, get_scoped_or_404, role_required
from ..params import bounded_int
from ..timeutil import utcnow
from . import bp, edit_page, editing, list_page, queries, services
from .common import (
    MANAGERS,
    WORKERS,
    authority_choices,
    can_edit_occurrence,
    get_fault_or_404,
    refuse_repeated_title,
    theme_choices,
)
from .forms import (
    FaultForm,
    LinkForm,
    OccurrenceFields,
    StatusForm,
    consequence_labels,
    gender_choices,
    level_choices,
    status_labels,
)
from .models import Fault, Occurrence
from .page_view import MONTHS, month_bars, occurrence_lines
from .queries import FaultFilters

workers_only = role_required(*WORKERS)
managers_only = role_required(*MANAGERS)


def _labels() -> dict[str, Any]:
    return {
        "status_labels": status_labels(),
        "level_labels": dict(level_choices()),
        "gender_labels": dict(gender_choices()),
        "consequence_labels": consequence_labels(),
        "transitions": services.TRANSITIONS,
    }


def _parse_filters() -> tuple[FaultFilters, list[str]]:
    a = request.args
    errors: list[str] = []

    def day(name: str) -> date | None:
        raw = a.get(name, "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            errors.append(_("Datum ska skrivas ÅÅÅÅ-MM-DD: ”%(value)s”.", value=raw))
            return None

    flt = FaultFilters(
        q=a.get("q", "")[:200],
        authority_id=a.get("authority", type=bounded_int),
        huvudman=a.get("huvudman", ""),
        status=a.get("status", ""),
        level=a.get("level", ""),
        theme_id=a.get("theme", type=bounded_int),
        date_from=day("from"),
        date_to=day("to"),
        recurring=a.get("recurring") == "1",
        sort=a.get("sort", "last") if a.get("sort") in queries.SORTS else "last",
    )
    return flt, errors


@bp.route("/faults/")
@workers_only
def fault_list() -> Any:
    s = db.session()
    org = current_org()
    flt, errors = _parse_filters()
    page = max(request.args.get("page", 1, type=bounded_int) or 1, 1)
    size = current_app.config["PAGE_SIZE"]
    return render_template(
        "faults/list.html",
        page=page,
        flt=flt,
        errors=errors,
        **list_page.context(s, org, flt, page=page, size=size),
        **_labels(),
    ), 400 if errors else 200


@bp.route("/faults/export.csv")
@workers_only
def fault_export() -> Any:
    s = db.session()
    org = current_org()
    flt, errors = _parse_filters()
    if errors:
        abort(400)
    rows, _total = queries.fault_list(s, org, flt, page=None, size=0)
    labels = _labels()
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    from .xlsx import header

    w.writerow(header())  # the same columns as the XLSX
    for r in rows:
        w.writerow(
            [
                _cell(v)
                for v in (
                    r.fault.ref,
                    r.fault.title,
                    r.authority,
                    r.huvudman,
                    labels["status_labels"].get(r.fault.status, r.fault.status),
                    labels["level_labels"].get(r.fault.level or "", ""),
                    ", ".join(r.themes),
                    r.count,
                    r.last_seen.isoformat() if r.last_seen else "",
                    _("ja") if r.recurring else "",
                    r.fault.created_at.date().isoformat(),
                )
            ]
        )
    filename = f"systemfel-{org.slug}-{utcnow().date().isoformat()}.csv"
    return Response(
        "\ufeff" + buf.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/faults/export.xlsx")
@workers_only
def fault_export_xlsx() -> Any:
    from . import xlsx

    flt, errors = _parse_filters()
    if errors:
        abort(400)
    return xlsx.download(db.session(), current_org(), flt, _labels())


def _cell(value: Any) -> Any:
    """Spreadsheets run cells that start with = + - @ as formulas; defuse them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@bp.route("/faults/new", methods=["GET", "POST"])
@workers_only
def fault_new() -> Any:
    form = FaultForm()
    form.setup(authority_choices(), theme_choices())
    if request.method == "POST":
        if (
            form.validate_on_submit()
            and _valid_authorities(form)
            and guard_form(form, ["title", "description", "report_summary"])
            and not refuse_repeated_title(form.title)
        ):
            s = db.session()
            org = current_org()
            assert org.id is not None
            fault = services.create_fault(
                s,
                org_id=org.id,
                actor_id=current_user.id,
                title=form.title.data or "",
                description=form.description.data or "",
                primary_authority_id=form.primary_authority_id.data or 0,
                other_authority_ids=form.other_authority_ids.data or [],
                level=form.level.data or None,
                theme_ids=form.theme_ids.data or [],
                report_summary=form.report_summary.data or "",
            )
            s.commit()
            flash(_("Systemfelet %(ref)s är skapat.", ref=fault.ref), "success")
            return redirect(url_for("faults.fault_page", ref=fault.ref))
        return render_template("faults/edit.html", form=form, fault=None), 400
    return render_template("faults/edit.html", form=form, fault=None)


def _valid_authorities(form: FaultForm) -> bool:
    valid = {c[0] for c in form.other_authority_ids.choices or []}
    if form.primary_authority_id.data not in valid:
        form.primary_authority_id.errors = [_("Välj ansvarig myndighet.")]
        return False
    return True


def _older_than(value: str | None) -> tuple[date, int] | None:
    """'2026-03-01.1234': the last occurrence shown, for the next (older) page."""
    try:
        day, occ_id = (value or "").split(".")
        return date.fromisoformat(day), bounded_int(occ_id)
    except ValueError:
        return None


@bp.route("/faults/<ref>")
@workers_only
def fault_page(ref: str) -> Any:
    s = db.session()
    fault = get_fault_or_404(ref)
    if fault.duplicate_of_id is not None:
        survivor = get_scoped_or_404(Fault, fault.duplicate_of_id)
        flash(
            _(
                "%(old)s är en dubblett och har slagits ihop med %(new)s.",
                old=fault.ref,
                new=survivor.ref,
            ),
            "info",
        )
        return redirect(url_for("faults.fault_page", ref=survivor.ref), 301)
    page = queries.fault_page(
        s, current_org(), fault, before=_older_than(request.args.get("older"))
    )
    thread = fault_thread(s, fault.id or 0)
    bars = month_bars(queries.monthly_series(page.monthly, today=utcnow().date()))
    return render_template(
        "faults/page.html",
        p=page,
        # the occurrence lines: kept per process (tracker.fragments) until an occurrence
        # of the organisation changes, per person (the edit links), page and language
        lines_key=(
            org_key(current_org()),
            fault.id,
            request.args.get("older", ""),
            current_user.id,
            str(get_locale()),
        ),
        lines=lambda: occurrence_lines(
            page.occurrences,
            user_id=current_user.id,
            edits_all=getattr(g, "role", None) in ("samordnare", "admin"),
        ),
        thread=thread,
        esc_status_labels=escalation_status_labels(),
        esc_outcome_labels=escalation_outcome_labels(),
        outcome_labels=outcome_labels(),
        bars=bars,
        status_form=StatusForm(),
        link_form=LinkForm(),
        user_id=current_user.id,
        **_labels(),
    )


@bp.route("/faults/<ref>/edit", methods=["GET", "POST"])
@workers_only
def fault_edit(ref: str) -> Any:
    """Edit with optimistic locking per field (tracker.faults.editing): a save after someone
    else's keeps their changes to fields this person left alone; fields both changed come
    back (409) with both values and a choice per field."""
    s = db.session()
    fault = get_fault_or_404(ref)
    form = FaultForm(obj=fault)
    form.setup(authority_choices(), theme_choices())
    if request.method == "GET":
        edit_page.load(form, fault, editing.fault_values(s, fault))
        return edit_page.page(form, fault)
    keep = edit_page.keep_theirs()
    if not (
        form.validate_on_submit()
        and _valid_authorities(form)
        and guard_form(form, [n for n in edit_page.TEXTS if n not in keep])
    ):
        chosen = [n for n in editing.FIELDS if request.form.get(edit_page.CHOICE + n)]
        rows = edit_page.conflict_rows(form, chosen, editing.fault_values(s, fault))
        return edit_page.page(form, fault, conflicts=rows), 400
    try:
        expected = bounded_int(form.version.data or 0)
    except ValueError:
        expected = 0
    try:
        result = editing.update_fault(
            s,
            fault=fault,
            actor_id=current_user.id,
            expected_version=expected,
            title=form.title.data or "",
            description=form.description.data or "",
            primary_authority_id=form.primary_authority_id.data or 0,
            other_authority_ids=form.other_authority_ids.data or [],
            level=form.level.data or None,
            theme_ids=form.theme_ids.data or [],
            report_summary=form.report_summary.data or "",
            loaded=read_snapshot(form.loaded.data),
            keep_theirs=keep,
        )
    except editing.FieldConflict as conflict:
        return edit_page.conflict_page(form, conflict), 409  # nothing saved
    s.commit()
    flash(_("Ändringarna är sparade."), "success")
    edit_page.flash_taken(form, result.taken)
    return redirect(url_for("faults.fault_page", ref=fault.ref))


@bp.route("/faults/<ref>/status", methods=["POST"])
@managers_only
def fault_status(ref: str) -> Any:
    s = db.session()
    fault = get_fault_or_404(ref)
    form = StatusForm()
    if not form.validate_on_submit() or not guard_form(form, ["comment"]):
        flash(" ".join(form.comment.errors or [_("Ogiltig statusändring.")]), "error")
        return redirect(url_for("faults.fault_page", ref=fault.ref)), 400
    try:
        services.change_status(
            s,
            fault=fault,
            actor_id=current_user.id,
            to=form.to.data or "",
            comment=form.comment.data or "",
        )
    except services.RuleError:
        flash(
            _(
                "Statusen kan inte ändras så från %(status)s.",
                status=status_labels().get(fault.status, fault.status),
            ),
            "error",
        )
        return redirect(url_for("faults.fault_page", ref=fault.ref)), 400
    s.commit()
    flash(_("Status ändrad till %(status)s.", status=status_labels()[fault.status]), "success")
    return redirect(url_for("faults.fault_page", ref=fault.ref))


def _other_fault(form: LinkForm, fault: Fault) -> Fault | None:
    if not form.validate_on_submit():
        return None
    other = queries.find_by_ref(db.session(), (form.other_ref.data or "").strip())
    if other is None or other.id == fault.id or other.duplicate_of_id is not None:
        return None
    return other


@bp.route("/faults/<ref>/merge", methods=["POST"])
@managers_only
def fault_merge(ref: str) -> Any:
    s = db.session()
    fault = get_fault_or_404(ref)
    other = _other_fault(LinkForm(), fault)
    if other is None:
        flash(_("Hittar inget annat aktivt systemfel med den referensen."), "error")
        return redirect(url_for("faults.fault_page", ref=fault.ref)), 400
    moved = services.merge_into(s, fault=fault, into=other, actor_id=current_user.id)
    s.commit()
    flash(
        _(
            "%(old)s är nu en dubblett av %(new)s; %(n)d förekomster flyttades.",
            old=fault.ref,
            new=other.ref,
            n=moved,
        ),
        "success",
    )
    return redirect(url_for("faults.fault_page", ref=other.ref))


@bp.route("/faults/<ref>/relate", methods=["POST"])
@managers_only
def fault_relate(ref: str) -> Any:
    s = db.session()
    fault = get_fault_or_404(ref)
    other = _other_fault(LinkForm(), fault)
    if other is None:
        flash(_("Hittar inget annat aktivt systemfel med den referensen."), "error")
        return redirect(url_for("faults.fault_page", ref=fault.ref)), 400
    services.relate(s, fault=fault, other=other, actor_id=current_user.id)
    s.commit()
    flash(_("%(a)s och %(b)s är nu relaterade.", a=fault.ref, b=other.ref), "success")
    return redirect(url_for("faults.fault_page", ref=fault.ref))


@bp.route("/faults/<ref>/unrelate/<other_ref>", methods=["POST"])
@managers_only
def fault_unrelate(ref: str, other_ref: str) -> Any:
    s = db.session()
    fault = get_fault_or_404(ref)
    other = get_fault_or_404(other_ref)
    services.unrelate(s, fault=fault, other=other, actor_id=current_user.id)
    s.commit()
    return redirect(url_for("faults.fault_page", ref=fault.ref))


@bp.route("/occurrences/<int:occ_id>/edit", methods=["GET", "POST"])
@workers_only
def occurrence_edit(occ_id: int) -> Any:
    s = db.session()
    occ = get_scoped_or_404(Occurrence, occ_id)
    if not can_edit_occurrence(occ.logged_by_id, current_user.id):
        abort(403)
    fault = get_scoped_or_404(Fault, occ.fault_id)
    form = OccurrenceFields(obj=occ)
    if request.method == "GET":
        form.consequences.data = occ.consequence_list
    form.setup(current_org().age_band_list)
    if request.method == "POST":
        if form.validate_on_submit() and guard_form(form, ["narrative"]):
            services.update_occurrence(s, occ=occ, actor_id=current_user.id, **form.values())
            s.commit()
            flash(_("Förekomsten är sparad."), "success")
            return redirect(url_for("faults.fault_page", ref=fault.ref, _anchor=f"occ-{occ.id}"))
        return render_template("faults/occurrence_edit.html", form=form, occ=occ, fault=fault), 400
    return render_template("faults/occurrence_edit.html", form=form, occ=occ, fault=fault)


@bp.app_template_filter("month_name")
def month_name(month: int) -> str:
    return str(MONTHS[month - 1])
