"""Deadline regimes: how long a case of each kind may take, and where the rule comes from.

Every kind of case has a base regime (any category, any priority), seeded from the law
that governs it; an administrator may add a regime for one category, one priority or
both, and the most specific one applies (kind + category + priority, then kind +
category, then kind + priority, then the kind alone). A regime names

* the first step — the unit takes the case up (nhận xử lý); for a complaint this is
  acceptance (thụ lý), for a denunciation the registration and first assessment;
* the resolution — the answer, counted from receipt, or from the first step where the
  law counts it from acceptance;
* the extensions allowed: how many, and how long each at most.

Each amount is counted in working hours, working days or calendar days (see
app/deadlines/counting.py). Where the law says "ngày" the seed counts calendar days,
where it says "ngày làm việc" working days; an acknowledgment in hours is the
product's own rule.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import CaseKind, CountUnit, DeadlineRegime, Priority

K, U = CaseKind, CountUnit


@dataclass(frozen=True)
class Default:
    """A regime as the law sets it (what a fresh installation starts from)."""

    kind: CaseKind
    priority: Priority | None
    first_step: tuple[int, CountUnit]
    resolution: tuple[int, CountUnit]
    from_first_step: bool
    extensions: tuple[int, int, CountUnit]  # how many, how long each, counted how
    source: str


_CITY_RULES = ("Quy chế tiếp nhận, xử lý phản ánh, kiến nghị qua Tổng đài 1022 TP.HCM (2025, "
               "theo báo chí đưa tin): trả lời trong 10 ngày, tối đa 15 ngày khi cần nhiều cơ quan "
               "phối hợp. Nhận xử lý trong 8 giờ làm việc: quy định của hệ thống.")
_URGENT = ("Vụ việc khẩn: quy định của hệ thống (nhận xử lý trong 2 giờ làm việc, trả lời trong "
           "3 ngày làm việc, gia hạn một lần 2 ngày làm việc).")
_QUESTIONS = ("Không có luật riêng cho câu hỏi, đề nghị hướng dẫn: áp dụng như phản ánh, kiến nghị "
              "(Quy chế Tổng đài 1022 TP.HCM, 2025, theo báo chí).")
_COMPLAINTS = ("Luật Khiếu nại 2011: Điều 27 — thụ lý hoặc từ chối trong 10 ngày kể từ ngày nhận "
               "đơn; Điều 28 — giải quyết trong 30 ngày kể từ ngày thụ lý, vụ việc phức tạp không "
               "quá 45 ngày.")
_DENUNCIATIONS = ("Luật Tố cáo 2018: Điều 24 — vào sổ, phân loại, kiểm tra điều kiện thụ lý trong "
                  "7 ngày làm việc kể từ ngày nhận; Điều 30 — giải quyết trong 30 ngày kể từ ngày "
                  "thụ lý, gia hạn một lần không quá 30 ngày (phức tạp), hai lần (đặc biệt phức tạp).")

DEFAULTS: tuple[Default, ...] = (
    Default(K.PHAN_ANH, None, (8, U.WORKING_HOURS), (10, U.CALENDAR_DAYS), False,
            (1, 5, U.CALENDAR_DAYS), _CITY_RULES),
    Default(K.PHAN_ANH, Priority.URGENT, (2, U.WORKING_HOURS), (3, U.WORKING_DAYS), False,
            (1, 2, U.WORKING_DAYS), _URGENT),
    Default(K.KIEN_NGHI, None, (8, U.WORKING_HOURS), (10, U.CALENDAR_DAYS), False,
            (1, 5, U.CALENDAR_DAYS), _CITY_RULES),
    Default(K.KIEN_NGHI, Priority.URGENT, (2, U.WORKING_HOURS), (3, U.WORKING_DAYS), False,
            (1, 2, U.WORKING_DAYS), _URGENT),
    Default(K.KHIEU_NAI, None, (10, U.CALENDAR_DAYS), (30, U.CALENDAR_DAYS), True,
            (1, 15, U.CALENDAR_DAYS), _COMPLAINTS),
    Default(K.TO_CAO, None, (7, U.WORKING_DAYS), (30, U.CALENDAR_DAYS), True,
            (2, 30, U.CALENDAR_DAYS), _DENUNCIATIONS),
    Default(K.HOI_DAP, None, (8, U.WORKING_HOURS), (10, U.CALENDAR_DAYS), False,
            (1, 5, U.CALENDAR_DAYS), _QUESTIONS),
)


def regime_values(default: Default) -> dict:
    """A default as the columns of a DeadlineRegime row."""
    return {
        "kind": default.kind.value,
        "category_id": None,
        "priority": default.priority.value if default.priority else None,
        "first_step_amount": default.first_step[0],
        "first_step_unit": default.first_step[1].value,
        "resolution_amount": default.resolution[0],
        "resolution_unit": default.resolution[1].value,
        "resolution_from_first_step": default.from_first_step,
        "max_extensions": default.extensions[0],
        "extension_amount": default.extensions[1],
        "extension_unit": default.extensions[2].value,
        "legal_source": default.source,
    }


def ensure_defaults() -> int:
    """Add each default regime missing from the database; returns how many were added."""
    have = {(kind, priority) for kind, priority in db.session.execute(
        sa.select(DeadlineRegime.kind, DeadlineRegime.priority)
        .where(DeadlineRegime.category_id.is_(None))
    )}
    added = 0
    for default in DEFAULTS:
        values = regime_values(default)
        if (values["kind"], values["priority"]) not in have:
            db.session.add(DeadlineRegime(**values))
            added += 1
    db.session.flush()
    return added


def _specificity(regime: DeadlineRegime) -> int:
    return (2 if regime.category_id is not None else 0) + (1 if regime.priority is not None else 0)


def choose(regimes: Iterable[DeadlineRegime], kind: str, category_id: int | None,
           priority: str) -> DeadlineRegime:
    """The most specific of ``regimes`` that applies to a case of this kind, category and priority.

    Raises LookupError when none applies (the kind's base regime is missing).
    """
    applicable = [
        regime for regime in regimes
        if regime.kind == kind
        and regime.category_id in (None, category_id)
        and regime.priority in (None, priority)
    ]
    if not applicable:
        raise LookupError(f"no deadline regime for the kind {kind!r}")
    return max(applicable, key=_specificity)


def regime_for(kind: str, category_id: int | None, priority: str) -> DeadlineRegime:
    """The regime a case of this kind, category and priority follows (one query)."""
    candidates = db.session.scalars(
        sa.select(DeadlineRegime).where(
            DeadlineRegime.kind == kind,
            sa.or_(DeadlineRegime.category_id.is_(None), DeadlineRegime.category_id == category_id),
            sa.or_(DeadlineRegime.priority.is_(None), DeadlineRegime.priority == priority),
        )
    )
    return choose(candidates, kind, category_id, priority)


def all_regimes() -> list[DeadlineRegime]:
    """Every regime, for computations over many cases (a handful of rows)."""
    return list(db.session.scalars(sa.select(DeadlineRegime).order_by(DeadlineRegime.id)))
