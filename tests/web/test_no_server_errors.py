"""Every route of the app, under every role, with hostile input: never a 5xx.

The walk takes each rule of ``app.url_map`` and each of its methods, fills the path
variables with hostile values (and, for case references and tracking codes, also with
real ones so that the forms behind them are reached), and sends the same hostile value
in the query string and in a form body holding every field the app's forms declare.
Hypothesis draws the values: NUL bytes, integers beyond the database's range, negative
numbers, dates at the ends of the calendar, very long and non-Latin text. The bad
answers a route may give are 400, 403, 404, 405, 409, 422, a redirect or a page.
"""
from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter, IntegerConverter

import app.web
from app import create_app
from app.config import TestingConfig
from app.extensions import db as _db
from app.models import Case
from tests.conftest import Auth, _empty_tables, csrf_token
from tests.factories import EMAILS, make_world
from tests.workspace import make_desk

ROLES = ("anonymous", "officer_thue", "head_thue", "operator", "committee", "admin")
# Signing out (or changing one's password) would end the walk's session, not test input.
SKIPPED_ENDPOINTS = {"auth.logout", "static"}

# Parameters that routes read directly from the request rather than through a form.
LOOSE_PARAMETERS = (
    "page", "since", "year", "campaign", "period", "unit", "caller_phone", "lang", "api_key",
    "next", "service_request_id", "service_code", "start_date", "end_date", "status", "cases",
    "lat", "long", "address_string", "email", "first_name", "last_name", "phone",
    "description", "media_url", "device_id", "account_id", "jurisdiction_id",
)
NUL_VALUE = "a\x00b"
# Each request spreads these over the fields in turn, so every field meets each of them.
FIXED_VALUES = (
    str(2**31),
    "-1",
    "0001-01-01",
    "9999-12-31T23:59:59-23:59",
    "Đường ☔ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202e" + "x" * 300,
)


def hostile_values() -> st.SearchStrategy[list[str]]:
    """Lists of hostile values of the kinds above, generated."""
    big = st.integers(min_value=2**31, max_value=2**80).map(str)
    negative = st.integers(max_value=-1, min_value=-(2**80)).map(str)
    far_date = st.dates().map(lambda day: day.isoformat())
    far_moment = st.tuples(st.dates(), st.integers(0, 23), st.integers(0, 59)).map(
        lambda t: f"{t[0].isoformat()}T00:00:00{'+' if t[1] % 2 else '-'}{t[1]:02d}:{t[2]:02d}"
    )
    text = st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=300)
    return st.lists(st.one_of(big, negative, far_date, far_moment, text), min_size=2, max_size=3)


def rotations(values: list[str], fields: list[str]) -> list[tuple[str, dict[str, str]]]:
    """(path value, field values) pairs in which each field takes each value once."""
    return [
        (values[turn], {name: values[(turn + i) % len(values)] for i, name in enumerate(fields)})
        for turn in range(len(values))
    ]


