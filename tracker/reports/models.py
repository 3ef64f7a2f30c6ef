from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..models_base import FREE_TEXT, utc_field


class ReportDraft(SQLModel, table=True):
    """The author's editable "Uppmärksammade brister" text for one organisation and year."""

    __tablename__ = "report_draft"
    __table_args__ = (UniqueConstraint("org_id", "year", name="uq_report_draft_org_year"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    year: int
    markdown: str = Field(sa_column=Column(Text, nullable=False, info=FREE_TEXT))
    # The generated text the draft was seeded from: regeneration is diffed against it.
    generated: str = Field(sa_column=Column(Text, nullable=False, info=FREE_TEXT))
    # The report data behind `generated`, per section (JSON, tracker.reports.draft_changes):
    # what changed in the data since is listed in plain words. Holds fault titles, so it is
    # guarded like the text.
    snapshot: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="", info=FREE_TEXT)
    )
    status: str = Field(default="utkast", max_length=10)  # utkast | slutlig
    version: int = Field(default=1)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = utc_field()
    # The latest reopening of a final section by an admin, and why (kept; the audit log
    # names only the draft).
    reopen_reason: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="", info=FREE_TEXT)
    )
    reopened_by_id: int | None = Field(default=None, foreign_key="user.id")
    reopened_at: datetime | None = utc_field(default_now=False, nullable=True)


class ReportDraftVersion(SQLModel, table=True):
    """Every saved version of a draft: its history."""

    __tablename__ = "report_draft_version"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    draft_id: int = Field(foreign_key="report_draft.id", index=True, ondelete="CASCADE")
    version: int
    markdown: str = Field(sa_column=Column(Text, nullable=False, info=FREE_TEXT))
    saved_by_id: int | None = Field(default=None, foreign_key="user.id")
    saved_at: datetime = utc_field()
