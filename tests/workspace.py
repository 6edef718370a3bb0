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
from app.models import Case, Category, Channel, Unit, User
from tests.factories import EMAILS, MONDAY_9AM, World, make_case

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
