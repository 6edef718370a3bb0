"""Exports of scorecards and case lists to CSV and Excel, made by a job for one person.

The request only records an ExportJob and enqueues the work; the job writes the
file in the instance folder, reporting progress on the row, which the page polls.
Only the person who asked may follow and download it (``access.may_see_export``);
files are removed after a day.
Case lists hold the rows that person may see, with citizens' contact details only
where ``access.may_see_contact`` allows them.
"""
from __future__ import annotations

import csv
import re
import secrets
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from app.cases import access, labels
from app.core.dispatch import enqueue
from app.core.errors import InvalidInput, NotPermitted
from app.core.timeutil import to_local
from app.deadlines.sla import due_point
from app.extensions import db
from app.models import OPEN_STATUSES, Case, CoHandlingRequest, ExportJob, ExportStatus, User
from app.models.campaigns import COMPONENTS
from app.scoring import scorecards
from app.scoring.labels import COMPONENT, CONTRIBUTION

KEEP_FOR = timedelta(days=1)
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d .]*")  # a phone number is not a formula
CHUNK = 500
FORMATS = ("csv", "xlsx")
KINDS = ("scorecard", "cases")


def start_export(user: User, kind: str, file_format: str, params: dict, now: datetime) -> ExportJob:
    """Record an export and enqueue the job that makes it. The caller commits."""
    if kind not in KINDS:
        raise InvalidInput(_l("Unknown export."), "kind")
    if file_format not in FORMATS:
        raise InvalidInput(_l("Choose CSV or Excel."), "format")
    if not access.may_export(user, kind):
        raise NotPermitted(_l("You are not allowed to do this."))
    clean = {k: str(v)[:16] for k, v in params.items() if k in ("campaign", "period", "unit", "show")}
    job = ExportJob(user_id=user.id, kind=kind, file_format=file_format, params=clean,
                    created_at=now, status=ExportStatus.PENDING.value)
    db.session.add(job)
    db.session.flush()
    enqueue("app.jobs.exports.run_export", job.id)
    return job


def export_dir() -> Path:
    path = Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(job: ExportJob) -> Path | None:
    """Where the job's file is, if it has one."""
    return export_dir() / job.file_name if job.file_name else None


def _local(value: datetime | None) -> datetime | None:
    """An instant as the offices' wall-clock time, to the minute (a spreadsheet has no zone)."""
    return to_local(value).replace(tzinfo=None, second=0, microsecond=0) if value else None


def _due(due_at: datetime | None, unit: str) -> datetime | date | None:
    """A due time in a spreadsheet: its last day for a day count, the minute for an hour count."""
    if due_at is None:
        return None
    point = due_point(due_at, unit)
    return _local(point) if isinstance(point, datetime) else point


