"""Extra questions of a category (Open311 service attributes): checking and keeping answers.

Answers arrive as text, one or more values per question code. Each is checked
against the question's datatype, whether it is required, and the options of
list questions; the answers are stored on the case, one row per value.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from app.core.errors import InvalidInput
from app.core.timeutil import LOCAL_TZ
from app.extensions import db
from app.models import AttributeDatatype as D
from app.models import Case, CaseAttributeValue, CategoryAttribute

STRING_MAX = 255
TEXT_MAX = 4000
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# 02/03/2026, 2/3/2026 or 02/03/2026 09:00: day first, as dates are written in Viet Nam.
TYPED_MOMENT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$")
DATETIME_HINT = _l("Enter the date as day/month/year, e.g. 02/03/2026, with the time if needed: "
                   "02/03/2026 09:00.")


@dataclass(frozen=True)
class Answer:
    """The checked answer to one question: its values, normalised."""

    attribute: CategoryAttribute
    values: tuple[str, ...]


# Ids are the database's 32-bit integers.
_LARGEST_ID = 2**31 - 1


def questions_of(category_id: int) -> list[CategoryAttribute]:
    """The category's questions in the order they are asked, with their options (none for
    an id no category can have, such as one typed past the database's integer range)."""
    if not 0 < category_id <= _LARGEST_ID:
        return []
    return list(
        db.session.scalars(
            sa.select(CategoryAttribute)
            .where(CategoryAttribute.category_id == category_id)
            .options(selectinload(CategoryAttribute.options))
            .order_by(CategoryAttribute.position)
        )
    )


def field_name(attribute: CategoryAttribute) -> str:
    """How the question is named in a form: attribute[CODE]."""
    return f"attribute[{attribute.code}]"


def _fail(attribute: CategoryAttribute, message) -> InvalidInput:
    return InvalidInput(message, field_name(attribute))


def _check_number(attribute: CategoryAttribute, value: str) -> str:
    if len(value) > 64 or not NUMBER.match(value) or not math.isfinite(float(value)):
        raise _fail(attribute, _l("Enter a number."))
    return value


def parse_moment(value: str) -> datetime | None:
    """A date (and time) as people type it, dd/mm/yyyy or dd/mm/yyyy hh:mm, or in ISO 8601
    form as Open311 clients send it; local time when no offset is given. None if neither."""
    typed = TYPED_MOMENT.match(value.strip())
    try:
        if typed:
            day, month, year, hour, minute = typed.groups()
            moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=LOCAL_TZ) if moment.tzinfo is None else moment


def _check_datetime(attribute: CategoryAttribute, value: str) -> str:
    moment = parse_moment(value)
    if moment is None:
        raise _fail(attribute, DATETIME_HINT)
    return moment.isoformat()


def _check_text(attribute: CategoryAttribute, value: str, limit: int, one_line: bool) -> str:
    if one_line and ("\n" in value or "\r" in value):
        raise _fail(attribute, _l("Write this answer on one line."))
    if len(value) > limit:
        raise _fail(attribute, _l("This text is too long (at most %(n)d characters).", n=limit))
    return value


def _check_one(attribute: CategoryAttribute, values: list[str]) -> tuple[str, ...]:
    datatype = attribute.datatype
    if datatype == D.MULTIVALUELIST:
        keys = {option.key for option in attribute.options}
        if any(value not in keys for value in values):
            raise _fail(attribute, _l("Choose among the listed values."))
        return tuple(dict.fromkeys(values))
    if len(values) > 1:
        raise _fail(attribute, _l("Give one answer only."))
    value = values[0]
    if datatype == D.SINGLEVALUELIST:
        if value not in {option.key for option in attribute.options}:
            raise _fail(attribute, _l("Choose among the listed values."))
    elif datatype == D.NUMBER:
        value = _check_number(attribute, value)
    elif datatype == D.DATETIME:
        value = _check_datetime(attribute, value)
    elif datatype == D.STRING:
        value = _check_text(attribute, value, STRING_MAX, one_line=True)
    else:
        value = _check_text(attribute, value, TEXT_MAX, one_line=False)
    return (value,)


def check_answers(
    questions: Sequence[CategoryAttribute], raw: Mapping[str, Sequence[str]]
) -> list[Answer]:
    """The answers to the questions, checked; raises InvalidInput on the first bad one.

    Empty values count as absent; answers to unknown codes and to questions that
    only inform (variable false) are ignored.
    """
    answers = []
    for attribute in questions:
        if not attribute.variable:
            continue
        values = [v.strip() for v in raw.get(attribute.code, ()) if v and v.strip()]
        if not values:
            if attribute.required:
                raise _fail(attribute, _l("Answer this question."))
            continue
        answers.append(Answer(attribute, _check_one(attribute, values)))
    return answers


def store_answers(case: Case, answers: Sequence[Answer]) -> None:
    """Keep the checked answers on the case. The caller commits."""
    for answer in answers:
        for position, value in enumerate(answer.values):
            db.session.add(
                CaseAttributeValue(
                    case_id=case.id, attribute_id=answer.attribute.id, position=position, value=value
                )
            )
    db.session.flush()


def answers_for(case: Case, locale: str = "vi") -> list[tuple[CategoryAttribute, list[str]]]:
    """The case's answers as (question, values shown to people), in question order."""
    rows = db.session.scalars(
        sa.select(CaseAttributeValue)
        .where(CaseAttributeValue.case_id == case.id)
        .options(
            joinedload(CaseAttributeValue.attribute).selectinload(CategoryAttribute.options)
        )
        .order_by(CaseAttributeValue.attribute_id, CaseAttributeValue.position)
    ).all()
    grouped: dict[int, tuple[CategoryAttribute, list[str]]] = {}
    for row in rows:
        attribute = row.attribute
        names = {option.key: option.name(locale) for option in attribute.options}
        grouped.setdefault(attribute.id, (attribute, []))[1].append(names.get(row.value, row.value))
    return sorted(grouped.values(), key=lambda item: item[0].position)
