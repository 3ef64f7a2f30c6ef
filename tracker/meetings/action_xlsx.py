"""/meetings/<id>/actions.xlsx: the meeting's action items as a spreadsheet – the ones
decided at the meeting and, under Uppföljning, the forum's earlier ones that were open when
it started – the same rows as on the meeting page (one statement,
`action_queries.for_meeting`), with due and closing dates as dates."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from .. import db, xlsx
from ..orgs.context import current_org
from ..timeutil import local
from . import bp
from .action_forms import action_status_labels
from .action_queries import ActionRow, for_meeting
from .views import any_member, visible_meeting_or_404


def actions_table(own: list[ActionRow], carried: list[ActionRow]) -> xlsx.Table:
    status = action_status_labels()
    rows: list[list[xlsx.Value]] = []
    for part, items in ((_("Beslutad på mötet"), own), (_("Uppföljning"), carried)):
        for row in items:
            a = row.action
            rows.append(
                [
                    a.title,
                    row.owner or _("ingen – kontakten är borttagen"),
                    a.due_on,
                    status.get(a.status, a.status),
                    _("ja") if row.overdue else "",
                    row.source_title,
                    local(row.source_starts_at).date(),
                    a.closed_at,
                    part,
                ]
            )
    header = [
        _("Åtgärd"),
        _("Ansvarig"),
        _("Klart senast"),
        _("Status"),
        _("Försenad"),
        _("Ärende"),
        _("Mötet"),
        _("Avslutad"),
        _("Del"),
    ]
    return xlsx.Table(title=_("Åtgärder"), header=header, rows=rows)


@bp.route("/meetings/<int:meeting_id>/actions.xlsx")
@any_member
def meeting_actions_xlsx(meeting_id: int) -> Any:
    meeting = visible_meeting_or_404(meeting_id)
    found = for_meeting(db.session(), meeting)
    own = sorted(
        (r for rows in found.own.values() for r in rows),
        key=lambda r: (r.action.due_on, r.action.id or 0),
    )
    day = local(meeting.starts_at).date().isoformat()
    data = xlsx.workbook(
        [actions_table(own, found.carried)],
        creator=current_org().name,
        title=_("Åtgärder från mötet %(day)s", day=day),
    )
    return xlsx.response(data, f"atgarder-mote-{meeting.id}-{day}.xlsx")
