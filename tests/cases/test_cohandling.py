"""Co-handling: the lead unit asks other units for input, each answers or declines by its day."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases import attachments, cohandling, lifecycle
from app.cases.attachments import Upload
from app.core import errors
from app.deadlines import counting, enforcement
from app.deadlines.sla import load_calendar
from app.models import (
    CaseEvent,
    Category,
    EventKind,
    Notification,
    RequestStatus,
    Role,
    Unit,
)
from app.notify.emails import render_email
from tests.factories import EMAILS, MONDAY_9AM, make_case, make_unit, make_user
from tests.uploads import png as png_bytes
from tests.workspace import HOUR, staff, unit, user

ASKED_AT = MONDAY_9AM + 2 * HOUR          # Monday 2 March 2026, 11:00
LAST_DAY = date(2026, 3, 9)               # the Monday after; the answer is due 12/03
QUESTION = "Đề nghị cho biết tình trạng đóng bảo hiểm của người lao động."
HEAD_BHXH, OFFICER_TNMT = "head.bhxh@test.vn", "officer.tnmt@test.vn"


@pytest.fixture
def case(db, world):
    """A tax case Cục Thuế is working, a head for BHXH, and a third unit with an officer."""
    make_user(HEAD_BHXH, Role.UNIT_HEAD, db.session.get(Unit, world.bhxh), name="Trưởng BHXH")
    tnmt = make_unit("TNMT", "Sở Tài nguyên và Môi trường", db.session.get(Unit, world.root))
    make_user(OFFICER_TNMT, Role.OFFICER, tnmt, name="Cán bộ TNMT")
    found = make_case(db.session.get(Category, world.tax), citizen_name="Nguyễn Văn An",
                      citizen_phone="+84901234567", citizen_email="an@example.vn")
    lifecycle.acknowledge(found, staff("officer_thue"), MONDAY_9AM + HOUR)
    db.session.commit()
    return found


def asking(case, who="officer_thue", to="BHXH", question=QUESTION, last_day=LAST_DAY,
           share=False, now=ASKED_AT, version=None):
    return cohandling.ask(case, staff(who), unit(to), question, last_day, share, now, version)


def actor_of(email):
    from app.models import User
    from app.extensions import db
    return lifecycle.Actor.staff(db.session.scalar(sa.select(User).where(User.email == email)))


def emails_to(db, address):
    return db.session.scalars(sa.select(Notification).where(Notification.recipient == address)
                              .order_by(Notification.id)).all()


def test_asking_records_the_request_its_entry_and_tells_the_asked_units_heads(db, case):
    request = asking(case)
    db.session.commit()
    assert request.lead_unit_id == case.unit_id and request.unit_id == unit("BHXH").id
    assert request.status == RequestStatus.OPEN and request.last_day == LAST_DAY
    assert request.due_at == counting.end_of(LAST_DAY)
    event = case.events[-1]
    assert event.kind == EventKind.COHANDLING_ASKED and not event.is_public
    assert event.to_unit_id == unit("BHXH").id and event.body == QUESTION
    [email] = emails_to(db, HEAD_BHXH)
    assert email.kind == "cohandling_requested" and case.reference in email.subject
    assert f"/cases/{case.reference}" in email.body and QUESTION in email.body
    assert not emails_to(db, EMAILS["officer_bhxh"])  # the heads, not every officer


def test_asking_moves_the_case_version(db, case):
    version = case.version
    asking(case, version=version)
    db.session.commit()
    assert case.version == version + 1
    with pytest.raises(errors.VersionConflict):
        asking(case, to="TNMT", version=version)


@pytest.mark.parametrize(("who", "error"), [
    ("officer_bhxh", errors.NotPermitted), ("operator", errors.NotPermitted),
    ("committee", errors.NotPermitted), ("admin", errors.NotPermitted),
])
def test_only_the_holding_units_staff_ask(db, case, who, error):
    with pytest.raises(error):
        asking(case, who=who)
    assert not case.cohandling_requests


@pytest.mark.parametrize(("change", "field"), [
    ("own_unit", "unit"), ("inactive", "unit"), ("campaign_only", "unit"), ("none", "unit"),
    ("no_question", "question"), ("long_question", "question"), ("today", "last_day"),
    ("past", "last_day"), ("after_answer", "last_day"), ("no_day", "last_day"),
])
def test_what_asking_refuses_next_to_the_field(db, case, change, field):
    kwargs = {}
    target = unit("BHXH")
    if change == "own_unit":
        target = unit("THUE")
    elif change == "inactive":
        target.active = False
    elif change == "campaign_only":
        target.handles_cases = False
    elif change == "none":
        target = None
    elif change == "no_question":
        kwargs["question"] = "   "
    elif change == "long_question":
        kwargs["question"] = "x" * (cohandling.QUESTION_MAX + 1)
    elif change == "today":
        kwargs["last_day"] = date(2026, 3, 2)
    elif change == "past":
        kwargs["last_day"] = date(2026, 2, 27)
    elif change == "after_answer":
        kwargs["last_day"] = counting.last_day_of(case.response_due_at) + timedelta(days=1)
    elif change == "no_day":
        kwargs["last_day"] = None
    with pytest.raises(errors.InvalidInput) as refused:
        cohandling.ask(case, staff("officer_thue"), target, kwargs.get("question", QUESTION),
                       kwargs.get("last_day", LAST_DAY), False, ASKED_AT)
    assert refused.value.field == field
    if change == "after_answer":
        assert counting.last_day_of(case.response_due_at).strftime("%d/%m/%Y") in str(
            refused.value.message)
    assert not case.cohandling_requests


def test_the_answers_last_day_itself_may_be_asked_for_and_an_overdue_case_has_no_bound(db, case):
    answer_last = counting.last_day_of(case.response_due_at)
    assert asking(case, last_day=answer_last).last_day == answer_last
    late = ASKED_AT + timedelta(days=30)
    assert asking(case, to="TNMT", last_day=answer_last + timedelta(days=40), now=late)


def test_one_open_request_per_unit_and_another_after_it_is_answered(db, case):
    request = asking(case)
    with pytest.raises(errors.InvalidInput) as again:
        asking(case)
    assert again.value.field == "unit"
    cohandling.contribute(request, actor_of(HEAD_BHXH), "Đã kiểm tra.", ASKED_AT + HOUR)
    assert asking(case, question="Câu hỏi thêm.", now=ASKED_AT + 2 * HOUR).is_open
    db.session.commit()
    assert len(case.cohandling_requests) == 2


def test_asking_needs_the_case_open_and_with_the_unit(db, case):
    lifecycle.respond(case, staff("head_thue"), "Đã trả lời.", ASKED_AT)
    with pytest.raises(errors.IllegalMove):
        asking(case, now=ASKED_AT + HOUR)


def test_a_denunciations_contact_is_never_shared_nor_its_reporter_named(db, world, case):
    secret = make_case(db.session.get(Category, world.tax), kind="to_cao",
                       citizen_name="Lê Văn Tố", citizen_phone="+84907654321")
    lifecycle.acknowledge(secret, staff("officer_thue"), MONDAY_9AM + HOUR)
    with pytest.raises(errors.InvalidInput) as shared:
        asking(secret, share=True)
    assert shared.value.field == "share_contact"
    with pytest.raises(errors.InvalidInput) as named:
        asking(secret, question="Ông Lê Văn Tố phản ánh việc này.")
    assert named.value.field == "question"
    assert asking(secret).share_contact is False


def test_the_asked_unit_contributes_with_files_the_citizen_never_sees(db, case):
    request = asking(case)
    db.session.commit()
    event = cohandling.contribute(request, staff("officer_bhxh"), "Người lao động đã đóng đủ.",
                                  ASKED_AT + HOUR, files=[Upload("bang-ke.png", io.BytesIO(png_bytes()))])
    db.session.commit()
    assert request.status == RequestStatus.ANSWERED and request.reply == "Người lao động đã đóng đủ."
    assert request.replied_at == ASKED_AT + HOUR and request.replied_by.email == EMAILS["officer_bhxh"]
    assert event.kind == EventKind.COHANDLING_ANSWERED and event.from_unit_id == request.unit_id
    assert not event.is_public
    [file] = cohandling.files_of(case)[request.id]
    assert file.uploaded_by == "officer" and file.uploader.email == EMAILS["officer_bhxh"]
    # Told: the officer the case is assigned to.
    [email] = emails_to(db, EMAILS["officer_thue"])[-1:]
    assert email.kind == "cohandling_answered" and "Người lao động đã đóng đủ." in email.body
    # The lead answers the citizen: its own draft files go out, the contribution's stay.
    attachments.store(case, [attachments.clean(Upload("tra-loi.png", io.BytesIO(png_bytes())),
                                                "f")], attachments.Uploader.OFFICER,
                      ASKED_AT, uploader=user("officer_thue"))
    lifecycle.respond(case, staff("head_thue"), "Trả lời người dân.", ASKED_AT + 2 * HOUR)
    db.session.commit()
    db.session.refresh(file)
    assert file.event_id is None
    assert [a.original_name for a in attachments.for_citizen(case)] == ["tra-loi.png"]
    with pytest.raises(errors.IllegalMove):
        attachments.remove_draft(case, user("officer_thue"), file.id)


def test_the_asked_unit_declines_with_a_reason(db, case):
    request = asking(case)
    event = cohandling.decline(request, staff("officer_bhxh"), "Không thuộc phạm vi.",
                               ASKED_AT + HOUR)
    db.session.commit()
    assert request.status == RequestStatus.DECLINED and request.reply == "Không thuộc phạm vi."
    assert event.kind == EventKind.COHANDLING_DECLINED and event.from_unit_id == request.unit_id
    assert emails_to(db, EMAILS["officer_thue"])[-1].kind == "cohandling_answered"


def test_the_lead_units_heads_are_told_when_nobody_is_assigned(db, world):
    make_user(HEAD_BHXH, Role.UNIT_HEAD, db.session.get(Unit, world.bhxh))
    fresh = make_case(db.session.get(Category, world.tax))
    request = asking(fresh)
    cohandling.contribute(request, staff("officer_bhxh"), "Ý kiến.", ASKED_AT + HOUR)
    db.session.commit()
    assert emails_to(db, EMAILS["head_thue"])[-1].kind == "cohandling_answered"


@pytest.mark.parametrize("who", ["officer_thue", "head_thue", "committee", "operator"])
def test_only_the_asked_units_staff_answer(db, case, who):
    request = asking(case)
    for act in (lambda: cohandling.contribute(request, staff(who), "Ý kiến.", ASKED_AT),
                lambda: cohandling.decline(request, staff(who), "Không.", ASKED_AT)):
        with pytest.raises(errors.NotPermitted):
            act()
    with pytest.raises(errors.NotPermitted):  # another asked unit cannot answer this one
        cohandling.contribute(request, actor_of(OFFICER_TNMT), "Ý kiến.", ASKED_AT)
    assert request.is_open


def test_answering_needs_a_text_and_an_open_request(db, case):
    request = asking(case)
    with pytest.raises(errors.InvalidInput) as empty:
        cohandling.contribute(request, staff("officer_bhxh"), " ", ASKED_AT)
    assert empty.value.field == "text"
    with pytest.raises(errors.InvalidInput) as no_reason:
        cohandling.decline(request, staff("officer_bhxh"), "", ASKED_AT)
    assert no_reason.value.field == "reason"
    with pytest.raises(errors.InvalidInput) as bad_file:
        cohandling.contribute(request, staff("officer_bhxh"), "Ý kiến.", ASKED_AT,
                              files=[Upload("x.html", io.BytesIO(b"<html>"))])
    assert bad_file.value.field == "files" and request.is_open
    cohandling.decline(request, staff("officer_bhxh"), "Không.", ASKED_AT)
    with pytest.raises(errors.IllegalMove):
        cohandling.contribute(request, staff("officer_bhxh"), "Ý kiến.", ASKED_AT)


def test_the_lead_withdraws_and_the_case_ending_withdraws_the_rest(db, case):
    first, second = asking(case), asking(case, to="TNMT")
    with pytest.raises(errors.NotPermitted):
        cohandling.withdraw(first, staff("officer_bhxh"), ASKED_AT)
    event = cohandling.withdraw(first, staff("head_thue"), ASKED_AT + HOUR)
    assert first.status == RequestStatus.WITHDRAWN and event.to_unit_id == first.unit_id
    with pytest.raises(errors.IllegalMove):
        cohandling.withdraw(first, staff("head_thue"), ASKED_AT + HOUR)
    lifecycle.respond(case, staff("head_thue"), "Trả lời.", ASKED_AT + 2 * HOUR)
    db.session.commit()
    assert second.status == RequestStatus.WITHDRAWN
    with pytest.raises(errors.IllegalMove):
        cohandling.contribute(second, actor_of(OFFICER_TNMT), "Muộn.", ASKED_AT + 3 * HOUR)


def test_reminder_at_75_percent_then_escalation_each_once(db, case):
    request = asking(case)
    db.session.commit()
    calendar = load_calendar()
    remind_at = cohandling.reminder_at(request, calendar)
    used = calendar.working_minutes_between(request.asked_at, remind_at)
    total = calendar.working_minutes_between(request.asked_at, request.due_at)
    assert used * 4 >= total * 3 > (used - 1) * 4
    assert cohandling.sweep(remind_at - timedelta(minutes=1), calendar) == 0
    assert cohandling.sweep(remind_at, calendar) == 1
    assert cohandling.sweep(remind_at + HOUR, calendar) == 0  # once
    db.session.refresh(request)
    assert request.reminded_at == remind_at
    reminder = db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.kind == EventKind.REMINDER.value)).one()
    assert reminder.to_unit_id == request.unit_id and not reminder.is_public
    assert "Bảo hiểm Xã hội TP HCM" in reminder.body and "Trưởng BHXH" in reminder.body
    assert [n.kind for n in emails_to(db, HEAD_BHXH)] == ["cohandling_requested",
                                                          "cohandling_reminder"]
    assert cohandling.sweep(request.due_at - timedelta(seconds=1), calendar) == 0
    assert cohandling.sweep(request.due_at, calendar) == 1
    assert cohandling.sweep(request.due_at + 5 * HOUR, calendar) == 0  # once
    escalation = db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.kind == EventKind.ESCALATION.value)).one()
    assert escalation.to_unit_id == request.unit_id
    kinds = {n.recipient: n.kind for n in db.session.scalars(sa.select(Notification).where(
        Notification.kind == "cohandling_escalation"))}
    assert set(kinds) == {HEAD_BHXH, EMAILS["head_thue"], EMAILS["officer_thue"]}


def test_a_requests_alerts_do_not_stand_for_the_cases_own(db, case):
    """The case's own reminder still comes once its clock is 75 % used."""
    request = asking(case)
    db.session.commit()
    calendar = load_calendar()
    cohandling.sweep(request.due_at, calendar)  # escalates the request (and it was never reminded)
    after = case.response_due_at + HOUR
    assert enforcement.escalate_overdue(after, calendar) == 1


