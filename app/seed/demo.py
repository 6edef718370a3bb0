"""Demo data for `flask seed demo`: the Khối's units, categories, accounts and cases.

Every step looks up what exists first, so running it again adds nothing twice.
Cases are made through the same intake and workflow services as real ones.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from app.cases import extensions, lifecycle, signoff
from app.core.timeutil import to_local, utcnow
from app.deadlines import regimes
from app.deadlines.sla import load_calendar, recompute_due_times
from app.extensions import db
from app.intake import routing
from app.intake.submission import Submission, submit_case
from app.models import (
    UNIT_STAFF_ROLES,
    AnswerDraft,
    AttributeOption,
    CalendarDay,
    Case,
    CaseKind,
    CaseStatus,
    Category,
    CategoryAttribute,
    Channel,
    CountUnit,
    DeadlineRegime,
    Role,
    Unit,
    UnitName,
    User,
)
from app.notify import staff_alerts
from app.seed.demo_campaigns import seed_campaigns
from app.seed.demo_texts import CASE_TEXTS, CITIZEN_NAMES, WARDS
from app.seed.demo_cohandling import seed_cohandling

# Today's names (the demo's cases are of 2026); FORMER_NAMES gives the 2022-2023 ones.
ROOT_UNIT = ("DUK", "Đảng bộ các cơ quan Đảng TP. Hồ Chí Minh",
             "Party Committee of the Party Agencies, Ho Chi Minh City")
MEMBER_UNITS = [
    ("THUE", "Thuế TP. Hồ Chí Minh", "Ho Chi Minh City Tax"),
    ("BHXH", "Bảo hiểm xã hội Thành phố Hồ Chí Minh", "Ho Chi Minh City Social Insurance"),
    ("KBNN", "Kho bạc Nhà nước khu vực II", "State Treasury, Region II"),
    ("HQ", "Chi cục Hải quan khu vực II", "Customs Sub-department, Region II"),
    ("LDLD", "Liên đoàn Lao động TP HCM", "HCMC Labour Federation"),
    ("HLHPN", "Hội Liên hiệp Phụ nữ TP HCM", "HCMC Women's Union"),
    ("DOAN", "Thành Đoàn TP HCM", "HCMC Youth Union"),
    ("HND", "Hội Nông dân TP HCM", "HCMC Farmers' Union"),
    ("MTTQ", "Ủy ban MTTQ Việt Nam TP HCM", "HCMC Vietnam Fatherland Front Committee"),
    ("TKE", "Thống kê TP HCM", "HCMC Statistics Office"),
]

# Some fields' units answer feedback and proposals faster than the city's rules ask:
# first step in 4 working hours, answer in 5 working days, for every priority.
FASTER = (4, 5)
FASTER_SOURCE = ("Cam kết của đơn vị (dữ liệu mẫu): nhận xử lý trong 4 giờ làm việc, trả lời "
                 "trong 5 ngày làm việc.")

# The government's exceptions to the civil servants' calendar in the years the demo covers
# (2022-2026), each with its source. 2022 (Công văn 245/VPCP-KGVX) and 2023 (Công văn
# 8056/VPCP-KGVX) had no swap for civil servants; nothing is known for 2027 yet. Where the
# `holidays` package already lists the day, the row records the decision all the same.
CALENDAR_EXCEPTIONS = [
    # day, kind, note
    (date(2024, 4, 29), "day_off",
     "Nghỉ thứ Hai 29/4/2024, làm bù thứ Bảy 4/5/2024 (Công văn 2450/VPCP-KGVX)"),
    (date(2024, 5, 4), "working_day",
     "Làm bù cho thứ Hai 29/4/2024 (Công văn 2450/VPCP-KGVX)"),
    (date(2025, 4, 26), "working_day",
     "Làm bù cho thứ Sáu 2/5/2025 (Công văn 8726/VPCP-KGVX; Thông báo 6150/TB-BLĐTBXH)"),
    (date(2025, 5, 2), "day_off",
     "Nghỉ thứ Sáu 2/5/2025, làm bù thứ Bảy 26/4/2025 (Công văn 8726/VPCP-KGVX; "
     "Thông báo 6150/TB-BLĐTBXH)"),
    (date(2026, 1, 2), "day_off",
     "Nghỉ thứ Sáu 2/1/2026, làm bù thứ Bảy 10/1/2026 (Công văn 12729/VPCP-KGVX ngày 25/12/2025)"),
    (date(2026, 1, 10), "working_day",
     "Làm bù cho thứ Sáu 2/1/2026 (Công văn 12729/VPCP-KGVX ngày 25/12/2025)"),
    (date(2026, 8, 22), "working_day",
     "Làm bù cho thứ Hai 31/8/2026, theo thông báo của VPCP (10/2025); chưa rõ số hiệu văn bản"),
    (date(2026, 8, 31), "day_off",
     "Nghỉ thứ Hai 31/8/2026, làm bù thứ Bảy 22/8/2026, theo thông báo của VPCP (10/2025); "
     "chưa rõ số hiệu văn bản"),
]

# The names of the demo's campaign years, before the 2025 reorganisation (Đảng bộ các cơ quan
# Đảng; QĐ 2229/QĐ-BTC for tax; QĐ 2286/QĐ-BTC for social insurance, from July 2025). The last
# day is the end of 2024: the demo's pages need the names of 2022-2023, not each decision's date.
FORMER_UNTIL = date(2024, 12, 31)
FORMER_NAMES = {
    "DUK": ("Đảng ủy Khối Dân - Chính - Đảng TP HCM",
            "Party Committee of the Party, State and Mass Organisations Bloc, HCMC"),
    "THUE": ("Cục Thuế TP HCM", "HCMC Tax Department"),
    "BHXH": ("Bảo hiểm Xã hội TP HCM", "HCMC Social Insurance"),
}

CATEGORIES = [
    # code, Vietnamese, English, default unit, faster than the rules, keywords
    ("THUE", "Thuế", "Tax", "THUE", False, "thue, hoa don, quyet toan, ma so thue"),
    ("BHXH", "Bảo hiểm xã hội, bảo hiểm y tế", "Social and health insurance", "BHXH",
     False, "bhxh, bhyt, luong huu, so bao hiem"),
    ("KHOBAC", "Kho bạc, thanh toán ngân sách", "Treasury and budget payments", "KBNN",
     False, "kho bac, ngan sach"),
    ("HAIQUAN", "Hải quan", "Customs", "HQ", False, "hai quan, to khai"),
    ("LAODONG", "Lao động, công đoàn", "Labour and trade unions", "LDLD", True,
     "luong, cong doan, hop dong lao dong"),
    ("PHUNU", "Phụ nữ, trẻ em, gia đình", "Women, children and families", "HLHPN", True,
     "phu nu, tre em, bao luc gia dinh"),
    ("KHAC", "Khác (chưa rõ đơn vị)", "Other (unit unclear)", None, False, "khac"),
]

# Extra questions (Open311 service attributes):
# category, code, datatype, required, question vi/en, hint vi/en, options (key, vi, en)
QUESTIONS = [
    ("THUE", "LOAI_THUE", "singlevaluelist", True, "Loại thuế liên quan", "Which tax is it about?",
     None, None,
     [("TNCN", "Thuế thu nhập cá nhân", "Personal income tax"),
      ("GTGT", "Thuế giá trị gia tăng", "Value added tax"),
      ("HKD", "Thuế hộ kinh doanh", "Household business tax"),
      ("KHAC", "Loại khác", "Other")]),
    ("THUE", "MST", "string", False, "Mã số thuế (nếu có)", "Tax identification number (if any)",
     "10 hoặc 13 chữ số", "10 or 13 digits", []),
    ("BHXH", "NOI_DUNG", "multivaluelist", False, "Nội dung liên quan",
     "What is it about?", "Chọn một hoặc nhiều", "Choose one or more",
     [("SO_BHXH", "Sổ bảo hiểm xã hội", "Social insurance book"),
      ("THE_BHYT", "Thẻ bảo hiểm y tế", "Health insurance card"),
      ("LUONG_HUU", "Lương hưu", "Pension"),
      ("TRO_CAP", "Trợ cấp một lần", "One-off allowance")]),
    ("BHXH", "TU_NGAY", "datetime", False, "Vấn đề bắt đầu từ khi nào?",
     "When did the problem start?", "Ngày/tháng/năm, ví dụ 02/03/2026",
     "Day/month/year, e.g. 02/03/2026", []),
]

# Routing rules by category and ward (an empty ward means any ward).
ROUTING_RULES = [
    # category, ward, unit
    ("THUE", "", "THUE"),
    ("BHXH", "", "BHXH"),
    ("LAODONG", "Phường Thủ Đức", "LDLD"),
    ("PHUNU", "Xã Củ Chi", "HND"),
]

DEMO_ACCOUNTS = [
    # email, name, role, unit code
    ("admin@demo.vn", "Đỗ Quang Khải", Role.ADMIN, None),
    ("operator@demo.vn", "Nguyễn Thị Lan", Role.OPERATOR, None),
    ("committee@demo.vn", "Trần Văn Hùng", Role.COMMITTEE, "DUK"),
    ("head.thue@demo.vn", "Lê Minh Tuấn", Role.UNIT_HEAD, "THUE"),
    ("officer.thue@demo.vn", "Phạm Thu Hà", Role.OFFICER, "THUE"),
    ("officer.bhxh@demo.vn", "Võ Thanh Bảo", Role.OFFICER, "BHXH"),
]

# What happens to each demo case after intake, in turn.
SCENARIOS = ["assigned", "in_progress", "awaiting", "responded", "closed", "rejected",
             "transferred", "reopened", "guided", "responded_late", "closed", "extended"]

@dataclass
class SeedReport:
    """What a seeding run did, for the command to print."""

    created_units: int = 0
    created_categories: int = 0
    created_users: int = 0
    created_cases: int = 0
    password: str | None = None
    password_reset: bool = False


def _get_or_create(model, lookup: dict, values: dict):
    obj = db.session.scalar(sa.select(model).filter_by(**lookup))
    if obj is not None:
        return obj, False
    obj = model(**lookup, **values)
    db.session.add(obj)
    db.session.flush()
    return obj, True


def seed_calendar() -> None:
    """The government's calendar exceptions of the demo's years, before any case is counted.

    A date that already has a row keeps it (an admin may have set it otherwise). On a
    database that already has cases, their due times are recounted.
    """
    added = 0
    for day, kind, note in CALENDAR_EXCEPTIONS:
        _row, created = _get_or_create(CalendarDay, {"day": day}, {"kind": kind, "note": note})
        added += created
    if added:
        recompute_due_times()


def _record_former_name(unit: Unit, name: str, name_en: str) -> None:
    """Keep the unit's name of the campaign years; a demo unit still under it takes today's."""
    former = FORMER_NAMES.get(unit.code)
    if former is None:
        return
    if unit.name == former[0]:  # seeded before the renaming
        unit.name, unit.name_en = name, name_en
    if not any(row.valid_until == FORMER_UNTIL for row in unit.former_names):
        unit.former_names.append(UnitName(name=former[0], name_en=former[1], valid_until=FORMER_UNTIL))


def seed_units(report: SeedReport) -> dict[str, Unit]:
    """The Party committee of the city's Party agencies and its member units."""
    code, name, name_en = ROOT_UNIT
    root, created = _get_or_create(Unit, {"code": code}, {"name": name, "name_en": name_en})
    _record_former_name(root, name, name_en)
    report.created_units += created
    units = {code: root}
    for code, name, name_en in MEMBER_UNITS:
        unit, created = _get_or_create(
            Unit, {"code": code}, {"name": name, "name_en": name_en, "parent_id": root.id}
        )
        _record_former_name(unit, name, name_en)
        report.created_units += created
        units[code] = unit
    db.session.flush()
    return units


