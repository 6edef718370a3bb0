"""Sign-off of answers: an officer drafts, the unit head or a named deputy approves or returns."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.cases import attachments, lifecycle, signoff
from app.cases.attachments import Upload
from app.cases.lifecycle import Actor
from app.core import errors
from app.deadlines.calendar import WorkingCalendar
from app.models import (
    AnswerDraft,
    AuditEntry,
    Case,
    CaseEvent,
    Category,
    CoHandlingRequest,
    DraftStatus,
    EventKind,
    Notification,
    ReviewState,
    Role,
    SignoffExemption,
    Unit,
    User,
)
from app.notify.emails import render_email
from tests import uploads
from tests.factories import EMAILS, MONDAY_9AM, make_case, make_user

HOUR = timedelta(hours=1)
CALENDAR = WorkingCalendar()


def user(db, key: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))


def staff(db, key: str) -> Actor:
    return Actor.staff(user(db, key))


def thue(db) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == "THUE"))


def new_case(db, world, kind: str = "phan_anh") -> Case:
    case = make_case(db.session.get(Category, world.tax), kind=kind, citizen_name="Nguyễn Văn An",
                     citizen_email="an@example.vn", contact_consent=True,
                     notify_email=True)
    lifecycle.acknowledge(case, staff(db, "officer_thue"), MONDAY_9AM + HOUR)
    db.session.commit()
    return case


def submit(db, case, text="Cục Thuế đã hoàn thuế cho ông/bà.", who="officer_thue", **doc):
    return signoff.submit_draft(case, staff(db, who), text, MONDAY_9AM + 2 * HOUR, **doc)


def emails(db, kind: str) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.kind == kind)))


def upload(data: bytes, name: str) -> Upload:
    return Upload(name, io.BytesIO(data))


def deputy(db) -> User:
    officer = make_user("pho.thue@test.vn", Role.OFFICER, thue(db), name="Phó Thuế")
    officer.signs_off = True
    db.session.flush()
    return officer


# Who needs sign-off.

def test_an_officer_needs_sign_off_a_head_and_a_deputy_do_not(db, world):
    case = new_case(db, world)
    assert signoff.needs_signoff(case, user(db, "officer_thue"))
    assert not signoff.needs_signoff(case, user(db, "head_thue"))
    assert not signoff.needs_signoff(case, deputy(db))


def test_a_kind_the_unit_exempted_needs_no_sign_off(db, world):
    case = new_case(db, world, kind="hoi_dap")
    signoff.set_exemption(thue(db), "hoi_dap", True, user(db, "head_thue"), MONDAY_9AM)
    assert not signoff.needs_signoff(case, user(db, "officer_thue"))
    other = new_case(db, world, kind="phan_anh")
    assert signoff.needs_signoff(other, user(db, "officer_thue"))


def test_an_officer_cannot_answer_past_the_sign_off(db, world):
    case = new_case(db, world)
    with pytest.raises(errors.NotPermitted):
        lifecycle.respond(case, staff(db, "officer_thue"), "Đã xử lý.", MONDAY_9AM + 2 * HOUR)
    assert case.status == "in_progress" and case.public_answer is None


def test_answer_routes_an_officer_to_the_draft_and_a_head_to_the_citizen(db, world):
    officers = new_case(db, world)
    draft = signoff.answer(officers, staff(db, "officer_thue"), "Nháp.", MONDAY_9AM + 2 * HOUR)
    assert isinstance(draft, AnswerDraft) and officers.status == "in_progress"
    heads = new_case(db, world)
    event = signoff.answer(heads, staff(db, "head_thue"), "Trả lời.", MONDAY_9AM + 2 * HOUR,
                           doc_number="12/CT", doc_date=date(2026, 3, 2), doc_signer="Lê Trưởng")
    assert isinstance(event, CaseEvent) and heads.status == "responded"
    assert (heads.answer_doc_number, heads.answer_doc_date, heads.answer_signer) == (
        "12/CT", date(2026, 3, 2), "Lê Trưởng")


# Submitting.

def test_submitting_records_a_draft_hidden_from_the_citizen_and_asks_the_reviewers(db, world):
    helper = deputy(db)
    case = new_case(db, world)
    draft = submit(db, case, doc_number=" 125/CT-TTHT ", doc_signer="Lê Minh")
    db.session.commit()
    assert draft.status == DraftStatus.IN_REVIEW and draft.unit_id == case.unit_id
    assert draft.written_by == user(db, "officer_thue") and draft.doc_number == "125/CT-TTHT"
    assert case.review_state == ReviewState.IN_REVIEW and case.status == "in_progress"
    assert case.public_answer is None and case.responded_at is None
    entry = case.events[-1]
    assert entry.kind == EventKind.ANSWER_SUBMITTED and not entry.is_public
    assert entry.body == "Cục Thuế đã hoàn thuế cho ông/bà."
    asked = emails(db, "review_requested")
    assert {n.recipient for n in asked} == {EMAILS["head_thue"], helper.email}
    assert all(case.reference in n.subject for n in asked)
    # The citizen was told nothing.
    assert not emails(db, "case_answered")


def test_a_second_draft_while_one_is_in_review_is_refused(db, world):
    case = new_case(db, world)
    submit(db, case)
    with pytest.raises(errors.IllegalMove):
        submit(db, case, "Bản khác.")
    assert len(case.answer_drafts) == 1


@pytest.mark.parametrize(("text", "field"), [("   ", "answer"), ("x" * 5001, "answer")])
def test_the_draft_text_is_required_and_bounded(db, world, text, field):
    case = new_case(db, world)
    with pytest.raises(errors.InvalidInput) as refused:
        submit(db, case, text)
    assert refused.value.field == field and case.review_state is None


@pytest.mark.parametrize(("doc", "field"), [
    ({"doc_number": "x" * 61}, "doc_number"),
    ({"doc_signer": "x" * 121}, "doc_signer"),
    ({"doc_date": date(2026, 3, 3)}, "doc_date"),  # signed tomorrow
])
def test_the_reply_document_is_checked(db, world, doc, field):
    case = new_case(db, world)
    with pytest.raises(errors.InvalidInput) as refused:
        submit(db, case, **doc)
    assert refused.value.field == field and not case.answer_drafts


def test_only_in_progress_and_only_for_the_holding_units_staff(db, world):
    case = make_case(db.session.get(Category, world.tax))
    with pytest.raises(errors.IllegalMove):  # not acknowledged yet
        submit(db, case)
    case = new_case(db, world)
    with pytest.raises(errors.NotPermitted):
        submit(db, case, who="officer_bhxh")
    with pytest.raises(errors.NotPermitted):
        submit(db, case, who="committee")


def test_a_reviewer_has_no_draft_to_send(db, world):
    case = new_case(db, world)
    with pytest.raises(errors.IllegalMove):
        submit(db, case, who="head_thue")


def test_a_stale_version_is_a_conflict(db, world):
    case = new_case(db, world)
    with pytest.raises(errors.VersionConflict):
        signoff.submit_draft(case, staff(db, "officer_thue"), "x", MONDAY_9AM, case.version - 1)


def test_while_in_review_nobody_answers_past_the_draft(db, world):
    case = new_case(db, world)
    submit(db, case)
    with pytest.raises(errors.IllegalMove):
        lifecycle.respond(case, staff(db, "head_thue"), "Trả lời khác.", MONDAY_9AM + 3 * HOUR)


# Approving.

def test_approval_publishes_the_answer_at_that_moment(db, world):
    case = new_case(db, world)
    draft = submit(db, case, doc_number="125/CT", doc_date=date(2026, 3, 2), doc_signer="Lê Minh")
    approved_at = MONDAY_9AM + 5 * HOUR
    event = signoff.approve(case, staff(db, "head_thue"), approved_at, note="Đồng ý.")
    db.session.commit()
    assert case.status == "responded" and case.responded_at == approved_at
    assert case.public_answer == "Cục Thuế đã hoàn thuế cho ông/bà."
    assert case.review_state is None
    assert (case.answer_doc_number, case.answer_doc_date, case.answer_signer) == (
        "125/CT", date(2026, 3, 2), "Lê Minh")
    assert draft.status == DraftStatus.APPROVED and draft.decided_by == user(db, "head_thue")
    assert draft.decided_at == approved_at and draft.event == event and draft.comment == "Đồng ý."
    assert event.kind == EventKind.PUBLIC_REPLY and event.is_public
    kinds = [e.kind for e in case.events]
    assert EventKind.ANSWER_WITHDRAWN not in kinds and kinds.count(EventKind.PUBLIC_REPLY) == 1
    assert len(emails(db, "case_answered")) == 1


def test_the_reviewer_may_correct_the_text_and_the_document(db, world):
    case = new_case(db, world)
    submit(db, case, doc_number="1/CT", doc_signer="A")
    signoff.approve(case, staff(db, "head_thue"), MONDAY_9AM + 3 * HOUR,
                    body="  Văn bản đã sửa.  ", doc_number="", doc_date=None, doc_signer="Lê Minh")
    assert case.public_answer == "Văn bản đã sửa."
    assert (case.answer_doc_number, case.answer_signer) == (None, "Lê Minh")
    # The text as first written stays on the timeline entry of the submission.
    submitted = next(e for e in case.events if e.kind == EventKind.ANSWER_SUBMITTED)
    assert submitted.body == "Cục Thuế đã hoàn thuế cho ông/bà."


def test_a_deputy_approves_as_the_head_does(db, world):
    helper = Actor.staff(deputy(db))
    case = new_case(db, world)
    submit(db, case)
    signoff.approve(case, helper, MONDAY_9AM + 3 * HOUR)
    assert case.status == "responded"


def test_approval_refusals(db, world):
    case = new_case(db, world)
    with pytest.raises(errors.IllegalMove):  # nothing in review
        signoff.approve(case, staff(db, "head_thue"), MONDAY_9AM + 3 * HOUR)
    submit(db, case)
    for who in ("officer_thue", "officer_bhxh", "committee", "admin"):
        with pytest.raises(errors.NotPermitted):
            signoff.approve(case, staff(db, who), MONDAY_9AM + 3 * HOUR)
    with pytest.raises(errors.InvalidInput) as empty:
        signoff.approve(case, staff(db, "head_thue"), MONDAY_9AM + 3 * HOUR, body=" ")
    assert empty.value.field == "answer"
    with pytest.raises(errors.VersionConflict):
        signoff.approve(case, staff(db, "head_thue"), MONDAY_9AM + 3 * HOUR, case.version - 1)
    assert case.status == "in_progress" and case.answer_drafts[0].status == DraftStatus.IN_REVIEW


def test_a_reviewer_does_not_approve_a_draft_they_wrote(db, world):
    writer = deputy(db)
    writer.signs_off = False
    case = new_case(db, world)
    signoff.submit_draft(case, Actor.staff(writer), "Nháp.", MONDAY_9AM + 2 * HOUR)
    writer.signs_off = True  # named deputy meanwhile
    with pytest.raises(errors.NotPermitted):
        signoff.approve(case, Actor.staff(writer), MONDAY_9AM + 3 * HOUR)
    signoff.approve(case, staff(db, "head_thue"), MONDAY_9AM + 3 * HOUR)


def test_officer_files_wait_and_are_published_at_approval_but_contributions_never(db, world):
    case = new_case(db, world)
    officer = user(db, "officer_thue")
    own, contribution = attachments.attach_to_answer(
        case, officer, [upload(uploads.PDF, "kq.pdf"), upload(uploads.PDF, "bhxh.pdf")], MONDAY_9AM)
    request = CoHandlingRequest(case_id=case.id, lead_unit_id=world.thue, unit_id=world.bhxh,
                                question="Xác nhận?", asked_by_id=officer.id, asked_at=MONDAY_9AM,
                                last_day=date(2026, 3, 6), due_at=MONDAY_9AM + 100 * HOUR)
    db.session.add(request)
    db.session.flush()
    contribution.request_id = request.id  # another unit's input: never published
    submit(db, case)
    db.session.flush()
    assert own.event_id is None  # still a draft while the answer is in review
    event = signoff.approve(case, staff(db, "head_thue"), MONDAY_9AM + 3 * HOUR)
    db.session.flush()
    assert own.event_id == event.id and contribution.event_id is None


# Returning.

def test_returning_sends_the_comment_to_the_writer(db, world):
    case = new_case(db, world)
    draft = submit(db, case)
    event = signoff.return_draft(case, staff(db, "head_thue"), "Nêu rõ căn cứ pháp lý.",
                                 MONDAY_9AM + 3 * HOUR)
    db.session.commit()
    assert draft.status == DraftStatus.RETURNED and draft.comment == "Nêu rõ căn cứ pháp lý."
    assert draft.decided_by == user(db, "head_thue")
    assert case.review_state == ReviewState.RETURNED and case.status == "in_progress"
    assert event.kind == EventKind.ANSWER_RETURNED and not event.is_public
    assert event.body == "Nêu rõ căn cứ pháp lý."
    returned, = emails(db, "draft_returned")
    assert returned.recipient == EMAILS["officer_thue"] and "Nêu rõ căn cứ pháp lý." in returned.body
    assert signoff.last_returned(case) == draft
    # The officer writes again and sends it; it is in review once more.
    again = submit(db, case, "Bản đã sửa.")
    assert case.review_state == ReviewState.IN_REVIEW and again.status == DraftStatus.IN_REVIEW
    assert signoff.last_returned(case) is None


def test_returning_needs_a_comment_and_a_reviewer(db, world):
    case = new_case(db, world)
    submit(db, case)
    with pytest.raises(errors.InvalidInput) as empty:
        signoff.return_draft(case, staff(db, "head_thue"), "  ", MONDAY_9AM + 3 * HOUR)
    assert empty.value.field == "comment"
    with pytest.raises(errors.NotPermitted):
        signoff.return_draft(case, staff(db, "officer_thue"), "Sửa.", MONDAY_9AM + 3 * HOUR)
    assert case.review_state == ReviewState.IN_REVIEW


def test_a_transfer_withdraws_the_draft_in_review(db, world):
    case = new_case(db, world)
    draft = submit(db, case)
    lifecycle.transfer(case, staff(db, "head_thue"), db.session.get(Unit, world.bhxh), "Thuộc BHXH.",
                       MONDAY_9AM + 3 * HOUR)
    assert draft.status == DraftStatus.WITHDRAWN and case.review_state is None
    assert EventKind.ANSWER_WITHDRAWN in [e.kind for e in case.events]


# The unit's settings.

def test_the_head_switches_sign_off_for_a_kind_audited(db, world):
    head = user(db, "head_thue")
    assert signoff.set_exemption(thue(db), "hoi_dap", True, head, MONDAY_9AM)
    assert not signoff.set_exemption(thue(db), "hoi_dap", True, head, MONDAY_9AM)  # no change
    assert db.session.get(SignoffExemption, (world.thue, "hoi_dap")).set_by_id == head.id
    assert signoff.set_exemption(thue(db), "hoi_dap", False, head, MONDAY_9AM + HOUR)
    db.session.flush()
    assert db.session.get(SignoffExemption, (world.thue, "hoi_dap")) is None
    entries = list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))
    assert [(e.before, e.after) for e in entries] == [
        ({"signoff_required": True}, {"signoff_required": False}),
        ({"signoff_required": False}, {"signoff_required": True}),
    ]
    assert entries[0].actor_id == head.id and "hoi_dap" in entries[0].entity_label


def test_settings_belong_to_the_units_head_and_admins(db, world):
    bhxh = db.session.get(Unit, world.bhxh)
    for who in ("officer_thue", "committee", "operator"):
        with pytest.raises(errors.NotPermitted):
            signoff.set_exemption(thue(db), "hoi_dap", True, user(db, who), MONDAY_9AM)
    with pytest.raises(errors.NotPermitted):  # another unit's head
        signoff.set_exemption(bhxh, "hoi_dap", True, user(db, "head_thue"), MONDAY_9AM)
    assert signoff.set_exemption(bhxh, "hoi_dap", True, user(db, "admin"), MONDAY_9AM)
    with pytest.raises(errors.InvalidInput):
        signoff.set_exemption(thue(db), "unknown", True, user(db, "head_thue"), MONDAY_9AM)


def test_the_head_names_a_deputy_audited(db, world):
    officer = user(db, "officer_thue")
    assert signoff.set_deputy(thue(db), officer, True, user(db, "head_thue"), MONDAY_9AM)
    assert officer.signs_off
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.entity_type, entry.before, entry.after) == (
        "user", {"signs_off": False}, {"signs_off": True})
    case = new_case(db, world)
    assert not signoff.needs_signoff(case, officer)


@pytest.mark.parametrize("who", ["head_thue", "officer_bhxh", "inactive"])
def test_only_an_active_officer_of_the_unit_is_named(db, world, who):
    if who == "inactive":
        candidate = make_user("cu.thue@test.vn", Role.OFFICER, thue(db))
        candidate.active = False
    else:
        candidate = user(db, who)
    with pytest.raises(errors.InvalidInput) as refused:
        signoff.set_deputy(thue(db), candidate, True, user(db, "head_thue"), MONDAY_9AM)
    assert refused.value.field == "deputies" and not candidate.signs_off


def test_saving_the_page_changes_only_what_changed(db, world):
    head = user(db, "head_thue")
    required = {"phan_anh", "kien_nghi", "khieu_nai", "to_cao"}  # hỏi đáp without sign-off
    officer = user(db, "officer_thue")
    assert signoff.save_settings(thue(db), required, {officer.id}, head, MONDAY_9AM) == 2
    assert signoff.save_settings(thue(db), required, {officer.id}, head, MONDAY_9AM) == 0
    assert signoff.unit_settings(thue(db)).required["hoi_dap"] is False
    assert signoff.save_settings(thue(db), required | {"hoi_dap"}, set(), head, MONDAY_9AM) == 2
    assert not officer.signs_off
    with pytest.raises(errors.InvalidInput):
        signoff.save_settings(thue(db), required, {user(db, "officer_bhxh").id}, head, MONDAY_9AM)


def test_a_deputy_moved_to_another_unit_loses_the_flag(db, world):
    from app.accounts.users import AccountDetails, update_user

    officer = deputy(db)
    update_user(officer, AccountDetails(officer.email, officer.name, Role.OFFICER.value, world.bhxh),
                user(db, "admin"), MONDAY_9AM)
    assert not officer.signs_off


# Reminders.

def _vn(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=timezone(timedelta(hours=7)))


def test_a_draft_waiting_four_working_hours_is_reminded_once(db, world, app):
    case = new_case(db, world)
    submit(db, case)  # Monday 11:00
    db.session.commit()
    # 11:00-11:30 and 13:00-16:30 make the four working hours.
    assert signoff.remind_reviews(_vn(2, 13), CALENDAR) == 0
    assert signoff.remind_reviews(_vn(2, 16), CALENDAR) == 0
    assert signoff.remind_reviews(_vn(2, 17), CALENDAR) == 1
    assert signoff.remind_reviews(_vn(2, 17), CALENDAR) == 0
    assert signoff.remind_reviews(_vn(3, 9), CALENDAR) == 0
    reminders = [e for e in case.events if e.kind == EventKind.REMINDER]
    assert len(reminders) == 1 and not reminders[0].is_public
    assert user(db, "head_thue").name in reminders[0].body
    reminded, = emails(db, "review_reminder")
    assert reminded.recipient == EMAILS["head_thue"]
    assert case.answer_drafts[0].reminded_at == _vn(2, 17)


def test_a_draft_whose_case_is_nearly_due_is_reminded_at_once(db, world, app):
    case = new_case(db, world)
    submit(db, case)
    case.response_due_at = MONDAY_9AM + 6 * HOUR  # due this afternoon
    db.session.commit()
    assert signoff.remind_reviews(MONDAY_9AM + 2 * HOUR + timedelta(minutes=5), CALENDAR) == 1


def test_decided_drafts_are_not_reminded(db, world, app):
    case = new_case(db, world)
    submit(db, case)
    signoff.return_draft(case, staff(db, "head_thue"), "Sửa.", MONDAY_9AM + 3 * HOUR)
    db.session.commit()
    assert signoff.remind_reviews(_vn(4, 9), CALENDAR) == 0


def test_the_reminder_job_is_periodic():
    from app.jobs.periodic import PERIODIC

    assert "app.jobs.signoff.remind_reviews" in {job.path for job in PERIODIC}


# Emails.

@pytest.mark.parametrize("template", ["review_requested", "draft_returned"])
def test_the_emails_name_the_case_in_both_languages(db, world, app, template):
    case = new_case(db, world)
    draft = submit(db, case)
    draft.decided_by, draft.comment = user(db, "head_thue"), "Nêu rõ căn cứ."
    for locale in ("vi", "en"):
        subject, body = render_email(template, locale, case=case, draft=draft, reminder=False,
                                     recipient_name="Lê Minh")
        assert case.reference in subject and case.reference in body and "Lê Minh" in body
        assert f"/cases/{case.reference}" in body
    _, english = render_email(template, "en", case=case, draft=draft, reminder=False,
                              recipient_name="Lê Minh")
    assert english.startswith("Dear Lê Minh,")
    if template == "draft_returned":
        assert "Nêu rõ căn cứ." in english