def as_text(value) -> str:
    """A cell as a CSV file writes it: dates in ISO order, which every spreadsheet reads."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rate(successes: int | None, total: int | None) -> float | None:
    return successes / total if total else None


class Column(str):
    """A header that knows how its cells are shown in Excel: "int", "decimal", "percent",
    "date", "datetime" or "text", and how wide the column is (in characters)."""

    kind: str
    width: int

    def __new__(cls, title, kind: str = "text", width: int | None = None):
        column = super().__new__(cls, str(title))
        column.kind = kind
        column.width = width or {"int": 10, "decimal": 10, "percent": 10, "date": 12,
                                 "datetime": 17}.get(kind, 24)
        return column


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def scorecard_rows(user: User, params: dict, now: datetime) -> tuple[list[str], int, Iterator[list]]:
    """Header, row count and rows of the scorecard the user sees with these filters."""
    card = scorecards.scorecard(user, now, _int(params.get("campaign")), params.get("period"),
                                _int(params.get("unit")))
    # One header per column: a component's value (0–100) and the count of the same name
    # are told apart, and each rate is a column of its own in the % format.
    header = [Column(gettext("Rank"), "int", 7), Column(gettext("Unit code"), width=12),
              Column(gettext("Unit"), width=40), Column(gettext("Score"), "decimal")] + [
        Column(gettext("%(component)s (value 0–100)", component=COMPONENT[c]), "decimal", 14)
        for c in COMPONENTS] + [
        Column(gettext("Cases received"), "int"),
        Column(gettext("Acknowledged on time (cases)"), "int", 14),
        Column(gettext("Acknowledgments due"), "int", 14),
        Column(gettext("Acknowledged on time (rate)"), "percent", 14),
        Column(gettext("Answered on time (cases)"), "int", 14),
        Column(gettext("Answered on time against the original date (cases)"), "int", 18),
        Column(gettext("Answers due"), "int"),
        Column(gettext("Answered on time (rate)"), "percent", 14),
        Column(gettext("Median working hours"), "decimal", 14),
        Column(gettext("90th percentile working hours"), "decimal", 14),
        Column(gettext("Open and overdue"), "int", 12), Column(gettext("Ratings"), "int"),
        Column(gettext("Mean rating"), "decimal"), Column(gettext("Reopened"), "int"),
        Column(gettext("Transfers out"), "int", 12), Column(gettext("Late transfers"), "int", 12),
        Column(gettext("Cases not accepted"), "int", 12),
        Column(gettext("Cases guided to the competent agency"), "int", 16),
        Column(gettext("Extensions approved"), "int", 12),
        *(Column(CONTRIBUTION[key], "int", 16) for key in ("asked", "on_time", "late", "declined")),
        Column(gettext("Works registered"), "int", 12),
        Column(gettext("Works completed"), "int", 12), Column(gettext("Campaign"), width=30),
        Column(gettext("Period"), width=16)]
    period = scorecards.period_label(card.period_key, gettext)

    def rows():
        for r in card.rows:
            yield [r.rank, r.unit.code, r.unit.name, round(r.score, 2)] + [
                round(r.components[c]["value"], 2) if r.components.get(c, {}).get("value")
                is not None else None for c in COMPONENTS] + [
                r.received, r.ack_on_time, r.ack_due, _rate(r.ack_on_time, r.ack_due),
                r.response_on_time, r.response_on_time_original, r.response_due,
                _rate(r.response_on_time, r.response_due),
                round(r.median_minutes / 60, 2) if r.median_minutes is not None else None,
                round(r.p90_minutes / 60, 2) if r.p90_minutes is not None else None,
                r.open_overdue, r.rated, round(r.mean_rating, 2) if r.rated else None,
                r.reopened, r.transfers_out, r.late_transfers, r.rejected, r.guided,
                r.extensions_used, r.contributions_asked, r.contributions_on_time,
                r.contributions_late, r.contributions_declined, r.works_registered,
                r.works_completed, card.campaign.name, period]

    return header, len(card.rows), rows()


def case_rows(user: User, params: dict) -> tuple[list[str], int, Iterator[list]]:
    """Header, row count and rows of the cases the user may list (open ones unless show=all)."""
    stmt = sa.select(Case).where(access.visible_cases_filter(user))
    if params.get("show") != "all":
        stmt = stmt.where(Case.status.in_([s.value for s in OPEN_STATUSES]))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    # A due time counted in days is a date, in hours a moment: the column takes either.
    header = [Column(gettext("Reference"), width=16),
              Column(gettext("Received"), "datetime"), Column(gettext("Title"), width=40),
              Column(gettext("Field"), width=20), Column(gettext("Kind of case"), width=16),
              Column(gettext("Unit"), width=32), Column(gettext("Status"), width=18),
              Column(gettext("Channel"), width=14), Column(gettext("Acknowledge by"), "datetime"),
              Column(gettext("Answer by"), "datetime"),
              Column(gettext("Original answer due"), "datetime"),
              Column(gettext("Extensions approved"), "int", 12),
              Column(gettext("Answered"), "datetime"), Column(gettext("Rating"), "int"),
              Column(gettext("Citizen"), width=24), Column(gettext("Phone"), width=16),
              Column(gettext("Email"), width=28),
              Column(gettext("Reply document number"), width=18),
              Column(gettext("Reply signed on"), "date"),
              Column(gettext("Reply signed by"), width=24),
              Column(gettext("Co-handling units"), width=40)]
    ordered = stmt.options(
        joinedload(Case.category), joinedload(Case.unit),
        selectinload(Case.cohandling_requests).joinedload(CoHandlingRequest.unit),
    ).order_by(Case.id)

    def cohandling(case: Case) -> str:
        # The units asked for input and where each request stands, as far as the user sees.
        return "; ".join(
            f"{request.unit.name}: {labels.REQUEST_STATUS[request.status]}"
            for request in case.cohandling_requests if access.may_see_request(user, request))

    def rows():
        for case in db.session.scalars(ordered.execution_options(yield_per=CHUNK)):
            contact = access.may_see_contact(user, case)
            yield [case.reference, _local(case.received_at), case.title,
                   case.category.name_vi, str(labels.KIND[case.kind]),
                   case.unit.name if case.unit else "",
                   str(labels.STATUS[case.status]), str(labels.CHANNEL[case.channel]),
                   _due(case.ack_due_at, case.ack_due_unit),
                   _due(case.response_due_at, case.response_due_unit),
                   _due(case.original_response_due_at, case.response_due_unit),
                   case.extensions_used, _local(case.responded_at), case.satisfaction,
                   case.citizen_name if contact else "", case.citizen_phone if contact else "",
                   case.citizen_email if contact else "",
                   case.answer_doc_number or "",
                   case.answer_doc_date,
                   case.answer_signer or "", cohandling(case)]

    return header, total, rows()


def _safe_cell(value):
    """Neutralise spreadsheet formulas in text typed by citizens (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") \
            and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return "" if value is None else value


def _write(job: ExportJob, header, total, rows, path: Path, report) -> int:
    count = 0
    if job.file_format == "csv":
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_safe_cell(as_text(v)) for v in row])
                count += 1
                if count % CHUNK == 0:
                    report(count, total)
        return count
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
    sheet = workbook.add_worksheet(gettext("Export"))
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    formats = {
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
        "decimal": workbook.add_format({"num_format": "0.00"}),
        "int": workbook.add_format({"num_format": "0"}),
    }
    day_format = formats["date"]
    kinds = [getattr(column, "kind", "text") for column in header]
    # Widths and the frozen, filtered header come first: constant_memory writes row by row.
    for index, column in enumerate(header):
        sheet.set_column(index, index, getattr(column, "width", 24))
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, [str(column) for column in header], bold)
    for row in rows:
        count += 1
        for index, value in enumerate(row):
            kind = kinds[index] if index < len(kinds) else "text"
            if value is None or value == "":
                sheet.write_blank(count, index, None)
            elif isinstance(value, datetime):
                sheet.write_datetime(count, index, value, formats["datetime"])
            elif isinstance(value, date):
                sheet.write_datetime(count, index, datetime.combine(value, datetime.min.time()),
                                     day_format)
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                sheet.write_string(count, index, str(value))
            else:
                sheet.write_number(count, index, value, formats.get(kind))
        if count % CHUNK == 0:
            report(count, total)
    sheet.autofilter(0, 0, max(count, 1), len(header) - 1)
    workbook.close()
    return count


