"""the organisation's data version, raised by every transaction that writes its data (what
is computed from the data is kept while it stays the same); the monthly counts are read by
organisation and month through covering indexes (no table lookups)

Revision ID: c0e2f4a6b8d9
Revises: b9d1f3a5c7e8
Create Date: 2026-11-25 22:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c0e2f4a6b8d9'
down_revision: str | None = 'b9d1f3a5c7e8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('data_version', sa.Integer(), nullable=False, server_default='0')
        )
    op.drop_index('ix_fault_month_org_month', table_name='fault_month')
    op.create_index(
        'ix_fault_month_org_month', 'fault_month', ['org_id', 'month', 'fault_id', 'n']
    )
    op.drop_index('ix_fault_consequence_month_org_month', table_name='fault_consequence_month')
    op.create_index(
        'ix_fault_consequence_month_org_month',
        'fault_consequence_month',
        ['org_id', 'month', 'fault_id', 'code', 'n'],
    )


def downgrade() -> None:
    op.drop_index('ix_fault_consequence_month_org_month', table_name='fault_consequence_month')
    op.create_index(
        'ix_fault_consequence_month_org_month', 'fault_consequence_month', ['org_id', 'month']
    )
    op.drop_index('ix_fault_month_org_month', table_name='fault_month')
    op.create_index('ix_fault_month_org_month', 'fault_month', ['org_id', 'month'])
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('data_version')
