from datetime import date, datetime

from sqlalchemy import Column, Date, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import UTCDateTime
from ..models_base import free_text_column, free_text_field, utc_field

FORUM_KINDS = ("ledningsgrupp", "samordningsforbund", "huvudman", "natverk", "annat")
ESCALATION_STATUSES = ("foreslagen", "koad", "pa_dagordning", "uppfoljning", "avslutad", "avbojd")
ESCALATION_OUTCOMES = ("atgardat", "ingen_atgard", "vidarebefordrad")
MEETING_STATUSES = ("planerat", "genomfort", "installt")
SECTIONS = ("uppfoljning", "nytt", "statistik", "ovrigt")
# Minuted outcome of an agenda item.
ITEM_OUTCOMES = ("foljs_upp", "atgardat", "ingen_atgard", "vidarebefordras")
ACTION_STATUSES = ("oppen", "klar", "struken")


class Forum(SQLModel, table=True):
    """Where faults are raised: the ledningsgrupp, the samordningsförbund, an authority …"""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    name: str = free_text_field(max_length=200)
    kind: str = Field(default="ledningsgrupp", max_length=30)
    lead_days: int = Field(default=7)
    cadence_per_year: int = Field(default=4)
    # E-mail the owner of an open action item this many days before it is due.
    reminder_days: int = Field(default=3)
    created_at: datetime = utc_field()


class Contact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    forum_id: int = Field(foreign_key="forum.id", index=True, ondelete="CASCADE")
    name: str = free_text_field(max_length=120)
    email: str = Field(default="", max_length=254)
    represents: str = free_text_field(default="", max_length=200)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)


class Escalation(SQLModel, table=True):
    """A fault raised in a forum, with the ask; followed meeting by meeting until closed."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    fault_id: int = Field(foreign_key="fault.id", index=True)
    forum_id: int = Field(foreign_key="forum.id", index=True)
    ask: str = free_text_column()
    status: str = Field(default="koad", max_length=20, index=True)
    outcome: str | None = Field(default=None, max_length=20)
    forwarded_from_id: int | None = Field(default=None, foreign_key="escalation.id")
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    accepted_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field()
    closed_at: datetime | None = utc_field(default_now=False, nullable=True)
    # A proposal the samordnare declined (status "avbojd"), with the reason the proposer sees.
    decline_reason: str = free_text_column()
    declined_by_id: int | None = Field(default=None, foreign_key="user.id")


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    forum_id: int = Field(foreign_key="forum.id", index=True)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    place: str = free_text_field(default="", max_length=300)
    status: str = Field(default="planerat", max_length=20)
    # RFC 5545 SEQUENCE: raised whenever the time or place changes or it is cancelled.
    sequence: int = Field(default=0)
    finalised_at: datetime | None = utc_field(default_now=False, nullable=True)
    created_at: datetime = utc_field()


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "escalation_id", name="uq_agenda_meeting_escalation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    section: str = Field(max_length=20)
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id", index=True)
    title: str = free_text_field(default="", max_length=300)
    position: int = Field(default=0)
    # minutes
    discussion: str = free_text_column()
    decision: str = free_text_column()
    responsible: str = free_text_field(default="", max_length=200)
    responsible_contact_id: int | None = Field(default=None, foreign_key="contact.id")
    outcome: str | None = Field(default=None, max_length=20)
    forward_forum_id: int | None = Field(default=None, foreign_key="forum.id")
    due_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    response: str = free_text_column()
    response_by_id: int | None = Field(default=None, foreign_key="user.id")


class MeetingMinutes(SQLModel, table=True):
    """What one finalising froze, as Markdown: the agenda (the staff's and the members'
    view, with the statistics of that day) and the minutes. Revision 1 is the first
    finalising, each re-finalising after a reopening adds the next; the newest is current.
    Documents are served from here, so they never change when data is added later."""

    __tablename__ = "meeting_minutes"
    __table_args__ = (
        UniqueConstraint("meeting_id", "revision", name="uq_meeting_minutes_revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    revision: int = Field(default=1)
    agenda_md: str = free_text_column()
    agenda_member_md: str = free_text_column()
    minutes_md: str = free_text_column()
    finalised_by_id: int | None = Field(default=None, foreign_key="user.id")
    finalised_at: datetime = utc_field()


class MeetingReopening(SQLModel, table=True):
    """A samordnare reopened finalised minutes to correct them, and why."""

    __tablename__ = "meeting_reopening"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    revision: int = Field(default=1)  # the revision that was reopened
    reason: str = free_text_column()
    reopened_by_id: int | None = Field(default=None, foreign_key="user.id")
    reopened_at: datetime = utc_field()


class MinutesDraft(SQLModel, table=True):
    """What a samordnare typed in the minutes editor and has not saved yet, kept by the
    page's autosave (one per person and meeting) so that nothing typed is lost; the form's
    fields as JSON, including the version of each item the text was written against."""

    __tablename__ = "minutes_draft"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_minutes_draft_user"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    payload: str = free_text_column()
    saved_at: datetime = utc_field()


class ActionItem(SQLModel, table=True):
    """An åtgärdspunkt: what a decision on an agenda item asks someone to do, by when. The
    owner is a user of the organisation or one of the forum's contacts. Open items are
    followed up at the forum's next meetings until they are done (klar) or struck."""

    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    forum_id: int = Field(foreign_key="forum.id", index=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id", index=True, ondelete="CASCADE")
    title: str = free_text_field(max_length=200)
    owner_user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    owner_contact_id: int | None = Field(
        default=None, foreign_key="contact.id", index=True, ondelete="SET NULL"
    )
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    status: str = Field(default="oppen", max_length=10, index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field()
    # when it was marked done or struck (None while open): it is followed up at the
    # meetings that started before then, so an old meeting's page keeps showing it
    closed_at: datetime | None = utc_field(default_now=False, nullable=True)
    closed_by_id: int | None = Field(default=None, foreign_key="user.id")