def seed_categories(report: SeedReport, units: dict[str, Unit]) -> dict[str, Category]:
    """The kinds' deadline regimes, the categories routed to their default units, and the
    faster regimes some fields' units committed to."""
    regimes.ensure_defaults()
    categories = {}
    faster = []
    for position, (code, name_vi, name_en, unit, fast, keywords) in enumerate(CATEGORIES):
        categories[code], created = _get_or_create(
            Category,
            {"code": code},
            {"name_vi": name_vi, "name_en": name_en, "keywords": keywords,
             "default_unit_id": units[unit].id if unit else None, "position": position},
        )
        report.created_categories += created
        if fast:
            faster.append(categories[code])
    hours, days = FASTER
    for category in faster:
        for kind in (CaseKind.PHAN_ANH, CaseKind.KIEN_NGHI):
            _get_or_create(
                DeadlineRegime,
                {"kind": kind.value, "category_id": category.id, "priority": None},
                {"first_step_amount": hours, "first_step_unit": CountUnit.WORKING_HOURS.value,
                 "resolution_amount": days, "resolution_unit": CountUnit.WORKING_DAYS.value,
                 "max_extensions": 1, "extension_amount": 2,
                 "extension_unit": CountUnit.WORKING_DAYS.value, "legal_source": FASTER_SOURCE},
            )
    return categories


