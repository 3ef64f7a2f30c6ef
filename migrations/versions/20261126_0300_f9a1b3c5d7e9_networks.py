"""networks of verksamheter: members, roles, sharing by consent, network faults

Revision ID: f9a1b3c5d7e9
Revises: e9f1a3c5d7b9
Create Date: 2026-11-26 03:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'f9a1b3c5d7e9'
down_revision: str | None = 'e9f1a3c5d7b9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('network_count', sa.Integer(), nullable=False, server_default='0')
        )
    op.create_table('network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_slug'), ['slug'], unique=True)

    op.create_table('network_fault',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_fault', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_fault_network_id'), ['network_id'], unique=False)

    op.create_table('network_org',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('share_rule', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_id', 'org_id', name='uq_network_org')
    )
    with op.batch_alter_table('network_org', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_org_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_org_org_id'), ['org_id'], unique=False)

    op.create_table('network_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_id', 'user_id', name='uq_network_role_user')
    )
    with op.batch_alter_table('network_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_role_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_role_user_id'), ['user_id'], unique=False)

    op.create_table('fault_share',
    sa.Column('fault_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('share', sa.Boolean(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fault_id'], ['fault.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('fault_id')
    )
    with op.batch_alter_table('fault_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_share_org_id'), ['org_id'], unique=False)

    op.create_table('network_fault_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('network_fault_id', sa.Integer(), nullable=False),
    sa.Column('fault_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fault_id'], ['fault.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_fault_id'], ['network_fault.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_fault_id', 'org_id', name='uq_network_fault_link_org'),
    sa.UniqueConstraint('network_id', 'fault_id', name='uq_network_fault_link_fault')
    )
    with op.batch_alter_table('network_fault_link', schema=None) as batch_op:
        batch_op.create_index('ix_network_fault_link_fault', ['fault_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_fault_link_network_fault_id'), ['network_fault_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('network_fault_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_fault_link_network_fault_id'))
        batch_op.drop_index('ix_network_fault_link_fault')

    op.drop_table('network_fault_link')
    with op.batch_alter_table('fault_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_share_org_id'))

    op.drop_table('fault_share')
    with op.batch_alter_table('network_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_role_user_id'))
        batch_op.drop_index(batch_op.f('ix_network_role_network_id'))

    op.drop_table('network_role')
    with op.batch_alter_table('network_org', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_org_org_id'))
        batch_op.drop_index(batch_op.f('ix_network_org_network_id'))

    op.drop_table('network_org')
    with op.batch_alter_table('network_fault', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_fault_network_id'))

    op.drop_table('network_fault')
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_slug'))

    op.drop_table('network')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('network_count')
