"""Changing CHECK constraints in a migration, on PostgreSQL and on SQLite.

SQLite cannot alter a CHECK constraint in place, and rebuilding a large table would
lose its partial indexes: a widened or added check is written into the stored schema
instead (SQLite's documented procedure for changes that leave the stored rows valid),
and the database's integrity is checked afterwards.
"""
import re

import sqlalchemy as sa
from alembic import op


def _constraint_span(sql, name):
    """Where "CONSTRAINT name CHECK (...)" sits in a CREATE TABLE statement."""
    match = re.search(r',\s*CONSTRAINT\s+"?' + re.escape(name) + r'"?\s+CHECK\s*\(', sql)
    if match is None:
        raise RuntimeError(f'constraint {name} not found in the stored schema')
    depth, index = 1, match.end()
    while depth:
        depth += {'(': 1, ')': -1}.get(sql[index], 0)
        index += 1
    return match.start(), index


def _sqlite_checks(bind, table, changes, forward):
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                       {'t': table}).scalar_one()
    for name, (old, new) in changes.items():
        before, after = (old, new) if forward else (new, old)
        if before is not None:
            start, end = _constraint_span(sql, name)
            sql = sql[:start] + sql[end:]
        if after is not None:
            closing = sql.rstrip().rindex(')')
            sql = sql[:closing].rstrip() + f',\n\tCONSTRAINT {name} CHECK ({after})\n)'
    version = bind.execute(sa.text('PRAGMA schema_version')).scalar_one()
    bind.execute(sa.text('PRAGMA writable_schema = ON'))
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
                 {'sql': sql, 't': table})
    bind.execute(sa.text(f'PRAGMA schema_version = {version + 1}'))
    bind.execute(sa.text('PRAGMA writable_schema = OFF'))
    if bind.execute(sa.text('PRAGMA integrity_check')).scalar_one() != 'ok':
        raise RuntimeError(f'the schema of {table} did not survive the change of its checks')


def change_checks(bind, checks, forward):
    """Apply ``checks`` ({table: {constraint: (old sql, new sql)}}; None as old adds a
    constraint, None as new drops one) forwards, or undo them."""
    for table, changes in checks.items():
        if bind.dialect.name == 'sqlite':
            _sqlite_checks(bind, table, changes, forward)
            continue
        for name, (old, new) in changes.items():
            before, after = (old, new) if forward else (new, old)
            if before is not None:
                op.drop_constraint(op.f(name), table, type_='check')
            if after is not None:
                op.create_check_constraint(op.f(name), table, after)
