"""kinds of case, deadline regimes per kind, extensions, guided cases

Revision ID: 0011
Revises: 0010

Every case gets a legal kind (existing cases: phản ánh) and remembers how each of its
due times was counted (existing cases: working hours to acknowledge, working days to
answer — as they were counted). Deadline regimes per kind replace the deadline
policies per category: the base regime of every kind is seeded from the law (a frozen
copy of app/deadlines/regimes.py DEFAULTS; a migration does not import the
application), and a category whose policy differed from the old standard (8 working
hours, 10 working days; urgent 2 hours, 3 days) keeps its targets as regimes of that
category for phản ánh, kiến nghị and hỏi đáp. Extension requests get a table; cases
may end as guided to the competent body; the timeline records reclassifications and
extensions.

Due times of open cases are not recounted here: `flask sla recompute` counts them
again under the new rules (days as dates).

SQLite cannot alter a CHECK constraint in place, and rebuilding the cases table would
lose its partial indexes: the widened and added checks of cases and case_events are
written into the stored schema (SQLite's documented procedure for changes that leave
the stored rows valid). The categories table, small and without partial indexes, is
rebuilt in batch mode (migrations/env.py turns SQLite's foreign keys off meanwhile and
checks them afterwards).
"""
from alembic import op
import sqlalchemy as sa

from migrations.check_constraints import change_checks


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

STATUSES = ('new', 'assigned', 'in_progress', 'awaiting_citizen', 'responded', 'closed',
            'rejected')
EVENT_KINDS = ('created', 'routed', 'assigned', 'transferred', 'status', 'public_reply',
               'internal_note', 'citizen_message', 'rating', 'reminder', 'escalation')
KINDS = ('phan_anh', 'kien_nghi', 'khieu_nai', 'to_cao', 'hoi_dap')
UNITS = ('working_hours', 'working_days', 'calendar_days')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


CHECKS = {
    # table: {constraint: (old sql, new sql)}; None as old: a new constraint.
    'cases': {
        'ck_cases_status_known': (_in('status', STATUSES), _in('status', STATUSES + ('guided',))),
        'ck_cases_routed_has_unit': ("status = 'new' OR status = 'rejected' OR unit_id IS NOT NULL",
                                     "status IN ('new', 'rejected', 'guided') OR unit_id IS NOT NULL"),
        'ck_cases_kind_known': (None, _in('kind', KINDS)),
        'ck_cases_extensions_used_positive': (None, 'extensions_used >= 0 AND extension_days >= 0'),
    },
    'case_events': {
        'ck_case_events_kind_known': (_in('kind', EVENT_KINDS),
                                      _in('kind', EVENT_KINDS + ('reclassified', 'extension'))),
    },
}

_CITY = ("Quy chế tiếp nhận, xử lý phản ánh, kiến nghị qua Tổng đài 1022 TP.HCM (2025, theo báo "
         "chí đưa tin): trả lời trong 10 ngày, tối đa 15 ngày khi cần nhiều cơ quan phối hợp. "
         "Nhận xử lý trong 8 giờ làm việc: quy định của hệ thống.")
_URGENT = ("Vụ việc khẩn: quy định của hệ thống (nhận xử lý trong 2 giờ làm việc, trả lời trong "
           "3 ngày làm việc, gia hạn một lần 2 ngày làm việc).")
_QUESTIONS = ("Không có luật riêng cho câu hỏi, đề nghị hướng dẫn: áp dụng như phản ánh, kiến nghị "
              "(Quy chế Tổng đài 1022 TP.HCM, 2025, theo báo chí).")
_COMPLAINTS = ("Luật Khiếu nại 2011: Điều 27 — thụ lý hoặc từ chối trong 10 ngày kể từ ngày nhận "
               "đơn; Điều 28 — giải quyết trong 30 ngày kể từ ngày thụ lý, vụ việc phức tạp không "
               "quá 45 ngày.")
_DENUNCIATIONS = ("Luật Tố cáo 2018: Điều 24 — vào sổ, phân loại, kiểm tra điều kiện thụ lý trong "
                  "7 ngày làm việc kể từ ngày nhận; Điều 30 — giải quyết trong 30 ngày kể từ ngày "
                  "thụ lý, gia hạn một lần không quá 30 ngày (phức tạp), hai lần (đặc biệt phức tạp).")
