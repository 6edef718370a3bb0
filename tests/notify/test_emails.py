"""Email texts render outside any request, in the recipient's language, with local times,
grouped tracking codes and absolute links."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import has_request_context

from app.intake.tracking import format_tracking_code
from app.models import Category, User
from app.notify.emails import render_email
from tests.factories import EMAILS, MONDAY_9AM, make_case

EMAILS_FOLDER = Path(__file__).resolve().parents[2] / "templates" / "emails"
TEMPLATES = sorted({path.name.split(".")[0] for path in EMAILS_FOLDER.iterdir()})


@pytest.fixture
def context(db, world):
    case = make_case(db.session.get(Category, world.tax), citizen_email="congdan@example.vn")
    db.session.commit()
    officer = db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"]))
    return dict(case=case, event=case.events[-1], recipient_name=officer.name, user=officer,
                clocks=[SimpleNamespace(kind="ack", due=case.ack_due_at)], transferred=False,
                purpose="invite", link="https://example.vn/set", expires_at=MONDAY_9AM,
                extension=SimpleNamespace(requested_by=officer, new_last_day=date(2026, 3, 20),
                                          reason="Cần xác minh tại chỗ."),
                request=SimpleNamespace(lead_unit=case.unit, unit=case.unit, asked_by=officer,
                                        question="Đề nghị cho ý kiến.", last_day=date(2026, 3, 9),
                                        asked_at=MONDAY_9AM, status="answered", reply="Ý kiến."),
                draft=SimpleNamespace(written_by=officer, decided_by=officer,
                                      submitted_at=MONDAY_9AM, comment="Nêu rõ căn cứ."),
                reminder=False)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_email_renders_in_both_languages_without_a_request(app, context, template):
    assert not has_request_context()
    vi_subject, vi_body = render_email(template, "vi", **context)
    en_subject, en_body = render_email(template, "en", **context)
    for subject, body in ((vi_subject, vi_body), (en_subject, en_body)):
        assert subject and "\n" not in subject and body.strip()
    assert (vi_subject, vi_body) != (en_subject, en_body)


def test_the_receipt_shows_the_local_due_time_the_grouped_code_and_an_absolute_link(app, context):
    case = context["case"]
    subject, body = render_email("case_received", "vi", **context)
    assert case.reference in subject
    assert body.startswith("Cảm ơn")
    assert format_tracking_code(case.tracking_code) in body
    assert "12/03/2026" in body and "13/03/2026 00:00" not in body  # the last day, not midnight
    assert f"{app.config['PUBLIC_BASE_URL']}/track/{case.tracking_code}" in body
    _, english = render_email("case_received", "en", **context)
    assert english.startswith("Thank you for your feedback.")
