"""the organisation's occurrence version: raised with any of its years' versions

Revision ID: e9f1a3c5d7b9
Revises: e8f0a2b4c6d8
Create Date: 2026-11-26 02:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'e9f1a3c5d7b9'
down_revision: str | None = 'e8f0a2b4c6d8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(
            sa.Column('occurrence_version', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade() -> None:
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('occurrence_version')
