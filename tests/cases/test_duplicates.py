"""Possible duplicates: trigram similarity on PostgreSQL, shared words on SQLite."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.cases import duplicates, lifecycle
from app.cases.lifecycle import Actor
from app.models import Category, User
from tests.factories import EMAILS, MONDAY_9AM, make_case

FLOOD = "Ngập nước đường Nguyễn Hữu Cảnh sau mưa lớn"
FLOOD_TEXT = "Mưa lớn là đường Nguyễn Hữu Cảnh ngập sâu, xe máy chết máy hàng loạt."


def user(db, key: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))


@pytest.fixture
def cases(db, world):
    tax = db.session.get(Category, world.tax)
    insurance = db.session.get(Category, world.insurance)
    ward = "Phường Sài Gòn"
    made = {
        "original": make_case(tax, FLOOD, description=FLOOD_TEXT, ward=ward),
        "twin": make_case(tax, "Đường Nguyễn Hữu Cảnh ngập nước sau mưa",
                          description="Sau mưa lớn đường Nguyễn Hữu Cảnh ngập sâu, xe máy chết máy.",
                          ward=ward),
        "unrelated": make_case(tax, "Chưa nhận được hoàn thuế thu nhập cá nhân",
                               description="Hồ sơ hoàn thuế nộp từ tháng 3 vẫn chưa có kết quả.",
                               ward=ward),
        "other_ward": make_case(tax, FLOOD, description=FLOOD_TEXT, ward="Phường Bến Thành"),
        "other_field": make_case(insurance, FLOOD, description=FLOOD_TEXT, ward=ward),
        "closed_twin": make_case(tax, FLOOD, description=FLOOD_TEXT, ward=ward),
    }
    officer = Actor.staff(user(db, "officer_thue"))
    lifecycle.reject(made["closed_twin"], officer, "Trùng.", MONDAY_9AM)
    db.session.commit()
    return made


def test_open_cases_of_the_same_field_and_ward_that_read_alike(db, cases):
    found = duplicates.possible_duplicates(cases["original"], user(db, "officer_thue"))
    assert [d.case.id for d in found] == [cases["twin"].id]
    assert duplicates.OVERLAP_THRESHOLD <= found[0].score <= 1


def test_it_works_both_ways_and_only_shows_what_the_viewer_may_see(db, cases):
    assert [d.case.id for d in duplicates.possible_duplicates(
        cases["twin"], user(db, "committee"))] == [cases["original"].id]
    assert duplicates.possible_duplicates(cases["twin"], user(db, "officer_bhxh")) == []


def test_an_identical_text_scores_highest(db, world, cases):
    tax = db.session.get(Category, world.tax)
    copy = make_case(tax, FLOOD, description=FLOOD_TEXT, ward="Phường Sài Gòn")
    db.session.commit()
    found = duplicates.possible_duplicates(cases["original"], user(db, "admin"))
    assert [d.case.id for d in found] == [copy.id, cases["twin"].id]
    assert found[0].score > found[1].score


def test_word_overlap_ignores_numbers_and_one_letter_words():
    assert duplicates.word_overlap("ngap nuoc 2026-000001", "ngap nuoc 2026-000002") == 1.0
    assert duplicates.word_overlap("ngap nuoc duong", "ngap cay") == pytest.approx(1 / 4)
    assert duplicates.word_overlap("", "ngap") == 0.0
