"""intake: attachments, routing rules, privacy and one-time submission tokens

Revision ID: 0003
Revises: 0004
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # Trigram similarity for possible duplicates (app/services/duplicates.py).
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')

    op.create_table('routing_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('ward', sa.String(length=100), server_default='', nullable=False),
    sa.Column('ward_key', sa.String(length=100), server_default='', nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_routing_rules_category_id_categories')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_routing_rules_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rules')),
    sa.UniqueConstraint('category_id', 'ward_key', name='uq_routing_rules_category_ward')
    )
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_rules_unit_id'), ['unit_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=16), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=True),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')", name=op.f('ck_attachments_content_type_known')),
    sa.CheckConstraint("uploaded_by IN ('citizen', 'officer', 'operator')", name=op.f('ck_attachments_uploaded_by_known')),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachments_size_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attachments_case_id_cases')),
    sa.ForeignKeyConstraint(['event_id'], ['case_events.id'], name=op.f('fk_attachments_event_id_case_events')),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_attachments_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_event_id'), ['event_id'], unique=False)

    # Plain ADD COLUMN and a unique index, outside batch mode: SQLite would otherwise
    # rebuild the cases table, which the foreign keys of a filled database refuse.
    op.add_column('cases', sa.Column('notify_email', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('cases', sa.Column('contact_erased_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('cases', sa.Column('submission_token', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_cases_submission_token'), 'cases', ['submission_token'], unique=True)
    # The hotline desk looks a caller's earlier cases up by number while the operator types.
    op.create_index(op.f('ix_cases_citizen_phone'), 'cases', ['citizen_phone'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_cases_citizen_phone'), table_name='cases')
    op.drop_index(op.f('ix_cases_submission_token'), table_name='cases')
    op.drop_column('cases', 'submission_token')
    op.drop_column('cases', 'contact_erased_at')
    op.drop_column('cases', 'notify_email')

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_event_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_case_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_rules_unit_id'))

    op.drop_table('routing_rules')
