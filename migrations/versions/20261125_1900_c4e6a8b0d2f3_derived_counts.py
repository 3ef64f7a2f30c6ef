"""counts kept on write: per-fault totals and monthly counts; indexes for the pages;
SQLite full text with one row per fault and per narrative

Revision ID: c4e6a8b0d2f3
Revises: b3d5f7a9c2e1
Create Date: 2026-11-25 19:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c4e6a8b0d2f3'
down_revision: str | None = 'b3d5f7a9c2e1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('fault', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurrence_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_observed_on', sa.Date(), nullable=True))
    op.create_table(
        'fault_month',
        sa.Column('fault_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['fault_id'], ['fault.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('fault_id', 'month'),
    )
    op.create_index('ix_fault_month_org_month', 'fault_month', ['org_id', 'month'], unique=False)
    op.create_index('ix_occurrence_fault_observed', 'occurrence', ['fault_id', 'observed_on', 'id'], unique=False)
    op.create_index('ix_occurrence_org_observed', 'occurrence', ['org_id', 'observed_on'], unique=False)
    op.create_index('ix_occurrence_logged_by_created', 'occurrence', ['logged_by_id', 'created_at'], unique=False)
    # Existing data: the same rebuild as `tracker db recompute`.
    month = (
        "date_trunc('month', observed_on)::date"
        if op.get_bind().dialect.name == "postgresql"
        else "date(observed_on, 'start of month')"
    )
    op.execute(
        f"INSERT INTO fault_month (fault_id, month, org_id, n) "
        f"SELECT fault_id, {month}, org_id, count(*) FROM occurrence "
        f"GROUP BY fault_id, {month}, org_id"
    )
    op.execute(
        "UPDATE fault SET "
        "occurrence_count = (SELECT count(*) FROM occurrence o WHERE o.fault_id = fault.id), "
        "last_observed_on = (SELECT max(o.observed_on) FROM occurrence o WHERE o.fault_id = fault.id)"
    )
    if op.get_bind().dialect.name == "sqlite":
        _search_rows()


FTS_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2'"


def _search_rows() -> None:
    """SQLite: one FTS5 row per fault (rowid 2 × id) and per narrative (2 × id + 1)."""
    op.execute("DROP TABLE IF EXISTS fault_fts")
    op.execute(f"CREATE VIRTUAL TABLE fault_fts USING fts5(org_id UNINDEXED, body, {FTS_OPTIONS})")
    op.execute(
        "INSERT INTO fault_fts (rowid, org_id, body) SELECT 2 * id, org_id, "
        "ref || char(10) || title || char(10) || description || char(10) || report_summary "
        "FROM fault"
    )
    op.execute(
        "INSERT INTO fault_fts (rowid, org_id, body) SELECT 2 * id + 1, org_id, narrative "
        "FROM occurrence WHERE narrative != ''"
    )


def _search_documents() -> None:
    """The earlier layout: one document per fault with every narrative."""
    op.execute("DROP TABLE IF EXISTS fault_fts")
    op.execute(
        "CREATE VIRTUAL TABLE fault_fts USING fts5("
        f"fault_id UNINDEXED, org_id UNINDEXED, body, {FTS_OPTIONS})"
    )
    op.execute(
        "INSERT INTO fault_fts (fault_id, org_id, body) SELECT f.id, f.org_id, "
        "f.ref || char(10) || f.title || char(10) || f.description || char(10) || "
        "f.report_summary || coalesce((SELECT char(10) || group_concat(o.narrative, char(10)) "
        "FROM occurrence o WHERE o.fault_id = f.id), '') FROM fault f"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _search_documents()
    op.drop_index('ix_occurrence_logged_by_created', table_name='occurrence')
    op.drop_index('ix_occurrence_org_observed', table_name='occurrence')
    op.drop_index('ix_occurrence_fault_observed', table_name='occurrence')
    op.drop_index('ix_fault_month_org_month', table_name='fault_month')
    op.drop_table('fault_month')
    with op.batch_alter_table('fault', schema=None) as batch_op:
        batch_op.drop_column('last_observed_on')
        batch_op.drop_column('occurrence_count')
