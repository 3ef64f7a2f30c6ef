"""placeholder: operations (no schema change yet)

Revision ID: f3a5b7c9e1d3
Revises: e2f4a6b8c0d2
Create Date: 2026-11-25 23:00:00
"""
from collections.abc import Sequence

revision: str = 'f3a5b7c9e1d3'
down_revision: str | None = 'e2f4a6b8c0d2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
