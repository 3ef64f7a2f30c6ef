"""minutes snapshots, reopening with a reason, declined escalation proposals

Revision ID: d5f7b9c1e3a4
Revises: c4e6a8b0d2f3
Create Date: 2026-11-25 20:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'd5f7b9c1e3a4'
down_revision: str | None = 'c4e6a8b0d2f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('declined_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_escalation_declined_by_id_user', 'user', ['declined_by_id'], ['id'])
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.alter_column('decline_reason', server_default=None)
    op.create_table(
        'meeting_minutes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('agenda_md', sa.Text(), nullable=False),
        sa.Column('agenda_member_md', sa.Text(), nullable=False),
        sa.Column('minutes_md', sa.Text(), nullable=False),
        sa.Column('finalised_by_id', sa.Integer(), nullable=True),
        sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['finalised_by_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id', 'revision', name='uq_meeting_minutes_revision'),
    )
    with op.batch_alter_table('meeting_minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_minutes_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_minutes_meeting_id'), ['meeting_id'], unique=False)
    op.create_table(
        'meeting_reopening',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('reopened_by_id', sa.Integer(), nullable=True),
        sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reopened_by_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('meeting_reopening', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_reopening_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_reopening_meeting_id'), ['meeting_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('meeting_reopening', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_reopening_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_reopening_org_id'))
    op.drop_table('meeting_reopening')
    with op.batch_alter_table('meeting_minutes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_minutes_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_minutes_org_id'))
    op.drop_table('meeting_minutes')
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_constraint('fk_escalation_declined_by_id_user', type_='foreignkey')
        batch_op.drop_column('declined_by_id')
        batch_op.drop_column('decline_reason')
