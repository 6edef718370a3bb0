"""The queue's building blocks: app/cases/queue.py (pages: tests/web/staff/test_queue_page.py)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.cases import queue
from app.cases.queue import QueueFilters, QueuePage
from app.deadlines.sla import load_calendar
from app.models import Case, Category
from tests.factories import MONDAY_9AM, make_case
from tests.workspace import user


@pytest.mark.parametrize("typed, variants", [
    ("0901 234 567", {"84901234567"}),
    ("+84 901 234 567", {"84901234567"}),
    ("090.123.4567", {"84901234567"}),
    ("0901 234", {"84901234"}),
    ("901234", {"901234"}),
    ("123", set()),
    ("ngap nuoc", set()),
    ("", set()),
])
def test_phone_numbers_are_searched_as_stored(typed, variants):
    assert queue.phone_variants(typed) == variants


def test_search_words_are_literal_text(db, world):
    tax = db.session.get(Category, world.tax)
    make_case(tax, title="Giảm 50% lệ phí", description="Mức giảm_trừ gia cảnh.")
    make_case(tax, title="Lệ phí trước bạ", description="Không có ký tự đặc biệt.")
    db.session.commit()

    def found(query):
        return sorted(db.session.scalars(sa.select(Case.title).where(queue.search_filter(query))))

    assert found("50%") == ["Giảm 50% lệ phí"]
    assert found("%") == ["Giảm 50% lệ phí"]
    assert found("giam_tru") == ["Giảm 50% lệ phí"]
    assert found("_") == ["Giảm 50% lệ phí"]
    assert found("LỆ PHÍ") == ["Giảm 50% lệ phí", "Lệ phí trước bạ"]
    assert found("   ") == ["Giảm 50% lệ phí", "Lệ phí trước bạ"]


def test_filters_become_short_urls():
    assert QueueFilters().to_args() == {}
    filters = QueueFilters(q="ngap", deadline="overdue", received_from=date(2026, 3, 2),
                           escalated=True, category=3)
    assert filters.to_args() == {"q": "ngap", "category": "3", "deadline": "overdue",
                                 "received_from": "2026-03-02", "escalated": "1"}
    assert filters.to_args(status="all", q="") == {
        "status": "all", "category": "3", "deadline": "overdue",
        "received_from": "2026-03-02", "escalated": "1"}


def test_saved_views_need_a_unit_for_my_cases(db, world):
    keys = lambda key: [v.key for v in queue.saved_views_for(user(key))]  # noqa: E731
    assert keys("officer_thue") == ["mine", "unassigned", "due_soon", "overdue", "awaiting",
                                    "escalated", "asked", "review_returned"]
    # Only those who sign the unit's answers off see the drafts waiting for them.
    assert keys("head_thue") == ["mine", "unassigned", "due_soon", "overdue", "awaiting",
                                 "escalated", "asked", "review_waiting", "review_returned"]
    assert keys("committee") == ["due_soon", "overdue", "awaiting", "escalated"]
    overdue = next(v for v in queue.SAVED_VIEWS if v.key == "overdue")
    assert overdue.matches(QueueFilters(deadline="overdue"))
    assert not overdue.matches(QueueFilters(deadline="overdue", q="x"))


def test_page_arithmetic():
    page = QueuePage([], 1, 25, 51, {"assigned": 40, "in_progress": 11, "closed": 3})
    assert (page.pages, page.has_prev, page.has_next) == (3, False, True)
    assert page.count("open") == 51 and page.count("all") == 54 and page.count("closed") == 3
    assert QueuePage([], 1, 25, 0).pages == 1


def test_the_kind_filter_narrows_the_list_and_its_counts(db, world):
    tax = db.session.get(Category, world.tax)
    make_case(tax, title="Phản ánh")
    make_case(tax, title="Khiếu nại", kind="khieu_nai", citizen_name="Trần Văn An")
    make_case(tax, title="Khiếu nại ẩn danh", kind="khieu_nai")  # taken as information
    db.session.commit()
    officer = user("officer_thue")
    page = queue.load_queue(officer, QueueFilters(kind="khieu_nai"), 1, 25, MONDAY_9AM,
                            load_calendar())
    assert [c.title for c in page.items] == ["Khiếu nại"] and page.total == 1
    assert QueueFilters(kind="khieu_nai").to_args() == {"kind": "khieu_nai"}
    everything = queue.load_queue(officer, QueueFilters(), 1, 25, MONDAY_9AM, load_calendar())
    assert everything.total == 3


@pytest.mark.parametrize("spelling", ["{y}-{n}", "{y}{n}", "{y} {n}", " {y}.{n} "])
def test_a_reference_is_found_however_it_is_typed(db, world, spelling):
    tax = db.session.get(Category, world.tax)
    make_case(tax, title="Một")
    second = make_case(tax, title="Hai")
    db.session.commit()
    year, number = second.reference.split("-")
    typed = spelling.format(y=year, n=number)
    found = db.session.scalars(sa.select(Case.reference).where(queue.search_filter(typed))).all()
    assert found == [second.reference]


def test_a_number_that_is_not_a_reference_is_not_read_as_one():
    assert queue.reference_typed("0901234567") is None
    assert queue.reference_typed("2026-00012") is None
    assert queue.reference_typed("hoan thue 2026000002") is None


def _kept_counts() -> dict[tuple[int, str], int]:
    from app.models import CaseCount

    return {(row.unit_key, row.status): row.n for row in CaseCount.query if row.n}


def _counted() -> dict[tuple[int, str], int]:
    unit = sa.func.coalesce(Case.unit_id, sa.literal_column("0")).label("unit")
    rows = sa.select(unit, Case.status, sa.func.count()).group_by(unit, Case.status)
    return {(unit, status): n for unit, status, n in db_session().execute(rows)}


def db_session():
    from app.extensions import db

    return db.session


def test_the_counts_per_unit_and_status_follow_every_change(db, world):
    """Kept by the database's triggers: new cases, moves, transfers, bulk updates, deletes."""
    from app.cases import lifecycle
    from app.models import Unit
    from tests.workspace import staff

    tax = db.session.get(Category, world.tax)
    other = db.session.get(Category, world.other)
    first, second = make_case(tax, title="Một"), make_case(tax, title="Hai")
    unrouted = make_case(other, title="Chưa có đơn vị")
    db.session.commit()
    assert _kept_counts() == _counted() != {}
    lifecycle.acknowledge(first, staff("officer_thue"), MONDAY_9AM)
    lifecycle.transfer(second, staff("officer_thue"), db.session.get(Unit, world.bhxh),
                       "Không thuộc thẩm quyền", MONDAY_9AM)
    db.session.commit()
    assert _kept_counts() == _counted()
    assert _kept_counts()[(world.bhxh, second.status)] == 1
    db.session.execute(sa.update(Case).where(Case.unit_id == world.thue).values(status="closed"))
    db.session.commit()
    assert _kept_counts() == _counted()
    from app.models import CaseEvent, Notification

    for table in (CaseEvent, Notification):
        db.session.execute(sa.delete(table).where(table.case_id == unrouted.id))
    db.session.execute(sa.delete(Case).where(Case.id == unrouted.id))
    db.session.commit()
    assert _kept_counts() == _counted()


def test_an_unfiltered_view_reads_the_kept_counts_and_agrees_with_counting(db, world):
    tax = db.session.get(Category, world.tax)
    for title in ("Một", "Hai", "Ba"):
        make_case(tax, title=title)
    db.session.commit()
    calendar = load_calendar()
    for who in ("officer_thue", "committee"):
        kept = queue.status_counts(user(who), QueueFilters(), MONDAY_9AM, calendar)
        # The same view with a filter that selects everything counts the rows themselves.
        counted = queue.status_counts(user(who), QueueFilters(q=" "), MONDAY_9AM, calendar)
        assert kept == counted and sum(kept.values()) == 3, who
    assert queue.status_counts(user("officer_bhxh"), QueueFilters(), MONDAY_9AM, calendar) == {}
