"""campaigns and scorecards

Revision ID: 0006
Revises: 0007
Create Date: 2026-11-27 21:20:44.013507

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('weight_ack', sa.Integer(), nullable=False),
    sa.Column('weight_response', sa.Integer(), nullable=False),
    sa.Column('weight_satisfaction', sa.Integer(), nullable=False),
    sa.Column('weight_reopen', sa.Integer(), nullable=False),
    sa.Column('weight_transfer', sa.Integer(), nullable=False),
    sa.Column('weight_works', sa.Integer(), nullable=False),
    sa.Column('prior_strength', sa.Integer(), nullable=False),
    sa.Column('min_cases', sa.Integer(), nullable=False),
    sa.Column('works_target', sa.Integer(), nullable=False),
    sa.Column('khoi_threshold', sa.Integer(), nullable=False),
    sa.Column('city_threshold', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_campaigns_status_known')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_campaigns_period_ordered')),
    sa.CheckConstraint('khoi_threshold BETWEEN 0 AND 100 AND city_threshold BETWEEN 0 AND 100', name=op.f('ck_campaigns_thresholds_range')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_campaigns_name_not_empty')),
    sa.CheckConstraint('prior_strength >= 0 AND min_cases >= 0 AND works_target > 0', name=op.f('ck_campaigns_settings_positive')),
    sa.CheckConstraint('weight_ack >= 0 AND weight_response >= 0 AND weight_satisfaction >= 0 AND weight_reopen >= 0 AND weight_transfer >= 0 AND weight_works >= 0 AND weight_ack + weight_response + weight_satisfaction + weight_reopen + weight_transfer + weight_works = 100', name=op.f('ck_campaigns_weights_sum_to_100')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('name', name=op.f('uq_campaigns_name'))
    )
    op.create_table('campaign_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(code) > 0', name=op.f('ck_campaign_fields_code_not_empty')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_fields_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_fields')),
    sa.UniqueConstraint('campaign_id', 'code', name='uq_campaign_fields_code')
    )
    with op.batch_alter_table('campaign_fields', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_fields_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('commendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_name', sa.String(length=120), nullable=True),
    sa.Column('citation', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'individual' AND person_name IS NOT NULL AND length(person_name) > 0) OR (kind = 'collective' AND person_name IS NULL)", name=op.f('ck_commendations_person_for_individuals')),
    sa.CheckConstraint("kind IN ('collective', 'individual')", name=op.f('ck_commendations_kind_known')),
    sa.CheckConstraint("level IN ('khoi', 'city')", name=op.f('ck_commendations_level_known')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_commendations_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_commendations_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commendations'))
    )
    with op.batch_alter_table('commendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commendations_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commendations_unit_id'), ['unit_id'], unique=False)

    op.create_table('score_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('period_key', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('ack_due', sa.Integer(), nullable=False),
    sa.Column('ack_on_time', sa.Integer(), nullable=False),
    sa.Column('response_due', sa.Integer(), nullable=False),
    sa.Column('response_on_time', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('median_minutes', sa.Float(), nullable=True),
    sa.Column('p90_minutes', sa.Float(), nullable=True),
    sa.Column('open_overdue', sa.Integer(), nullable=False),
    sa.Column('rated', sa.Integer(), nullable=False),
    sa.Column('rating_sum', sa.Integer(), nullable=False),
    sa.Column('rated_high', sa.Integer(), nullable=False),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('transfers_out', sa.Integer(), nullable=False),
    sa.Column('late_transfers', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('works_registered', sa.Integer(), nullable=False),
    sa.Column('works_completed', sa.Integer(), nullable=False),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 0 AND 100', name=op.f('ck_score_snapshots_score_range')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_score_snapshots_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_score_snapshots_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_snapshots')),
    sa.UniqueConstraint('campaign_id', 'period_key', 'as_of', 'unit_id', name='uq_score_snapshots_key')
    )
    with op.batch_alter_table('score_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_score_snapshots_lookup', ['campaign_id', 'period_key', 'as_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_snapshots_unit_id'), ['unit_id'], unique=False)

    op.create_table('campaign_works',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recognised_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('registered', 'in_progress', 'completed', 'recognised')", name=op.f('ck_campaign_works_status_known')),
    sa.CheckConstraint('length(title) > 0', name=op.f('ck_campaign_works_title_not_empty')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_works_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['field_id'], ['campaign_fields.id'], name=op.f('fk_campaign_works_field_id_campaign_fields')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_campaign_works_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_works'))
    )
    with op.batch_alter_table('campaign_works', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_works_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_works_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_works_unit_id'), ['unit_id'], unique=False)

    op.create_table('export_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=64), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("file_format IN ('csv', 'xlsx')", name=op.f('ck_export_jobs_format_known')),
    sa.CheckConstraint("kind IN ('scorecard', 'cases')", name=op.f('ck_export_jobs_kind_known')),
    sa.CheckConstraint("status IN ('pending', 'running', 'done', 'failed', 'expired')", name=op.f('ck_export_jobs_status_known')),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_export_jobs_progress_range')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_export_jobs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_jobs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_jobs_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ack_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('response_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_case_events_kind_created', ['kind', 'created_at'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ack_working_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('response_working_minutes', sa.Integer(), nullable=True))
        batch_op.create_index('ix_cases_unit_responded', ['unit_id', 'responded_at'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unit_responded')
        batch_op.drop_column('response_working_minutes')
        batch_op.drop_column('ack_working_minutes')

    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_kind_created')
        batch_op.drop_column('response_due_at')
        batch_op.drop_column('ack_due_at')

    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_jobs_user_id'))
        batch_op.drop_index(batch_op.f('ix_export_jobs_created_at'))

    op.drop_table('export_jobs')
    with op.batch_alter_table('campaign_works', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_works_unit_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_works_field_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_works_campaign_id'))

    op.drop_table('campaign_works')
    with op.batch_alter_table('score_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_snapshots_unit_id'))
        batch_op.drop_index('ix_score_snapshots_lookup')

    op.drop_table('score_snapshots')
    with op.batch_alter_table('commendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commendations_unit_id'))
        batch_op.drop_index(batch_op.f('ix_commendations_campaign_id'))

    op.drop_table('commendations')
    with op.batch_alter_table('campaign_fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_fields_campaign_id'))

    op.drop_table('campaign_fields')
    op.drop_table('campaigns')
    # ### end Alembic commands ###
