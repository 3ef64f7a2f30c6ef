"""imports: uploads, runs, saved column mappings, row fingerprints

Revision ID: c6d8e0f2a4b6
Revises: b5c7d9e1f3a5
Create Date: 2026-11-25 23:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'c6d8e0f2a4b6'
down_revision: str | None = 'b5c7d9e1f3a5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'import_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('mapping', sa.Text(), nullable=False),
        sa.Column('confirmed', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_import_upload_org_id', 'import_upload', ['org_id'])
    op.create_index('ix_import_upload_user_id', 'import_upload', ['user_id'])
    op.create_index('ix_import_upload_created_at', 'import_upload', ['created_at'])
    op.create_table(
        'import_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('faults_created', sa.Integer(), nullable=False),
        sa.Column('occurrences_created', sa.Integer(), nullable=False),
        sa.Column('rows_refused', sa.Integer(), nullable=False),
        sa.Column('rows_already_imported', sa.Integer(), nullable=False),
        sa.Column('refused', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_import_run_org_id', 'import_run', ['org_id'])
    op.create_table(
        'import_mapping',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('signature', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('mapping', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('org_id', 'signature', name='uq_import_mapping_sig'),
    )
    op.create_index('ix_import_mapping_org_id', 'import_mapping', ['org_id'])
    op.create_table(
        'import_fingerprint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('occurrence_id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['run_id'], ['import_run.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('org_id', 'fingerprint', name='uq_import_fingerprint'),
    )
    op.create_index(
        'ix_import_fingerprint_occurrence', 'import_fingerprint', ['occurrence_id']
    )


def downgrade() -> None:
    op.drop_index('ix_import_fingerprint_occurrence', table_name='import_fingerprint')
    op.drop_table('import_fingerprint')
    op.drop_index('ix_import_mapping_org_id', table_name='import_mapping')
    op.drop_table('import_mapping')
    op.drop_index('ix_import_run_org_id', table_name='import_run')
    op.drop_table('import_run')
    op.drop_index('ix_import_upload_created_at', table_name='import_upload')
    op.drop_index('ix_import_upload_user_id', table_name='import_upload')
    op.drop_index('ix_import_upload_org_id', table_name='import_upload')
    op.drop_table('import_upload')
