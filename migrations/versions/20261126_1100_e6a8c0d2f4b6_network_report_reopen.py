"""network report reopen: why and by whom a final compiled report was opened again

Revision ID: e6a8c0d2f4b6
Revises: d5f7b9c1e3a5
Create Date: 2026-11-26 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'e6a8c0d2f4b6'
down_revision: str | None = 'd5f7b9c1e3a5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('network_report_draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopen_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reopened_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            'fk_network_report_draft_reopened_by_id_user', 'user', ['reopened_by_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade() -> None:
    with op.batch_alter_table('network_report_draft', schema=None) as batch_op:
        batch_op.drop_constraint('fk_network_report_draft_reopened_by_id_user', type_='foreignkey')
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('reopened_by_id')
        batch_op.drop_column('reopen_reason')
