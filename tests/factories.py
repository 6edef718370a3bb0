"""Small builders for test data. They add to the session; the caller commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.deadlines.regimes import ensure_defaults
from app.extensions import db
from app.intake.submission import Submission, submit_case
from app.models import Case, Category, Channel, DeadlineRegime, Role, Unit, User

PASSWORD = "correct horse battery"  # noqa: S105 - test accounts only

# Monday 2 March 2026, 09:00 in Ho Chi Minh City (02:00 UTC): a plain working morning.
MONDAY_9AM = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


@cache
def _password_hash() -> str:
    # Still scrypt, with a lower work factor: test accounts sign in hundreds of times.
    return generate_password_hash(PASSWORD, method="scrypt:4096:8:1")


def make_unit(code: str, name: str, parent: Unit | None = None) -> Unit:
    unit = Unit(code=code, name=name, name_en=f"{name} (en)", parent=parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_regime(kind: str = "phan_anh", category: Category | None = None,
                priority: str | None = None, first: tuple[int, str] = (8, "working_hours"),
                resolution: tuple[int, str] = (10, "working_days"), from_first_step: bool = False,
                extensions: tuple[int, int, str] = (1, 5, "working_days")) -> DeadlineRegime:
    """A regime for a kind (and a category, a priority), replacing one of the same scope."""
    existing = db.session.scalar(sa.select(DeadlineRegime).where(
        DeadlineRegime.kind == kind,
        DeadlineRegime.category_id.is_(None) if category is None
        else DeadlineRegime.category_id == category.id,
        DeadlineRegime.priority.is_(None) if priority is None else DeadlineRegime.priority == priority,
    ))
    regime = existing or DeadlineRegime(kind=kind, category=category, priority=priority)
    regime.first_step_amount, regime.first_step_unit = first
    regime.resolution_amount, regime.resolution_unit = resolution
    regime.resolution_from_first_step = from_first_step
    regime.max_extensions, regime.extension_amount, regime.extension_unit = extensions
    db.session.add(regime)
    db.session.flush()
    return regime


def make_category(code: str, unit: Unit | None, name_vi: str | None = None,
                  name_en: str | None = None) -> Category:
    category = Category(code=code, name_vi=name_vi or code, name_en=name_en or code,
                        default_unit=unit)
    db.session.add(category)
    db.session.flush()
    return category


def make_user(email: str, role: Role, unit: Unit | None = None, name: str | None = None) -> User:
    user = User(email=email, name=name or email.split("@")[0], role=role.value, unit=unit,
                password_hash=_password_hash())
    db.session.add(user)
    db.session.flush()
    return user


def make_case(category: Category, title: str = "Ngập nước đường Nguyễn Hữu Cảnh",
              now: datetime = MONDAY_9AM, channel: Channel = Channel.WEB, **fields) -> Case:
    fields.setdefault("description", "Mưa lớn là ngập sâu, xe máy chết máy.")
    sub = Submission(category=category, title=title, **fields)
    return submit_case(sub, channel, now)


@dataclass(frozen=True)
class World:
    """Ids of a small, complete set of units, categories and accounts."""

    root: int
    thue: int
    bhxh: int
    tax: int
    insurance: int
    other: int


EMAILS = {
    "admin": "admin@test.vn",
    "operator": "operator@test.vn",
    "committee": "committee@test.vn",
    "head_thue": "head.thue@test.vn",
    "officer_thue": "officer.thue@test.vn",
    "officer_bhxh": "officer.bhxh@test.vn",
}


def make_world() -> World:
    """Root committee, two member units, three categories (one unroutable), six accounts,
    and the law's deadline regimes (each test starts from empty tables)."""
    ensure_defaults()
    root = make_unit("DUK", "Đảng ủy Khối")
    thue = make_unit("THUE", "Cục Thuế TP HCM", root)
    bhxh = make_unit("BHXH", "Bảo hiểm Xã hội TP HCM", root)
    tax = make_category("THUE", thue, "Thuế", "Tax")
    insurance = make_category("BHXH", bhxh, "Bảo hiểm xã hội", "Social insurance")
    other = make_category("KHAC", None, "Khác", "Other")
    make_user(EMAILS["admin"], Role.ADMIN)
    make_user(EMAILS["operator"], Role.OPERATOR)
    make_user(EMAILS["committee"], Role.COMMITTEE, root)
    make_user(EMAILS["head_thue"], Role.UNIT_HEAD, thue)
    make_user(EMAILS["officer_thue"], Role.OFFICER, thue)
    make_user(EMAILS["officer_bhxh"], Role.OFFICER, bhxh)
    return World(root.id, thue.id, bhxh.id, tax.id, insurance.id, other.id)


def make_question(category: Category, code: str, datatype: str, position: int,
                  required: bool = False, options: tuple[str, ...] = (), variable: bool = True):
    """An extra question of a category (an Open311 service attribute) with list options."""
    from app.models import AttributeOption, CategoryAttribute

    question = CategoryAttribute(
        category_id=category.id, code=code, datatype=datatype, position=position,
        required=required, variable=variable, description_vi=f"Câu hỏi {code}",
        description_en=f"Question {code}", hint_vi=None, hint_en=None,
    )
    db.session.add(question)
    db.session.flush()
    for index, key in enumerate(options, start=1):
        db.session.add(AttributeOption(attribute_id=question.id, key=key, name_vi=f"Giá trị {key}",
                                       name_en=f"Value {key}", position=index))
    db.session.flush()
    return question


def make_api_key(name: str = "Ứng dụng thử", now: datetime = MONDAY_9AM):
    """An Open311 API key and its secret."""
    from app.accounts.apikeys import create_key

    return create_key(name, now)


def make_request(case: Case, unit_id: int, asked_at: datetime, last_day, status: str = "open",
                 replied_at: datetime | None = None, reply: str = "",
                 lead_unit_id: int | None = None):
    """A co-handling request of ``case``'s unit to another unit, due at the end of
    ``last_day``, and its reply (answered, declined or withdrawn at ``replied_at``)."""
    from app.deadlines.counting import end_of
    from app.models import CoHandlingRequest

    lead = lead_unit_id or case.unit_id
    asker = db.session.scalar(sa.select(User.id).where(User.unit_id == lead).order_by(User.id)) \
        or db.session.scalar(sa.select(User.id).order_by(User.id))
    request = CoHandlingRequest(
        case_id=case.id, lead_unit_id=lead, unit_id=unit_id, question="Đề nghị cho ý kiến.",
        asked_by_id=asker, asked_at=asked_at, last_day=last_day, due_at=end_of(last_day),
        status=status, replied_at=replied_at, reply=reply,
    )
    db.session.add(request)
    db.session.flush()
    return request
