"""Bulk inserts of case and event rows: COPY on PostgreSQL, batched executemany elsewhere.

On PostgreSQL a separate thread streams each batch with COPY while the next
batch is generated, so Python and the database server work at the same time.
A load much larger than the tables already are drops their secondary indexes
and foreign keys inside the transaction and rebuilds (and re-validates) them
at the end, which is how pg_restore loads data too: one sorted index build is
far cheaper than a million index insertions and foreign-key probes.
"""
from __future__ import annotations

import queue
import threading
from datetime import datetime, timezone

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseEvent
from app.seed.bulk.lifecycle import CASE_COLUMNS, CASE_TIMES, EVENT_COLUMNS
from app.seed.bulk.worktime import to_datetime

NULL = "\\N"
_HMS = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(86400)]
EVENT_COPY_COLUMNS = EVENT_COLUMNS[1:]
REBUILD_ABOVE = 50_000  # rows to add, and more than the table holds, before rebuilding is worth it


class Timestamps:
    """Epoch seconds as COPY text for timestamptz, from a table of days built once."""

    def __init__(self, first: int, last: int):
        self.base = first // 86400
        self.days = [
            datetime.fromtimestamp(day * 86400, timezone.utc).strftime("%Y-%m-%d")
            for day in range(self.base, last // 86400 + 2)
        ]

    def __call__(self, value: int | None) -> str:
        if value is None:
            return NULL
        return self.days[value // 86400 - self.base] + _HMS[value % 86400]


def check_text(value: str) -> str:
    """Refuse a pool entry that COPY's text format would need to escape."""
    if any(ch in value for ch in "\t\n\r\\"):
        raise ValueError(f"text for bulk data must not contain tabs, newlines or backslashes: {value!r}")
    return value


def copy_text(cases: list[tuple], events: list[tuple], ts: Timestamps) -> tuple[str, str]:
    """Both batches as COPY text (generated text never needs escaping: see ``check_text``).

    Case lines follow ``CASE_COLUMNS``; event lines ``EVENT_COPY_COLUMNS``.
    """
    n = NULL
    case_lines = [
        f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]}\t{r[5]}\t{r[6]}\t{r[7]}\t{r[8]}\t{n}\t{n}\t"
        f"{n if r[11] is None else r[11]}\t{n if r[12] is None else r[12]}\t"
        f"{n if r[13] is None else r[13]}\t{'t' if r[14] else 'f'}\t{'t' if r[15] else 'f'}\t"
        f"{r[16]}\t{r[17]}\t{n if r[18] is None else r[18]}\t{n if r[19] is None else r[19]}\t"
        f"{n if r[20] is None else r[20]}\t{r[21]}\t{ts(r[22])}\t{ts(r[23])}\t{ts(r[24])}\t"
        f"{ts(r[25])}\t{ts(r[26])}\t{ts(r[27])}\t{ts(r[28])}\t{ts(r[29])}\t{r[30]}\t{ts(r[31])}\t"
        f"{n if r[32] is None else r[32]}\t{n if r[33] is None else r[33]}\t"
        f"{n if r[34] is None else r[34]}\t{n if r[35] is None else r[35]}\t{r[36]}\t{n}\t"
        f"{r[38]}\t{r[39]}\t{r[40]}\t{r[41]}\t{'t' if r[42] else 'f'}\t{r[43]}\t{r[44]}\t"
        f"{n if r[45] is None else r[45]}\t{ts(r[46])}\t{r[47]}\t{r[48]}\n"
        for r in cases
    ]
    event_lines = [  # without the id: the table's sequence numbers events in the order written
        f"{e[1]}\t{e[2]}\t{ts(e[3])}\t{n if e[4] is None else e[4]}\t{e[5]}\t"
        f"{n if e[6] is None else e[6]}\t{n if e[7] is None else e[7]}\t"
        f"{n if e[8] is None else e[8]}\t{n if e[9] is None else e[9]}\t{e[10]}\t"
        f"{'t' if e[11] else 'f'}\n"
        for e in events
    ]
    return "".join(case_lines), "".join(event_lines)


