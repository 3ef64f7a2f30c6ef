from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ..models_base import free_text_field, utc_field

ROLES = ("ombud", "samordnare", "ledamot", "admin")
HUVUDMAN = ("kommun", "region", "stat", "ovriga")


class Organisation(SQLModel, table=True):
    """A PO verksamhet."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True, index=True)
    name: str = free_text_field(max_length=200)
    kommuner: str = free_text_field(default="", max_length=500)
    recurrence_threshold: int = Field(default=3)
    recurrence_months: int = Field(default=12)
    age_bands: str = Field(default="18–29,30–49,50–64,65+", max_length=200)
    digest_lead_days: int = Field(default=7)
    small_count_limit: int = Field(default=3)
    # Narratives are deleted this many months after their fault is closed; None keeps them.
    narrative_retention_months: int | None = Field(default=36)
    # Every member must use two-step verification (TOTP) to work in the organisation.
    mfa_required: bool = Field(default=False)
    # A session with no request for this many hours ends.
    session_idle_hours: int = Field(default=8)
    # Raised in every transaction that writes the organisation's data (tracker.dataversion):
    # what is computed from the data can be kept as long as this number stays the same.
    data_version: int = Field(default=0)
    # raised with any of its years' versions (DataYearVersion): the key of what is computed
    # from all of its data (dashboard, meeting statistics), read with the organisation itself
    occurrence_version: int = Field(default=0)
    # Networks the organisation is a member of, kept by tracker.networks.services (join,
    # leave): the navigation and the fault page know without a statement when it is none.
    network_count: int = Field(default=0)
    created_at: datetime = utc_field()

    @property
    def age_band_list(self) -> list[str]:
        return [b.strip() for b in self.age_bands.split(",") if b.strip()]


class DataYearVersion(SQLModel, table=True):
    """Raised by every transaction that writes an organisation's occurrences of a year (or
    the counts kept from them); the rest of its data raises `Organisation.data_version`
    (tracker.dataversion). A year's annual report is kept while both stay the same, so the
    ombud logging this year's occurrences do not make last year's report be rebuilt."""

    __tablename__ = "data_year_version"

    org_id: int = Field(foreign_key="organisation.id", primary_key=True, ondelete="CASCADE")
    year: int = Field(primary_key=True)
    version: int = Field(default=0)


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "org_id", name="uq_membership_user_org"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)
    # A deactivated member cannot log in to the organisation; history keeps their name.
    active: bool = Field(default=True)
    created_at: datetime = utc_field()


class ReportSection(SQLModel, table=True):
    """A heading of the annual report's "Uppmärksammade brister" section."""

    __tablename__ = "report_section"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    heading: str = free_text_field(max_length=200)
    parent_id: int | None = Field(
        default=None, foreign_key="report_section.id", ondelete="SET NULL"
    )
    position: int = Field(default=0)


class Authority(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_authority_org_name"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    huvudman: str = Field(max_length=20)
    name: str = free_text_field(max_length=200)
    section_id: int | None = Field(
        default=None, foreign_key="report_section.id", ondelete="SET NULL"
    )
    position: int = Field(default=0)
