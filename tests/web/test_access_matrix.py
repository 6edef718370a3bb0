"""Every cases route × every role × every position of a case, with the exact status.

Anonymous visitors are sent to the login page (302); a case the user may not see
is 404; a page or action the user has no right to is 403. An allowed action is
posted empty, so it stops at the form check (422) and changes nothing: the data
is built once for the module, actions are posted as htmx does (small answers),
and the run stays fast. The expectations are written
out by hand, so loosening any single rule of the policy fails a test here.
"""
from __future__ import annotations

from datetime import date

import pytest

from app import create_app
from app.cases import cohandling
from app.config import TestingConfig
from app.extensions import db as _db
from tests.conftest import Auth, _empty_tables, csrf_token
from tests.factories import EMAILS, MONDAY_9AM, make_world
from tests.workspace import HOUR, case_by_ref, make_desk, staff, unit

ROLES = ("anonymous", "operator", "officer_thue", "head_thue", "officer_bhxh", "committee", "admin")
CASES = ("thue", "bhxh", "moved", "triage", "taken_in")
ACTIONS = ("acknowledge", "ask", "resume", "respond", "transfer", "reject", "assign", "note")
UNIT_WORK = {"acknowledge", "ask", "resume", "respond", "transfer", "reject", "note"}

# Who may open each case page. "moved" was transferred by Cục Thuế to BHXH: Cục Thuế
# still reads it; "taken_in" was typed in by the operator and routed to BHXH; BHXH asked
# Cục Thuế for its input on "bhxh" (co-handling), so Cục Thuế reads it too.
VIEW = {
    "operator": {"triage", "taken_in"},
    "officer_thue": {"thue", "moved", "bhxh"},
    "head_thue": {"thue", "moved", "bhxh"},
    "officer_bhxh": {"bhxh", "moved", "taken_in"},
    "committee": set(CASES),
    "admin": set(CASES),
}
# What each role may do to the cases it sees; everything else is 403.
ACT = {
    ("operator", "triage"): {"transfer", "reject"},
    ("operator", "taken_in"): {"transfer", "reject"},
    ("officer_thue", "thue"): UNIT_WORK,
    ("head_thue", "thue"): UNIT_WORK | {"assign"},
    ("officer_bhxh", "bhxh"): UNIT_WORK,
    ("officer_bhxh", "moved"): UNIT_WORK,
    ("officer_bhxh", "taken_in"): UNIT_WORK,
}


# The id of the request BHXH made of Cục Thuế on "bhxh" (the desk is built once per module).
ASKED: dict[str, int] = {}


@pytest.fixture(scope="module")
def desk_app(database_url, tmp_path_factory):
    """One app and one desk of cases for the whole module, with a signed-in client per role."""
    app = create_app(
        TestingConfig,
        instance_path=str(tmp_path_factory.mktemp("matrix") / "instance"),
        SQLALCHEMY_DATABASE_URI=database_url,
    )
    with app.app_context():
        desk = make_desk(make_world())
        asked = cohandling.ask(case_by_ref(desk.bhxh), staff("officer_bhxh"), unit("THUE"),
                               "Đề nghị Cục Thuế cho ý kiến.", date(2026, 3, 9), False,
                               MONDAY_9AM + HOUR)
        _db.session.commit()
        ASKED["request"] = asked.id
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            assert Auth(client).login(EMAILS[role]).status_code == 303
        clients[role] = (client, csrf_token(client, "/"))
    yield desk, clients
    with app.app_context():
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


