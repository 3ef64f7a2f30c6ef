"""/api/v1/faults: the register (filters and pages as /faults/), one fault with its counts,
and the writes: create a fault, log an occurrence, change the status (with the version)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_smorest import abort

from .. import db
from ..faults import queries, services
from ..faults.common import MANAGERS, WORKERS
from ..faults.models import Fault
from ..faults.queries import FaultFilters
from ..orgs.context import current_org, get_scoped_or_404
from ..orgs.models import Authority
from ..privacy import find_identifiers
from ..timeutil import utcnow
from . import schemas
from .auth import caller, problem, require_role
from .common import bp, errors_doc

DEFAULT_PER_PAGE = 25


def refuse_identifiers(fields: dict[str, str | None], *, confirmed: bool) -> Any:
    """The privacy guard (the same detector as every form): a problem (422) naming each
    finding's field, kind and position – never the text – or None when the text is clean.
    Warnings (a name, an address) pass only with confirm_anonymous."""
    findings = []
    for name, text in fields.items():
        for f in find_identifiers(text or ""):
            if f.blocking or not confirmed:
                findings.append(
                    {
                        "field": name,
                        "kind": f.kind,
                        "start": f.start,
                        "end": f.end,
                        "blocking": f.blocking,
                    }
                )
    if not findings:
        return None
    blocking = any(f["blocking"] for f in findings)
    detail = (
        "Texten innehåller uppgifter som kan identifiera en person och sparades inte."
        if blocking
        else "Texten kan innehålla ett namn eller en adress. Kontrollera den och skicka "
        "igen med confirm_anonymous: true."
    )
    return problem(422, detail, kind="personal-data", findings=findings)


def _fault_or_404(ref: str) -> Fault:
    fault = queries.find_by_ref(db.session(), ref[:40])
    if fault is None:
        abort(404, message="Systemfelet finns inte.")
    assert fault is not None
    return fault


def _authority(a: Authority) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "huvudman": a.huvudman}


@bp.route("/faults", methods=["GET"])
@bp.arguments(schemas.FaultQuery, location="query")
@bp.response(200, schemas.FaultPage)
@errors_doc(400, 403)
def list_faults(args: dict[str, Any]) -> Any:
    """Systemfelen, filtrerade och sidindelade som registret /faults/.

    Kräver rollen ombud, samordnare eller admin (en ledamots nyckel ser bara sammanställningar).
    """
    require_role(*WORKERS)
    s = db.session()
    org = current_org()
    flt = FaultFilters(
        q=args.get("q", ""),
        authority_id=args.get("authority"),
        huvudman=args.get("huvudman", ""),
        status=args.get("status", ""),
        level=args.get("level", ""),
        theme_id=args.get("theme"),
        date_from=args.get("from_"),
        date_to=args.get("to"),
        recurring=bool(args.get("recurring")),
        sort=args.get("sort", "last"),
    )
    page = args.get("page", 1)
    size = args.get("per_page", DEFAULT_PER_PAGE)
    rows, total = queries.fault_list(s, org, flt, page=page, size=size)
    items = [
        {
            "ref": r.fault.ref,
            "title": r.fault.title,
            "status": r.fault.status,
            "level": r.fault.level,
            "authority": r.authority,
            "huvudman": r.huvudman,
            "themes": r.themes,
            "occurrence_count": r.count,
            "last_observed_on": r.last_seen,
            "recurring": r.recurring,
            "created_at": r.fault.created_at,
            "version": r.fault.version,
        }
        for r in rows
    ]
    return {
        "items": items,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // size)),
        "per_page": size,
    }


def _detail(fault: Fault) -> dict[str, Any]:
    page = queries.fault_page(db.session(), current_org(), fault)
    return {
        "ref": fault.ref,
        "title": fault.title,
        "description": fault.description,
        "status": fault.status,
        "level": fault.level,
        "version": fault.version,
        "primary_authority": _authority(page.primary),
        "other_authorities": [_authority(a) for a in page.others],
        "themes": [t.name for t in page.themes],
        "occurrence_count": page.total,
        "recent_count": page.recent,
        "recurring": page.recurring,
        "last_observed_on": page.last_seen,
        "monthly": [{"year": y, "month": m, "count": c} for y, m, c in page.monthly],
        "occurrences": [
            {
                "id": o.id,
                "observed_on": o.observed_on,
                "narrative": o.narrative,
                "gender": o.gender,
                "age_band": o.age_band,
                "consequences": o.consequence_list,
            }
            for o, _name in page.occurrences
        ],
        "created_at": fault.created_at,
        "updated_at": fault.updated_at,
    }


@bp.route("/faults/<ref>", methods=["GET"])
@bp.response(200, schemas.FaultDetail)
@errors_doc(403, 404)
def get_fault(ref: str) -> Any:
    """Ett systemfel med antal förekomster (totalt, inom fönstret, per månad) och de
    senaste förekomsterna. En sammanfogad dubblett svarar med det kvarvarande felet."""
    require_role(*WORKERS)
    fault = _fault_or_404(ref)
    if fault.duplicate_of_id is not None:
        fault = get_scoped_or_404(Fault, fault.duplicate_of_id)
    return _detail(fault)


@bp.route("/faults", methods=["POST"])
@bp.arguments(schemas.FaultCreate)
@bp.response(201, schemas.FaultDetail)
@errors_doc(400, 403, 409, 415, 422)
def create_fault(data: dict[str, Any]) -> Any:
    """Skapa ett systemfel (status ny). Rubriken får inte upprepa ett befintligt fel."""
    require_role(*WORKERS)
    s = db.session()
    org = current_org()
    refused = refuse_identifiers(
        {k: data[k] for k in ("title", "description", "report_summary")},
        confirmed=data["confirm_anonymous"],
    )
    if refused is not None:
        return refused
    catalogue = {a.id for a in queries.authorities(s)}
    wanted = {data["primary_authority_id"], *data["other_authority_ids"]}
    if not wanted <= catalogue:
        abort(422, message="Myndigheten finns inte i verksamhetens katalog.")
    themes = {t.id for t in queries.themes(s)}
    if not set(data["theme_ids"]) <= themes:
        abort(422, message="Temat finns inte i verksamheten.")
    if not data["title"].strip():
        abort(422, message="Ange en rubrik.")
    existing = queries.same_title(s, data["title"])
    if existing is not None:
        return problem(
            409,
            "Det finns redan ett systemfel med den rubriken. Logga på det i stället.",
            kind="duplicate-title",
            existing_ref=existing.ref,
        )
    assert org.id is not None
    fault = services.create_fault(
        s,
        org_id=org.id,
        actor_id=caller().user.id,
        title=data["title"],
        description=data["description"],
        primary_authority_id=data["primary_authority_id"],
        other_authority_ids=data["other_authority_ids"],
        level=data["level"],
        theme_ids=data["theme_ids"],
        report_summary=data["report_summary"],
    )
    s.commit()
    return _detail(fault)


@bp.route("/faults/<ref>/occurrences", methods=["POST"])
@bp.arguments(schemas.OccurrenceCreate)
@bp.response(201, schemas.OccurrenceCreated)
@errors_doc(400, 403, 404, 415, 422)
def log_occurrence(data: dict[str, Any], ref: str) -> Any:
    """Logga en förekomst (en avidentifierad iakttagelse) på ett systemfel."""
    require_role(*WORKERS)
    s = db.session()
    fault = _fault_or_404(ref)
    if fault.duplicate_of_id is not None:
        fault = get_scoped_or_404(Fault, fault.duplicate_of_id)
    observed: date = data["observed_on"]
    if observed > utcnow().date() or observed < date(2000, 1, 1):
        abort(422, message="Datumet kan inte ligga i framtiden eller före år 2000.")
    if data["age_band"] and data["age_band"] not in current_org().age_band_list:
        abort(422, message="Åldersgruppen finns inte i verksamhetens inställningar.")
    refused = refuse_identifiers(
        {"narrative": data["narrative"]}, confirmed=data["confirm_anonymous"]
    )
    if refused is not None:
        return refused
    occ = services.log_occurrence(
        s,
        fault=fault,
        actor_id=caller().user.id,
        observed_on=observed,
        narrative=data["narrative"],
        gender=data["gender"],
        age_band=data["age_band"],
        consequences=sorted(set(data["consequences"])),
    )
    s.commit()
    s.refresh(fault)
    return {
        "id": occ.id,
        "fault_ref": fault.ref,
        "observed_on": occ.observed_on,
        "occurrence_count": fault.occurrence_count,
    }


@bp.route("/faults/<ref>/status", methods=["POST"])
@bp.arguments(schemas.StatusChange)
@bp.response(200, schemas.FaultDetail)
@errors_doc(400, 403, 404, 409, 415, 422)
def change_status(data: dict[str, Any], ref: str) -> Any:
    """Ändra status. `version` är den version som lästes: har någon annan ändrat felet
    sedan dess svarar API:t 409 med den aktuella versionen och ändrar inget."""
    require_role(*MANAGERS)
    s = db.session()
    fault = _fault_or_404(ref)
    s.refresh(fault, with_for_update=True)  # PostgreSQL: one status change at a time
    if data["version"] != fault.version:
        return problem(
            409,
            "Systemfelet har ändrats sedan du läste det. Läs om det och försök igen.",
            kind="stale-version",
            current_version=fault.version,
        )
    refused = refuse_identifiers({"comment": data["comment"]}, confirmed=data["confirm_anonymous"])
    if refused is not None:
        return refused
    try:
        services.change_status(
            s, fault=fault, actor_id=caller().user.id, to=data["to"], comment=data["comment"]
        )
    except services.RuleError:
        abort(422, message=f"Statusen kan inte ändras från {fault.status} till {data['to']}.")
    s.commit()
    return _detail(fault)