def seed_questions(categories: dict[str, Category]) -> None:
    """The extra questions of the demo tax and insurance categories."""
    positions: dict[str, int] = {}
    for code, attr_code, datatype, required, q_vi, q_en, hint_vi, hint_en, options in QUESTIONS:
        positions[code] = positions.get(code, 0) + 1
        attribute, created = _get_or_create(
            CategoryAttribute,
            {"category_id": categories[code].id, "code": attr_code},
            {"position": positions[code], "datatype": datatype, "required": required,
             "description_vi": q_vi, "description_en": q_en, "hint_vi": hint_vi,
             "hint_en": hint_en},
        )
        if created:
            for position, (key, name_vi, name_en) in enumerate(options, start=1):
                db.session.add(AttributeOption(attribute_id=attribute.id, key=key,
                                               name_vi=name_vi, name_en=name_en,
                                               position=position))
    db.session.flush()
def seed_routing_rules(units: dict[str, Unit], categories: dict[str, Category]) -> None:
    """The routing rules of the demo (changing a rule again is a no-op)."""
    for category, ward, unit in ROUTING_RULES:
        routing.set_rule(categories[category], ward, units[unit])


def seed_accounts(report: SeedReport, units: dict[str, Unit], password: str | None) -> None:
    """The demo accounts the README lists; --password resets every one of them."""
    new_password = password or secrets.token_urlsafe(9)
    for email, name, role, unit_code in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=role.value,
                        unit_id=units[unit_code].id if unit_code else None)
            user.set_password(new_password)
            db.session.add(user)
            report.created_users += 1
            report.password = new_password
        elif password:
            user.set_password(password)
            user.active = True
            report.password = password
            report.password_reset = True
    db.session.flush()