def test_an_answered_or_withdrawn_request_is_not_chased(db, case):
    answered, withdrawn = asking(case), asking(case, to="TNMT")
    cohandling.contribute(answered, staff("officer_bhxh"), "Ý kiến.", ASKED_AT + HOUR)
    cohandling.withdraw(withdrawn, staff("officer_thue"), ASKED_AT + HOUR)
    db.session.commit()
    assert cohandling.sweep(answered.due_at + HOUR, load_calendar()) == 0


def test_lead_waits_count_the_working_days_after_each_last_day(db, case):
    on_time, late, still_open = asking(case), asking(case, to="TNMT"), None
    cohandling.contribute(on_time, staff("officer_bhxh"), "Đúng hạn.", ASKED_AT + HOUR)
    # TNMT answers on Thursday 12/03, three working days after Monday 09/03.
    cohandling.contribute(late, actor_of(OFFICER_TNMT), "Trễ.", counting.end_of(date(2026, 3, 11)))
    still_open = asking(case, now=ASKED_AT + 2 * HOUR, question="Thêm một câu.")
    db.session.commit()
    now = counting.end_of(date(2026, 3, 9)) + 10 * HOUR  # Tuesday 10/03, 10:00
    waits = {w.request.id: w for w in cohandling.lead_waits(case, load_calendar(), now)}
    assert waits[on_time.id].days_late == 0 and waits[on_time.id].asked_on == date(2026, 3, 2)
    assert waits[late.id].days_late == 3
    assert waits[still_open.id].days_late == 1 and waits[still_open.id].replied_at is None


