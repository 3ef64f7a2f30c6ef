"""action items (åtgärdspunkter) with owner, due date and status; the forum's reminder days

Revision ID: a8c0e2f4b6d7
Revises: f7b9d1e3a5c6
Create Date: 2026-11-25 22:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'a8c0e2f4b6d7'
down_revision: str | None = 'f7b9d1e3a5c6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.Integer(), nullable=False, server_default='3'))
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.alter_column('reminder_days', server_default=None)
    op.create_table(
        'action_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('forum_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('owner_user_id', sa.Integer(), nullable=True),
        sa.Column('owner_contact_id', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], ),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_user_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['owner_contact_id'], ['contact.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_forum_id'), ['forum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_owner_user_id'), ['owner_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_owner_contact_id'), ['owner_contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_item_status'))
        batch_op.drop_index(batch_op.f('ix_action_item_owner_contact_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_owner_user_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_agenda_item_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_forum_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_org_id'))
    op.drop_table('action_item')
    with op.batch_alter_table('forum', schema=None) as batch_op:
        batch_op.drop_column('reminder_days')
