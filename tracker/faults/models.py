from datetime import date, datetime

from sqlalchemy import Column, Date, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..models_base import free_text_column, free_text_field, utc_field

LEVELS = ("handlaggare", "lokal", "central")
STATUSES = ("ny", "bekraftad", "eskalerad", "atgardad", "avskriven")
GENDERS = ("kvinna", "man", "annat", "ej_angivet")
CONSEQUENCES = ("inkomstbortfall", "vrakning", "barn", "vardglapp", "halsa", "skulder", "annat")
DEFAULT_THEMES = (
    "tillgänglighet",
    "handläggningstid",
    "bemötande",
    "samordning",
    "regelverk",
    "digitalisering",
    "kompetens",
    "ekonomi",
    "bostad",
)
NARRATIVE_MAX = 2000


class Theme(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_theme_org_name"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    name: str = free_text_field(max_length=60)


class Fault(SQLModel, table=True):
    """A systemfel: the pattern. Its occurrences are the single observations."""

    __table_args__ = (UniqueConstraint("org_id", "ref", name="uq_fault_org_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    ref: str = Field(max_length=20)
    title: str = free_text_field(max_length=200)
    description: str = free_text_column()
    primary_authority_id: int = Field(foreign_key="authority.id", index=True)
    level: str | None = Field(default=None, max_length=20)
    status: str = Field(default="ny", max_length=20, index=True)
    report_summary: str = free_text_column()
    duplicate_of_id: int | None = Field(default=None, foreign_key="fault.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field(index=True)
    updated_at: datetime = utc_field()
    version: int = Field(default=1)
    # Kept on write by tracker.faults.derived (rebuilt by `tracker db recompute`).
    occurrence_count: int = Field(default=0)
    last_observed_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))


class FaultAuthority(SQLModel, table=True):
    """Other authorities involved, beside the primary one."""

    __tablename__ = "fault_authority"

    fault_id: int = Field(foreign_key="fault.id", primary_key=True, ondelete="CASCADE")
    authority_id: int = Field(foreign_key="authority.id", primary_key=True, ondelete="CASCADE")


class FaultTheme(SQLModel, table=True):
    __tablename__ = "fault_theme"

    fault_id: int = Field(foreign_key="fault.id", primary_key=True, ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", primary_key=True, ondelete="CASCADE")


class FaultRelation(SQLModel, table=True):
    """An undirected "related to" link, stored once with fault_id < other_id."""

    __tablename__ = "fault_relation"

    fault_id: int = Field(foreign_key="fault.id", primary_key=True, ondelete="CASCADE")
    other_id: int = Field(foreign_key="fault.id", primary_key=True, ondelete="CASCADE")


class FaultEvent(SQLModel, table=True):
    """The fault's history as users see it (the audit log holds no text; this may)."""

    __tablename__ = "fault_event"

    id: int | None = Field(default=None, primary_key=True)
    fault_id: int = Field(foreign_key="fault.id", index=True, ondelete="CASCADE")
    at: datetime = utc_field()
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(max_length=20)  # created, edited, status, merged_into, merged_from, related
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    other_fault_id: int | None = Field(default=None, foreign_key="fault.id")
    comment: str = free_text_column()


class Occurrence(SQLModel, table=True):
    """One anonymised observation. There is no field for the client, and none may be added."""

    # a write of an occurrence raises its year's version, not the organisation's
    # (tracker.dataversion): last year's report stays valid while this year's are logged
    __dataversion_year__ = "observed_on"
    __table_args__ = (
        # The fault page (newest first), the recurrence window's first month, "mine".
        Index("ix_occurrence_fault_observed", "fault_id", "observed_on", "id"),
        # covering for the counts of a partial month (tracker.faults.derived.counts_between)
        Index("ix_occurrence_org_observed", "org_id", "observed_on", "fault_id"),
        Index("ix_occurrence_logged_by_created", "logged_by_id", "created_at"),
        # Who logged on a fault (tracker.faults.updates): a skip scan, one probe per logger.
        Index("ix_occurrence_fault_logged_by", "fault_id", "logged_by_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Looked up by (org_id, observed_on) and (logged_by_id, created_at): see __table_args__.
    org_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    fault_id: int = Field(foreign_key="fault.id", index=True)
    observed_on: date = Field(sa_column=Column(Date, nullable=False, index=True))
    narrative: str = free_text_column()
    gender: str | None = Field(default=None, max_length=20)
    age_band: str | None = Field(default=None, max_length=20)
    consequences: str = Field(default="", max_length=200)  # comma-separated codes
    logged_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()

    @property
    def consequence_list(self) -> list[str]:
        return [c for c in self.consequences.split(",") if c]


class FaultMonth(SQLModel, table=True):
    """Occurrences of a fault in a calendar month, kept on write (tracker.faults.derived)."""

    __tablename__ = "fault_month"
    # covering: lists and the report read (fault_id, n) by organisation and month
    __table_args__ = (Index("ix_fault_month_org_month", "org_id", "month", "fault_id", "n"),)

    fault_id: int = Field(foreign_key="fault.id", primary_key=True, ondelete="CASCADE")
    month: date = Field(sa_column=Column(Date, primary_key=True))
    org_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    n: int = Field(default=0)


class FaultConsequenceMonth(SQLModel, table=True):
    """Occurrences of a fault in a calendar month with a given consequence, kept on write
    (tracker.faults.derived) for the annual report."""

    __tablename__ = "fault_consequence_month"
    __table_args__ = (
        Index("ix_fault_consequence_month_org_month", "org_id", "month", "fault_id", "code", "n"),
    )

    fault_id: int = Field(foreign_key="fault.id", primary_key=True, ondelete="CASCADE")
    month: date = Field(sa_column=Column(Date, primary_key=True))
    code: str = Field(max_length=20, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    n: int = Field(default=0)


UPDATE_KINDS = ("escalated", "decision", "response", "fixed", "closed")


class FaultUpdate(SQLModel, table=True):
    """Tells a user who logged an occurrence on a fault what became of it: escalated,
    decided or answered at a meeting, fixed or closed (tracker.faults.updates).

    `source_id` is the escalation (escalated), agenda item (decision, response) or fault
    event (fixed, closed) the update is about: unique per user, so an event repeated never
    notifies twice. The meeting tables are referenced by name only; faults never imports
    tracker.meetings."""

    __tablename__ = "fault_update"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "source_id", name="uq_fault_update_source"),
        # The home page (unread, newest first) and the paged list of all updates.
        Index("ix_fault_update_user_org_created", "user_id", "org_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    fault_id: int = Field(foreign_key="fault.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    source_id: int
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    agenda_item_id: int | None = Field(
        default=None, foreign_key="agenda_item.id", ondelete="CASCADE"
    )
    created_at: datetime = utc_field()
    read_at: datetime | None = utc_field(default_now=False, nullable=True)
