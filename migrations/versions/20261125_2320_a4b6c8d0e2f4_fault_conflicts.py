"""placeholder: fault edit conflicts (no schema change yet)

Revision ID: a4b6c8d0e2f4
Revises: f3a5b7c9e1d3
Create Date: 2026-11-25 23:00:00
"""
from collections.abc import Sequence

revision: str = 'a4b6c8d0e2f4'
down_revision: str | None = 'f3a5b7c9e1d3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
