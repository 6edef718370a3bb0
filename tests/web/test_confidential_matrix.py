"""A tố cáo's reporter on every page, export and API that can show a case, for every role.

The reporter's name, phone (in any of its forms) and email appear to the head of the unit
holding the case and the officer assigned to it, and to nobody else: not on the case page
(which is also its print view), its timeline and duplicates, the queue and
its search, the exports, the Open311 API, the hotline desk, the emails to the unit or the
audit log. The plain phản ánh beside them shows the rule still lets the unit, the committee
and admins see an ordinary citizen's contact. Expectations come from the hand-written
table of tests/cases/test_confidentiality.py.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import TestingConfig
from app.extensions import db as _db
from app.models import Case, Notification
from app.notify import citizen_notices
from tests.cases.test_confidentiality import SEES, USERS, VIEWS
from tests.conftest import Auth, _empty_tables, csrf_token
from tests.factories import EMAILS, make_world
from tests.workspace import PLAIN, SECRET, SECRET_EMAILS, SECRET_MOVED, Reporter, make_secret_desk

REPORTERS = {"secret": SECRET, "secret_moved": SECRET_MOVED, "plain": PLAIN}
ROLES = ("anonymous", *USERS)


def traces(reporter: Reporter) -> list[str]:
    """Every form in which the reporter could show: name, number (stored, local, masked), email."""
    local = "0" + reporter.phone[3:]
    return [reporter.name, reporter.phone, local, reporter.phone[3:], reporter.email,
            "•" + reporter.phone[-3:]]


def assert_hidden(body: str, reporter: Reporter) -> None:
    for trace in traces(reporter):
        assert trace not in body


def assert_shown(body: str, reporter: Reporter) -> None:
    assert reporter.name in body and reporter.phone in body and reporter.email in body


@pytest.fixture(scope="module")
def secret_app(database_url, tmp_path_factory):
    """One app and one secret desk for the module, with a signed-in client per role."""
    app = create_app(
        TestingConfig,
        instance_path=str(tmp_path_factory.mktemp("secret") / "instance"),
        SQLALCHEMY_DATABASE_URI=database_url,
    )
    with app.app_context():
        desk = make_secret_desk(make_world())
        _db.session.commit()
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            email = SECRET_EMAILS.get(role) or EMAILS[role]
            assert Auth(client).login(email).status_code == 303
        clients[role] = client
    yield app, desk, clients
    with app.app_context():
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


@pytest.mark.parametrize("case_key", list(REPORTERS))
@pytest.mark.parametrize("role", USERS)
@pytest.mark.parametrize("page", ["", "/duplicates"])
def test_case_pages(secret_app, role, case_key, page):
    _app, desk, clients = secret_app
    response = clients[role].get(f"/cases/{desk.all()[case_key]}{page}")
    if role not in VIEWS[case_key]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    reporter = REPORTERS[case_key]
    if page == "" and role in SEES[case_key]:
        assert_shown(body, reporter)
    else:
        assert_hidden(body, reporter)
    if page == "" and case_key != "plain" and role not in SEES[case_key]:
        assert "Danh tính người tố cáo được giữ bí mật" in body


@pytest.mark.parametrize("role", USERS)
def test_queue_and_its_search_by_name_and_number(secret_app, role):
    _app, desk, clients = secret_app
    client = clients[role]
    for path in ("/cases?scope=all", "/cases/arrivals"):
        body = client.get(path).get_data(as_text=True)
        for reporter in REPORTERS.values():
            assert_hidden(body, reporter)
    for case_key, reporter in REPORTERS.items():
        link = f'href="/cases/{desk.all()[case_key]}"'
        for query in (reporter.name, "0" + reporter.phone[3:], reporter.email):
            body = client.get("/cases", query_string={"q": query}).get_data(as_text=True)
            assert (link in body) == (role in SEES[case_key]), (case_key, query)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", USERS)
def test_case_list_exports(secret_app, role, fmt):
    _app, _desk, clients = secret_app
    client = clients[role]
    started = client.post("/exports", data={
        "csrf_token": csrf_token(client, "/cases"), "kind": "cases", "file_format": fmt,
        "show": "all"})
    assert started.status_code == 303
    job = re.search(r"/exports/(\d+)", started.headers["Location"]).group(1)
    download = client.get(f"/exports/{job}/download")
    assert download.status_code == 200
    body = _export_text(download.get_data(), fmt)
    for case_key, reporter in REPORTERS.items():
        if role in SEES[case_key]:
            assert_shown(body, reporter)
        else:
            assert_hidden(body, reporter)


def _export_text(data: bytes, fmt: str) -> str:
    if fmt == "csv":
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    with zipfile.ZipFile(io.BytesIO(data)) as book:  # every cell's text is in the XML parts
        return "\n".join(book.read(name).decode("utf-8") for name in book.namelist()
                         if name.endswith(".xml"))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_never_outputs_contact(secret_app, fmt):
    _app, desk, clients = secret_app
    client = clients["anonymous"]
    refs = ",".join(desk.all().values())
    listed = client.get(f"/open311/v2/requests.{fmt}", query_string={"service_request_id": refs})
    one = client.get(f"/open311/v2/requests/{desk.secret}.{fmt}")
    assert listed.status_code == one.status_code == 200
    assert desk.secret in listed.get_data(as_text=True)  # listed publicly, without its reporter
    for response in (listed, one):
        body = response.get_data(as_text=True)
        for field in ("first_name", "last_name", "email", "phone"):
            assert field not in body
        for reporter in REPORTERS.values():
            assert_hidden(body, reporter)


def test_the_hotline_desk_does_not_find_a_denunciation_by_number(secret_app):
    _app, desk, clients = secret_app
    client = clients["operator"]
    for case_key, reporter in REPORTERS.items():
        body = client.get("/hotline/earlier", query_string={"caller_phone": "0" + reporter.phone[3:]})
        text = body.get_data(as_text=True)
        assert body.status_code == 200
        assert (desk.all()[case_key] in text) == (case_key == "plain")
        assert_hidden(text, reporter)
    assert clients["operator"].get("/hotline/triage").status_code == 200


def test_a_denunciation_is_not_linked_to_a_call_by_its_number(secret_app):
    """The number alone does not let the operator add a call to a case of BHXH's reporter."""
    _app, desk, clients = secret_app
    client = clients["operator"]
    response = client.post(f"/hotline/link/{desk.secret}", data={
        "csrf_token": csrf_token(client, "/hotline/new"), "caller_phone": "0" + SECRET.phone[3:],
        "description": "Gọi hỏi tiến độ."})
    assert response.status_code == 404


