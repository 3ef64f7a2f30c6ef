"""/reports/<year>: preview, draft, changes in the data since, final; Markdown and Word.
The draft's editing (per section), preview and taking in changes: draft_views.py."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
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
from sqlmodel import col, select

from .. import db
from ..dataversion import cached, year_versions
from ..faults.common import WORKERS
from ..orgs.context import current_org, member_org_ids, role_required
from ..orgs.models import Organisation
from ..params import to_int
from ..text import render_markdown
from ..timeutil import utcnow
from . import build, draft_changes, draft_editor, pdf_export, services, writing
from .docx_export import markdown_to_docx
from .models import ReportDraft, ReportDraftVersion

bp = Blueprint("reports", __name__, url_prefix="/reports")
authors_only = role_required(*WORKERS)


@bp.context_processor
def _pdf_export() -> dict[str, bool]:
    """Offer the PDF download only where LibreOffice can make it."""
    return {"pdf_available": pdf_export.available()}


def _year(year: int) -> int:
    if not 2000 <= year <= utcnow().year + 1:
        abort(404)
    return year


Generated = tuple[list[int], str, draft_changes.Facts]


def _generated(orgs: list[Organisation], year: int) -> tuple[list[int], str]:
    """The year's occurrences per quarter and the generated section as Markdown."""
    quarters, markdown, _facts = _fresh(orgs, year)
    return quarters, markdown


def _fresh(orgs: list[Organisation], year: int) -> Generated:
    """The year's occurrences per quarter, the generated section as Markdown and the data
    behind it per section (tracker.reports.draft_changes). Kept per process until any of
    the organisations' data changes (their data version, tracker.dataversion): a report is
    a pure function of the data, the year and the language."""
    # the versions of the year and the year before (which faults are new), not the
    # occurrence version: the occurrences logged this year do not make last year's report
    # be rebuilt
    key = (
        year,
        str(get_locale()),
        tuple((o.id, o.created_at.isoformat(), o.data_version) for o in orgs),
        year_versions(db.session(), [o.id or 0 for o in orgs], [year - 1, year]),
    )

    def build_it() -> Generated:
        report = build.build(db.session(), orgs, year)
        return (_quarters(report), writing.to_markdown(report), draft_changes.facts(report))

    return cached("report", key, build_it, size=32)


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


def render_page(
    year: int,
    org: Organisation,
    draft: ReportDraft | None,
    *,
    rows: list[draft_editor.Row] | None = None,
    status: int = 200,
    **editor: Any,
) -> Any:
    """The report page: the generated preview, and the draft with its editor (`rows`: the
    sections as stored, or as typed when a save was refused or previewed) and the changes
    in the data since the draft was made."""
    quarters, generated, facts = _fresh([org], year)
    changes: list[draft_changes.Change] = []
    history: list[ReportDraftVersion] = []
    if draft is not None:
        if draft.generated != generated:
            then = draft_changes.loads(draft.snapshot)
            changes = draft_changes.changes(draft.generated, then, generated, facts)
        history = list(
            db.session()
            .exec(
                select(ReportDraftVersion)
                .where(ReportDraftVersion.draft_id == draft.id)
                .order_by(col(ReportDraftVersion.version).desc())
            )
            .all()
        )
        if rows is None:
            rows = draft_editor.from_markdown(draft.markdown)
    editor.setdefault("form", draft_editor.SectionsForm(formdata=None))
    return render_template(
        "reports/report.html",
        year=year,
        html=render_markdown(generated, heading_offset=2),
        draft=draft,
        rows=rows or [],
        changes=changes,
        history=history,
        quarters=quarters,
        qmax=max(quarters + [1]),
        others=[o for _r, o in g.memberships if o.id != org.id and o.id in member_org_ids()],
        **editor,
    ), status


@bp.route("/<int:year>")
@authors_only
def report(year: int) -> Any:
    org = current_org()
    draft = services.get_draft(db.session(), org.id or 0, _year(year))
    return render_page(year, org, draft)


@bp.route("/<int:year>/draft", methods=["POST"])
@authors_only
def create_draft(year: int) -> Any:
    org = current_org()
    _quarters, generated, facts = _fresh([org], _year(year))
    s = db.session()
    services.create_draft(
        s,
        org_id=org.id or 0,
        year=year,
        generated=generated,
        facts=facts,
        actor_id=current_user.id,
    )
    s.commit()
    flash(_("Utkastet är skapat från de aktuella uppgifterna."), "success")
    return redirect(url_for("reports.report", year=year, _anchor="draft"))


@bp.route("/<int:year>/draft/adopt", methods=["POST"])
@authors_only
def adopt(year: int) -> Any:
    org, draft = _draft_or_404(year)
    s = db.session()
    _quarters, generated, facts = _fresh([org], year)
    try:
        services.adopt_generated(
            s, draft=draft, generated=generated, facts=facts, actor_id=current_user.id
        )
    except services.DraftLocked:
        abort(409)
    s.commit()
    flash(_("Ändringarna i underlaget är markerade som genomgångna."), "success")
    return redirect(url_for("reports.report", year=year, _anchor="draft"))


def _export(markdown: str, fmt: str, name: str, *, title: str, author: str) -> Any:
    if fmt == "pdf":  # print-ready, from the Word file (pdf_export)
        return pdf_export.response(markdown, name, title=title, author=author)
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
    if fmt not in ("md", "docx", "pdf"):
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
    wanted = [n for x in request.args.getlist("org") if (n := to_int(x)) is not None]
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


from . import draft_views  # noqa: E402,F401 – its routes register on this blueprint
