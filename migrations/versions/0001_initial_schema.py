"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=200), server_default='', nullable=False),
    sa.CheckConstraint("kind IN ('day_off', 'working_day')", name=op.f('ck_calendar_days_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_days')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_days_day'))
    )
    op.create_table('case_sequences',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_sequences'))
    )
    op.create_table('deadline_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('ack_hours', sa.Integer(), nullable=False),
    sa.Column('response_days', sa.Integer(), nullable=False),
    sa.Column('urgent_ack_hours', sa.Integer(), nullable=False),
    sa.Column('urgent_response_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('ack_hours > 0 AND response_days > 0 AND urgent_ack_hours > 0 AND urgent_response_days > 0', name=op.f('ck_deadline_policies_targets_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_policies')),
    sa.UniqueConstraint('code', name=op.f('uq_deadline_policies_code'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(code) > 0', name=op.f('ck_units_code_not_empty')),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_units_not_own_parent')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)

    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_vi', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('keywords', sa.String(length=255), server_default='', nullable=False),
    sa.Column('default_unit_id', sa.Integer(), nullable=True),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('asks_location', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['default_unit_id'], ['units.id'], name=op.f('fk_categories_default_unit_id_units')),
    sa.ForeignKeyConstraint(['policy_id'], ['deadline_policies.id'], name=op.f('fk_categories_policy_id_deadline_policies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_categories_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('operator', 'officer', 'unit_head', 'committee', 'admin')", name=op.f('ck_users_role_known')),
    sa.CheckConstraint("role NOT IN ('officer', 'unit_head') OR unit_id IS NOT NULL", name=op.f('ck_users_unit_staff_have_unit')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('tracking_code', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=255), server_default='', nullable=False),
    sa.Column('ward', sa.String(length=100), server_default='', nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('citizen_name', sa.String(length=120), nullable=True),
    sa.Column('citizen_phone', sa.String(length=32), nullable=True),
    sa.Column('citizen_email', sa.String(length=254), nullable=True),
    sa.Column('contact_consent', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('public_consent', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('locale', sa.String(length=5), server_default='vi', nullable=False),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ack_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('response_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('clock_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_minutes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('public_answer', sa.Text(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('satisfaction', sa.SmallInteger(), nullable=True),
    sa.Column('satisfaction_comment', sa.Text(), nullable=True),
    sa.Column('reopen_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("channel IN ('web', 'hotline', 'email', 'walk_in', 'api')", name=op.f('ck_cases_channel_known')),
    sa.CheckConstraint("locale IN ('vi', 'en')", name=op.f('ck_cases_locale_known')),
    sa.CheckConstraint("priority IN ('normal', 'urgent')", name=op.f('ck_cases_priority_known')),
    sa.CheckConstraint("status = 'new' OR status = 'rejected' OR unit_id IS NOT NULL", name=op.f('ck_cases_routed_has_unit')),
    sa.CheckConstraint("status IN ('new', 'assigned', 'in_progress', 'awaiting_citizen', 'responded', 'closed', 'rejected')", name=op.f('ck_cases_status_known')),
    sa.CheckConstraint('latitude IS NULL OR latitude BETWEEN -90 AND 90', name=op.f('ck_cases_latitude_range')),
    sa.CheckConstraint('length(title) > 0', name=op.f('ck_cases_title_not_empty')),
    sa.CheckConstraint('longitude IS NULL OR longitude BETWEEN -180 AND 180', name=op.f('ck_cases_longitude_range')),
    sa.CheckConstraint('reopen_count >= 0 AND paused_minutes >= 0', name=op.f('ck_cases_counters_positive')),
    sa.CheckConstraint('satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5', name=op.f('ck_cases_satisfaction_range')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_cases_assignee_id_users')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_cases_category_id_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['cases.id'], name=op.f('fk_cases_duplicate_of_id_cases')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_cases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_cases_tracking_code'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_response_due_at'), ['response_due_at'], unique=False)
        batch_op.create_index('ix_cases_status_received', ['status', 'received_at'], unique=False)
        batch_op.create_index('ix_cases_unit_status_due', ['unit_id', 'status', 'response_due_at'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('from_unit_id', sa.Integer(), nullable=True),
    sa.Column('to_unit_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('is_public', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("actor_kind IN ('user', 'citizen', 'system')", name=op.f('ck_case_events_actor_kind_known')),
    sa.CheckConstraint("kind IN ('created', 'routed', 'assigned', 'transferred', 'status', 'public_reply', 'internal_note', 'citizen_message', 'rating', 'reminder', 'escalation')", name=op.f('ck_case_events_kind_known')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.ForeignKeyConstraint(['from_unit_id'], ['units.id'], name=op.f('fk_case_events_from_unit_id_units')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['units.id'], name=op.f('fk_case_events_to_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unit_status_due')
        batch_op.drop_index('ix_cases_status_received')
        batch_op.drop_index(batch_op.f('ix_cases_response_due_at'))
        batch_op.drop_index(batch_op.f('ix_cases_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_cases_category_id'))
        batch_op.drop_index(batch_op.f('ix_cases_assignee_id'))

    op.drop_table('cases')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))

    op.drop_table('users')
    op.drop_table('categories')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))

    op.drop_table('units')
    op.drop_table('deadline_policies')
    op.drop_table('case_sequences')
    op.drop_table('calendar_days')