def _expect_login(response) -> None:
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def _expect_login_for_htmx(response) -> None:
    """htmx is told to load the login page rather than swap it into a piece of this one."""
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/cases", "/cases/arrivals"])
def test_queue_pages(desk_app, role, path):
    _desk, clients = desk_app
    client, _token = clients[role]
    response = client.get(path)
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_bulk_assignment(desk_app, role):
    _desk, clients = desk_app
    client, token = clients[role]
    response = client.post("/cases/assign", headers={"X-CSRFToken": token})
    if role == "anonymous":
        _expect_login(response)
    elif role == "head_thue":
        assert response.status_code == 422  # allowed; no officer chosen
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ROLES)
def test_case_page(desk_app, role, case):
    desk, clients = desk_app
    client, _token = clients[role]
    response = client.get(f"/cases/{desk.all()[case]}")
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == (200 if case in VIEW[role] else 404)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ROLES)
def test_case_action(desk_app, role, case, action):
    desk, clients = desk_app
    client, token = clients[role]
    response = client.post(
        f"/cases/{desk.all()[case]}/{action}", headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    if role == "anonymous":
        _expect_login_for_htmx(response)
    elif case not in VIEW[role]:
        assert response.status_code == 404
    elif action in ACT.get((role, case), set()):
        assert response.status_code == 422  # allowed; the empty form is refused
    else:
        assert response.status_code == 403


# The unit leader's sign-off: only a reviewer of the holding unit (Cục Thuế's head; BHXH
# has no head and no deputy) approves or returns; the empty form then stops at 422.
SIGN_OFF = {("head_thue", "thue")}


@pytest.mark.parametrize("action", ["signoff/approve", "signoff/return"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ROLES)
def test_sign_off_actions(desk_app, role, case, action):
    desk, clients = desk_app
    client, token = clients[role]
    response = client.post(
        f"/cases/{desk.all()[case]}/{action}", headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    if role == "anonymous":
        _expect_login_for_htmx(response)
    elif case not in VIEW[role]:
        assert response.status_code == 404
    else:
        assert response.status_code == (422 if (role, case) in SIGN_OFF else 403)


# The unit's sign-off settings: its head, and admins (who choose the unit).
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ROLES)
def test_sign_off_settings(desk_app, role, method):
    _desk, clients = desk_app
    client, token = clients[role]
    if method == "get":
        response = client.get("/cases/unit/signoff")
    else:  # no kind ticked would switch sign-off off: only allowed users reach the check
        response = client.post("/cases/unit/signoff?unit=0", headers={"X-CSRFToken": token},
                               data={"kinds": ["bad"]})
    if role == "anonymous":
        _expect_login(response)
    elif role == "head_thue":
        assert response.status_code == (200 if method == "get" else 422)
    elif role == "admin":
        assert response.status_code == (200 if method == "get" else 404)  # no unit 0
    else:
        assert response.status_code == 403


# The operator adds a call to an earlier case: with no caller's number given, only to the
# open cases they may open (a caller's own case is tested on the hotline desk).
LINK = {"triage", "taken_in"}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ROLES)
def test_hotline_link(desk_app, role, case):
    desk, clients = desk_app
    client, token = clients[role]
    response = client.post(f"/hotline/link/{desk.all()[case]}", headers={"X-CSRFToken": token})
    if role == "anonymous":
        _expect_login(response)
    elif role != "operator":
        assert response.status_code == 403
    else:
        assert response.status_code == (422 if case in LINK else 404)


# Co-handling: on "bhxh", BHXH (the lead) asks and withdraws, Cục Thuế (asked) answers or
# declines; on its own cases, the holding unit may ask. Empty forms stop at 422.
COHANDLING = {
    "ask": {("officer_bhxh", "bhxh"), ("officer_bhxh", "moved"), ("officer_bhxh", "taken_in"),
            ("officer_thue", "thue"), ("head_thue", "thue")},
    "withdraw": {("officer_bhxh", "bhxh")},
    "contribute": {("officer_thue", "bhxh"), ("head_thue", "bhxh")},
    "decline": {("officer_thue", "bhxh"), ("head_thue", "bhxh")},
}


@pytest.mark.parametrize("action", list(COHANDLING))
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ROLES)
def test_cohandling_action(desk_app, role, case, action):
    desk, clients = desk_app
    client, token = clients[role]
    path = (f"/cases/{desk.all()[case]}/cohandling" if action == "ask"
            else f"/cases/{desk.all()[case]}/cohandling/{ASKED['request']}/{action}")
    response = client.post(path, headers={"X-CSRFToken": token, "HX-Request": "true"})
    if role == "anonymous":
        _expect_login_for_htmx(response)
    elif case not in VIEW[role] or (action != "ask" and case != "bhxh"):
        assert response.status_code == 404  # the case, or the request on it, is not theirs to see
    elif (role, case) in COHANDLING[action]:
        assert response.status_code == 422
    else:
        assert response.status_code == 403
