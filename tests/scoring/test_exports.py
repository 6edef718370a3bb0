"""Exports end to end: started by POST, made by a job (inline or on a real RQ worker),
downloaded only by the person who asked, removed after a day."""
from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from app.cases import labels
from app.extensions import db as _db
from app.models import Category, ExportJob, ExportStatus
from app.scoring import exports
from tests.conftest import csrf_token, redis_url_or_skip
from tests.factories import EMAILS, make_case


@pytest.fixture
def cases(app, world):
    with app.app_context():
        make_case(_db.session.get(Category, world.tax), title="=HYPERLINK(\"x\")", kind="khieu_nai",
                  citizen_name="Trần Thị Bình", citizen_phone="+84901234567")
        make_case(_db.session.get(Category, world.insurance), title="Sổ BHXH chưa chốt",
                  citizen_name="Lê Văn Cường", citizen_phone="+84907654321")
        _db.session.commit()


def _start(client, fmt="csv", kind="cases", htmx=False, **params):
    token = csrf_token(client, "/cases")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/exports", data={"csrf_token": token, "kind": kind, "file_format": fmt,
                                         **params}, headers=headers)


def _job_id(response) -> int:
    return int(re.search(r"/exports/(\d+)", response.headers.get("Location", "") +
                         response.get_data(as_text=True)).group(1))


def test_case_list_export_inline_csv(client, auth, cases):
    auth.login(EMAILS["officer_thue"])
    response = _start(client)
    assert response.status_code == 303
    job_id = _job_id(response)
    progress = client.get(f"/exports/{job_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in progress and f"/exports/{job_id}/download" in progress
    download = client.get(f"/exports/{job_id}/download")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(download.get_data().decode("utf-8-sig"))))
    assert len(rows) == 2  # header + the unit's one case: Bảo hiểm Xã hội's is not theirs
    assert rows[1][2] == "'=HYPERLINK(\"x\")"  # no formula injection
    assert "+84901234567" in rows[1] and "Trần Thị Bình" in rows[1]
    with client.application.test_request_context(), force_locale("vi"):
        assert rows[0][4] == gettext("Kind of case")
        assert rows[1][4] == str(labels.KIND["khieu_nai"])


def test_contact_details_only_for_roles_allowed(client, auth, cases):
    auth.login(EMAILS["operator"])
    response = _start(client, show="all")
    body = client.get(f"/exports/{_job_id(response)}/download").get_data().decode("utf-8-sig")
    # The operator took neither case in and both are routed: nothing to list, nothing leaks.
    assert "+8490" not in body
    auth.logout()
    auth.login(EMAILS["committee"])
    body = client.get(f"/exports/{_job_id(_start(client, show='all'))}/download").get_data().decode("utf-8-sig")
    assert "+84901234567" in body and "+84907654321" in body


def test_download_only_by_the_requester_and_start_only_by_post(client, auth, cases):
    auth.login(EMAILS["officer_thue"])
    job_id = _job_id(_start(client))
    assert client.get("/exports").status_code == 405
    auth.logout()
    auth.login(EMAILS["head_thue"])
    assert client.get(f"/exports/{job_id}").status_code == 404
    assert client.get(f"/exports/{job_id}/download").status_code == 404


def test_scorecard_export_needs_the_scorecard_role(client, auth, cases):
    auth.login(EMAILS["officer_thue"])
    assert _start(client, kind="scorecard").status_code == 403
    assert _start(client, fmt="pdf").status_code == 400


def test_xlsx_export_and_htmx_progress(app, client, auth, cases):
    auth.login(EMAILS["committee"])
    response = _start(client, fmt="xlsx", htmx=True, show="all")
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    job_id = _job_id(response)
    data = client.get(f"/exports/{job_id}/download").get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        strings = book.read("xl/worksheets/sheet1.xml").decode()  # inline strings
    assert "Sổ BHXH chưa chốt" in strings and "+84907654321" in strings