# kind, priority, first step, resolution, from first step, extensions, source
DEFAULTS = [
    ('phan_anh', None, 8, 'working_hours', 10, 'calendar_days', False, 1, 5, 'calendar_days', _CITY),
    ('phan_anh', 'urgent', 2, 'working_hours', 3, 'working_days', False, 1, 2, 'working_days', _URGENT),
    ('kien_nghi', None, 8, 'working_hours', 10, 'calendar_days', False, 1, 5, 'calendar_days', _CITY),
    ('kien_nghi', 'urgent', 2, 'working_hours', 3, 'working_days', False, 1, 2, 'working_days', _URGENT),
    ('khieu_nai', None, 10, 'calendar_days', 30, 'calendar_days', True, 1, 15, 'calendar_days',
     _COMPLAINTS),
    ('to_cao', None, 7, 'working_days', 30, 'calendar_days', True, 2, 30, 'calendar_days',
     _DENUNCIATIONS),
    ('hoi_dap', None, 8, 'working_hours', 10, 'calendar_days', False, 1, 5, 'calendar_days',
     _QUESTIONS),
]
OLD_STANDARD = (8, 10, 2, 3)
KEPT_KINDS = ('phan_anh', 'kien_nghi', 'hoi_dap')

regimes = sa.table(
    'deadline_regimes', sa.column('kind', sa.String), sa.column('category_id', sa.Integer),
    sa.column('priority', sa.String), sa.column('first_step_amount', sa.Integer),
    sa.column('first_step_unit', sa.String), sa.column('resolution_amount', sa.Integer),
    sa.column('resolution_unit', sa.String), sa.column('resolution_from_first_step', sa.Boolean),
    sa.column('max_extensions', sa.Integer), sa.column('extension_amount', sa.Integer),
    sa.column('extension_unit', sa.String), sa.column('legal_source', sa.String),
    sa.column('updated_at', sa.DateTime(timezone=True)),
)


def _row(kind, category_id, priority, first, first_unit, resolution, resolution_unit, from_first,
         extensions, extension, extension_unit, source):
    return {'kind': kind, 'category_id': category_id, 'priority': priority,
            'first_step_amount': first, 'first_step_unit': first_unit,
            'resolution_amount': resolution, 'resolution_unit': resolution_unit,
            'resolution_from_first_step': from_first, 'max_extensions': extensions,
            'extension_amount': extension, 'extension_unit': extension_unit,
            'legal_source': source, 'updated_at': sa.func.current_timestamp()}


def _kept_policies(bind):
    """Regimes of the categories whose policy differed from the old standard."""
    rows = bind.execute(sa.text(
        'SELECT c.id, p.name, p.ack_hours, p.response_days, p.urgent_ack_hours, '
        'p.urgent_response_days FROM categories c JOIN deadline_policies p ON p.id = c.policy_id'
    )).all()
    kept = []
    for category_id, name, ack, days, urgent_ack, urgent_days in rows:
        if (ack, days, urgent_ack, urgent_days) == OLD_STANDARD:
            continue
        source = f'Giữ từ chính sách thời hạn "{name}" trước đây (giờ làm việc, ngày làm việc).'
        for kind in KEPT_KINDS:
            kept.append(_row(kind, category_id, None, ack, 'working_hours', days, 'working_days',
                             False, 1, 5, 'working_days', source))
            kept.append(_row(kind, category_id, 'urgent', urgent_ack, 'working_hours', urgent_days,
                             'working_days', False, 1, 2, 'working_days', source))
    return kept


def _checks(forward):
    change_checks(op.get_bind(), CHECKS, forward)


