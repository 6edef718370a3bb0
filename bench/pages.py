"""The pages and journeys every quality gate visits, in one place.

`make bench` (statement counts, server time), the statement-count test, the
accessibility and HTML tests, the load test and the security scan all read
``PAGES``. An entry whose path the application does not serve yet (its
blueprint has not landed) is skipped with a note; a served one is never skipped.
To cover a new page, add one line here.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

OFFICER = "officer"
COMMITTEE = "committee"


@dataclass(frozen=True)
class Page:
    """One page as a given kind of visitor sees it."""

    name: str
    path: str  # {reference}, {open_reference}, {tracking_code}, {search} come from a Sample
    who: str | None = None  # None: an anonymous citizen
    statements: bool = False  # its SQL statement count must not grow with the data
    timed: bool = False  # server time measured by `make bench`
    form_errors: bool = False  # the page's form sent empty, so that it shows its errors

    def url(self, sample: Sample) -> str:
        """The path with the sample's values filled in."""
        return self.path.format(reference=sample.reference, tracking_code=sample.tracking_code,
                                search=sample.search, open_reference=sample.open_reference)


PAGES = [
    Page("home", "/"),
    Page("feedback form", "/feedback/new"),
    Page("feedback form with errors", "/feedback/new", form_errors=True),
    Page("tracking lookup", "/track"),
    Page("tracking page", "/track/{tracking_code}", statements=True, timed=True),
    Page("sign-in", "/login"),
    Page("sign-in with errors", "/login", form_errors=True),
    Page("queue", "/cases", OFFICER, statements=True, timed=True),
    Page("queue, all cases", "/cases?show=all", OFFICER, statements=True, timed=True),
    Page("queue search", "/cases?q={search}&show=all", OFFICER, statements=True, timed=True),
    Page("queue, committee", "/cases?show=all", COMMITTEE, statements=True, timed=True),
    Page("case page", "/cases/{reference}", OFFICER, statements=True, timed=True),
    Page("case page, open case", "/cases/{open_reference}", OFFICER, statements=True, timed=True),
    Page("scorecards", "/scorecards", COMMITTEE, statements=True, timed=True),
    Page("transparency", "/transparency", statements=True, timed=True),
]


@dataclass(frozen=True)
class Sample:
    """Accounts and one case the pages are shown with."""

    officer: str
    committee: str
    password: str
    reference: str
    tracking_code: str
    search: str
    open_reference: str


def served(app: Flask, page: Page) -> bool:
    """Whether the application has a GET route for the page's path."""
    adapter = app.url_map.bind("localhost")
    path = page.path.split("?")[0].format(reference="2026-000001", open_reference="2026-000001",
                                          tracking_code="X", search="x")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return True
    except (NotFound, MethodNotAllowed):
        return False
    return True


def available(app: Flask, pages: list[Page] | None = None) -> tuple[list[Page], list[str]]:
    """The pages the app serves, and a note for each one skipped."""
    present, notes = [], []
    for page in pages if pages is not None else PAGES:
        if served(app, page):
            present.append(page)
        else:
            notes.append(f"{page.name} ({page.path.split('?')[0]}): not served by this build, skipped")
    return present, notes


def pick_sample(officer: str, committee: str, password: str) -> Sample:
    """The officer's unit's case with the longest timeline (inside an app context)."""
    from app.extensions import db
    from app.models import Case, CaseEvent, User

    unit_id = db.session.scalar(sa.select(User.unit_id).where(User.email == officer))
    events = (sa.select(CaseEvent.case_id, sa.func.count().label("n"))
              .join(Case, Case.id == CaseEvent.case_id).where(Case.unit_id == unit_id)
              .group_by(CaseEvent.case_id).subquery())
    richest = (sa.select(Case).join(events, events.c.case_id == Case.id)
               .order_by(events.c.n.desc(), Case.id).limit(1))
    case = db.session.scalar(richest)
    if case is None:
        raise LookupError(f"the unit of {officer} has no case to show")
    open_case = db.session.scalar(richest.where(Case.status.in_(["assigned", "in_progress"]))) or case
    word = next((w for w in case.search_text.split()[1:] if len(w) > 3), "thue")
    return Sample(officer, committee, password, case.reference, case.tracking_code, word,
                  open_case.reference)


_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token a page carries (in a form, or in the htmx headers)."""
    match = _TOKEN.search(html)
    if not match:
        raise LookupError("no CSRF token on the page")
    return match.group(1) or match.group(2)


def sign_in(client, email: str, password: str) -> None:
    """Sign a Flask test client in through the real form."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    if response.status_code != 303:
        raise RuntimeError(f"could not sign in as {email}: {response.status_code}")


@contextmanager
def counting_statements(engine):
    """Count the SQL statements sent through ``engine`` inside the block (``.count``)."""

    class Counter:
        count = 0

    def before(conn, cursor, statement, parameters, context, executemany):
        Counter.count += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield Counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def statement_counts(app: Flask, sample: Sample) -> dict[str, int]:
    """SQL statements per request of every served page that has a statement budget."""
    from app.extensions import db

    pages, _notes = available(app, [p for p in PAGES if p.statements])
    clients = {}
    counts = {}
    with app.app_context():
        engine = db.engine
    for page in pages:
        client = clients.get(page.who)
        if client is None:
            client = clients[page.who] = app.test_client()
            if page.who:
                sign_in(client, getattr(sample, page.who), sample.password)
        url = page.url(sample)
        client.get(url)  # warm caches (templates, the calendar's holidays)
        with counting_statements(engine) as counter:
            response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{page.name} answered {response.status_code}")
        counts[page.name] = counter.count
    return counts
