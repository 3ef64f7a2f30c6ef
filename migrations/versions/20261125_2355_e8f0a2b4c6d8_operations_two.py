"""placeholder: operations (no schema change yet)

Revision ID: e8f0a2b4c6d8
Revises: d7e9f1a3b5c7
Create Date: 2026-11-25 23:40:00
"""
from collections.abc import Sequence

revision: str = 'e8f0a2b4c6d8'
down_revision: str | None = 'd7e9f1a3b5c7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