def test_the_countdown_of_a_request(db, case):
    request = asking(case)
    calendar = load_calendar()
    ahead = cohandling.countdown(request, ASKED_AT, calendar)
    assert ahead.state == "on_track" and ahead.days_left == 5 and ahead.last_day == LAST_DAY
    assert cohandling.countdown(request, request.due_at - HOUR, calendar).state == "due_soon"
    late = cohandling.countdown(request, request.due_at + timedelta(days=1, hours=10), calendar)
    assert late.state == "overdue" and late.days_left == -2


def test_the_default_last_day_is_5_working_days_within_the_answers(db, case):
    calendar = load_calendar()
    assert cohandling.default_last_day(case, ASKED_AT, calendar) == date(2026, 3, 9)
    answer_last = counting.last_day_of(case.response_due_at)
    near_the_end = counting.end_of(answer_last - timedelta(days=2))
    assert cohandling.default_last_day(case, near_the_end, calendar) == answer_last


def test_the_queue_marks_count_replies_and_find_the_units_request(db, case):
    first, _second = asking(case), asking(case, to="TNMT")
    cohandling.decline(first, staff("officer_bhxh"), "Không.", ASKED_AT + HOUR)
    db.session.commit()
    marks = cohandling.queue_marks([case.id], unit("TNMT").id)
    assert (marks[case.id].replied, marks[case.id].asked) == (1, 2)
    assert marks[case.id].mine.unit_id == unit("TNMT").id
    assert cohandling.queue_marks([case.id], unit("BHXH").id)[case.id].mine is None


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("template", ["cohandling_requested", "cohandling_answered",
                                      "cohandling_reminder", "cohandling_escalation"])
def test_the_emails_render_in_both_languages(db, case, template, locale):
    request = asking(case)
    cohandling.decline(request, staff("officer_bhxh"), "Không thuộc phạm vi.", ASKED_AT)
    db.session.flush()
    subject, body = render_email(template, locale, case=case, request=request,
                                 event=case.events[-1], recipient_name="Trưởng BHXH")
    assert case.reference in subject and "\n" not in subject
    assert "Trưởng BHXH" in body and f"/cases/{case.reference}" in body
    assert "Bảo hiểm Xã hội TP HCM" in subject + body
    assert "Nguyễn Văn An" not in body and "0901234567" not in body  # no citizen's contact
    if locale == "en":
        assert "Hello Trưởng BHXH," in body
