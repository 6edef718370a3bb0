"""Open311 rules without HTTP: date windows, filters, status mapping, privacy, filing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.cases import lifecycle
from app.cases.lifecycle import Actor
from app.core.errors import InvalidInput
from app.extensions import db as _db
from app.intake import open311
from app.intake.open311 import NotFound, RequestFilter
from app.intake.open311_filing import NewRequest, answers_from_form, file_request, title_from
from app.models import (
    ApiSubmission,
    Case,
    CaseAttributeValue,
    CaseStatus,
    Category,
    Channel,
    User,
)
from tests.factories import EMAILS, MONDAY_9AM, make_api_key, make_case, make_question

DAY = timedelta(days=1)
NOW = MONDAY_9AM + 30 * DAY


def staff(db, key: str) -> Actor:
    return Actor.staff(db.session.scalar(sa.select(User).where(User.email == EMAILS[key])))


# --- date window and filters --------------------------------------------------------------


def test_without_dates_the_window_is_the_last_90_days():
    assert open311.date_window(None, None, NOW) == (NOW - 90 * DAY, NOW)


def test_one_date_gives_a_90_day_window_from_it():
    assert open311.date_window(MONDAY_9AM, None, NOW) == (MONDAY_9AM, MONDAY_9AM + 90 * DAY)
    assert open311.date_window(None, MONDAY_9AM, NOW) == (MONDAY_9AM - 90 * DAY, MONDAY_9AM)


def test_a_span_of_exactly_90_days_is_allowed_and_one_second_more_is_not():
    assert open311.date_window(MONDAY_9AM, MONDAY_9AM + 90 * DAY, NOW)[1] == MONDAY_9AM + 90 * DAY
    with pytest.raises(InvalidInput) as err:
        open311.date_window(MONDAY_9AM, MONDAY_9AM + 90 * DAY + timedelta(seconds=1), NOW)
    assert err.value.field == "end_date"


def test_end_before_start_is_refused():
    with pytest.raises(InvalidInput):
        open311.date_window(MONDAY_9AM, MONDAY_9AM - DAY, NOW)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-02T02:00:00Z", datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)),
    ("2026-03-02T09:00:00+07:00", datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)),
    ("2026-03-02T09:00:00", datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)),
    ("2026-03-02", datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc)),
])
def test_w3c_dates_are_read_in_hcmc_time_without_an_offset(text, expected):
    assert open311.parse_datetime(text, "start_date") == expected


@pytest.mark.parametrize("text", ["yesterday", "02/03/2026", "2026-13-01", "0001-01-01",
                                  "9999-12-31T23:59:59Z"])
def test_bad_or_far_dates_are_refused(text):
    with pytest.raises(InvalidInput):
        open311.parse_datetime(text, "start_date")


def test_parse_filter_treats_empty_parameters_as_absent():
    assert open311.parse_filter({"service_code": "", "status": "", "start_date": " ",
                                 "end_date": "", "service_request_id": ""}) == RequestFilter()


def test_service_request_id_overrides_every_other_filter():
    flt = open311.parse_filter({"service_request_id": "2026-000001, 2026-000002,,2026-000001",
                                "status": "bogus", "start_date": "bogus"})
    assert flt == RequestFilter(references=("2026-000001", "2026-000002"))


def test_parse_filter_reads_lists_and_refuses_unknown_statuses():
    flt = open311.parse_filter({"service_code": "THUE,BHXH", "status": "Open,closed"})
    assert flt.service_codes == ("THUE", "BHXH") and flt.statuses == ("open", "closed")
    with pytest.raises(InvalidInput) as err:
        open311.parse_filter({"status": "pending"})
    assert err.value.field == "status"


# --- reading ------------------------------------------------------------------------------


@pytest.fixture
def cases(db, world):
    """Five tax and insurance cases a day apart from MONDAY_9AM, in various states."""
    tax, insurance = db.session.get(Category, world.tax), db.session.get(Category, world.insurance)
    made = {
        "open_tax": make_case(tax, now=MONDAY_9AM, public_consent=True),
        "answered": make_case(insurance, now=MONDAY_9AM + DAY, public_consent=True),
        "rejected": make_case(tax, now=MONDAY_9AM + 2 * DAY, public_consent=True),
        "private": make_case(tax, now=MONDAY_9AM + 3 * DAY),
        "triage": make_case(db.session.get(Category, world.other), now=MONDAY_9AM + 4 * DAY,
                            public_consent=True),
    }
    bhxh = staff(db, "officer_bhxh")
    lifecycle.acknowledge(made["answered"], bhxh, MONDAY_9AM + DAY + timedelta(hours=1))
    lifecycle.respond(made["answered"], bhxh, "Đã cấp lại thẻ.", MONDAY_9AM + 2 * DAY, signed_off=True)
    lifecycle.reject(made["rejected"], staff(db, "officer_thue"), "Trùng lặp.",
                    MONDAY_9AM + 3 * DAY)
    db.session.commit()
    return {name: case.reference for name, case in made.items()}


WINDOW = {"start_date": "2026-03-01T00:00:00+07:00", "end_date": "2026-03-31T00:00:00+07:00"}


def _refs(db, args: dict) -> list[str]:
    return [row.case.reference for row in open311.find_requests(open311.parse_filter(args), NOW)]


def test_lists_hold_only_publicly_listed_cases_newest_first(db, cases):
    assert _refs(db, WINDOW) == [cases["triage"], cases["rejected"], cases["answered"],
                                 cases["open_tax"]]


def test_status_and_service_code_filters(db, cases):
    assert _refs(db, {**WINDOW, "status": "open"}) == [cases["triage"], cases["open_tax"]]
    assert _refs(db, {**WINDOW, "status": "closed"}) == [cases["rejected"], cases["answered"]]
    assert _refs(db, {**WINDOW, "status": "closed,open"}) == _refs(db, WINDOW)
    assert _refs(db, {**WINDOW, "service_code": "BHXH,KHAC"}) == [cases["triage"],
                                                                  cases["answered"]]
    assert _refs(db, {**WINDOW, "service_code": "NOPE"}) == []


def test_the_window_bounds_the_list(db, cases):
    # 2 March 09:00 to 4 March 09:00 (local): the first three cases, bounds included.
    assert _refs(db, {"start_date": "2026-03-02T09:00:00+07:00",
                      "end_date": "2026-03-04T09:00:00+07:00"}) == [
        cases["rejected"], cases["answered"], cases["open_tax"]]
    # The default window ends now (NOW is 30 days after the cases) and holds them all.
    assert len(_refs(db, {})) == 4


def test_references_find_only_listed_cases_whatever_their_date(db, cases):
    found = _refs(db, {"service_request_id": f"{cases['private']},{cases['open_tax']},2020-1"})
    assert found == [cases["open_tax"]]
    assert _refs(db, {"service_request_id": cases["private"]}) == []
    with pytest.raises(NotFound):
        open311.request_by_reference(cases["private"])


def test_the_filing_key_reads_its_unlisted_request_by_id(db, world):
    key, _secret = make_api_key("Ứng dụng A")
    other, _other_secret = make_api_key("Ứng dụng B")
    filed = file_request(key, NewRequest(service_code="THUE", lat="10.8", long="106.65",
                                         description="Chưa nhận được hoàn thuế."), MONDAY_9AM)
    db.session.commit()
    args = open311.parse_filter({"service_request_id": filed.reference})
    assert [r.case.reference for r in open311.find_requests(args, NOW, key)] == [filed.reference]
    assert open311.find_requests(args, NOW, other) == open311.find_requests(args, NOW) == []
    assert open311.request_by_reference(filed.reference, key).case.id == filed.id
    for caller in (other, None):
        with pytest.raises(NotFound):
            open311.request_by_reference(filed.reference, caller)
    # Browsing lists, even the filing key sees only listed cases.
    assert open311.find_requests(open311.parse_filter(WINDOW), NOW, key) == []


def test_lists_are_capped_at_1000(db, world, monkeypatch):
    tax = db.session.get(Category, world.tax)
    for i in range(4):
        make_case(tax, now=MONDAY_9AM + i * timedelta(minutes=1), public_consent=True)
    db.session.commit()
    monkeypatch.setattr(open311, "MAX_ROWS", 3)
    assert len(_refs(db, WINDOW)) == 3


def test_status_mapping_and_notes(db, cases):
    rows = {r.case.reference: r for r in open311.find_requests(
        open311.parse_filter({"service_request_id": ",".join(cases.values())}), NOW)}
    listed = {name: ref for name, ref in cases.items() if name != "private"}
    assert set(rows) == set(listed.values())
    status = {name: open311.open311_status(rows[ref].case) for name, ref in listed.items()}
    assert status == {"open_tax": "open", "answered": "closed", "rejected": "closed",
                      "triage": "open"}
    notes = {name: open311.status_notes(rows[ref].case) for name, ref in listed.items()}
    assert notes == {"open_tax": None, "answered": "Đã cấp lại thẻ.", "rejected": "Trùng lặp.",
                     "triage": None}
    # updated_datetime is the last public change: the answer, the rejection, or receipt.
    assert rows[cases["answered"]].updated_at == MONDAY_9AM + 2 * DAY
    assert rows[cases["rejected"]].updated_at == MONDAY_9AM + 3 * DAY
    assert rows[cases["open_tax"]].updated_at == MONDAY_9AM


def test_reading_a_list_takes_the_same_number_of_queries_whatever_its_length(db, world):
    tax = db.session.get(Category, world.tax)

    def count_for(n: int) -> int:
        for i in range(n):
            make_case(tax, now=MONDAY_9AM + i * timedelta(minutes=1), public_consent=True)
        db.session.commit()
        db.session.expire_all()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(_db.engine, "before_cursor_execute", listener)
        try:
            rows = open311.find_requests(open311.parse_filter(WINDOW), NOW)
            [(r.case.category.code, r.case.unit and r.case.unit.name) for r in rows]
        finally:
            event.remove(_db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert count_for(2) == count_for(8) == 1


def test_request_by_reference_and_token(db, world, cases):
    assert open311.request_by_reference(cases["open_tax"]).case.reference == cases["open_tax"]
    with pytest.raises(NotFound):
        open311.request_by_reference("2026-999999")
    with pytest.raises(NotFound):  # a web case has no token
        open311.request_by_token(cases["open_tax"])


# --- filing -------------------------------------------------------------------------------


@pytest.fixture
def key(db, world):
    key, _secret = make_api_key()
    tax = db.session.get(Category, world.tax)
    make_question(tax, "LOAI", "singlevaluelist", 1, required=True, options=("TNCN", "GTGT"))
    make_question(tax, "NOI_DUNG", "multivaluelist", 2, options=("A", "B"))
    db.session.commit()
    return key


def _new(**fields) -> NewRequest:
    values = {"service_code": "THUE", "lat": "10.7769", "long": "106.7009",
              "description": "Hoàn thuế chậm\nĐã ba tháng.", "attributes": {"LOAI": ["TNCN"]}}
    values.update(fields)
    return NewRequest(**values)


def test_filing_creates_a_routed_api_case_with_its_answers(db, key):
    case = file_request(key, _new(
        email="An@Example.vn", first_name="An", last_name="Nguyễn", phone="0901 234 567",
        address_id="AD-7", media_url="https://example.vn/a.jpg",
        attributes={"LOAI": ["GTGT"], "NOI_DUNG": ["B", "A"]}), MONDAY_9AM)
    db.session.commit()
    assert case.channel == Channel.API and case.status == CaseStatus.ASSIGNED
    assert case.unit.code == "THUE" and case.title == "Hoàn thuế chậm"
    assert (case.latitude, case.longitude) == (10.7769, 106.7009)
    assert (case.citizen_name, case.citizen_phone, case.citizen_email) == (
        "An Nguyễn", "+84901234567", "An@example.vn")
    assert case.contact_consent is True and case.public_consent is False
    submission = db.session.get(ApiSubmission, case.id)
    assert (submission.api_key_id, submission.address_id, submission.media_url) == (
        key.id, "AD-7", "https://example.vn/a.jpg")
    values = db.session.scalars(sa.select(CaseAttributeValue.value).where(
        CaseAttributeValue.case_id == case.id).order_by(CaseAttributeValue.id)).all()
    assert values == ["GTGT", "B", "A"]
    assert open311.request_by_token(case.reference).case.id == case.id


def test_filing_without_location_details_or_answers(db, key, world):
    case = file_request(key, _new(lat="", long="", address_string="12 Lê Lợi, Phường Sài Gòn",
                                  service_code="KHAC", attributes={}, public_consent="true"),
                        MONDAY_9AM)
    assert case.status == CaseStatus.NEW and case.unit is None  # waits in triage
    assert case.address == "12 Lê Lợi, Phường Sài Gòn" and case.public_consent is True
    assert case.citizen_name is None and case.contact_consent is False


@pytest.mark.parametrize(("fields", "field"), [
    ({"service_code": ""}, "service_code"),
    ({"lat": "", "long": ""}, "lat"),
    ({"long": ""}, "long"),
    ({"lat": "91"}, "lat"),
    ({"long": "east"}, "long"),
    ({"lat": "nan"}, "lat"),
    ({"address_string": "x" * 256}, "address_string"),
    ({"email": "not-an-email"}, "email"),
    ({"phone": "12"}, "phone"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"description": "x" * 4001}, "description"),
    ({"description": "   "}, "description"),
    ({"description": "nul \x00 byte"}, "description"),
    ({"attributes": {}}, "attribute[LOAI]"),
    ({"attributes": {"LOAI": ["XYZ"]}}, "attribute[LOAI]"),
    ({"attributes": {"LOAI": ["TNCN"], "KIND": ["gop_y"]}}, "attribute[KIND]"),
    ({"attributes": {"LOAI": ["TNCN"], "KIND": ["phan_anh", "hoi_dap"]}}, "attribute[KIND]"),
])
def test_bad_requests_are_refused_and_nothing_is_kept(db, key, fields, field):
    with pytest.raises(InvalidInput) as err:
        file_request(key, _new(**fields), MONDAY_9AM)
    assert err.value.field == field
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_unknown_or_inactive_services_are_not_found(db, key, world):
    with pytest.raises(NotFound):
        file_request(key, _new(service_code="NOPE"), MONDAY_9AM)
    db.session.get(Category, world.tax).active = False
    with pytest.raises(NotFound):
        file_request(key, _new(), MONDAY_9AM)


def test_title_is_the_first_line_cut_at_a_word():
    assert title_from("\n  Đèn đường hỏng \nchi tiết", "Khác") == "Đèn đường hỏng"
    assert title_from("", "Khác") == "Khác"
    long_line = "chữ " * 60
    title = title_from(long_line, "Khác")
    assert len(title) <= 120 and title.endswith("chữ…")


def test_answers_from_form_reads_both_spellings():
    pairs = [("attribute[A]", "1"), ("attribute[B][]", "x"), ("attribute[B][]", "y"),
             ("attribute[]", "no"), ("attributes[C]", "no"), ("service_code", "THUE")]
    assert answers_from_form(pairs) == {"A": ["1"], "B": ["x", "y"]}


def test_the_kind_is_an_attribute_of_every_request(db, key):
    assert file_request(key, _new(), MONDAY_9AM).kind == "phan_anh"
    asked = file_request(key, _new(attributes={"LOAI": ["TNCN"], "KIND": [" hoi_dap "]}), MONDAY_9AM)
    assert asked.kind == "hoi_dap"
