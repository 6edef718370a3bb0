"""The regimes of the kinds of case: seeded from the law, the most specific one applies."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.cases import lifecycle
from app.deadlines import regimes
from app.deadlines.calendar import LOCAL_TZ
from app.deadlines.counting import end_of
from app.models import Category, DeadlineRegime
from tests.factories import make_case, make_regime
from tests.workspace import staff


def at(m: int, d: int, h: int = 9) -> datetime:
    return datetime(2026, m, d, h, tzinfo=LOCAL_TZ)


def test_every_kind_has_a_base_regime_with_its_legal_source(db):
    base = {r.kind: r for r in db.session.query(DeadlineRegime).filter_by(category_id=None,
                                                                          priority=None)}
    assert set(base) == {"phan_anh", "kien_nghi", "khieu_nai", "to_cao", "hoi_dap"}
    complaint, denunciation = base["khieu_nai"], base["to_cao"]
    # The law says "ngày" for complaints: calendar days; "ngày làm việc" for denunciations.
    assert (complaint.first_step_amount, complaint.first_step_unit) == (10, "calendar_days")
    assert (complaint.resolution_amount, complaint.resolution_unit) == (30, "calendar_days")
    assert (denunciation.first_step_amount, denunciation.first_step_unit) == (7, "working_days")
    assert (denunciation.max_extensions, denunciation.extension_amount) == (2, 30)
    assert "Điều 27" in complaint.legal_source and "Luật Tố cáo 2018" in denunciation.legal_source
    assert all(r.legal_source for r in base.values())
    assert regimes.ensure_defaults() == 0  # seeding again adds nothing


def test_the_most_specific_regime_applies(db, world):
    tax = db.session.get(Category, world.tax)
    by_category = make_regime("phan_anh", tax, resolution=(5, "working_days"))
    urgent_tax = make_regime("phan_anh", tax, "urgent", resolution=(1, "working_days"))
    assert regimes.regime_for("phan_anh", tax.id, "normal") == by_category
    assert regimes.regime_for("phan_anh", tax.id, "urgent") == urgent_tax
    assert regimes.regime_for("phan_anh", world.insurance, "urgent").category_id is None
    assert regimes.regime_for("phan_anh", world.insurance, "urgent").priority == "urgent"
    with pytest.raises(LookupError):
        regimes.choose([], "phan_anh", None, "normal")


def test_a_complaint_is_answered_within_thirty_days_of_its_acceptance(db, world):
    case = make_case(db.session.get(Category, world.tax), now=at(3, 2), kind="khieu_nai",
                     citizen_name="Nguyễn Văn A")
    assert (case.kind, case.taken_as_information) == ("khieu_nai", False)
    # Accept within 10 days (12/3); until accepted the answer is counted from that last day.
    assert case.ack_due_at == end_of(date(2026, 3, 12))
    assert case.response_due_at == end_of(date(2026, 4, 13))  # 11/4 is a Saturday
    lifecycle.acknowledge(case, staff("officer_thue"), at(3, 5))
    # Accepted Thu 5/3: thirty days end on Sat 4/4, moved to Mon 6/4.
    assert case.response_due_at == end_of(date(2026, 4, 6))


def test_an_unnamed_denunciation_is_taken_as_information(db, world):
    case = make_case(db.session.get(Category, world.tax), now=at(3, 2), kind="to_cao",
                     anonymous=True)
    assert (case.kind, case.taken_as_information) == ("phan_anh", True)
    named = make_case(db.session.get(Category, world.tax), now=at(3, 2), kind="to_cao",
                      citizen_name="Trần Thị B")
    # Register and assess within 7 working days: Tue 3/3 ... Wed 11/3.
    assert (named.kind, named.ack_due_at) == ("to_cao", end_of(date(2026, 3, 11)))
