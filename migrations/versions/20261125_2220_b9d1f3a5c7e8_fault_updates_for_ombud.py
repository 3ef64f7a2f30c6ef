"""updates to the ombud: who logged on a fault hears when it is escalated, decided,
answered or closed; the user's choice of e-mail about it

Revision ID: b9d1f3a5c7e8
Revises: a8c0e2f4b6d7
Create Date: 2026-11-25 22:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'b9d1f3a5c7e8'
down_revision: str | None = 'a8c0e2f4b6d7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('update_mail', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='none')
        )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('update_mail', server_default=None)
    op.create_table(
        'fault_update',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('fault_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('escalation_id', sa.Integer(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['fault_id'], ['fault.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['escalation_id'], ['escalation.id'], ),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'kind', 'source_id', name='uq_fault_update_source'),
    )
    with op.batch_alter_table('fault_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_update_fault_id'), ['fault_id'], unique=False)
        batch_op.create_index(
            'ix_fault_update_user_org_created', ['user_id', 'org_id', 'created_at'], unique=False
        )
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.create_index('ix_occurrence_fault_logged_by', ['fault_id', 'logged_by_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.drop_index('ix_occurrence_fault_logged_by')
    with op.batch_alter_table('fault_update', schema=None) as batch_op:
        batch_op.drop_index('ix_fault_update_user_org_created')
        batch_op.drop_index(batch_op.f('ix_fault_update_fault_id'))
    op.drop_table('fault_update')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('update_mail')