def test_polling_partial_while_running(app, client, auth, cases):
    auth.login(EMAILS["officer_thue"])
    with app.app_context():
        from app.models import User

        user = _db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"]))
        job = ExportJob(user_id=user.id, kind="cases", file_format="csv", params={},
                        status=ExportStatus.RUNNING.value, progress=40)
        _db.session.add(job)
        _db.session.commit()
        job_id = job.id
    text = client.get(f"/exports/{job_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in text and 'value="40"' in text


def test_files_are_removed_after_a_day(app, client, auth, cases):
    auth.login(EMAILS["officer_thue"])
    job_id = _job_id(_start(client))
    with app.app_context():
        job = _db.session.get(ExportJob, job_id)
        path = exports.file_path(job)
        assert path.exists()
        assert exports.cleanup(job.created_at + timedelta(hours=23)) == 0
        assert exports.cleanup(job.created_at + timedelta(days=1, seconds=1)) == 1
        assert not path.exists()
        assert _db.session.get(ExportJob, job_id).status == ExportStatus.EXPIRED
    assert client.get(f"/exports/{job_id}/download").status_code == 404


def test_export_through_a_real_redis_worker(app, client, auth, cases):
    from rq import SimpleWorker

    import app.jobs.queue as job_queue
    from app.jobs.queue import get_queue

    url = redis_url_or_skip()
    queue_name = f"test-exports-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=url, RQ_QUEUE=queue_name)
    auth.login(EMAILS["committee"])
    job_id = _job_id(_start(client, fmt="xlsx", show="all"))
    with app.app_context():
        assert _db.session.get(ExportJob, job_id).status == ExportStatus.PENDING
    queue = get_queue(url, queue_name)
    assert queue.count == 1
    original = job_queue._worker_app
    job_queue._worker_app = lambda: app
    try:
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        job_queue._worker_app = original
        queue.delete(delete_jobs=True)
    with app.app_context():
        job = _db.session.get(ExportJob, job_id)
        assert job.status == ExportStatus.DONE and job.row_count == 2 and job.progress == 100
    assert client.get(f"/exports/{job_id}/download").status_code == 200


def test_case_export_gives_dates_for_day_counts_and_the_extensions(app, world):
    """A phản ánh of Cục Thuế counted in days, extended once by 3 days; one of Bảo hiểm Xã hội
    counted in working hours (its category's own regime). Received Mon 2 March 2026 09:00."""
    from datetime import date, datetime

    from app.cases import extensions, lifecycle
    from app.core.timeutil import LOCAL_TZ
    from app.deadlines import counting
    from app.models import User
    from tests.factories import make_regime

    received = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
    with app.test_request_context(), force_locale("vi"):
        insurance = _db.session.get(Category, world.insurance)
        make_regime("phan_anh", category=insurance, first=(8, "working_hours"),
                    resolution=(80, "working_hours"))
        staff = {key: lifecycle.Actor.staff(_db.session.scalar(
            sa.select(User).where(User.email == EMAILS[key])))
            for key in ("officer_thue", "head_thue")}
        extended = make_case(_db.session.get(Category, world.tax), title="Gia hạn", now=received)
        make_case(insurance, title="Theo giờ", now=received)
        lifecycle.acknowledge(extended, staff["officer_thue"], received)
        first_last_day = counting.last_day_of(extended.response_due_at)
        request = extensions.request_extension(
            extended, staff["officer_thue"], date.fromordinal(first_last_day.toordinal() + 3),
            "Cần xác minh.", received)
        extensions.decide_extension(request, staff["head_thue"], True, "", received)
        _db.session.commit()
        committee = _db.session.scalar(sa.select(User).where(User.email == EMAILS["committee"]))
        header, total, rows = exports.case_rows(committee, {"show": "all"})
        rows = {row[2]: dict(zip(header, map(exports.as_text, row))) for row in rows}
        answer_by, original = gettext("Answer by"), gettext("Original answer due")
        ack_by, used = gettext("Acknowledge by"), gettext("Extensions approved")
        assert total == 2
    day = rows["Gia hạn"]
    assert day[answer_by] == f"{counting.last_day_of(extended.response_due_at):%Y-%m-%d}"
    assert day[original] == f"{first_last_day:%Y-%m-%d}" and day[used] == 1
    assert day[ack_by] == "2026-03-03 09:00"  # the first step is counted in working hours
    hour = rows["Theo giờ"]
    assert hour[answer_by] == "2026-03-16 09:00"  # 80 working hours
    assert (hour[original], hour[used]) == ("", 0)


def test_the_case_list_names_the_units_asked_for_input(app, client, auth, cases):
    """Each row lists the co-handling units and where their requests stand; the asked unit's
    export lists the case, with its own request only."""
    from datetime import date

    from app.cases import cohandling, lifecycle
    from app.models import Case, Role, Unit
    from tests.factories import MONDAY_9AM, make_unit, make_user
    from tests.workspace import HOUR, staff, unit

    with app.app_context():
        case = _db.session.scalar(sa.select(Case).where(Case.kind == "khieu_nai"))
        make_user("officer.tnmt@test.vn", Role.OFFICER,
                  make_unit("TNMT", "Sở Tài nguyên và Môi trường",
                            _db.session.scalar(sa.select(Unit).where(Unit.code == "DUK"))))
        lifecycle.acknowledge(case, staff("officer_thue"), MONDAY_9AM + HOUR)
        first = cohandling.ask(case, staff("officer_thue"), unit("BHXH"), "Hỏi.", date(2026, 3, 9),
                               False, MONDAY_9AM + HOUR)
        cohandling.ask(case, staff("officer_thue"), unit("TNMT"), "Hỏi.", date(2026, 3, 9),
                       False, MONDAY_9AM + HOUR)
        cohandling.decline(first, staff("officer_bhxh"), "Không.", MONDAY_9AM + 2 * HOUR)
        _db.session.commit()

    def export(email):
        auth.login(email)
        body = client.get(f"/exports/{_job_id(_start(client))}/download").get_data()
        auth.logout()
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    rows = export(EMAILS["officer_thue"])
    with client.application.test_request_context(), force_locale("vi"):
        assert rows[0][-1] == gettext("Co-handling units")
        declined, waiting = str(labels.REQUEST_STATUS["declined"]), str(labels.REQUEST_STATUS["open"])
    assert rows[1][-1] == (f"Bảo hiểm Xã hội TP HCM: {declined}; "
                           f"Sở Tài nguyên và Môi trường: {waiting}")
    theirs = export(EMAILS["officer_bhxh"])
    row = next(r for r in theirs if r[0] == rows[1][0])
    assert row[-1] == f"Bảo hiểm Xã hội TP HCM: {declined}"
    assert "+84901234567" not in row and "Trần Thị Bình" not in row


def test_the_case_export_carries_the_reply_document(app, world):
    from datetime import date

    from app.cases import lifecycle, signoff
    from app.models import User
    from tests.factories import MONDAY_9AM

    with app.app_context(), force_locale("en"):
        head = lifecycle.Actor.staff(_db.session.scalar(
            sa.select(User).where(User.email == EMAILS["head_thue"])))
        case = make_case(_db.session.get(Category, world.tax), title="Có văn bản")
        lifecycle.acknowledge(case, head, MONDAY_9AM)
        signoff.answer(case, head, "Trả lời.", MONDAY_9AM + timedelta(hours=1),
                       doc_number="130/CT-TTHT", doc_date=date(2026, 3, 2), doc_signer="Lê Minh")
        _db.session.commit()
        committee = _db.session.scalar(sa.select(User).where(User.email == EMAILS["committee"]))
        header, _total, rows = exports.case_rows(committee, {"show": "all"})
        row = dict(zip(header, map(exports.as_text, next(iter(rows)))))
        assert (row[gettext("Reply document number")], row[gettext("Reply signed on")],
                row[gettext("Reply signed by")]) == ("130/CT-TTHT", "2026-03-02", "Lê Minh")


def test_xlsx_cells_are_typed_and_the_sheet_laid_out(app, client, auth, cases):
    """Dates are Excel dates (numbers with a date format), the header is bold, frozen and
    filtered, every column has a width, and no header appears twice."""
    auth.login(EMAILS["committee"])
    job_id = _job_id(_start(client, fmt="xlsx", show="all"))
    data = client.get(f"/exports/{job_id}/download").get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        styles = book.read("xl/styles.xml").decode()
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet
    assert "<autoFilter ref=\"A1:" in sheet
    widths = re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', sheet)
    assert sum(int(last) - int(first) + 1 for first, last, _width in widths) == 21
    assert all(float(width) > 8 for _first, _last, width in widths)
    assert 'formatCode="dd/mm/yyyy hh:mm"' in styles and "<b/>" in styles
    # B2, the received moment, is a number (a serial date) with a style, not a string.
    received = re.search(r'<c r="B2"( s="\d+")?( t="\w+")?><v>([\d.]+)</v>', sheet)
    assert received and received.group(1) and received.group(2) is None
    assert 40000 < float(received.group(3)) < 60000


def test_the_scorecard_export_has_one_header_per_column_and_rates(app, world):
    from datetime import date as day

    from app.models import Campaign, User
    from app.scoring import snapshots
    from tests.scoring.test_metrics import LATER

    with app.test_request_context(), force_locale("en"):
        campaign = Campaign(name="Dân vận khéo 2026", starts_on=day(2026, 1, 1),
                            ends_on=day(2026, 12, 31))
        _db.session.add(campaign)
        _db.session.flush()
        for period in snapshots.campaign_periods(campaign, day(2026, 3, 31)):
            snapshots.refresh(campaign, period, LATER)
        _db.session.commit()
        committee = _db.session.scalar(sa.select(User).where(User.email == EMAILS["committee"]))
        header, _total, rows = exports.scorecard_rows(committee, {"campaign": str(campaign.id)},
                                                      LATER)
        rows = list(rows)
        assert len(set(header)) == len(header)
        assert gettext("Cases received") in header and gettext("Received") not in header
        kinds = {str(column): column.kind for column in header}
        assert kinds[gettext("Answered on time (rate)")] == "percent"
        assert kinds[gettext("Cases received")] == "int"
        period = dict(zip(header, rows[0]))[gettext("Period")]
        assert period == gettext("Whole campaign") and period != "all"
