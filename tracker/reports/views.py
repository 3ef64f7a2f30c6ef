"""/reports/<year>: preview, draft, diff against fresh data, final; Markdown and Word."""

from __future__ import annotations

import difflib
import threading
from collections import OrderedDict
from typing import Any

from flask import (
    Blueprint,
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
from flask_wtf import FlaskForm
from sqlmodel import col, select
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import Length

from .. import db
from ..faults.common import WORKERS
from ..guard import FreeTextRefused
from ..orgs.context import current_org, member_org_ids, role_required
from ..orgs.models import Organisation
from ..text import render_markdown
from ..timeutil import utcnow
from . import build, services, writing
from .docx_export import markdown_to_docx
from .models import ReportDraft, ReportDraftVersion

bp = Blueprint("reports", __name__, url_prefix="/reports")
authors_only = role_required(*WORKERS)


class DraftForm(FlaskForm):
    version = HiddenField()
    markdown = TextAreaField(validators=[Length(max=200_000)])
    confirm_anonymous = BooleanField()


def _year(year: int) -> int:
    if not 2000 <= year <= utcnow().year + 1:
        abort(404)
    return year


_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def _cache() -> OrderedDict[tuple[Any, ...], tuple[list[int], str]]:
    """This application's reports (one per app: another app may have another database)."""
    cache: OrderedDict[tuple[Any, ...], tuple[list[int], str]]
    cache = current_app.extensions.setdefault("report_cache", OrderedDict())
    return cache


def _generated(orgs: list[Organisation], year: int) -> tuple[list[int], str]:
    """The year's occurrences per quarter and the generated section as Markdown. Kept per
    process until any of the organisations' data changes (their data version,
    tracker.dataversion): a report is a pure function of the data, the year and the
    language."""
    # created_at too: SQLite may give a new organisation the id of a deleted one
    key = (
        year,
        str(get_locale()),
        tuple((o.id, o.created_at.isoformat(), o.data_version) for o in orgs),
    )
    cache = _cache()
    with _CACHE_LOCK:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
    report = build.build(db.session(), orgs, year)
    result = (_quarters(report), writing.to_markdown(report))
    with _CACHE_LOCK:
        cache[key] = result
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return result


def _draft_or_404(year: int) -> tuple[Organisation, ReportDraft]:
    org = current_org()
    draft = services.get_draft(db.session(), org.id or 0, _year(year))
    if draft is None:
        abort(404)
    return org, draft


def _quarters(report: build.Report) -> list[int]:
    totals = [0, 0, 0, 0]
    for entries in report.by_section.values():
        for e in entries:
            for q in range(4):
                totals[q] += e.quarters[q]
    return totals


@bp.route("/")
@authors_only
def index() -> Any:
    return redirect(url_for("reports.report", year=utcnow().year))


@bp.route("/<int:year>")
@authors_only
def report(year: int) -> Any:
    org = current_org()
    quarters, generated = _generated([org], _year(year))
    s = db.session()
    draft = services.get_draft(s, org.id or 0, year)
    diff: list[str] = []
    if draft is not None and draft.generated != generated:
        diff = list(
            difflib.unified_diff(
                draft.generated.splitlines(),
                generated.splitlines(),
                "när utkastet skapades",
                "nu",
                lineterm="",
                n=1,
            )
        )
    history = (
        list(
            s.exec(
                select(ReportDraftVersion)
                .where(ReportDraftVersion.draft_id == (draft.id if draft else -1))
                .order_by(col(ReportDraftVersion.version).desc())
            ).all()
        )
        if draft
        else []
    )
    form = DraftForm(data={"version": draft.version, "markdown": draft.markdown}) if draft else None
    return render_template(
        "reports/report.html",
        year=year,
        html=render_markdown(generated, heading_offset=2),
        draft=draft,
        form=form,
        diff=diff,
        history=history,
        quarters=quarters,
        qmax=max(quarters + [1]),
        others=[o for _r, o in g.memberships if o.id != org.id and o.id in member_org_ids()],
    )


@bp.route("/<int:year>/draft", methods=["POST"])
@authors_only
def create_draft(year: int) -> Any:
    org = current_org()
    _report, generated = _generated([org], _year(year))
    s = db.session()
    services.create_draft(
        s, org_id=org.id or 0, year=year, generated=generated, actor_id=current_user.id
    )
    s.commit()
    flash(_("Utkastet är skapat från de aktuella uppgifterna."), "success")
    return redirect(url_for("reports.report", year=year, _anchor="draft"))


@bp.route("/<int:year>/draft/save", methods=["POST"])
@authors_only
def save_draft(year: int) -> Any:
    org, draft = _draft_or_404(year)
    s = db.session()
    form = DraftForm()
    status = 400
    if form.validate_on_submit():
        try:
            services.save_draft(
                s,
                draft=draft,
                markdown=form.markdown.data or "",
                expected_version=int(form.version.data)
                if (form.version.data or "").isdigit()
                else -1,
                actor_id=current_user.id,
                confirmed=bool(form.confirm_anonymous.data),
            )
        except services.DraftLocked:
            form.markdown.errors = [_("Utkastet är markerat som slutligt och kan inte ändras.")]
            status = 409
        except services.DraftConflict as exc:
            form.markdown.errors = [
                _(
                    "Någon annan har sparat utkastet (version %(v)d) medan du "
                    "skrev. Din text finns kvar nedan; jämför och spara igen.",
                    v=exc.current.version,
                )
            ]
            form.version.data = str(exc.current.version)
            status = 409
        except FreeTextRefused as exc:
            form.markdown.errors = list(exc.result.errors["markdown"])
            form.needs_confirmation = exc.result.needs_confirmation
        else:
            s.commit()
            flash(_("Utkastet är sparat."), "success")
            return redirect(url_for("reports.report", year=year, _anchor="draft"))
    quarters, generated = _generated([org], year)
    return render_template(
        "reports/report.html",
        year=year,
        html=render_markdown(generated, heading_offset=2),
        draft=draft,
        form=form,
        diff=[],
        history=[],
        quarters=quarters,
        qmax=max(quarters + [1]),
        others=[],
    ), status


@bp.route("/<int:year>/draft/adopt", methods=["POST"])
@authors_only
def adopt(year: int) -> Any:
    org, draft = _draft_or_404(year)
    s = db.session()
    _report, generated = _generated([org], year)
    try:
        services.adopt_generated(s, draft=draft, generated=generated, actor_id=current_user.id)
    except services.DraftLocked:
        abort(409)
    s.commit()
    flash(_("Ändringarna i underlaget är markerade som genomgångna."), "success")
    return redirect(url_for("reports.report", year=year, _anchor="draft"))


def _export(markdown: str, fmt: str, name: str, *, title: str, author: str) -> Response:
    if fmt == "docx":
        return Response(
            markdown_to_docx(markdown, title=title, author=author, created=utcnow().date()),
            mimetype=("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            headers={"Content-Disposition": f'attachment; filename="{name}.docx"'},
        )
    return Response(
        markdown,
        mimetype="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.md"'},
    )


@bp.route("/<int:year>.<fmt>")
@authors_only
def export(year: int, fmt: str) -> Any:
    if fmt not in ("md", "docx"):
        abort(404)
    org = current_org()
    draft = services.get_draft(db.session(), org.id or 0, _year(year))
    markdown = draft.markdown if draft else _generated([org], year)[1]
    return _export(
        markdown,
        fmt,
        f"uppmarksammade-brister-{org.slug}-{year}",
        title=f"Uppmärksammade brister {year}",
        author=org.name,
    )


@bp.route("/<int:year>/combined")
@authors_only
def combined(year: int) -> Any:
    wanted = [int(x) for x in request.args.getlist("org") if x.isdigit()]
    ids = member_org_ids(wanted or None)
    if len(ids) < 1:
        abort(404)
    orgs = list(
        db.session()
        .exec(select(Organisation).where(col(Organisation.id).in_(ids)).order_by(Organisation.name))
        .all()
    )
    quarters, markdown = _generated(orgs, _year(year))
    fmt = request.args.get("format")
    if fmt in ("md", "docx"):
        return _export(
            markdown,
            fmt,
            f"uppmarksammade-brister-samlad-{year}",
            title=f"Uppmärksammade brister {year}",
            author=", ".join(o.name for o in orgs),
        )
    return render_template(
        "reports/combined.html",
        year=year,
        html=render_markdown(markdown, heading_offset=1),
        orgs=orgs,
        quarters=quarters,
        qmax=max(quarters + [1]),
    )
