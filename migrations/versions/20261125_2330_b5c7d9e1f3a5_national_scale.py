"""placeholder: national scale (no schema change yet)

Revision ID: b5c7d9e1f3a5
Revises: a4b6c8d0e2f4
Create Date: 2026-11-25 23:00:00
"""
from collections.abc import Sequence

revision: str = 'b5c7d9e1f3a5'
down_revision: str | None = 'a4b6c8d0e2f4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
