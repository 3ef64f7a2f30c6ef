"""/api/v1: the authorities, meetings with agendas (and minutes when held) and the annual
report section – for every role; a ledamot's token sees only the forums they belong to."""

from __future__ import annotations

from typing import Any

from flask_smorest import abort
from sqlmodel import col, select

from .. import db
from ..faults.common import WORKERS
from ..faults.models import Fault
from ..faults.queries import authorities
from ..meetings.models import AgendaItem, Escalation, Forum, Meeting, MeetingMinutes
from ..meetings.queries import member_forum_ids
from ..orgs.context import current_org, in_current_org, scoped_with
from ..timeutil import utcnow
from . import schemas
from .auth import caller, require_role
from .common import bp, errors_doc

MEETINGS_SHOWN = 50


@bp.route("/authorities", methods=["GET"])
@bp.response(200, schemas.Authority(many=True))
@errors_doc()
def list_authorities() -> Any:
    """Verksamhetens katalog av myndigheter (id används när ett systemfel skapas)."""
    return [{"id": a.id, "name": a.name, "huvudman": a.huvudman} for a in authorities(db.session())]


def _visible_forums() -> list[int] | None:
    if caller().role == "ledamot":
        return member_forum_ids(db.session(), caller().user.id or 0)
    return None


def _meetings_out(meetings: list[tuple[Meeting, str]]) -> list[dict[str, Any]]:
    """The meetings with their agendas and current minutes: two statements for all."""
    s = db.session()
    ids = [m.id for m, _f in meetings]
    items: dict[int, list[dict[str, Any]]] = {i or 0: [] for i in ids}
    held = {m.id for m, _f in meetings if m.status == "genomfort"}
    if ids:
        rows = s.exec(
            scoped_with(AgendaItem, Fault.ref)
            .outerjoin(Escalation, col(Escalation.id) == AgendaItem.escalation_id)
            .outerjoin(Fault, col(Fault.id) == Escalation.fault_id)
            .where(col(AgendaItem.meeting_id).in_(ids))
            .order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.id)
        ).all()
        for item, ref in rows:
            done = item.meeting_id in held
            items[item.meeting_id].append(
                {
                    "id": item.id,
                    "section": item.section,
                    "title": item.title,
                    "fault_ref": ref,
                    "outcome": item.outcome if done else None,
                    "decision": item.decision if done else None,
                }
            )
    minutes: dict[int, str] = {}
    if held:
        for mid, text in s.exec(
            select(MeetingMinutes.meeting_id, MeetingMinutes.minutes_md)
            .where(
                in_current_org(MeetingMinutes),
                col(MeetingMinutes.meeting_id).in_(list(held)),
            )
            .order_by(col(MeetingMinutes.meeting_id), col(MeetingMinutes.revision))
        ).all():
            minutes[mid] = text  # the newest revision comes last
    return [
        {
            "id": m.id,
            "forum_id": m.forum_id,
            "forum": forum,
            "starts_at": m.starts_at,
            "place": m.place,
            "status": m.status,
            "agenda": items.get(m.id or 0, []),
            "minutes_markdown": minutes.get(m.id or 0),
        }
        for m, forum in meetings
    ]


def _meeting_query() -> Any:
    q = scoped_with(Meeting, Forum.name).join(Forum, col(Forum.id) == Meeting.forum_id)
    only = _visible_forums()
    if only is not None:
        q = q.where(col(Meeting.forum_id).in_(only))
    return q


@bp.route("/meetings", methods=["GET"])
@bp.arguments(schemas.MeetingQuery, location="query")
@bp.response(200, schemas.MeetingOut(many=True))
@errors_doc(400)
def list_meetings(args: dict[str, Any]) -> Any:
    """Mötena (de senaste 50, nyast först) med dagordning, och för genomförda möten
    beslut och fastställda minnesanteckningar. En ledamot ser sina forums möten."""
    q = _meeting_query()
    if args.get("forum") is not None:
        q = q.where(Meeting.forum_id == args["forum"])
    if args.get("status"):
        q = q.where(Meeting.status == args["status"])
    rows = db.session().exec(
        q.order_by(col(Meeting.starts_at).desc(), col(Meeting.id).desc()).limit(MEETINGS_SHOWN)
    )
    return _meetings_out([(m, name) for m, name in rows.all()])


@bp.route("/meetings/<int:meeting_id>", methods=["GET"])
@bp.response(200, schemas.MeetingOut)
@errors_doc(404)
def get_meeting(meeting_id: int) -> Any:
    """Ett möte med dagordning (och minnesanteckningar när det är genomfört)."""
    row = db.session().exec(_meeting_query().where(Meeting.id == meeting_id)).first()
    if row is None:
        abort(404, message="Mötet finns inte.")
    return _meetings_out([(row[0], row[1])])[0]


@bp.route("/reports/<int:year>", methods=["GET"])
@bp.response(200, schemas.ReportSection)
@errors_doc(403, 404)
def report_section(year: int) -> Any:
    """Årsrapportens avsnitt "Uppmärksammade brister" som Markdown, med små tal dolda
    som i rapporten. Som på sidorna: för ombud, samordnare och admin."""
    from ..reports.views import _generated

    require_role(*WORKERS)
    if not 2000 <= year <= utcnow().year + 1:
        abort(404, message="Det finns ingen rapport för det året.")
    org = current_org()
    quarters, markdown = _generated([org], year)
    return {"year": year, "organisation": org.name, "markdown": markdown, "quarters": quarters}