def _officer_for(unit: Unit) -> User | None:
    return db.session.scalar(
        sa.select(User)
        .where(User.unit_id == unit.id, User.role.in_(UNIT_STAFF_ROLES))
        .order_by(User.role.desc(), User.id)
    )


def _play(case: Case, scenario: str, start: datetime, units: dict[str, Unit], rng,
          now: datetime) -> None:
    """Move a fresh case through the workflow as its scenario says, at plausible past times."""
    calendar = load_calendar()
    officer = _officer_for(case.unit) if case.unit else None
    if officer is None or scenario == "assigned":
        return
    staff = lifecycle.Actor.staff(officer)
    t = min(calendar.add_working_hours(start, rng.randint(1, 3)), now)
    if scenario == "rejected":
        lifecycle.reject(case, staff, "Nội dung trùng với phản ánh ông/bà đã gửi trước đó.", t)
        return
    if scenario == "guided":
        lifecycle.guide(case, staff, f"Ủy ban nhân dân {case.ward or 'phường, xã nơi cư trú'}",
                        "Nội dung này thuộc thẩm quyền của Ủy ban nhân dân phường, xã nơi ông/bà cư "
                        "trú. Ông/bà vui lòng liên hệ bộ phận một cửa của phường, xã để được giải "
                        "quyết.", t)
        return
    if scenario == "transferred":
        other = units["BHXH"] if case.unit_id != units["BHXH"].id else units["THUE"]
        lifecycle.transfer(case, staff, other, "Nội dung thuộc lĩnh vực của đơn vị khác.", t)
        return
    lifecycle.acknowledge(case, staff, t)
    if scenario == "extended":
        _extend(case, staff, min(calendar.add_working_days(t, 1), now))
        return
    if scenario == "in_progress":
        lifecycle.add_note(case, staff, "Đã liên hệ bộ phận chuyên môn để kiểm tra.", t)
        return
    t = min(calendar.add_working_days(t, 1), now)
    if scenario == "awaiting":
        lifecycle.ask_citizen(case, staff, "Đề nghị ông/bà cung cấp thêm số hồ sơ hoặc mã giao dịch.", t)
        return
    t = min(calendar.add_working_days(
        t, rng.randint(1, 4) + (14 if scenario == "responded_late" else 0)), now)
    # Past answers of the demo went out signed by the unit's leader on paper.
    lifecycle.respond(case, staff, "Đơn vị đã kiểm tra và xử lý. Trân trọng cảm ơn ông/bà đã phản ánh.", t,
                      signed_off=True)
    if scenario in ("closed", "reopened"):
        t = min(calendar.add_working_days(t, 1), now)
        if scenario == "closed":
            lifecycle.rate_answer(case, rng.choice([3, 4, 5, 5]), "Cảm ơn đơn vị.", t, 7)
        else:
            lifecycle.reopen(case, "Vấn đề vẫn chưa được giải quyết.", t, 7, calendar)


