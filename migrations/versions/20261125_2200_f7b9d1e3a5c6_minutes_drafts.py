"""minutes drafts: what the minutes editor autosaved and the samordnare has not saved yet

Revision ID: f7b9d1e3a5c6
Revises: e6a8c0d2f4b5
Create Date: 2026-11-25 22:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f7b9d1e3a5c6'
down_revision: str | None = 'e6a8c0d2f4b5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'minutes_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id', 'user_id', name='uq_minutes_draft_user'),
    )
    with op.batch_alter_table('minutes_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_draft_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_minutes_draft_meeting_id'), ['meeting_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('minutes_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_draft_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_minutes_draft_org_id'))
    op.drop_table('minutes_draft')
