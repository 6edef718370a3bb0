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
from datetime import datetime, timedelta
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


def _fmt_time(value: datetime | None) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _fmt_due(due_at: datetime | None, unit: str) -> str:
    """A due time in a spreadsheet: its last day for a day count, the minute for an hour count."""
    if due_at is None:
        return ""
    point = due_point(due_at, unit)
    return _fmt_time(point) if isinstance(point, datetime) else point.strftime("%Y-%m-%d")


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def scorecard_rows(user: User, params: dict, now: datetime) -> tuple[list[str], int, Iterator[list]]:
    """Header, row count and rows of the scorecard the user sees with these filters."""
    card = scorecards.scorecard(user, now, _int(params.get("campaign")), params.get("period"),
                                _int(params.get("unit")))
    header = [gettext("Rank"), gettext("Unit code"), gettext("Unit"), gettext("Score")] + [
        str(COMPONENT[c]) for c in COMPONENTS] + [
        gettext("Received"), gettext("Acknowledged on time"), gettext("Acknowledgments due"),
        gettext("Answered on time"), gettext("Answered on time against the original date"),
        gettext("Answers due"), gettext("Median working hours"),
        gettext("90th percentile working hours"), gettext("Open and overdue"),
        gettext("Ratings"), gettext("Mean rating"), gettext("Reopened"), gettext("Transfers out"),
        gettext("Late transfers"), gettext("Cases not accepted"),
        gettext("Cases guided to the competent agency"), gettext("Extensions approved"),
        *(str(CONTRIBUTION[key]) for key in ("asked", "on_time", "late", "declined")),
        gettext("Works registered"),
        gettext("Works completed"), gettext("Campaign"), gettext("Period")]

    def rows():
        for r in card.rows:
            yield [r.rank, r.unit.code, r.unit.name, round(r.score, 2)] + [
                round(r.components[c]["value"], 2) if r.components.get(c, {}).get("value")
                is not None else None for c in COMPONENTS] + [
                r.received, r.ack_on_time, r.ack_due, r.response_on_time,
                r.response_on_time_original, r.response_due,
                round(r.median_minutes / 60, 2) if r.median_minutes is not None else None,
                round(r.p90_minutes / 60, 2) if r.p90_minutes is not None else None,
                r.open_overdue, r.rated, round(r.mean_rating, 2) if r.rated else None,
                r.reopened, r.transfers_out, r.late_transfers, r.rejected, r.guided,
                r.extensions_used, r.contributions_asked, r.contributions_on_time,
                r.contributions_late, r.contributions_declined, r.works_registered,
                r.works_completed, card.campaign.name, card.period_key]

    return header, len(card.rows), rows()


def case_rows(user: User, params: dict) -> tuple[list[str], int, Iterator[list]]:
    """Header, row count and rows of the cases the user may list (open ones unless show=all)."""
    stmt = sa.select(Case).where(access.visible_cases_filter(user))
    if params.get("show") != "all":
        stmt = stmt.where(Case.status.in_([s.value for s in OPEN_STATUSES]))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    header = [gettext("Reference"), gettext("Received"), gettext("Title"), gettext("Field"),
              gettext("Kind of case"), gettext("Unit"), gettext("Status"), gettext("Channel"),
              gettext("Acknowledge by"), gettext("Answer by"), gettext("Original answer due"),
              gettext("Extensions approved"), gettext("Answered"), gettext("Rating"),
              gettext("Citizen"), gettext("Phone"), gettext("Email"),
              gettext("Reply document number"), gettext("Reply signed on"),
              gettext("Reply signed by"), gettext("Co-handling units")]
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
            yield [case.reference, _fmt_time(case.received_at), case.title,
                   case.category.name_vi, str(labels.KIND[case.kind]),
                   case.unit.name if case.unit else "",
                   str(labels.STATUS[case.status]), str(labels.CHANNEL[case.channel]),
                   _fmt_due(case.ack_due_at, case.ack_due_unit),
                   _fmt_due(case.response_due_at, case.response_due_unit),
                   _fmt_due(case.original_response_due_at, case.response_due_unit),
                   case.extensions_used, _fmt_time(case.responded_at), case.satisfaction,
                   case.citizen_name if contact else "", case.citizen_phone if contact else "",
                   case.citizen_email if contact else "",
                   case.answer_doc_number or "",
                   case.answer_doc_date.isoformat() if case.answer_doc_date else "",
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
                writer.writerow([_safe_cell(v) for v in row])
                count += 1
                if count % CHUNK == 0:
                    report(count, total)
        return count
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
    sheet = workbook.add_worksheet(gettext("Export"))
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for row in rows:
        count += 1
        sheet.write_row(count, 0, ["" if v is None else v for v in row])
        if count % CHUNK == 0:
            report(count, total)
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
