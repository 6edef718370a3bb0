"""contact details searched apart from the case text

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

The citizen's name and phone leave cases.search_text for a column of their own
(with the email, which was not searchable before), so that the queue matches
them only for users who may see them. Both texts are rebuilt from the cases'
columns, folded as the application folds them (a frozen copy: a migration does
not import the application). On PostgreSQL the new column has a trigram index
like the old one; SQLite keeps an empty index of the same name.
"""
import re

from alembic import op
import sqlalchemy as sa
from unidecode import unidecode


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BATCH = 1000
_SPACES = re.compile(r'\s+')


def _fold(text):
    return _SPACES.sub(' ', unidecode(text).lower()).strip() if text else ''


def _joined(*parts):
    return ' '.join(p for p in (_fold(part) for part in parts) if p)


def _rebuild(with_contact_column):
    bind = op.get_bind()
    cases = sa.table(
        'cases', sa.column('id', sa.Integer), sa.column('reference', sa.String),
        sa.column('title', sa.Text), sa.column('description', sa.Text),
        sa.column('address', sa.Text), sa.column('ward', sa.Text),
        sa.column('citizen_name', sa.Text), sa.column('citizen_phone', sa.Text),
        sa.column('citizen_email', sa.Text), sa.column('search_text', sa.Text),
        sa.column('contact_search_text', sa.Text),
    )
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(cases.c.id, cases.c.reference, cases.c.title, cases.c.description,
                      cases.c.address, cases.c.ward, cases.c.citizen_name,
                      cases.c.citizen_phone, cases.c.citizen_email)
            .where(cases.c.id > last_id).order_by(cases.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            case_text = _joined(row.reference, row.title, row.description, row.address, row.ward)
            if with_contact_column:
                values = {'search_text': case_text, 'contact_search_text': _joined(
                    row.citizen_phone, row.citizen_name, row.citizen_email)}
            else:
                values = {'search_text': _joined(
                    row.reference, row.title, row.description, row.address, row.ward,
                    row.citizen_phone, row.citizen_name)}
            bind.execute(sa.update(cases).where(cases.c.id == row.id).values(**values))
        last_id = rows[-1].id


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_search_text', sa.Text(), server_default='',
                                      nullable=False))
    _rebuild(with_contact_column=True)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_contact_search_trgm', ['contact_search_text'],
                              unique=False, postgresql_using='gin',
                              postgresql_ops={'contact_search_text': 'gin_trgm_ops'},
                              sqlite_where=sa.text('0'))


def downgrade():
    _rebuild(with_contact_column=False)
    op.drop_index('ix_cases_contact_search_trgm', table_name='cases')
    # A plain DROP COLUMN (SQLite 3.35+): rebuilding the table in batch mode would drop it,
    # which the foreign keys of the case's events and files refuse.
    op.execute('ALTER TABLE cases DROP COLUMN contact_search_text')