def _extend(case: Case, staff: lifecycle.Actor, t: datetime) -> None:
    """The officer asks for the regime's longest extension, and the unit head approves it."""
    head = db.session.scalar(sa.select(User).where(User.unit_id == case.unit_id,
                                                   User.role == Role.UNIT_HEAD.value))
    allowed = extensions.allowance(case)
    if head is None or allowed is None:
        return
    request = extensions.request_extension(
        case, staff, allowed.latest_last_day, "Cần phối hợp với đơn vị khác để xác minh hồ sơ.", t)
    extensions.decide_extension(request, lifecycle.Actor.staff(head), True, "", t)


def seed_signoff(units: dict[str, Unit], now: datetime) -> None:
    """Cục Thuế's head signs its officer's answers off: one draft waits for the head, one
    came back with a comment. BHXH publishes its answers to questions (hỏi đáp) directly."""
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@demo.vn"))
    signoff.set_exemption(units["BHXH"], CaseKind.HOI_DAP.value, True, admin, now)
    thue = units["THUE"]
    if db.session.scalar(sa.select(AnswerDraft.id).where(AnswerDraft.unit_id == thue.id).limit(1)):
        return
    officer = db.session.scalar(sa.select(User).where(User.email == "officer.thue@demo.vn"))
    head = db.session.scalar(sa.select(User).where(User.email == "head.thue@demo.vn"))
    waiting = list(db.session.scalars(
        sa.select(Case).where(Case.unit_id == thue.id, Case.status == CaseStatus.IN_PROGRESS.value,
                              Case.reopen_count == 0)
        .order_by(Case.received_at).limit(2)))
    if officer is None or head is None or len(waiting) < 2:
        return
    writer, leader = lifecycle.Actor.staff(officer), lifecycle.Actor.staff(head)
    in_review, returned = waiting
    calendar = load_calendar()
    submitted = max(in_review.acknowledged_at or now, working_before(now, 120, calendar))
    signoff.submit_draft(in_review, writer, "Cục Thuế đã kiểm tra hồ sơ của ông/bà. Hồ sơ đã đủ "
                         "điều kiện và được giải quyết trong 05 ngày làm việc.", submitted,
                         doc_number="125/CT-TTHT", doc_signer="Lê Minh Tuấn")
    submitted = max(returned.acknowledged_at or now, working_before(now, 480, calendar))
    signoff.submit_draft(returned, writer, "Đơn vị đã xử lý.", submitted)
    signoff.return_draft(returned, leader, "Nêu rõ kết quả kiểm tra, căn cứ pháp lý và thời hạn "
                         "giải quyết cho ông/bà.",
                         min(calendar.add_working_hours(submitted, 2), now))


