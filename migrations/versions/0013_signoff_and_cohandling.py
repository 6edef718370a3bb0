"""answers signed off by the unit's leader; co-handling requests between units

Revision ID: 0013
Revises: 0012

Answer drafts and their review, the kinds a unit publishes without sign-off, deputies
who sign off (users.signs_off), the reply document on the case; co-handling requests,
their contributions' files (attachments.request_id), the co-handling figures of score
snapshots and the campaign's co-handling weight (0 for existing campaigns, so their
scores do not move). The new timeline entries widen the check on case_events.kind;
the downgrade keeps them as internal notes.
"""
from alembic import op
import sqlalchemy as sa

from migrations.check_constraints import change_checks


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

EVENT_KINDS = ('created', 'routed', 'assigned', 'transferred', 'status', 'public_reply',
               'internal_note', 'citizen_message', 'rating', 'reminder', 'escalation',
               'reclassified', 'extension')
NEW_EVENT_KINDS = ('answer_submitted', 'answer_returned', 'answer_withdrawn', 'cohandling_asked',
                   'cohandling_answered', 'cohandling_declined', 'cohandling_withdrawn')
KINDS = ('phan_anh', 'kien_nghi', 'khieu_nai', 'to_cao', 'hoi_dap')
WEIGHTS = ('weight_ack', 'weight_response', 'weight_satisfaction', 'weight_reopen',
           'weight_transfer', 'weight_works')
SNAPSHOT_COLUMNS = ('contributions_asked', 'contributions_on_time', 'contributions_late',
                    'contributions_declined')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _weights_check(weights):
    return (' AND '.join(f'{w} >= 0' for w in weights) + ' AND ' + ' + '.join(weights)
            + ' = 100')


CHECKS = {
    'case_events': {
        'ck_case_events_kind_known': (_in('kind', EVENT_KINDS),
                                      _in('kind', EVENT_KINDS + NEW_EVENT_KINDS)),
    },
    'cases': {
        'ck_cases_review_state_known': (
            None, "review_state IS NULL OR review_state IN ('in_review', 'returned')"),
    },
    'campaigns': {
        'ck_campaigns_weights_sum_to_100': (_weights_check(WEIGHTS),
                                            _weights_check(WEIGHTS + ('weight_cohandling',))),
    },
}