class Writer:
    """Sends rows to the database inside the session's transaction."""

    def __init__(self, first: int, last: int):
        self.connection = db.session.connection()
        self.postgresql = self.connection.dialect.name == "postgresql"
        self.timestamps = Timestamps(first, last)
        self.rebuild: list = []
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def lock(self) -> None:
        """Keep concurrent submissions out while ids and references are handed out."""
        if self.postgresql:
            self.connection.exec_driver_sql(
                "LOCK TABLE case_sequences, cases, case_events IN SHARE ROW EXCLUSIVE MODE"
            )

    def prepare(self, adding: int, existing: int) -> None:
        """Before a large load on PostgreSQL, drop what is cheaper to rebuild afterwards."""
        if not self.postgresql:
            return
        self.connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        if adding >= REBUILD_ABOVE and adding > existing:
            for table in ("case_events", "cases"):
                self._drop_for_rebuild(table)
        self._queue = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._copy_batches, name="bulk-copy", daemon=True)
        self._thread.start()

    def _drop_for_rebuild(self, table: str) -> None:
        """Drop a table's foreign keys, unique constraints and secondary indexes, keeping their DDL.

        Read from the catalog, so indexes that migrations create with raw SQL
        (trigram indexes, say) are rebuilt too.
        """
        conn = self.connection
        constraints = conn.execute(sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass) AND contype IN ('f', 'u') ORDER BY contype DESC"
        ), {"t": table}).all()
        indexes = conn.execute(sa.text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = CAST(:t AS regclass) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        ), {"t": table}).all()
        for name, definition in constraints:  # unique ones first, then foreign keys
            conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            self.rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
            self.rebuild.insert(0, definition)

    def _copy_batches(self) -> None:
        raw = self.connection.connection.driver_connection
        try:
            with raw.cursor() as cursor:
                while (item := self._queue.get()) is not None:
                    case_text, event_text = item
                    with cursor.copy(f"COPY cases ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                        copy.write(case_text)
                    with cursor.copy(
                        f"COPY case_events ({', '.join(EVENT_COPY_COLUMNS)}) FROM STDIN"
                    ) as copy:
                        copy.write(event_text)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread in finish()
            self._error = exc
            while self._queue.get() is not None:  # let the producer finish without blocking
                pass

    def write_text(self, case_text: str, event_text: str) -> None:
        """Hand one batch, as ``copy_text`` made it, to the COPY thread (PostgreSQL)."""
        if self._error is not None:
            self._queue.put(None)
            raise self._error
        self._queue.put((case_text, event_text))

    def write(self, cases: list[tuple], events: list[tuple]) -> None:
        """Insert one batch of cases, then their events."""
        if self.postgresql:
            self.write_text(*copy_text(cases, events, self.timestamps))
            return
        times = [CASE_COLUMNS.index(name) for name in CASE_TIMES]
        case_rows = []
        for row in cases:
            values = dict(zip(CASE_COLUMNS, row))
            for i in times:
                if row[i] is not None:
                    values[CASE_COLUMNS[i]] = to_datetime(row[i])
            case_rows.append(values)
        if case_rows:
            self.connection.execute(sa.insert(Case.__table__), case_rows)
        event_rows = [dict(zip(EVENT_COLUMNS, e), created_at=to_datetime(e[3])) for e in events]
        if event_rows:
            self.connection.execute(sa.insert(CaseEvent.__table__), event_rows)

    def finish(self, last_case_id: int) -> None:
        """Wait for the last batch, rebuild indexes and keys, move the id sequences on, ANALYZE."""
        if not self.postgresql:
            return
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        for statement in self.rebuild:
            self.connection.exec_driver_sql(statement)
        if last_case_id:  # events took their ids from their sequence
            self.connection.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('cases', 'id'), :last)"),
                {"last": last_case_id},
            )
        self.connection.exec_driver_sql("ANALYZE cases")
        self.connection.exec_driver_sql("ANALYZE case_events")
