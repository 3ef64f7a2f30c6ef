"""occurrence (org_id, observed_on) index covers fault_id: the counts of a partial month
are read from the index alone

Revision ID: c3e5a7b9d1f4
Revises: b2d4f6a8c0e2
Create Date: 2026-11-26 09:00:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = 'c3e5a7b9d1f4'
down_revision: str | None = 'b2d4f6a8c0e2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_occurrence_org_observed', table_name='occurrence')
    op.create_index(
        'ix_occurrence_org_observed', 'occurrence', ['org_id', 'observed_on', 'fault_id'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_occurrence_org_observed', table_name='occurrence')
    op.create_index(
        'ix_occurrence_org_observed', 'occurrence', ['org_id', 'observed_on'], unique=False
    )
