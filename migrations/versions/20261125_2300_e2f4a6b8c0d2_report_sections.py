"""placeholder: report authoring per section (no schema change yet)

Revision ID: e2f4a6b8c0d2
Revises: d1f3a5b7c9e0
Create Date: 2026-11-25 23:00:00
"""
from collections.abc import Sequence

revision: str = 'e2f4a6b8c0d2'
down_revision: str | None = 'd1f3a5b7c9e0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