def run(job_id: int, now: datetime) -> str:
    """Make the export file (idempotent: a finished job is left as it is)."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.finished:
        return "skipped"
    user = job.user
    job.status, job.progress = ExportStatus.RUNNING.value, 0
    db.session.commit()

    def report(done: int, total: int) -> None:
        job.progress = min(99, int(done * 100 / total)) if total else 99
        db.session.commit()

    try:
        with force_locale(user_locale(user)):
            if job.kind == "scorecard":
                header, total, rows = scorecard_rows(user, job.params or {}, now)
            else:
                header, total, rows = case_rows(user, job.params or {})
            name = f"{secrets.token_hex(12)}.{job.file_format}"
            count = _write(job, header, total, rows, export_dir() / name, report)
    except Exception as exc:  # noqa: BLE001 - recorded on the job for the person waiting
        db.session.rollback()
        job.status, job.error, job.finished_at = ExportStatus.FAILED.value, str(exc)[:500], now
        db.session.commit()
        raise
    job.file_name, job.row_count = name, count
    job.status, job.progress, job.finished_at = ExportStatus.DONE.value, 100, now
    db.session.commit()
    return "done"


def user_locale(user: User) -> str:
    """Exports are written in Vietnamese, the language of the offices."""
    return "vi"


def download_name(job: ExportJob) -> str:
    """A readable file name: langnghe-cases-2026-03-02.xlsx."""
    day = to_local(job.created_at).strftime("%Y-%m-%d")
    return f"langnghe-{job.kind}-{day}.{job.file_format}"


def cleanup(now: datetime) -> int:
    """Remove files older than a day and mark their jobs expired. Idempotent."""
    old = db.session.scalars(
        sa.select(ExportJob).where(ExportJob.created_at < now - KEEP_FOR,
                                   ExportJob.status != ExportStatus.EXPIRED.value)
    ).all()
    for job in old:
        path = file_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
        job.status, job.file_name = ExportStatus.EXPIRED.value, None
    db.session.commit()
    return len(old)
