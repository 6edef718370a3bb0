"""Reclassifying a case: who may, with a reason, and its deadlines follow the new kind."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.cases import kinds
from app.core import errors
from app.deadlines.calendar import LOCAL_TZ
from app.deadlines.counting import end_of
from app.models import CaseKind, Category, EventKind
from tests.factories import make_case
from tests.workspace import staff

MONDAY = datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ)


def test_intake_kind_takes_unnamed_complaints_and_denunciations_as_information():
    assert kinds.intake_kind(CaseKind.TO_CAO, named=False) == (CaseKind.PHAN_ANH, True)
    assert kinds.intake_kind(CaseKind.KHIEU_NAI, named=False) == (CaseKind.PHAN_ANH, True)
    assert kinds.intake_kind(CaseKind.HOI_DAP, named=False) == (CaseKind.HOI_DAP, False)
    assert kinds.intake_kind(CaseKind.TO_CAO, named=True) == (CaseKind.TO_CAO, False)
    with pytest.raises(errors.InvalidInput):
        kinds.parse_kind("khac")


def test_the_unit_reclassifies_with_a_reason_and_the_deadlines_follow(db, world):
    case = make_case(db.session.get(Category, world.tax), now=MONDAY, citizen_name="Lê Văn C")
    assert case.response_due_at == end_of(date(2026, 3, 12))
    event = kinds.reclassify(case, staff("officer_thue"), "khieu_nai", "Đề nghị xem lại quyết "
                             "định xử phạt của chính mình.", MONDAY)
    assert (case.kind, event.kind, event.from_status, event.to_status) == (
        "khieu_nai", EventKind.RECLASSIFIED, "phan_anh", "khieu_nai")
    assert not event.is_public
    assert case.ack_due_at == end_of(date(2026, 3, 12))  # thụ lý within 10 days


def test_reclassifying_is_refused_without_reason_to_the_same_kind_or_to_others(db, world):
    case = make_case(db.session.get(Category, world.tax), now=MONDAY, anonymous=True)
    officer = staff("officer_thue")
    with pytest.raises(errors.InvalidInput) as no_reason:
        kinds.reclassify(case, officer, "hoi_dap", " ", MONDAY)
    assert no_reason.value.field == "reason"
    with pytest.raises(errors.InvalidInput):
        kinds.reclassify(case, officer, "phan_anh", "Vẫn thế", MONDAY)
    with pytest.raises(errors.InvalidInput) as unnamed:
        kinds.reclassify(case, officer, "to_cao", "Có dấu hiệu vi phạm", MONDAY)
    assert unnamed.value.field == "kind"
    with pytest.raises(errors.NotPermitted):
        kinds.reclassify(case, staff("officer_bhxh"), "hoi_dap", "Là câu hỏi", MONDAY)
    assert case.kind == "phan_anh"
