"""Extra questions of a category: each datatype checked, answers stored and read back."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.core.errors import InvalidInput
from app.intake import attributes
from app.models import CaseAttributeValue, Category, CategoryAttribute
from tests.factories import make_case, make_question


@pytest.fixture
def questions(db, world):
    tax = db.session.get(Category, world.tax)
    made = [
        make_question(tax, "LOAI", "singlevaluelist", 1, required=True, options=("TNCN", "GTGT")),
        make_question(tax, "MST", "string", 2),
        make_question(tax, "SO_TIEN", "number", 3),
        make_question(tax, "NGAY", "datetime", 4),
        make_question(tax, "GHI_CHU", "text", 5),
        make_question(tax, "NOI_DUNG", "multivaluelist", 6, options=("A", "B", "C")),
        make_question(tax, "LUU_Y", "string", 7, required=True, variable=False),
    ]
    db.session.commit()
    return attributes.questions_of(tax.id), made


def _values(answers) -> dict[str, tuple[str, ...]]:
    return {a.attribute.code: a.values for a in answers}


def test_questions_come_in_their_order_with_options(questions):
    loaded, _ = questions
    assert [q.code for q in loaded] == ["LOAI", "MST", "SO_TIEN", "NGAY", "GHI_CHU", "NOI_DUNG",
                                        "LUU_Y"]
    assert [o.key for o in loaded[0].options] == ["TNCN", "GTGT"]


def test_good_answers_are_normalised(questions):
    loaded, _ = questions
    answers = attributes.check_answers(loaded, {
        "LOAI": ["GTGT"], "MST": [" 0312345678 "], "SO_TIEN": ["1.5e3"],
        "NGAY": ["2026-03-02T09:00:00"], "GHI_CHU": ["dòng 1\ndòng 2"],
        "NOI_DUNG": ["B", "A", "B"], "UNKNOWN": ["ignored"], "LUU_Y": ["ignored too"],
    })
    assert _values(answers) == {
        "LOAI": ("GTGT",), "MST": ("0312345678",), "SO_TIEN": ("1.5e3",),
        "NGAY": ("2026-03-02T09:00:00+07:00",), "GHI_CHU": ("dòng 1\ndòng 2",),
        "NOI_DUNG": ("B", "A"),
    }


@pytest.mark.parametrize(("typed", "stored"), [
    ("02/03/2026", "2026-03-02T00:00:00+07:00"),  # as people type it, day first
    ("2/3/2026", "2026-03-02T00:00:00+07:00"),
    ("02/03/2026 09:30", "2026-03-02T09:30:00+07:00"),
    ("2026-03-02", "2026-03-02T00:00:00+07:00"),  # ISO 8601, as Open311 clients send it
    ("2026-03-02T09:30:00Z", "2026-03-02T09:30:00+00:00"),
])
def test_dates_are_read_as_typed_or_in_iso_form(questions, typed, stored):
    loaded, _ = questions
    answers = attributes.check_answers(loaded, {"LOAI": ["TNCN"], "NGAY": [typed]})
    assert _values(answers)["NGAY"] == (stored,)


def test_a_bad_date_says_the_format_people_type(questions):
    loaded, _ = questions
    with pytest.raises(InvalidInput) as err:
        attributes.check_answers(loaded, {"LOAI": ["TNCN"], "NGAY": ["mai"]})
    message = str(err.value.message)
    assert "02/03/2026" in message and "ISO" not in message


def test_only_required_answers_are_needed_and_empty_means_absent(questions):
    loaded, _ = questions
    assert _values(attributes.check_answers(loaded, {"LOAI": ["TNCN"], "MST": ["", " "]})) == {
        "LOAI": ("TNCN",)}


@pytest.mark.parametrize(("raw", "field"), [
    ({}, "attribute[LOAI]"),
    ({"LOAI": [""]}, "attribute[LOAI]"),
    ({"LOAI": ["XYZ"]}, "attribute[LOAI]"),
    ({"LOAI": ["TNCN", "GTGT"]}, "attribute[LOAI]"),
    ({"LOAI": ["TNCN"], "MST": ["a\nb"]}, "attribute[MST]"),
    ({"LOAI": ["TNCN"], "MST": ["x" * 256]}, "attribute[MST]"),
    ({"LOAI": ["TNCN"], "SO_TIEN": ["mười"]}, "attribute[SO_TIEN]"),
    ({"LOAI": ["TNCN"], "SO_TIEN": ["nan"]}, "attribute[SO_TIEN]"),
    ({"LOAI": ["TNCN"], "SO_TIEN": ["1e999"]}, "attribute[SO_TIEN]"),
    ({"LOAI": ["TNCN"], "NGAY": ["31/02/2026"]}, "attribute[NGAY]"),
    ({"LOAI": ["TNCN"], "NGAY": ["02/03/2026 25:00"]}, "attribute[NGAY]"),
    ({"LOAI": ["TNCN"], "NGAY": ["2026/03/02"]}, "attribute[NGAY]"),
    ({"LOAI": ["TNCN"], "NGAY": ["02/03/26"]}, "attribute[NGAY]"),
    ({"LOAI": ["TNCN"], "GHI_CHU": ["x" * 4001]}, "attribute[GHI_CHU]"),
    ({"LOAI": ["TNCN"], "NOI_DUNG": ["A", "Z"]}, "attribute[NOI_DUNG]"),
])
def test_bad_answers_are_refused_with_the_question_named(questions, raw, field):
    loaded, _ = questions
    with pytest.raises(InvalidInput) as err:
        attributes.check_answers(loaded, raw)
    assert err.value.field == field


def test_answers_are_stored_and_read_back_with_option_names(db, world, questions):
    loaded, _ = questions
    case = make_case(db.session.get(Category, world.tax))
    answers = attributes.check_answers(
        loaded, {"LOAI": ["GTGT"], "NOI_DUNG": ["C", "A"], "MST": ["0312345678"]})
    attributes.store_answers(case, answers)
    db.session.commit()
    rows = db.session.scalars(
        sa.select(CaseAttributeValue).order_by(CaseAttributeValue.id)).all()
    assert [(r.attribute.code, r.position, r.value) for r in rows] == [
        ("LOAI", 0, "GTGT"), ("MST", 0, "0312345678"), ("NOI_DUNG", 0, "C"), ("NOI_DUNG", 1, "A")]
    shown = attributes.answers_for(case, "en")
    assert [(q.code, values) for q, values in shown] == [
        ("LOAI", ["Value GTGT"]), ("MST", ["0312345678"]), ("NOI_DUNG", ["Value C", "Value A"])]
    assert attributes.answers_for(case, "vi")[0][1] == ["Giá trị GTGT"]


def test_demo_questions_are_seeded_once(db):
    from app.seed.demo import QUESTIONS, SeedReport, seed_categories, seed_questions, seed_units

    report = SeedReport()
    categories = seed_categories(report, seed_units(report))
    seed_questions(categories)
    seed_questions(categories)
    db.session.commit()
    tax = attributes.questions_of(categories["THUE"].id)
    assert [(q.code, q.position, q.required) for q in tax] == [
        ("LOAI_THUE", 1, True), ("MST", 2, False)]
    assert [o.key for o in tax[0].options] == ["TNCN", "GTGT", "HKD", "KHAC"]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(CategoryAttribute))
    assert total == len(QUESTIONS)


def test_an_id_past_the_database_range_has_no_questions(db, world):
    from app.intake.attributes import questions_of

    assert questions_of(2**31) == [] and questions_of(0) == [] and questions_of(-1) == []
