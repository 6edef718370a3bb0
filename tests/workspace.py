"""Test data for the officer's workspace: a desk of cases in every position a user can be in.

For the accounts of ``make_world``: the tax case is Cục Thuế's own, the insurance
case another unit's, the moved case one that Cục Thuế transferred to BHXH, the
triage case one no rule could route, and the taken-in case one the operator typed in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from app.cases import lifecycle
from app.extensions import db
from app.intake.submission import Submission, submit_case
from app.models import Case, Category, Channel, Role, Unit, User
from tests.factories import EMAILS, MONDAY_9AM, World, make_case, make_user

HOUR = timedelta(hours=1)
VERSION = re.compile(r'name="(\w+)-version" type="hidden" value="(\d+)"')
SEEN = re.compile(r'name="(\w+)-seen" type="hidden" value="(\d+)"')


def user(key: str) -> User:
    """One of the world's accounts, by its key in EMAILS."""
    return db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))


def staff(key: str) -> lifecycle.Actor:
    return lifecycle.Actor.staff(user(key))


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def case_by_ref(reference: str) -> Case:
    return db.session.scalar(sa.select(Case).where(Case.reference == reference))


@dataclass(frozen=True)
class Desk:
    """References of the desk's cases."""

    thue: str
    bhxh: str
    moved: str
    triage: str
    taken_in: str

    def all(self) -> dict[str, str]:
        names = ("thue", "bhxh", "moved", "triage", "taken_in")
        return {name: getattr(self, name) for name in names}


def make_desk(world: World) -> Desk:
    """Five cases, one per position (see the module docstring). The caller commits."""
    tax = db.session.get(Category, world.tax)
    insurance = db.session.get(Category, world.insurance)
    other = db.session.get(Category, world.other)
    thue = make_case(tax, citizen_phone="+84901234567", citizen_name="Trần Thị Bình")
    bhxh = make_case(insurance, title="Sổ bảo hiểm chưa chốt",
                     description="Công ty cũ chưa chốt sổ.")
    moved = make_case(tax, title="Hỏi về lương hưu", description="Nhầm lĩnh vực, nên chuyển BHXH.")
    lifecycle.transfer(moved, staff("officer_thue"), unit("BHXH"), "Thuộc lĩnh vực BHXH.",
                      MONDAY_9AM + HOUR)
    triage = make_case(other, title="Không rõ đơn vị", description="Chưa biết gửi đơn vị nào.")
    taken_in = submit_case(
        Submission(category=insurance, title="Cuộc gọi về thẻ BHYT",
                   description="Người gọi hỏi về thẻ BHYT của con."),
        Channel.HOTLINE, MONDAY_9AM, created_by=user("operator"),
    )
    db.session.flush()
    return Desk(thue.reference, bhxh.reference, moved.reference, triage.reference,
                taken_in.reference)


def form_versions(html: str) -> dict[str, str]:
    """The version each action form of a page carries, by form prefix."""
    return dict(VERSION.findall(html))


def form_seen(html: str) -> dict[str, str]:
    """The newest timeline entry each action form of a page saw, by form prefix."""
    return dict(SEEN.findall(html))


# A tố cáo's reporter, kept secret from all but the head of the unit holding it and its
# assignee; the extra accounts of the secret desk.
SECRET_EMAILS = {"officer2_thue": "officer2.thue@test.vn", "head_bhxh": "head.bhxh@test.vn"}


@dataclass(frozen=True)
class Reporter:
    """Who sent a case, as the secret desk writes it."""

    name: str
    phone: str
    email: str


SECRET = Reporter("Phạm Văn Kín", "+84912345678", "kin.pham@example.vn")
SECRET_MOVED = Reporter("Đỗ Thị Mật", "+84987654321", "mat.do@example.vn")
PLAIN = Reporter("Trần Thị Bình", "+84901112233", "binh.tran@example.vn")


@dataclass(frozen=True)
class SecretDesk:
    """References of the secret desk's cases.

    ``secret``: a tố cáo held by Cục Thuế and assigned to its officer; ``secret_moved``: a
    tố cáo the operator took in by phone for BHXH, which BHXH transferred to Cục Thuế
    (nobody is assigned to it there); ``plain``: a named phản ánh of Cục Thuế.
    """

    secret: str
    secret_moved: str
    plain: str

    def all(self) -> dict[str, str]:
        return {"secret": self.secret, "secret_moved": self.secret_moved, "plain": self.plain}


def secret_user(key: str) -> User:
    """An account of the world or one of the secret desk's extra ones."""
    email = SECRET_EMAILS.get(key) or EMAILS[key]
    return db.session.scalar(sa.select(User).where(User.email == email))


def make_secret_desk(world: World) -> SecretDesk:
    """The secret desk (see SecretDesk) on top of ``make_world``. The caller commits."""
    thue, bhxh = db.session.get(Unit, world.thue), db.session.get(Unit, world.bhxh)
    make_user(SECRET_EMAILS["officer2_thue"], Role.OFFICER, thue, name="Cán bộ Thuế hai")
    make_user(SECRET_EMAILS["head_bhxh"], Role.UNIT_HEAD, bhxh, name="Trưởng BHXH")
    tax = db.session.get(Category, world.tax)
    insurance = db.session.get(Category, world.insurance)
    secret = make_case(tax, title="Cán bộ thu tiền ngoài quy định", kind="to_cao",
                       description="Tố cáo việc thu tiền không có biên lai.",
                       citizen_name=SECRET.name, citizen_phone=SECRET.phone,
                       citizen_email=SECRET.email, contact_consent=True, public_consent=True)
    lifecycle.assign(secret, staff("head_thue"), user("officer_thue"), MONDAY_9AM + HOUR)
    moved = submit_case(
        Submission(category=insurance, title="Tố cáo chốt sổ sai", kind="to_cao",
                   description="Người gọi tố cáo việc chốt sổ sai quy định.",
                   citizen_name=SECRET_MOVED.name, citizen_phone=SECRET_MOVED.phone,
                   citizen_email=SECRET_MOVED.email),
        Channel.HOTLINE, MONDAY_9AM, created_by=user("operator"),
    )
    lifecycle.transfer(moved, staff("officer_bhxh"), thue, "Nội dung thuộc lĩnh vực thuế.",
                       MONDAY_9AM + HOUR)
    plain = make_case(tax, title="Hỏi về hoàn thuế", citizen_name=PLAIN.name,
                      citizen_phone=PLAIN.phone, citizen_email=PLAIN.email, public_consent=True)
    db.session.flush()
    return SecretDesk(secret.reference, moved.reference, plain.reference)
