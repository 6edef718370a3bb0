"""Start an export, poll its progress, download the file (the requester only)."""
from __future__ import annotations

from flask import abort, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from app.cases import access
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import ExportJob, ExportStatus
from app.scoring import exports
from app.web.committee.exports.blueprint import bp
from app.web.committee.exports.forms import ExportForm
from app.web.htmx import is_htmx, render_page_or_partial


def _own_job(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or not access.may_see_export(current_user, job):
        abort(404)
    return job


@bp.post("")
@login_required
def start():
    """Record an export and start the job that makes it (POST only: it creates a file)."""
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    params = {"campaign": form.campaign.data, "period": form.period.data,
              "unit": form.unit.data, "show": form.show.data}
    job = exports.start_export(current_user, form.kind.data, form.file_format.data,
                               params, utcnow())
    db.session.commit()
    db.session.expire_all()
    if is_htmx():
        return render_template("exports/_progress.html", job=db.session.get(ExportJob, job.id))
    return redirect(url_for("exports.status", job_id=job.id), 303)


@bp.get("/<int:job_id>")
@login_required
def status(job_id: int):
    """The export's progress; htmx polls the partial every second until it is finished."""
    job = _own_job(job_id)
    return render_page_or_partial("exports/status.html", "exports/_progress.html", job=job)


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int):
    """The file, to the person who asked for it, while it is kept."""
    job = _own_job(job_id)
    path = exports.file_path(job)
    if job.status != ExportStatus.DONE or path is None or not path.exists():
        abort(404)
    mimetype = ("text/csv" if job.file_format == "csv" else
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = send_file(path, mimetype=mimetype, as_attachment=True,
                         download_name=exports.download_name(job))
    response.headers["Cache-Control"] = "no-store"
    return response
