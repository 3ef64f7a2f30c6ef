"""network forum: the network's forums, meetings, agenda items and action items

Revision ID: b2d4f6a8c0e2
Revises: a1c3e5f7b9d1
Create Date: 2026-11-26 08:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'b2d4f6a8c0e2'
down_revision: str | None = 'a1c3e5f7b9d1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('network_forum',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_forum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_forum_network_id'), ['network_id'], unique=False)

    op.create_table('network_escalation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('network_fault_id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('ask', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['forum_id'], ['network_forum.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_fault_id'], ['network_fault.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_escalation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_escalation_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_escalation_network_fault_id'), ['network_fault_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_escalation_network_id'), ['network_id'], unique=False)

    op.create_table('network_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('minutes_final', sa.Boolean(), nullable=False),
    sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['network_forum.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_meeting_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_meeting_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_meeting_starts_at'), ['starts_at'], unique=False)

    op.create_table('network_agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=True),
    sa.Column('network_fault_id', sa.Integer(), nullable=True),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('discussion', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('responsible', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['escalation_id'], ['network_escalation.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['network_meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_fault_id'], ['network_fault.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'escalation_id', name='uq_network_agenda_escalation')
    )
    with op.batch_alter_table('network_agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_agenda_item_escalation_id'), ['escalation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_agenda_item_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_agenda_item_network_fault_id'), ['network_fault_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_agenda_item_network_id'), ['network_id'], unique=False)

    op.create_table('network_action_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['network_agenda_item.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['forum_id'], ['network_forum.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_action_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_action_item_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_action_item_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_action_item_network_id'), ['network_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('network_action_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_action_item_network_id'))
        batch_op.drop_index(batch_op.f('ix_network_action_item_forum_id'))
        batch_op.drop_index(batch_op.f('ix_network_action_item_agenda_item_id'))

    op.drop_table('network_action_item')
    with op.batch_alter_table('network_agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_agenda_item_network_id'))
        batch_op.drop_index(batch_op.f('ix_network_agenda_item_network_fault_id'))
        batch_op.drop_index(batch_op.f('ix_network_agenda_item_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_network_agenda_item_escalation_id'))

    op.drop_table('network_agenda_item')
    with op.batch_alter_table('network_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_meeting_starts_at'))
        batch_op.drop_index(batch_op.f('ix_network_meeting_network_id'))
        batch_op.drop_index(batch_op.f('ix_network_meeting_forum_id'))

    op.drop_table('network_meeting')
    with op.batch_alter_table('network_escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_escalation_network_id'))
        batch_op.drop_index(batch_op.f('ix_network_escalation_network_fault_id'))
        batch_op.drop_index(batch_op.f('ix_network_escalation_forum_id'))

    op.drop_table('network_escalation')
    with op.batch_alter_table('network_forum', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_forum_network_id'))

    op.drop_table('network_forum')
