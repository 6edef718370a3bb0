"""Demo campaigns for `flask seed demo`: "Dân vận khéo 2022" as published, and an open 2023 round.

2022 reproduces the Khối's published figures: 95 registered works (30 on the
year's theme, 19 on administrative-procedure reform, 25 on the "5 không"
content, 9 on urban development, 12 on culture and society); 3 collectives and
3 individuals commended at city level; 46 collectives and 72 individuals at
Khối level. The people are invented. 2023 is open; its scores come from demo
cases received during 2023, played through the same workflow as real ones.
Idempotent: a campaign that exists is left alone.
"""
from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.cases import lifecycle
from app.core.timeutil import LOCAL_TZ, to_local
from app.deadlines.sla import load_calendar
from app.extensions import db
from app.intake.submission import Submission, submit_case
from app.models import (
    UNIT_STAFF_ROLES,
    Campaign,
    CampaignField,
    CampaignStatus,
    CampaignWork,
    Category,
    Channel,
    Commendation,
    Role,
    Unit,
    User,
    WorkStatus,
)
from app.scoring import snapshots
from app.seed.demo_texts import CASE_TEXTS

FIELDS_2022 = [
    # code, Vietnamese, English, registered works in 2022
    ("CHUDE", "Thực hiện chủ đề năm 2022", "The 2022 annual theme", 30),
    ("CCHC", "Cải cách thủ tục hành chính", "Administrative-procedure reform", 19),
    ("5KHONG", "Thực hiện nội dung “5 không”", "The “5 không” content", 25),
    ("DOTHI", "Phát triển đô thị", "Urban development", 9),
    ("VHXH", "Văn hóa - xã hội", "Culture and society", 12),
]
# The fields of the current year's round: invented for the demo, in the style of 2022's.
FIELDS_CURRENT = [
    ("CHUDE", "Thực hiện chủ đề năm {year}", "The {year} annual theme"),
    ("CQHAICAP", "Vận hành chính quyền địa phương hai cấp", "Two-tier local government at work"),
    ("CDS", "Chuyển đổi số, cải cách thủ tục hành chính",
     "Digital transformation and administrative-procedure reform"),
    ("5KHONG", "Thực hiện nội dung “5 không”", "The “5 không” content"),
    ("ANSINH", "An sinh xã hội, chăm lo người dân", "Social security and care for residents"),
]
PUBLISHED_2022 = {"works": 95, ("city", "collective"): 3, ("city", "individual"): 3,
                  ("khoi", "collective"): 46, ("khoi", "individual"): 72}

SUB_UNITS = ["Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính",
             "Phòng Công nghệ thông tin", "Phòng Tuyên truyền - Hỗ trợ"]
SUB_UNITS_EN = ["Office", "Personnel Division", "Planning and Finance Division",
                "IT Division", "Outreach and Support Division"]

WORK_TITLES = {
    "CHUDE": ["Mô hình “Ngày thứ bảy vì dân”", "Tổ phản hồi nhanh ý kiến người dân",
              "Đối thoại định kỳ với người dân và doanh nghiệp", "Sổ tay dân vận cho đảng viên"],
    "CCHC": ["Một cửa thân thiện, không giấy tờ", "Tra cứu hồ sơ trực tuyến",
             "Rút ngắn thời gian giải quyết hồ sơ", "Hướng dẫn thủ tục qua Zalo"],
    "5KHONG": ["Không tham nhũng, tiêu cực trong tiếp dân", "Không để hồ sơ trễ hạn",
               "Không gây phiền hà cho người dân", "Công sở không khói thuốc"],
    "DOTHI": ["Tuyến đường văn minh, sạch đẹp", "Chung tay chống ngập khu dân cư"],
    "VHXH": ["Mái ấm công đoàn", "Tủ sách pháp luật cơ sở", "Quỹ học bổng vượt khó"],
}

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLES = ["Văn", "Thị", "Minh", "Hoàng", "Thanh", "Ngọc", "Quốc", "Thu", "Hữu", "Kim"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hạnh", "Hiếu", "Hòa", "Khánh", "Lan", "Long",
         "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vy"]

# How carefully each demo unit works its 2023 cases (share handled on time).
DILIGENCE = {"THUE": 0.9, "BHXH": 0.8, "KBNN": 0.95, "HQ": 0.6, "LDLD": 0.75, "HLHPN": 0.85}


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def seed_sub_units(units: dict[str, Unit]) -> list[Unit]:
    """Five party cells (chi bộ) under each member unit, to hold collective commendations.

    They take part in the campaign only: no case goes to them and they are not
    scored on cases.
    """
    created = []
    for parent in [u for code, u in units.items() if code != "DUK"]:
        for n, (name, name_en) in enumerate(zip(SUB_UNITS, SUB_UNITS_EN), start=1):
            code = f"{parent.code}-{n}"
            unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
            if unit is None:
                unit = Unit(code=code, name=f"Chi bộ {name} - {parent.name}",
                            name_en=f"Party cell, {name_en}, {parent.name_en}", parent=parent,
                            handles_cases=False)
                db.session.add(unit)
            else:
                unit.handles_cases = False  # a database seeded before cells were told apart
            created.append(unit)
    db.session.flush()
    return created


