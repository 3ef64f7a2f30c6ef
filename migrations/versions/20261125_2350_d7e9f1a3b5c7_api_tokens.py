"""placeholder: API tokens (no schema change yet)

Revision ID: d7e9f1a3b5c7
Revises: c6d8e0f2a4b6
Create Date: 2026-11-25 23:40:00
"""
from collections.abc import Sequence

revision: str = 'd7e9f1a3b5c7'
down_revision: str | None = 'c6d8e0f2a4b6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
