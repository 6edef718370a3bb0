"""the queue at city scale: its order kept by the database, its counts kept by triggers

Revision ID: 0014
Revises: 0013

cases.queue_due_at is the deadline that matters now, a generated column (stored on
PostgreSQL, virtual on SQLite, which cannot add a stored one), indexed with the unit so
the queue's first page is an index scan. case_counts holds how many cases each unit has
in each status; triggers keep it in the same transaction as every insert, delete and
change of status or unit (statement triggers with transition tables on PostgreSQL, so a
COPY of a million rows adds one grouped statement, not a million).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

QUEUE_DUE_SQL = (
    "CASE WHEN status IN ('new', 'assigned') THEN "
    "CASE WHEN response_due_at < ack_due_at THEN response_due_at ELSE ack_due_at END "
    "WHEN status IN ('in_progress', 'awaiting_citizen') THEN response_due_at END"
)

# The counts change by the grouped difference of the rows before and after, applied in
# key order so that concurrent transactions lock the counter rows in the same order.
_PG_APPLY = """
    INSERT INTO case_counts (unit_key, status, n)
    SELECT unit_key, status, sum(delta) FROM ({rows}) AS changes
    GROUP BY unit_key, status ORDER BY unit_key, status
    ON CONFLICT (unit_key, status) DO UPDATE SET n = case_counts.n + EXCLUDED.n
"""
_ADDED = "SELECT COALESCE(unit_id, 0) AS unit_key, status, 1 AS delta FROM added"
_REMOVED = "SELECT COALESCE(unit_id, 0) AS unit_key, status, -1 AS delta FROM removed"
_CHANGED = """
    SELECT COALESCE(r.unit_id, 0) AS unit_key, r.status, -1 AS delta
    FROM removed r JOIN added a ON a.id = r.id
    WHERE r.status IS DISTINCT FROM a.status OR r.unit_id IS DISTINCT FROM a.unit_id
    UNION ALL
    SELECT COALESCE(a.unit_id, 0), a.status, 1
    FROM removed r JOIN added a ON a.id = r.id
    WHERE r.status IS DISTINCT FROM a.status OR r.unit_id IS DISTINCT FROM a.unit_id
"""
_PG_FUNCTIONS = {
    "insert": (_ADDED, "REFERENCING NEW TABLE AS added"),
    "delete": (_REMOVED, "REFERENCING OLD TABLE AS removed"),
    "update": (_CHANGED, "REFERENCING OLD TABLE AS removed NEW TABLE AS added"),
}
_SQLITE_BUMP = """
    INSERT INTO case_counts (unit_key, status, n) VALUES (COALESCE({row}.unit_id, 0), {row}.status, {delta})
    ON CONFLICT (unit_key, status) DO UPDATE SET n = n + excluded.n;
"""


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column('cases', sa.Column(
        'queue_due_at', sa.DateTime(timezone=True), sa.Computed(QUEUE_DUE_SQL, persisted=postgres)))
    op.create_index('ix_cases_unit_queue_due', 'cases', ['unit_id', 'queue_due_at', 'id'])
    op.create_index('ix_cases_queue_due', 'cases', ['queue_due_at', 'id'])
    op.create_index('ix_cases_received_id', 'cases', ['received_at', 'id'])
    op.create_table(
        'case_counts',
        sa.Column('unit_key', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('n', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('unit_key', 'status', name=op.f('pk_case_counts')),
    )
    if postgres:
        for event, (rows, referencing) in _PG_FUNCTIONS.items():
            op.execute(f"""
                CREATE FUNCTION case_counts_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN {_PG_APPLY.format(rows=rows)}; RETURN NULL; END $$""")
            op.execute(f"""
                CREATE TRIGGER cases_counted_{event} AFTER {event.upper()} ON cases
                {referencing} FOR EACH STATEMENT EXECUTE FUNCTION case_counts_{event}()""")
    else:
        op.execute(f"CREATE TRIGGER cases_counted_insert AFTER INSERT ON cases BEGIN "
                   f"{_SQLITE_BUMP.format(row='NEW', delta=1)} END")
        op.execute(f"CREATE TRIGGER cases_counted_delete AFTER DELETE ON cases BEGIN "
                   f"{_SQLITE_BUMP.format(row='OLD', delta=-1)} END")
        op.execute(f"CREATE TRIGGER cases_counted_update AFTER UPDATE OF status, unit_id ON cases "
                   f"WHEN OLD.status IS NOT NEW.status OR OLD.unit_id IS NOT NEW.unit_id BEGIN "
                   f"{_SQLITE_BUMP.format(row='OLD', delta=-1)}"
                   f"{_SQLITE_BUMP.format(row='NEW', delta=1)} END")
    op.execute("INSERT INTO case_counts (unit_key, status, n) "
               "SELECT COALESCE(unit_id, 0), status, count(*) FROM cases "
               "GROUP BY COALESCE(unit_id, 0), status")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for event in _PG_FUNCTIONS:
        op.execute(f"DROP TRIGGER IF EXISTS cases_counted_{event}" + (" ON cases" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS case_counts_{event}()")
    op.drop_table('case_counts')
    op.drop_index('ix_cases_received_id', table_name='cases')
    op.drop_index('ix_cases_queue_due', table_name='cases')
    op.drop_index('ix_cases_unit_queue_due', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('queue_due_at')