def upgrade():
    op.create_table(
        'answer_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('comment', sa.Text(), server_default='', nullable=False),
        sa.Column('doc_number', sa.String(length=60), nullable=True),
        sa.Column('doc_date', sa.Date(), nullable=True),
        sa.Column('doc_signer', sa.String(length=120), nullable=True),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('in_review', 'approved', 'returned', 'withdrawn')",
                           name=op.f('ck_answer_drafts_status_known')),
        sa.CheckConstraint('length(body) > 0', name=op.f('ck_answer_drafts_body_not_empty')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_answer_drafts_case_id_cases')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_answer_drafts_unit_id_units')),
        sa.ForeignKeyConstraint(['written_by_id'], ['users.id'],
                                name=op.f('fk_answer_drafts_written_by_id_users')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_answer_drafts_decided_by_id_users')),
        sa.ForeignKeyConstraint(['event_id'], ['case_events.id'],
                                name=op.f('fk_answer_drafts_event_id_case_events')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_drafts')),
    )
    op.create_index(op.f('ix_answer_drafts_case_id'), 'answer_drafts', ['case_id'])
    op.create_index(op.f('ix_answer_drafts_written_by_id'), 'answer_drafts', ['written_by_id'])
    op.create_index('ix_answer_drafts_unit_status', 'answer_drafts', ['unit_id', 'status'])
    op.create_index('uq_answer_drafts_one_in_review', 'answer_drafts', ['case_id'], unique=True,
                    postgresql_where=sa.text("status = 'in_review'"),
                    sqlite_where=sa.text("status = 'in_review'"))

    op.create_table(
        'signoff_exemptions',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in('kind', KINDS), name=op.f('ck_signoff_exemptions_kind_known')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_signoff_exemptions_unit_id_units')),
        sa.ForeignKeyConstraint(['set_by_id'], ['users.id'],
                                name=op.f('fk_signoff_exemptions_set_by_id_users')),
        sa.PrimaryKeyConstraint('unit_id', 'kind', name=op.f('pk_signoff_exemptions')),
    )

    op.create_table(
        'cohandling_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('lead_unit_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('asked_by_id', sa.Integer(), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('share_contact', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('reply', sa.Text(), server_default='', nullable=False),
        sa.Column('replied_by_id', sa.Integer(), nullable=True),
        sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'answered', 'declined', 'withdrawn')",
                           name=op.f('ck_cohandling_requests_status_known')),
        sa.CheckConstraint('length(question) > 0',
                           name=op.f('ck_cohandling_requests_question_not_empty')),
        sa.CheckConstraint('unit_id <> lead_unit_id',
                           name=op.f('ck_cohandling_requests_not_own_unit')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_cohandling_requests_case_id_cases')),
        sa.ForeignKeyConstraint(['lead_unit_id'], ['units.id'],
                                name=op.f('fk_cohandling_requests_lead_unit_id_units')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_cohandling_requests_unit_id_units')),
        sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'],
                                name=op.f('fk_cohandling_requests_asked_by_id_users')),
        sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'],
                                name=op.f('fk_cohandling_requests_replied_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cohandling_requests')),
    )
    op.create_index(op.f('ix_cohandling_requests_case_id'), 'cohandling_requests', ['case_id'])
    op.create_index('ix_cohandling_requests_unit_status_due', 'cohandling_requests',
                    ['unit_id', 'status', 'due_at'])
    op.create_index('ix_cohandling_requests_unit_asked', 'cohandling_requests',
                    ['unit_id', 'asked_at'])
    op.create_index('uq_cohandling_requests_one_open', 'cohandling_requests',
                    ['case_id', 'unit_id'], unique=True,
                    postgresql_where=sa.text("status = 'open'"),
                    sqlite_where=sa.text("status = 'open'"))

    # Plain ADD COLUMN on both engines (no table rebuild; SQLite keeps the partial indexes).
    op.add_column('cases', sa.Column('answer_doc_number', sa.String(length=60), nullable=True))
    op.add_column('cases', sa.Column('answer_doc_date', sa.Date(), nullable=True))
    op.add_column('cases', sa.Column('answer_signer', sa.String(length=120), nullable=True))
    op.add_column('cases', sa.Column('review_state', sa.String(length=12), nullable=True))
    op.add_column('users', sa.Column('signs_off', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    if op.get_bind().dialect.name == 'sqlite':  # a REFERENCES clause, as SQLite adds one
        op.execute('ALTER TABLE attachments ADD COLUMN request_id INTEGER '
                   'REFERENCES cohandling_requests (id)')
    else:
        op.add_column('attachments', sa.Column('request_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_attachments_request_id_cohandling_requests'),
                              'attachments', 'cohandling_requests', ['request_id'], ['id'])
    op.create_index(op.f('ix_attachments_request_id'), 'attachments', ['request_id'])
    for column in SNAPSHOT_COLUMNS:
        op.add_column('score_snapshots',
                      sa.Column(column, sa.Integer(), server_default='0', nullable=False))
    op.add_column('campaigns', sa.Column('weight_cohandling', sa.Integer(), server_default='0',
                                         nullable=False))
    change_checks(op.get_bind(), CHECKS, forward=True)


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text('SELECT count(*) FROM campaigns WHERE weight_cohandling <> 0')).scalar():
        raise RuntimeError('campaigns weigh co-handling: set those weights to 0 before going back')
    # The timeline keeps what was said: the new entries become internal notes.
    op.execute(f"UPDATE case_events SET kind = 'internal_note', is_public = false "
               f"WHERE {_in('kind', NEW_EVENT_KINDS)}")
    change_checks(bind, CHECKS, forward=False)
    # A plain DROP COLUMN (SQLite 3.35+), as in 0009 and 0012: no table rebuild.
    op.execute('ALTER TABLE campaigns DROP COLUMN weight_cohandling')
    for column in SNAPSHOT_COLUMNS:
        op.execute(f'ALTER TABLE score_snapshots DROP COLUMN {column}')
    op.drop_index(op.f('ix_attachments_request_id'), table_name='attachments')
    if bind.dialect.name == 'postgresql':
        op.drop_constraint(op.f('fk_attachments_request_id_cohandling_requests'), 'attachments',
                           type_='foreignkey')
    op.execute('ALTER TABLE attachments DROP COLUMN request_id')
    op.execute('ALTER TABLE users DROP COLUMN signs_off')
    for column in ('review_state', 'answer_signer', 'answer_doc_date', 'answer_doc_number'):
        op.execute(f'ALTER TABLE cases DROP COLUMN {column}')
    op.drop_table('cohandling_requests')
    op.drop_table('signoff_exemptions')
    op.drop_table('answer_drafts')
