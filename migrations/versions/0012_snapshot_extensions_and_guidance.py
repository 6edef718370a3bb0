"""score snapshots keep guided cases, extensions and answers on time before extensions

Revision ID: 0012
Revises: 0011

Each snapshot row records the cases the unit guided to the competent agency, the
extensions of answer deadlines it got approved, and the answers on time against the
due time before any extension. Rows computed before hold 0 until the next
computation of their period.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = ('response_on_time_original', 'guided', 'extensions_used')


def upgrade():
    for column in COLUMNS:
        op.add_column('score_snapshots',
                      sa.Column(column, sa.Integer(), server_default='0', nullable=False))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+), as in 0009: no table rebuild.
    for column in COLUMNS:
        op.execute(f'ALTER TABLE score_snapshots DROP COLUMN {column}')