def test_emails_to_staff_carry_no_reporter(secret_app):
    app, desk, _clients = secret_app
    with app.app_context():
        ids = _db.session.scalars(sa.select(Case.id).where(Case.reference.in_(
            [desk.secret, desk.secret_moved]))).all()
        emails = _db.session.scalars(sa.select(Notification).where(
            Notification.case_id.in_(ids), Notification.kind.not_in(citizen_notices.KINDS))).all()
        assert len(emails) >= 3  # two arrivals and the transfer
        for email in emails:
            for reporter in (SECRET, SECRET_MOVED):
                assert_hidden(email.subject + email.body, reporter)


def test_the_audit_log_holds_no_reporter(secret_app):
    _app, _desk, clients = secret_app
    response = clients["admin"].get("/admin/audit")
    assert response.status_code == 200
    for reporter in REPORTERS.values():
        assert_hidden(response.get_data(as_text=True), reporter)


def test_a_transfer_reason_naming_the_reporter_is_refused_next_to_the_field(secret_app):
    _app, desk, clients = secret_app
    client = clients["officer_thue"]
    page = client.get(f"/cases/{desk.secret}").get_data(as_text=True)
    version = re.search(r'name="transfer-version" type="hidden" value="(\d+)"', page).group(1)
    seen = re.search(r'name="transfer-seen" type="hidden" value="(\d+)"', page)
    with _app.app_context():
        bhxh = _db.session.scalar(sa.text("SELECT id FROM units WHERE code = 'BHXH'"))
    data = {"csrf_token": csrf_token(client, "/cases"), "transfer-version": version,
            "transfer-unit": str(bhxh), "transfer-reason": f"Bà {SECRET.name} đề nghị chuyển."}
    if seen:
        data["transfer-seen"] = seen.group(1)
    response = client.post(f"/cases/{desk.secret}/transfer", data=data,
                           headers={"HX-Request": "true", "Accept-Language": "en"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "remove their name and phone number" in body or "bỏ họ tên" in body

