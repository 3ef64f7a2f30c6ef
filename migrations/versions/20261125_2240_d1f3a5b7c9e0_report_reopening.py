"""a final report section can be reopened by an admin, with the reason kept on the draft

Revision ID: d1f3a5b7c9e0
Revises: c0e2f4a6b8d9
Create Date: 2026-11-25 22:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd1f3a5b7c9e0'
down_revision: str | None = 'c0e2f4a6b8d9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('report_draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopen_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reopened_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            'fk_report_draft_reopened_by_id_user', 'user', ['reopened_by_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('report_draft', schema=None) as batch_op:
        batch_op.drop_constraint('fk_report_draft_reopened_by_id_user', type_='foreignkey')
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('reopened_by_id')
        batch_op.drop_column('reopen_reason')
