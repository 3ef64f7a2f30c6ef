"""network match dismissal: pairs of shared faults judged not the same systemfel

Revision ID: d5f7b9c1e3a5
Revises: c3e5a7b9d1f4
Create Date: 2026-11-26 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'd5f7b9c1e3a5'
down_revision: str | None = 'c3e5a7b9d1f4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'network_match_dismissal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('fault_a_id', sa.Integer(), nullable=False),
        sa.Column('fault_b_id', sa.Integer(), nullable=False),
        sa.Column('dismissed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['fault_a_id'], ['fault.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['fault_b_id'], ['fault.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dismissed_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('network_id', 'fault_a_id', 'fault_b_id', name='uq_network_match_pair'),
    )
    with op.batch_alter_table('network_match_dismissal', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_network_match_dismissal_network_id'), ['network_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('network_match_dismissal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_match_dismissal_network_id'))
    op.drop_table('network_match_dismissal')