def _people(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"
        if name not in names:
            names.append(name)
    return names


def _campaign(name: str, year: int, status: CampaignStatus, theme: str,
              fields: list[tuple[str, str, str]] | None = None) -> Campaign:
    campaign = Campaign(name=name, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31),
                        status=status.value, prior_strength=20, min_cases=5, works_target=2)
    chosen = fields or [(code, vi, en) for code, vi, en, _n in FIELDS_2022]
    for position, (code, name_vi, name_en) in enumerate(chosen):
        if code == "CHUDE":
            name_vi, name_en = f"Thực hiện chủ đề năm {year}", theme
        campaign.fields.append(CampaignField(code=code, name_vi=name_vi, name_en=name_en,
                                             position=position))
    db.session.add(campaign)
    db.session.flush()
    return campaign


def seed_2022(units: dict[str, Unit], cells: list[Unit]) -> Campaign | None:
    """The 2022 campaign with its published works and commendations."""
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.name == "Dân vận khéo 2022")):
        return None
    rng = random.Random(2022)
    campaign = _campaign("Dân vận khéo 2022", 2022, CampaignStatus.CLOSED, "The 2022 annual theme")
    members = [u for code, u in units.items() if code != "DUK"]
    holders = members + cells
    for f, (code, _vi, _en, count) in zip(campaign.fields, FIELDS_2022):
        for n in range(count):
            unit = holders[(n * 7 + len(code)) % len(holders)]
            title = f"{WORK_TITLES[code][n % len(WORK_TITLES[code])]} tại {unit.name}"
            registered = _local(date(2022, 1, 10) + timedelta(days=rng.randint(0, 60)), 9)
            db.session.add(CampaignWork(
                campaign=campaign, field=f, unit=unit, title=title,
                description="Công trình “Dân vận khéo” đăng ký năm 2022.",
                status=WorkStatus.COMPLETED.value, registered_at=registered,
                completed_at=registered + timedelta(days=rng.randint(120, 250))))
    collectives = rng.sample(cells + members, 3 + 46)
    people = _people(rng, 3 + 72)
    for i, unit in enumerate(collectives):
        level = "city" if i < 3 else "khoi"
        db.session.add(Commendation(
            campaign=campaign, level=level, kind="collective", unit=unit,
            citation="Tập thể điển hình “Dân vận khéo” năm 2022."))
    for i, person in enumerate(people):
        level = "city" if i < 3 else "khoi"
        db.session.add(Commendation(
            campaign=campaign, level=level, kind="individual", person_name=person,
            unit=holders[rng.randrange(len(holders))],
            citation="Cá nhân điển hình “Dân vận khéo” năm 2022."))
    db.session.flush()
    return campaign


def _officer(unit: Unit) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.unit_id == unit.id,
                              User.role.in_(UNIT_STAFF_ROLES))
        .order_by(User.id))


def _demo_officer(unit: Unit) -> User:
    """The unit's first officer, or a demo officer made for it (random password)."""
    officer = _officer(unit)
    if officer is None:
        officer = User(email=f"officer.{unit.code.lower()}@demo.vn",
                       name=_people(random.Random(unit.code), 1)[0],
                       role=Role.OFFICER.value, unit=unit)
        officer.set_password(secrets.token_urlsafe(16))
        db.session.add(officer)
        db.session.flush()
    return officer


def _play_2023(case, unit: Unit, other: Unit, start: datetime, rng: random.Random,
               late_transfer: bool = False) -> None:
    calendar = load_calendar()
    careful = rng.random() < DILIGENCE.get(unit.code, 0.7) and not late_transfer
    staff = lifecycle.Actor.staff(_demo_officer(unit))
    roll = rng.random()
    if roll < 0.05 or late_transfer:
        moved = (calendar.add_working_days(start, 3) if not careful
                 else calendar.add_working_hours(start, 1))
        lifecycle.transfer(case, staff, other, "Nội dung thuộc thẩm quyền đơn vị khác.", moved)
        receiver = lifecycle.Actor.staff(_demo_officer(other))
        lifecycle.acknowledge(case, receiver, calendar.add_working_hours(moved, 2))
        lifecycle.respond(case, receiver, "Đơn vị đã giải quyết.", calendar.add_working_days(moved, 5),
                          signed_off=True)
        return
    if roll < 0.09:
        lifecycle.reject(case, staff, "Nội dung trùng lặp với phản ánh trước.",
                         calendar.add_working_hours(start, 2))
        return
    lifecycle.acknowledge(case, staff, calendar.add_working_hours(start, 2 if careful else 30))
    answered = calendar.add_working_days(start, rng.randint(2, 9) if careful else rng.randint(15, 25))
    # The year's answers went out signed by each unit's leader on paper.
    lifecycle.respond(case, staff, "Đơn vị đã kiểm tra, xử lý và trả lời ông/bà.", answered,
                      signed_off=True)
    stars = rng.choice([4, 5, 5] if careful else [2, 3, 4])
    lifecycle.rate_answer(case, stars, "", answered + timedelta(days=1), 7)
    if stars < 3 and rng.random() < 0.5:
        lifecycle.reopen(case, "Chưa được giải quyết triệt để.", answered + timedelta(days=2), 7)
        lifecycle.respond(case, staff, "Đơn vị đã bổ sung câu trả lời.",
                          calendar.add_working_days(answered, 4),
                          signed_off=True)