def upgrade():
    op.create_table(
        'deadline_regimes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('priority', sa.String(length=8), nullable=True),
        sa.Column('first_step_amount', sa.Integer(), nullable=False),
        sa.Column('first_step_unit', sa.String(length=16), nullable=False),
        sa.Column('resolution_amount', sa.Integer(), nullable=False),
        sa.Column('resolution_unit', sa.String(length=16), nullable=False),
        sa.Column('resolution_from_first_step', sa.Boolean(), server_default=sa.false(),
                  nullable=False),
        sa.Column('max_extensions', sa.Integer(), server_default='0', nullable=False),
        sa.Column('extension_amount', sa.Integer(), server_default='0', nullable=False),
        sa.Column('extension_unit', sa.String(length=16), server_default='calendar_days',
                  nullable=False),
        sa.Column('legal_source', sa.String(length=400), server_default='', nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in('kind', KINDS), name=op.f('ck_deadline_regimes_kind_known')),
        sa.CheckConstraint("priority IS NULL OR priority IN ('normal', 'urgent')",
                           name=op.f('ck_deadline_regimes_priority_known')),
        sa.CheckConstraint(_in('first_step_unit', UNITS),
                           name=op.f('ck_deadline_regimes_first_step_unit_known')),
        sa.CheckConstraint(_in('resolution_unit', UNITS),
                           name=op.f('ck_deadline_regimes_resolution_unit_known')),
        sa.CheckConstraint(_in('extension_unit', UNITS),
                           name=op.f('ck_deadline_regimes_extension_unit_known')),
        sa.CheckConstraint('first_step_amount > 0 AND resolution_amount > 0',
                           name=op.f('ck_deadline_regimes_amounts_positive')),
        sa.CheckConstraint('max_extensions >= 0 AND extension_amount >= 0',
                           name=op.f('ck_deadline_regimes_extensions_not_negative')),
        sa.ForeignKeyConstraint(['category_id'], ['categories.id'],
                                name=op.f('fk_deadline_regimes_category_id_categories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_regimes')),
    )
    op.create_index('uq_deadline_regimes_scope', 'deadline_regimes',
                    ['kind', sa.text('coalesce(category_id, 0)'), sa.text("coalesce(priority, '')")],
                    unique=True)
    bind = op.get_bind()
    rows = [_row(default[0], None, *default[1:]) for default in DEFAULTS] + _kept_policies(bind)
    for row in rows:
        bind.execute(regimes.insert().values(**row))

    op.create_table(
        'case_extensions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('new_last_day', sa.Date(), nullable=False),
        sa.Column('previous_due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), server_default='', nullable=False),
        sa.CheckConstraint("status IN ('requested', 'approved', 'refused')",
                           name=op.f('ck_case_extensions_status_known')),
        sa.CheckConstraint('length(reason) > 0', name=op.f('ck_case_extensions_reason_not_empty')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_extensions_case_id_cases')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_case_extensions_decided_by_id_users')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_case_extensions_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_extensions')),
    )
    op.create_index(op.f('ix_case_extensions_case_id'), 'case_extensions', ['case_id'])

    op.add_column('cases', sa.Column('kind', sa.String(length=16), server_default='phan_anh',
                                     nullable=False))
    op.add_column('cases', sa.Column('taken_as_information', sa.Boolean(),
                                     server_default=sa.false(), nullable=False))
    op.add_column('cases', sa.Column('ack_due_unit', sa.String(length=16),
                                     server_default='working_hours', nullable=False))
    op.add_column('cases', sa.Column('response_due_unit', sa.String(length=16),
                                     server_default='working_days', nullable=False))
    op.add_column('cases', sa.Column('original_response_due_at', sa.DateTime(timezone=True),
                                     nullable=True))
    op.add_column('cases', sa.Column('extensions_used', sa.Integer(), server_default='0',
                                     nullable=False))
    op.add_column('cases', sa.Column('extension_days', sa.Integer(), server_default='0',
                                     nullable=False))
    op.add_column('cases', sa.Column('guided_to', sa.String(length=255), nullable=True))
    _checks(forward=True)

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_constraint('fk_categories_policy_id_deadline_policies', type_='foreignkey')
        batch_op.drop_column('policy_id')
    op.drop_table('deadline_policies')


def downgrade():
    op.create_table(
        'deadline_policies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('ack_hours', sa.Integer(), nullable=False),
        sa.Column('response_days', sa.Integer(), nullable=False),
        sa.Column('urgent_ack_hours', sa.Integer(), nullable=False),
        sa.Column('urgent_response_days', sa.Integer(), nullable=False),
        sa.CheckConstraint('ack_hours > 0 AND response_days > 0 AND urgent_ack_hours > 0 AND '
                           'urgent_response_days > 0',
                           name=op.f('ck_deadline_policies_targets_positive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_policies')),
        sa.UniqueConstraint('code', name=op.f('uq_deadline_policies_code')),
    )
    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO deadline_policies (code, name, ack_hours, response_days, "
                         "urgent_ack_hours, urgent_response_days) "
                         "VALUES ('STANDARD', 'Tiêu chuẩn', 8, 10, 2, 3)"))
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_id', sa.Integer(), nullable=True))
    bind.execute(sa.text('UPDATE categories SET policy_id = '
                         "(SELECT id FROM deadline_policies WHERE code = 'STANDARD')"))
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.alter_column('policy_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_categories_policy_id_deadline_policies',
                                    'deadline_policies', ['policy_id'], ['id'])

    bind.execute(sa.text("UPDATE cases SET status = 'closed' WHERE status = 'guided'"))
    bind.execute(sa.text("UPDATE case_events SET kind = 'internal_note' "
                         "WHERE kind IN ('reclassified', 'extension')"))
    _checks(forward=False)
    for column in ('guided_to', 'extension_days', 'extensions_used', 'original_response_due_at',
                   'response_due_unit', 'ack_due_unit', 'taken_as_information', 'kind'):
        op.execute(f'ALTER TABLE cases DROP COLUMN {column}')
    op.drop_index(op.f('ix_case_extensions_case_id'), table_name='case_extensions')
    op.drop_table('case_extensions')
    op.drop_index('uq_deadline_regimes_scope', table_name='deadline_regimes')
    op.drop_table('deadline_regimes')