def _form_classes() -> list[type]:
    from wtforms import Form

    for module in pkgutil.walk_packages(app.web.__path__, "app.web."):
        if module.name.endswith("forms"):
            importlib.import_module(module.name)
    seen, todo = [], [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen and sub.__module__.startswith("app.web"):
                seen.append(sub)
            todo.append(sub)
    return seen


def form_field_names(flask_app, extra_prefixes: list[str]) -> list[str]:
    """Every field name (with its prefix) that a form of the web layer reads."""
    names: set[str] = set()
    with flask_app.test_request_context():
        for form_class in _form_classes():
            try:
                form = form_class(meta={"csrf": False})
            except TypeError:
                continue
            for field in form:
                names.add(field.name)
                bare = field.short_name
                names.add(bare)
                names.update(f"{prefix}-{bare}" for prefix in extra_prefixes)
    return sorted(names | set(LOOSE_PARAMETERS))


@pytest.fixture(scope="module")
def walk(database_url, tmp_path_factory):
    """One app, the world and a desk of cases, a signed-in client per role."""
    flask_app = create_app(
        TestingConfig,
        instance_path=str(tmp_path_factory.mktemp("fuzz") / "instance"),
        SQLALCHEMY_DATABASE_URI=database_url,
    )
    with flask_app.app_context():
        desk = make_desk(make_world())
        _db.session.commit()
        triage_id = _db.session.scalar(sa.select(Case.id).where(Case.reference == desk.triage))
        codes = [code for code in _db.session.scalars(sa.select(Case.tracking_code)) if code]
    clients = {}
    for role in ROLES:
        client = flask_app.test_client()
        if role != "anonymous":
            assert Auth(client).login(EMAILS[role]).status_code == 303
        clients[role] = (client, csrf_token(client, "/"))
    fields = form_field_names(flask_app, ["new", "try", f"route-{triage_id}"])
    real = {"reference": [desk.thue, desk.triage], "code": codes[:1]}
    yield flask_app, clients, fields, real
    with flask_app.app_context():
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


def _routes(flask_app) -> list[tuple[object, str]]:
    routes = []
    for rule in sorted(flask_app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule, method))
    return routes


def _paths(rule, value: str, real: dict[str, list[str]]) -> list[str]:
    """The rule's path with every variable hostile, and with real codes where there are some."""
    def build(chosen: dict[str, str]) -> str:
        path = rule.rule
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                replacement = "json"
            else:
                replacement = chosen.get(name, value)
            path = re.sub(rf"<(?:[^<>:]+:)?{name}>", lambda _m, text=replacement: text, path)
        return path

    paths = [build({})]
    for name, converter in rule._converters.items():
        if name in real and not isinstance(converter, IntegerConverter):
            paths.extend(build({name: good}) for good in real[name])
    return paths


def _send(client, token: str, method: str, path: str, query: dict, form: dict):
    if method == "GET":
        return client.get(_quote(path), query_string=query)
    return client.open(_quote(path), method=method, data={**form, "csrf_token": token},
                       headers={"X-CSRFToken": token})


def _open_to(client, token: str, route, real) -> bool:
    """Whether the role gets past the door of a route (not sent to sign in, not 403)."""
    rule, method = route
    for path in _paths(rule, "1", real):
        response = _send(client, token, method, path, {}, {})
        if response.status_code == 403:
            continue
        if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
            continue
        return True
    return False


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/.")


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_5xx(walk, role):
    flask_app, clients, fields, real = walk
    client, token = clients[role]
    routes = _routes(flask_app)
    failures: dict[str, str] = {}

    routes = [route for route in routes if _open_to(client, token, route, real)]

    def send_all(path_value: str, values: dict[str, str]) -> None:
        for rule, method in routes:
            for path in _paths(rule, path_value, real):
                key = f"{method} {rule.rule} [{path[:60]!r}] path={path_value[:30]!r}"
                try:
                    response = _send(client, token, method, path, values, values)
                except Exception as error:  # noqa: BLE001 - every crash is a finding
                    failures[key] = f"{type(error).__name__}: {str(error)[:120]}"
                    continue
                if response.status_code >= 500:
                    failures[key] = str(response.status_code)

    send_all(NUL_VALUE, {})
    send_all("1", {name: NUL_VALUE for name in fields})
    for path_value, values in rotations(list(FIXED_VALUES), fields):
        send_all(path_value, values)

    @settings(max_examples=1, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(drawn=hostile_values())
    def sweep(drawn: list[str]) -> None:
        for path_value, values in rotations(drawn, fields):
            send_all(path_value, values)

    sweep()
    routes_failing = sorted({key.split(" [")[0] for key in failures})
    assert not failures, f"{len(failures)} server errors on {len(routes_failing)} routes as {role}:\n" + "\n".join(
        f"{key}: {what}" for key, what in sorted(failures.items())
    )