def working_before(moment: datetime, minutes: int, calendar=None) -> datetime:
    """The instant ``minutes`` working minutes before ``moment`` (staff act in office hours)."""
    calendar = calendar or load_calendar()
    remaining = timedelta(minutes=minutes)
    for begin, end in reversed(calendar.periods(moment - timedelta(days=30), moment)):
        if end - begin >= remaining:
            return end - remaining
        remaining -= end - begin
    return moment - timedelta(minutes=minutes)


def _office_time(now: datetime, rng: random.Random) -> datetime:
    """A working day's morning or afternoon in the last two months, in Ho Chi Minh City time."""
    calendar = load_calendar()
    local = to_local(now) - timedelta(days=rng.randint(1, 60))
    while not calendar.is_working_day(local.date()):
        local -= timedelta(days=1)
    local = local.replace(hour=rng.choice([8, 9, 10, 13, 14, 15]), minute=rng.choice([5, 20, 40]),
                          second=0, microsecond=0)
    return min(local.astimezone(timezone.utc), now)


def seed_cases(report: SeedReport, units: dict[str, Unit], categories: dict[str, Category],
               now: datetime) -> None:
    """A few dozen cases over the last two months, in every state."""
    rng = random.Random(2023)
    operator = db.session.scalar(sa.select(User).where(User.email == "operator@demo.vn"))
    index = 0
    for round_ in range(3):
        for code, texts in CASE_TEXTS.items():
            for kind, title, description in texts:
                index += 1
                full_title = title if round_ == 0 else f"{title} ({round_ + 1})"
                exists = db.session.scalar(sa.select(Case.id).where(Case.title == full_title))
                if exists is not None:
                    continue
                start = _office_time(now, rng)
                anonymous = index % 5 == 0
                hotline = index % 3 == 0
                sub = Submission(
                    category=categories[code], title=full_title, description=description, kind=kind,
                    address=f"{rng.randint(1, 300)} đường số {rng.randint(1, 30)}",
                    ward=rng.choice(WARDS), anonymous=anonymous,
                    citizen_name=rng.choice(CITIZEN_NAMES),
                    citizen_phone=f"+8490{rng.randint(1000000, 9999999)}",
                    citizen_email=f"congdan{index}@example.vn",
                    contact_consent=True, public_consent=index % 2 == 0,
                )
                case = submit_case(sub, Channel.HOTLINE if hotline else Channel.WEB, start,
                                   created_by=operator if hotline else None)
                _play(case, SCENARIOS[index % len(SCENARIOS)], start, units, rng, now)
                report.created_cases += 1
    db.session.flush()


def seed_demo(password: str | None = None, now: datetime | None = None) -> SeedReport:
    """Create (or complete) the demo data set. The caller commits."""
    report = SeedReport()
    seed_calendar()
    units = seed_units(report)
    categories = seed_categories(report, units)
    seed_questions(categories)
    seed_routing_rules(units, categories)
    seed_accounts(report, units, password)
    now = now or utcnow()
    # Staff act in office hours: the demo's latest staff action is the last working minute.
    office_now = working_before(now, 1)
    with staff_alerts.silenced():  # past cases: nobody needs "new case" emails about them
        seed_cases(report, units, categories, office_now)
        report.created_cases += seed_cohandling(units, categories, office_now)
        seed_campaigns(units, categories, now)
        seed_signoff(units, office_now)
    return report


def database_is_empty() -> bool:
    """Whether no unit exists yet (a fresh installation)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0
