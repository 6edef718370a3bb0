"""The queue and the case page issue a fixed number of SQL statements, whatever the
number of cases listed or of entries in the timeline (no N+1)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.cases import lifecycle
from app.extensions import db
from app.models import Category
from tests.factories import EMAILS, MONDAY_9AM, make_case
from tests.workspace import HOUR, case_by_ref, staff


@contextmanager
def statements(app):
    """Collect the SQL statements sent to the database inside the block."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _add_cases(app, world, n: int) -> str:
    """n tax cases of Cục Thuế, every other one acknowledged (so it has an assignee)."""
    with app.app_context():
        tax = db.session.get(Category, world.tax)
        for i in range(n):
            case = make_case(tax, title=f"Hồ sơ {i}", now=MONDAY_9AM + i * HOUR)
            if i % 2:
                lifecycle.acknowledge(case, staff("officer_thue"), MONDAY_9AM + (i + 1) * HOUR)
        db.session.commit()
        return case.reference


def _count(app, client, path: str, **headers) -> int:
    with statements(app) as seen:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return len(seen)


# Signed-in user; the unit's officers (assignee filter and bulk assignment); categories
# (field filter); calendar days; counts per status; the page of cases with their field,
# unit and assignee (the heading's unit is then already in the session); the co-handling
# requests of the listed cases (the asked unit's day, the lead's "phối hợp 1/2"); for a
# reviewer, the answers waiting for their sign-off.
QUEUE_STATEMENTS = 8


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_the_queue_costs_the_same_with_3_or_30_cases(app, client, auth, world, headers):
    _add_cases(app, world, 3)
    auth.login(EMAILS["head_thue"])
    with_3 = _count(app, client, "/cases?q=ho+so", **headers)
    _add_cases(app, world, 27)
    with_30 = _count(app, client, "/cases?q=ho+so", **headers)
    listed = client.get("/cases?q=ho+so").get_data(as_text=True)
    assert listed.count('name="cases"') == 25 and "30 vụ việc" in listed  # a full page
    assert with_3 == with_30 == QUEUE_STATEMENTS


# Signed-in user; the case with category, unit and assignee; its timeline with actors
# and units; calendar days; units to transfer to; the unit's officers (assignment);
# the answers to the category's extra questions; the case's files; its extension requests
# with who asked and decided; the deadline regime (how far an extension may go); its
# co-handling requests and its answer drafts; the unit tree (the unit pickers' groups,
# read once for the transfer and the co-handling pickers).
CASE_PAGE_STATEMENTS = 13


def test_the_case_page_costs_the_same_with_3_or_30_events(app, client, auth, world):
    reference = _add_cases(app, world, 1)
    auth.login(EMAILS["head_thue"])
    with app.app_context():
        lifecycle.add_note(case_by_ref(reference), staff("head_thue"), "Ghi chú 0", MONDAY_9AM)
        db.session.commit()
    with_3 = _count(app, client, f"/cases/{reference}")
    with app.app_context():
        case = case_by_ref(reference)
        for i in range(27):
            actor = staff("officer_thue" if i % 2 else "head_thue")
            lifecycle.add_note(case, actor, f"Ghi chú {i + 1}", MONDAY_9AM + HOUR)
        db.session.commit()
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert page.count('class="event ') == 30
    with_30 = _count(app, client, f"/cases/{reference}")
    assert with_3 == with_30 == CASE_PAGE_STATEMENTS


def test_the_case_page_costs_the_same_with_1_or_3_cohandling_requests(app, client, auth, world):
    """Requests with their units and people, and contributions with their files, are loaded
    with the case."""
    import io

    from app.cases import cohandling
    from app.cases.attachments import Upload
    from app.models import Role, Unit
    from tests.factories import make_unit, make_user
    from tests.uploads import png
    from tests.workspace import unit

    reference = _add_cases(app, world, 2)  # the second one is acknowledged
    day = MONDAY_9AM.date().replace(day=9)
    with app.app_context():
        root = db.session.get(Unit, world.root)
        for code in ("A", "B"):
            make_user(f"officer.{code.lower()}@test.vn", Role.OFFICER,
                      make_unit(code, f"Sở {code}", root))
        case = case_by_ref(reference)
        first = cohandling.ask(case, staff("officer_thue"), unit("BHXH"), "Hỏi.", day, False,
                               MONDAY_9AM + 2 * HOUR)
        cohandling.contribute(first, staff("officer_bhxh"), "Ý kiến.", MONDAY_9AM + 3 * HOUR,
                              files=[Upload("a.png", io.BytesIO(png()))])
        db.session.commit()
    auth.login(EMAILS["head_thue"])
    with_1 = _count(app, client, f"/cases/{reference}")
    with app.app_context():
        case = case_by_ref(reference)
        for code in ("A", "B"):
            cohandling.ask(case, staff("officer_thue"), unit(code), "Hỏi.", day, False,
                           MONDAY_9AM + 2 * HOUR)
        db.session.commit()
    with_3 = _count(app, client, f"/cases/{reference}")
    assert with_1 == with_3 == CASE_PAGE_STATEMENTS
