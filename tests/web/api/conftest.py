"""Open311 test data: keys, questions and cases in every state, recent enough for the
default 90-day window; and the app served on loopback for third-party clients."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.accounts import apikeys
from app.cases import lifecycle
from app.core.timeutil import utcnow
from app.extensions import db
from app.intake.open311_filing import NewRequest, file_request
from app.models import Category, User
from tests.factories import EMAILS, make_api_key, make_case, make_question

DAY = timedelta(days=1)
# What citizens gave as contact details: none of it may ever leave through the API.
CONTACT = {"citizen_name": "Nguyễn Văn Riêng", "citizen_phone": "+84901112223",
           "citizen_email": "rieng@example.vn"}
API_CONTACT = {"first_name": "Lê", "last_name": "Thị Kín", "phone": "0987 654 321",
               "email": "kin@example.vn"}
CONTACT_TEXTS = ["Nguyễn Văn Riêng", "901112223", "rieng@example.vn", "Thị Kín", "987654321",
                 "987 654 321", "kin@example.vn"]


@dataclass(frozen=True)
class Open311Data:
    """Secrets of three keys and the references of the cases, by role in the tests."""

    key: str
    other_key: str
    revoked_key: str
    public_open: str
    public_closed: str
    rejected: str
    private_web: str
    private_api: str
    old_public: str


def _staff(key: str) -> lifecycle.Actor:
    return lifecycle.Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS[key])))


@pytest.fixture
def api_data(app, world) -> Open311Data:
    """Questions on the tax and insurance services, three keys and six cases.

    Listed publicly in the last 90 days, newest first: public_open (3 days ago),
    rejected (4 days), public_closed (5 days, answered). Not listed: private_web,
    private_api (filed by ``key``), and old_public (120 days ago).
    """
    now = utcnow().replace(microsecond=0)
    with app.app_context():
        tax = db.session.get(Category, world.tax)
        insurance = db.session.get(Category, world.insurance)
        make_question(tax, "LOAI", "singlevaluelist", 1, required=True, options=("TNCN", "GTGT"))
        make_question(tax, "MST", "string", 2)
        make_question(insurance, "NOI_DUNG", "multivaluelist", 1, options=("SO", "THE"))
        key, secret = make_api_key("Ứng dụng A", now - 10 * DAY)
        _other, other_secret = make_api_key("Ứng dụng B", now - 10 * DAY)
        revoked, revoked_secret = make_api_key("Ứng dụng cũ", now - 10 * DAY)
        apikeys.revoke_key(revoked, now - 5 * DAY)

        public_open = make_case(tax, now=now - 3 * DAY, public_consent=True, address="12 Lê Lợi",
                                ward="Phường Bến Thành", latitude=10.7769, longitude=106.7009,
                                **CONTACT)
        public_closed = make_case(insurance, now=now - 5 * DAY, public_consent=True, **CONTACT)
        bhxh = _staff("officer_bhxh")
        lifecycle.acknowledge(public_closed, bhxh, now - 5 * DAY + timedelta(hours=1))
        lifecycle.respond(public_closed, bhxh, "Đã cấp lại thẻ BHYT.", now - 4 * DAY, signed_off=True)
        rejected = make_case(tax, now=now - 4 * DAY, public_consent=True, **CONTACT)
        lifecycle.reject(rejected, _staff("officer_thue"), "Trùng với phản ánh trước.",
                        now - 4 * DAY + timedelta(hours=2))
        private_web = make_case(tax, now=now - 2 * DAY, address="Nhà riêng 7", **CONTACT)
        private_api = file_request(key, NewRequest(
            service_code="THUE", lat="10.8", long="106.65", address_id="AD-42",
            media_url="https://example.vn/anh.jpg", description="Mô tả riêng tư của ứng dụng A",
            attributes={"LOAI": ["TNCN"]}, **API_CONTACT), now - DAY)
        old_public = make_case(tax, now=now - 120 * DAY, public_consent=True, **CONTACT)
        db.session.commit()
        return Open311Data(
            key=secret, other_key=other_secret, revoked_key=revoked_secret,
            public_open=public_open.reference, public_closed=public_closed.reference,
            rejected=rejected.reference, private_web=private_web.reference,
            private_api=private_api.reference, old_public=old_public.reference,
        )


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
