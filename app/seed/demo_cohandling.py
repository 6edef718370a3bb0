"""Demo co-handling: Cục Thuế asks BHXH for its input on four tax cases.

One request is still open (officer.bhxh@demo.vn finds it under "Được đề nghị phối hợp"),
one was answered on time, one declined, one answered after its last day. The cases are
the demo's own, received in the last weeks; seeding again adds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.cases import cohandling, lifecycle
from app.core.timeutil import to_local
from app.deadlines import counting
from app.deadlines.sla import load_calendar
from app.extensions import db
from app.intake.submission import Submission, submit_case
from app.models import Case, Category, Channel, Role, Unit, User


@dataclass(frozen=True)
class Scene:
    """One tax case asked of BHXH: when it came (working days ago) and how the request went."""

    title: str
    description: str
    question: str
    days_ago: int
    outcome: str  # open, on_time, declined, late
    reply: str = ""


SCENES = [
    Scene("Doanh nghiệp nợ thuế và nợ bảo hiểm của người lao động",
          "Công ty nơi tôi làm vừa bị cưỡng chế nợ thuế, tôi lo công ty cũng nợ tiền bảo hiểm "
          "xã hội của chúng tôi.",
          "Đề nghị BHXH cho biết công ty này có đang nợ tiền đóng BHXH của người lao động không.",
          2, "open"),
    Scene("Khấu trừ thuế thu nhập cá nhân trên trợ cấp thôi việc",
          "Công ty khấu trừ thuế TNCN trên khoản trợ cấp thôi việc của tôi, tôi nghĩ khoản này "
          "được miễn thuế.",
          "Đề nghị BHXH xác nhận thời gian tham gia bảo hiểm thất nghiệp của người lao động.",
          20, "on_time", "Người lao động tham gia bảo hiểm thất nghiệp từ 01/2019 đến 12/2025, "
          "không gián đoạn."),
    Scene("Hoàn thuế cho người nghỉ hưu giữa năm",
          "Tôi nghỉ hưu từ tháng 6, phần thuế đã khấu trừ trước đó xin được hoàn lại.",
          "Đề nghị BHXH cho biết ngày bắt đầu hưởng lương hưu của người nộp thuế.",
          14, "declined", "Thông tin lương hưu đã có trên Cổng dịch vụ công; đề nghị Cục Thuế "
          "tra cứu trực tiếp, BHXH không cần cho ý kiến."),
    Scene("Quyết toán thuế của người làm hai nơi",
          "Tôi làm việc tại hai công ty trong năm, xin hướng dẫn quyết toán thuế và kiểm tra "
          "việc đóng bảo hiểm ở cả hai nơi.",
          "Đề nghị BHXH cho biết người nộp thuế đóng BHXH tại đơn vị nào trong năm 2025.",
          25, "late", "Người lao động đóng BHXH tại Công ty A từ tháng 1 đến tháng 7 và Công ty B "
          "từ tháng 8 đến tháng 12 năm 2025."),
]


def _working_days_back(now: datetime, days: int, calendar) -> datetime:
    """09:00 on the working day ``days`` working days before today, local time, in UTC."""
    day = counting.local_day(now)
    for _ in range(days):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    local = to_local(now).replace(year=day.year, month=day.month, day=day.day, hour=9,
                                  minute=0, second=0, microsecond=0)
    return local.astimezone(timezone.utc)


def _later(moment: datetime, working_days: int, calendar) -> datetime:
    """The same hour ``working_days`` working days later."""
    day = counting.add_working_days(counting.local_day(moment), working_days, calendar)
    return to_local(moment).replace(year=day.year, month=day.month, day=day.day).astimezone(
        timezone.utc)


def seed_cohandling(units: dict[str, Unit], categories: dict[str, Category],
                    now: datetime) -> int:
    """Add the four co-handling cases (those missing). Returns how many were added."""
    calendar = load_calendar()
    thue, bhxh = units["THUE"], units["BHXH"]
    officer = db.session.scalar(sa.select(User).where(User.unit_id == thue.id,
                                                      User.role == Role.OFFICER.value))
    head = db.session.scalar(sa.select(User).where(User.unit_id == thue.id,
                                                   User.role == Role.UNIT_HEAD.value))
    asked = db.session.scalar(sa.select(User).where(User.unit_id == bhxh.id))
    if officer is None or head is None or asked is None:
        return 0
    lead, contributor = lifecycle.Actor.staff(officer), lifecycle.Actor.staff(asked)
    # The unit head answers, under the unit's name: the answer needs no further sign-off.
    signer = lifecycle.Actor.staff(head)
    added = 0
    for number, scene in enumerate(SCENES, start=1):
        if db.session.scalar(sa.select(Case.id).where(Case.title == scene.title)) is not None:
            continue
        start = _working_days_back(now, scene.days_ago, calendar)
        case = submit_case(Submission(
            category=categories["THUE"], title=scene.title, description=scene.description,
            address=f"{40 + number} đường Nguyễn Thị Minh Khai", ward="Phường Bến Thành",
            citizen_name="Ngô Thị Hạnh", citizen_phone=f"+8491200000{number}",
            citizen_email=f"phoihop{number}@example.vn", contact_consent=True),
            Channel.WEB, start)
        asked_at = start + timedelta(hours=2)
        lifecycle.acknowledge(case, lead, start + timedelta(hours=1))
        last_day = cohandling.default_last_day(case, asked_at, calendar,
                                               3 if scene.outcome == "late" else 5)
        request = cohandling.ask(case, lead, bhxh, scene.question, last_day, False, asked_at)
        if scene.outcome == "open":
            added += 1
            continue
        if scene.outcome == "declined":
            cohandling.decline(request, contributor, scene.reply, _later(asked_at, 1, calendar))
        else:
            after = counting.end_of(last_day) + timedelta(hours=10)
            replied = (_later(asked_at, 3, calendar) if scene.outcome == "on_time"
                       else _later(after, 3, calendar))
            cohandling.contribute(request, contributor, scene.reply, min(replied, now))
        if scene.outcome != "declined":
            lifecycle.respond(case, signer, "Cục Thuế đã tổng hợp ý kiến của Bảo hiểm xã hội "
                              "Thành phố và trả lời ông/bà như sau: hồ sơ của ông/bà đã được "
                              "kiểm tra và xử lý. Trân trọng cảm ơn ông/bà.",
                              min(calendar.add_working_hours(request.replied_at, 3), now))
        added += 1
    db.session.flush()
    return added
