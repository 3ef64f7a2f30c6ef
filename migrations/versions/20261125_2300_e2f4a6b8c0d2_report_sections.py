"""report authoring per section: the report data behind a draft's generated text is kept
(JSON), so the changes since are listed in plain words

Revision ID: e2f4a6b8c0d2
Revises: d1f3a5b7c9e0
Create Date: 2026-11-25 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e2f4a6b8c0d2'
down_revision: str | None = 'd1f3a5b7c9e0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('report_draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('report_draft', schema=None) as batch_op:
        batch_op.drop_column('snapshot')