def _text_2023(code: str, category: Category, n: int) -> tuple[str, str]:
    """A believable title and description for a 2023 case of this field (the demo's texts)."""
    texts = CASE_TEXTS.get(code)
    if not texts:
        return (f"Kiến nghị về lĩnh vực {category.name_vi.lower()}",
                "Đề nghị đơn vị xem xét, giải quyết và trả lời.")
    _kind, title, description = texts[n % len(texts)]
    return title, description


def seed_2023(units: dict[str, Unit], categories: dict[str, Category]) -> Campaign | None:
    """The open 2023 campaign, a few works, and a year of demo cases to score."""
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.name == "Dân vận khéo 2023")):
        return None
    rng = random.Random(2023_2)
    campaign = _campaign("Dân vận khéo 2023", 2023, CampaignStatus.OPEN, "The 2023 annual theme")
    routed = [(code, c) for code, c in categories.items() if c.default_unit_id]
    for month in range(1, 13):
        for code, category in routed:
            for n in range(rng.randint(1, 2)):
                day = date(2023, month, rng.randint(3, 24))
                while day.weekday() >= 5:
                    day -= timedelta(days=1)
                start = _local(day, rng.choice([8, 9, 10, 14, 15]), rng.choice([0, 20, 40]))
                title, description = _text_2023(code, category, month + n)
                case = submit_case(Submission(
                    category=category, title=title, description=description, anonymous=True),
                    Channel.WEB, start)
                unit = case.unit
                other = units["BHXH"] if unit.code != "BHXH" else units["THUE"]
                # Customs sends a case on late twice a year, for the demo to show one.
                late = unit.code == "HQ" and month in (3, 9) and n == 0
                _play_2023(case, unit, other, start, rng, late)
    for i, (code, unit) in enumerate((c, units[c]) for c in DILIGENCE):
        for n, f in enumerate(campaign.fields[: 1 + i % 3]):
            status = [WorkStatus.COMPLETED, WorkStatus.IN_PROGRESS, WorkStatus.REGISTERED][n % 3]
            registered = _local(date(2023, 2, 1) + timedelta(days=7 * i), 9)
            db.session.add(CampaignWork(
                campaign=campaign, field=f, unit=unit, status=status.value, registered_at=registered,
                title=f"{WORK_TITLES[f.code][i % len(WORK_TITLES[f.code])]} tại {unit.name}",
                completed_at=registered + timedelta(days=150) if status == WorkStatus.COMPLETED else None))
    db.session.flush()
    return campaign


def seed_current(units: dict[str, Unit], now: datetime) -> Campaign | None:
    """This year's open round, covering the demo's recent cases, with a few registered works.

    The year is ``now``'s (local time), as the demo's cases are dated relative to
    ``now``: seeded in 2027, the demo gets "Dân vận khéo 2027". The years 2022 and
    2023 have rounds of their own.
    """
    year = to_local(now).year
    name = f"Dân vận khéo {year}"
    if year <= 2023 or db.session.scalar(sa.select(Campaign.id).where(Campaign.name == name)):
        return None
    fields = [(code, vi.format(year=year), en.format(year=year)) for code, vi, en in FIELDS_CURRENT]
    campaign = _campaign(name, year, CampaignStatus.OPEN, f"The {year} annual theme", fields)
    start = date(year, 1, 1)
    for i, code in enumerate(DILIGENCE):
        f = campaign.fields[i % len(campaign.fields)]
        registered = min(_local(start + timedelta(days=20 + 9 * i), 9), now)
        db.session.add(CampaignWork(
            campaign=campaign, field=f, unit=units[code], status=WorkStatus.IN_PROGRESS.value,
            registered_at=registered, title=f"Mô hình “Dân vận khéo” năm {year} tại {units[code].name}",
            description="Công trình mẫu (dữ liệu minh họa)."))
    db.session.flush()
    return campaign


def seed_campaigns(units: dict[str, Unit], categories: dict[str, Category], now: datetime) -> None:
    """The demo campaigns, then their score snapshots and this year's public figures."""
    cells = seed_sub_units(units)
    seed_2022(units, cells)
    seed_2023(units, categories)
    seed_current(units, now)
    # Enough for the pages: whole periods and 2023's months (the nightly job does the rest).
    for campaign in db.session.scalars(sa.select(Campaign)):
        for period in snapshots.campaign_periods(campaign, now.date()):
            if period.key == "all" or (campaign.is_open and "Q" not in period.key):
                snapshots.refresh(campaign, period, now)
    snapshots.refresh(None, snapshots.year_period(now.year), now)
