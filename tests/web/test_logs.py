"""What the logs hold: no citizen's name, phone, email or tracking code.

Three moments write the most: a submission (its requests, its receipt email), an
email that cannot be sent, and a 500 whose traceback carries a failed SQL statement.
"""
from __future__ import annotations

import logging
import re
import socket

import sqlalchemy as sa

from app.extensions import db
from app.models import Case
from tests.web.public.test_feedback_intake import _form

NAME = "Nguyễn Văn Thử"
PHONE = "0901234567"
EMAIL = "thu.nguyen@example.vn"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tracking_code(app) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(Case.tracking_code))


def _assert_no_personal_data(text: str, *secrets: str) -> None:
    compact = re.sub(r"[\s-]", "", text)
    for secret in secrets:
        assert secret not in text and secret.replace("-", "") not in compact, secret


def test_a_submission_and_its_failed_receipt_leave_no_personal_data_in_the_logs(
    app, client, world, caplog
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port())
    caplog.set_level(logging.DEBUG)
    response = client.post("/feedback/new", data=_form(
        client, world, citizen_name=NAME, citizen_phone=PHONE, citizen_email=EMAIL,
        notify_email="y", contact_consent="y"))
    assert response.status_code == 303
    code = _tracking_code(app)
    client.get(response.headers["Location"])
    client.get(f"/track/{code}")
    assert any(record.name == "lang_nghe.request" for record in caplog.records)
    _assert_no_personal_data(caplog.text, NAME, PHONE, PHONE[1:], EMAIL, code)


def test_an_email_without_a_server_logs_the_recipient_masked(app, caplog):
    from app.core.mail import send_email

    caplog.set_level(logging.INFO)
    how = send_email(server=None, port=25, sender="a@localhost", recipient=EMAIL,
                     subject="Mã tra cứu", body="Mã: ABCD2345EFGH", message_id="<m1@test>")
    assert how == "log"
    assert "t•••@example.vn" in caplog.text
    _assert_no_personal_data(caplog.text, EMAIL, "ABCD2345EFGH")


def test_a_500_traceback_does_not_carry_the_sql_parameters(app, client, world, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE phone = :phone OR name = :name"),
                           {"phone": PHONE, "name": NAME})
        return "unreachable"

    caplog.set_level(logging.INFO)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "no_such_table" in caplog.text  # the traceback was logged, without its values
    _assert_no_personal_data(caplog.text, NAME, PHONE)
