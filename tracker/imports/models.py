"""Tables of the import: uploads waiting for their preview, finished runs, saved column
mappings and the per-row fingerprints that make a re-import create no duplicates."""

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..models_base import free_text_field, utc_field


class ImportUpload(SQLModel, table=True):
    """A file between upload and import (deleted by the import, by "Avbryt" or after a
    day). Only its uploader sees it."""

    __tablename__ = "import_upload"
    __dataversion_skip__ = True  # nothing is computed from it

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    filename: str = free_text_field(max_length=200)
    # the table as read, with every cell holding an identifier withheld – never the file
    # itself (tracker.imports.stored)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # {"datum": 0, "myndighet": 2, ...}: which column of the file holds which field
    mapping: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    confirmed: bool = Field(default=False)  # the user vouched the file is anonymised
    created_at: datetime = utc_field(index=True)


class ImportRun(SQLModel, table=True):
    """A finished import: who, when, the file name and the counts – never cell text."""

    __tablename__ = "import_run"
    __dataversion_skip__ = True  # nothing is computed from it

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    filename: str = free_text_field(max_length=200)
    rows_total: int = Field(default=0)
    faults_created: int = Field(default=0)
    occurrences_created: int = Field(default=0)
    rows_refused: int = Field(default=0)
    rows_already_imported: int = Field(default=0)
    # JSON list of [row, column, reason] – reasons are the tracker's own words
    refused: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = utc_field()


class ImportMapping(SQLModel, table=True):
    """A column mapping saved for files whose header row is the same (the signature)."""

    __tablename__ = "import_mapping"
    __dataversion_skip__ = True  # nothing is computed from it
    __table_args__ = (UniqueConstraint("org_id", "signature", name="uq_import_mapping_sig"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    signature: str = Field(max_length=64)
    mapping: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = utc_field()


class ImportFingerprint(SQLModel, table=True):
    """One imported row: the same row imported again is recognised and skipped."""

    __tablename__ = "import_fingerprint"
    __dataversion_skip__ = True  # nothing is computed from it
    __table_args__ = (
        UniqueConstraint("org_id", "fingerprint", name="uq_import_fingerprint"),
        Index("ix_import_fingerprint_occurrence", "occurrence_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    fingerprint: str = Field(max_length=64)
    occurrence_id: int = Field(foreign_key="occurrence.id", ondelete="CASCADE")
    run_id: int | None = Field(default=None, foreign_key="import_run.id", ondelete="SET NULL")
