"""network report: the compiled report's draft per network and year

Revision ID: a1c3e5f7b9d1
Revises: f9a1b3c5d7e9
Create Date: 2026-11-26 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a1c3e5f7b9d1'
down_revision: str | None = 'f9a1b3c5d7e9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('network_report_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('markdown', sa.Text(), nullable=False),
    sa.Column('generated', sa.Text(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_id', 'year', name='uq_network_report_draft_network_year')
    )
    with op.batch_alter_table('network_report_draft', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_network_report_draft_network_id'), ['network_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('network_report_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_report_draft_network_id'))

    op.drop_table('network_report_draft')
