"""units that handle citizens' cases, and the names units had before

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

``units.handles_cases`` tells the units that receive, answer and are scored on
citizens' cases from the organisations that only take part in the campaign
(party cells, mass-organisation branches). Every existing unit keeps handling
cases. ``unit_names`` keeps a unit's former names, each with the last day it was
in use, so that pages about a past campaign can name the organisations of the
time.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: a batch rebuild of the table would drop it, which foreign keys refuse.
    op.add_column('units', sa.Column('handles_cases', sa.Boolean(), server_default=sa.true(),
                                     nullable=False))

    op.create_table('unit_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_unit_names_name_not_empty')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_names_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_names')),
    sa.UniqueConstraint('unit_id', 'valid_until', name=op.f('uq_unit_names_unit_id'))
    )


def downgrade():
    op.drop_table('unit_names')
    # A plain DROP COLUMN (SQLite 3.35+): rebuilding the table in batch mode would drop it,
    # which the foreign keys of cases, users and the rest refuse.
    op.execute('ALTER TABLE units DROP COLUMN handles_cases')
