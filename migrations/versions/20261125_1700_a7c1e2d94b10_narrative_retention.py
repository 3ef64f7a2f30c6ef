"""narrative retention per organisation; a count on audit entries

Revision ID: a7c1e2d94b10
Revises: 1df18fe13dcf
Create Date: 2026-11-25 17:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a7c1e2d94b10'
down_revision: str | None = '1df18fe13dcf'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('narrative_retention_months', sa.Integer(), nullable=True))
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('count', sa.Integer(), nullable=True))
    # Existing organisations get the default rule (36 months); they can turn it off.
    op.execute("UPDATE organisation SET narrative_retention_months = 36")


def downgrade() -> None:
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('count')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('narrative_retention_months')
