"""placeholder: imports (no schema change yet)

Revision ID: c6d8e0f2a4b6
Revises: b5c7d9e1f3a5
Create Date: 2026-11-25 23:40:00
"""
from collections.abc import Sequence

revision: str = 'c6d8e0f2a4b6'
down_revision: str | None = 'b5c7d9e1f3a5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
