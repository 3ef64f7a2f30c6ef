"""Networks of PO verksamheter (a city, a samordningsförbund): the member organisations,
the people with a network role, what each organisation shares, and the network faults
that link the same systemfel seen by several members."""

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import UTCDateTime
from ..models_base import FREE_TEXT, free_text_column, free_text_field, utc_field

# nätverkssamordnare: compiles, matches, administers the network; nätverksledamot: reads.
NETWORK_ROLES = ("natverkssamordnare", "natverksledamot")
# An organisation's place in a network: invited by the network, then its own admin
# accepts or declines; a member may leave (and be invited again).
MEMBER_STATUSES = ("inbjuden", "medlem", "avbojd", "lamnat")
# What an organisation shares by default: escalated or recurring faults ("auto"), or only
# the faults its admin chooses one by one ("valda").
SHARE_RULES = ("auto", "valda")


class Network(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True, index=True)
    name: str = free_text_field(max_length=200)
    created_at: datetime = utc_field()


class NetworkOrg(SQLModel, table=True):
    """An organisation invited to, member of, or gone from a network. Only its own admin
    moves it from `inbjuden` to `medlem`: an organisation is never added silently."""

    # nothing the annual report computes depends on it (tracker.dataversion)
    __dataversion_skip__ = True

    __tablename__ = "network_org"
    __table_args__ = (UniqueConstraint("network_id", "org_id", name="uq_network_org"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    status: str = Field(default="inbjuden", max_length=20)
    share_rule: str = Field(default="auto", max_length=20)
    invited_at: datetime = utc_field()
    joined_at: datetime | None = utc_field(default_now=False, nullable=True)
    left_at: datetime | None = utc_field(default_now=False, nullable=True)


class NetworkRole(SQLModel, table=True):
    """A person's role in a network. It reaches the network's pages only – never an
    organisation's own pages (those need a membership of the organisation)."""

    __tablename__ = "network_role"
    __table_args__ = (UniqueConstraint("network_id", "user_id", name="uq_network_role_user"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)
    created_at: datetime = utc_field()


class FaultShare(SQLModel, table=True):
    """The admin's choice for one fault, over the organisation's rule: share it (True) or
    keep it (False) in every network the organisation is a member of."""

    # nothing the annual report computes depends on it (tracker.dataversion)
    __dataversion_skip__ = True

    __tablename__ = "fault_share"

    fault_id: int = Field(foreign_key="fault.id", primary_key=True, ondelete="CASCADE")
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    share: bool
    changed_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    changed_at: datetime = utc_field()


class NetworkFault(SQLModel, table=True):
    """Faults of different member organisations linked by a nätverkssamordnare as one
    systemfel. It holds no text of its own: what it shows comes from its linked faults
    that are shared at the moment, so a fault that stops being shared vanishes from it."""

    __tablename__ = "network_fault"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = utc_field()


class NetworkFaultLink(SQLModel, table=True):
    """A fault in a network fault: at most one network fault per fault and network, and
    at most one fault per organisation in a network fault."""

    # nothing the annual report computes depends on it (tracker.dataversion)
    __dataversion_skip__ = True

    __tablename__ = "network_fault_link"
    __table_args__ = (
        UniqueConstraint("network_id", "fault_id", name="uq_network_fault_link_fault"),
        UniqueConstraint("network_fault_id", "org_id", name="uq_network_fault_link_org"),
        Index("ix_network_fault_link_fault", "fault_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", ondelete="CASCADE")
    network_fault_id: int = Field(foreign_key="network_fault.id", index=True, ondelete="CASCADE")
    fault_id: int = Field(foreign_key="fault.id", ondelete="CASCADE")
    org_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    created_at: datetime = utc_field()


class NetworkMatchDismissal(SQLModel, table=True):
    """Two shared faults a nätverkssamordnare judged not to be the same systemfel: the
    pair is no longer suggested (tracker.networks.matching). Stored with the smaller fault
    id first."""

    __dataversion_skip__ = True

    __tablename__ = "network_match_dismissal"
    __table_args__ = (
        UniqueConstraint("network_id", "fault_a_id", "fault_b_id", name="uq_network_match_pair"),
    )

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    fault_a_id: int = Field(foreign_key="fault.id", ondelete="CASCADE")
    fault_b_id: int = Field(foreign_key="fault.id", ondelete="CASCADE")
    dismissed_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = utc_field()


class NetworkReportDraft(SQLModel, table=True):
    """The nätverkssamordnare's edited text of the network's compiled "Uppmärksammade
    brister" for one year, made from the generated text (only what the members share).
    Once final it is what the report page and the downloads show."""

    __tablename__ = "network_report_draft"
    __table_args__ = (
        UniqueConstraint("network_id", "year", name="uq_network_report_draft_network_year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    year: int
    markdown: str = Field(sa_column=Column(Text, nullable=False, info=FREE_TEXT))
    # The generated text the draft was made from.
    generated: str = Field(sa_column=Column(Text, nullable=False, info=FREE_TEXT))
    final: bool = Field(default=False)
    version: int = Field(default=1)  # optimistic locking: a stale save is refused
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = utc_field()
    # The latest opening of the final report for changes, and why (kept; the audit log
    # names only the draft).
    reopen_reason: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="", info=FREE_TEXT)
    )
    reopened_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reopened_at: datetime | None = utc_field(default_now=False, nullable=True)


# ---- the network forum (issue #15 item 4) -------------------------------------------------

NETWORK_FORUM_KINDS = ("samverkansforum", "samordningsforbund", "lansstyrelsen", "annat")
NETWORK_MEETING_STATUSES = ("planerat", "genomfort", "installt")
NETWORK_SECTIONS = ("uppfoljning", "nytt")
# An escalated network fault is open until a minuted outcome closes it.
NETWORK_ESCALATION_STATUSES = ("oppen", "stangd")
NETWORK_ACTION_STATUSES = ("oppen", "klar")


class NetworkForum(SQLModel, table=True):
    """Where the network raises its network faults: the city's samverkansforum, the
    samordningsförbund's board, a meeting with Länsstyrelsen …"""

    # nothing the annual report computes depends on it (tracker.dataversion)
    __dataversion_skip__ = True

    __tablename__ = "network_forum"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    name: str = free_text_field(max_length=200)
    kind: str = Field(default="samverkansforum", max_length=30)
    # the agenda is e-mailed to the network's people this many days before a meeting
    lead_days: int = Field(default=3)
    created_at: datetime = utc_field()


class NetworkMeeting(SQLModel, table=True):
    __dataversion_skip__ = True

    __tablename__ = "network_meeting"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    forum_id: int = Field(foreign_key="network_forum.id", index=True, ondelete="CASCADE")
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    place: str = free_text_field(default="", max_length=300)
    status: str = Field(default="planerat", max_length=20)
    # finalised minutes are read-only
    minutes_final: bool = Field(default=False)
    finalised_at: datetime | None = utc_field(default_now=False, nullable=True)
    created_at: datetime = utc_field()


class NetworkEscalation(SQLModel, table=True):
    """A network fault raised in a network forum with the ask; on the forum's agendas
    (new, then follow-up) until a minuted outcome closes it."""

    __dataversion_skip__ = True

    __tablename__ = "network_escalation"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    network_fault_id: int = Field(foreign_key="network_fault.id", index=True, ondelete="CASCADE")
    forum_id: int = Field(foreign_key="network_forum.id", index=True, ondelete="CASCADE")
    # the network fault's title when it was escalated (a network fault has no text of its own)
    title: str = free_text_field(default="", max_length=300)
    ask: str = free_text_column()
    status: str = Field(default="oppen", max_length=20)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = utc_field()
    closed_at: datetime | None = utc_field(default_now=False, nullable=True)


class NetworkAgendaItem(SQLModel, table=True):
    """An item on a network meeting's agenda, with its minutes. The title is a snapshot,
    so the minutes keep it when the network fault ends."""

    __dataversion_skip__ = True

    __tablename__ = "network_agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "escalation_id", name="uq_network_agenda_escalation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    meeting_id: int = Field(foreign_key="network_meeting.id", index=True, ondelete="CASCADE")
    escalation_id: int | None = Field(
        default=None, foreign_key="network_escalation.id", index=True, ondelete="SET NULL"
    )
    network_fault_id: int | None = Field(
        default=None, foreign_key="network_fault.id", index=True, ondelete="SET NULL"
    )
    section: str = Field(max_length=20)
    position: int = Field(default=0)
    title: str = free_text_field(default="", max_length=300)
    # minutes
    discussion: str = free_text_column()
    decision: str = free_text_column()
    responsible: str = free_text_field(default="", max_length=200)
    outcome: str | None = Field(default=None, max_length=20)  # tracker.meetings ITEM_OUTCOMES
    due_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))


class NetworkActionItem(SQLModel, table=True):
    """What a network forum's decision asks someone to do; followed up at the forum's
    next meetings until done."""

    __dataversion_skip__ = True

    __tablename__ = "network_action_item"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True, ondelete="CASCADE")
    forum_id: int = Field(foreign_key="network_forum.id", index=True, ondelete="CASCADE")
    agenda_item_id: int = Field(
        foreign_key="network_agenda_item.id", index=True, ondelete="CASCADE"
    )
    title: str = free_text_field(max_length=200)
    owner: str = free_text_field(default="", max_length=200)
    due_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    status: str = Field(default="oppen", max_length=10)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = utc_field()
    closed_at: datetime | None = utc_field(default_now=False, nullable=True)
