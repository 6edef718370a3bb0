"""queue search and scoping indexes

Revision ID: 0004
Revises: 0006
Create Date: 2026-11-27

The queue's accent-folded search is served by a trigram GIN index on PostgreSQL
(pg_trgm). SQLite searches with LIKE and keeps an empty index of the same name,
so that models and migrations agree on both databases.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')

    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_from_unit_id', ['from_unit_id'], unique=False)
        # ix_case_events_kind_created already exists (migration 0006).

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_search_trgm', ['search_text'], unique=False, postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'}, sqlite_where=sa.text('0'))


def downgrade():
    # The pg_trgm extension stays: other parts of the schema may use it.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_search_trgm')

    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_from_unit_id')
