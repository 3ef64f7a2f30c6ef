"""consequence counts per fault and month, kept on write (the annual report); the
occurrence indexes that the composite ones make redundant are dropped

Revision ID: e6a8c0d2f4b5
Revises: d5f7b9c1e3a4
Create Date: 2026-11-25 21:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e6a8c0d2f4b5'
down_revision: str | None = 'd5f7b9c1e3a4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The codes as of this migration (tracker.faults.models.CONSEQUENCES).
CODES = ("inkomstbortfall", "vrakning", "barn", "vardglapp", "halsa", "skulder", "annat")


def upgrade() -> None:
    op.create_table(
        'fault_consequence_month',
        sa.Column('fault_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['fault_id'], ['fault.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('fault_id', 'month', 'code'),
    )
    op.create_index(
        'ix_fault_consequence_month_org_month',
        'fault_consequence_month',
        ['org_id', 'month'],
        unique=False,
    )
    # (org_id, observed_on) and (logged_by_id, created_at) serve these lookups too.
    op.drop_index('ix_occurrence_org_id', table_name='occurrence')
    op.drop_index('ix_occurrence_logged_by_id', table_name='occurrence')
    month = (
        "date_trunc('month', observed_on)::date"
        if op.get_bind().dialect.name == "postgresql"
        else "date(observed_on, 'start of month')"
    )
    for code in CODES:
        op.execute(
            "INSERT INTO fault_consequence_month (fault_id, month, code, org_id, n) "
            f"SELECT fault_id, {month}, '{code}', org_id, count(*) FROM occurrence "
            f"WHERE (',' || consequences || ',') LIKE '%,{code},%' "
            f"GROUP BY fault_id, {month}, org_id"
        )


def downgrade() -> None:
    op.create_index('ix_occurrence_logged_by_id', 'occurrence', ['logged_by_id'], unique=False)
    op.create_index('ix_occurrence_org_id', 'occurrence', ['org_id'], unique=False)
    op.drop_index('ix_fault_consequence_month_org_month', table_name='fault_consequence_month')
    op.drop_table('fault_consequence_month')
