"""Every admin route, taken from the URL map, refuses every other role and sends
anonymous visitors to sign in. A new admin route is covered without editing this file."""
from __future__ import annotations

import tempfile

import pytest

from app import create_app
from app.config import TestingConfig
from tests.conftest import csrf_token
from tests.factories import EMAILS

OTHER_ROLES = ["operator", "committee", "head_thue", "officer_thue", "officer_bhxh"]


def _admin_routes() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="admin-routes-") as instance:
        app = create_app(TestingConfig, instance_path=instance)
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return routes


ADMIN_ROUTES = _admin_routes()


def test_the_console_has_routes_for_every_screen():
    paths = {path for _method, path in ADMIN_ROUTES}
    for expected in ("/admin", "/admin/units", "/admin/users", "/admin/categories",
                     "/admin/regimes", "/admin/calendar", "/admin/audit"):
        assert expected in paths
    assert len(ADMIN_ROUTES) >= 25


def _call(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    return client.open(path, method=method, data={"csrf_token": csrf_token(client, "/")})


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, method, path):
    response = _call(client, method, path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_is_refused_everywhere(client, auth, world, role):
    assert auth.login(EMAILS[role]).status_code == 303
    for method, path in ADMIN_ROUTES:
        response = _call(client, method, path)
        assert response.status_code == 403, (role, method, path)


def test_the_admin_reaches_the_console(client, auth, world):
    auth.login(EMAILS["admin"])
    assert client.get("/admin").status_code == 200
    assert 'href="/admin"' in client.get("/cases").get_data(as_text=True)
    auth.logout()
    auth.login(EMAILS["officer_thue"])
    assert 'href="/admin"' not in client.get("/cases").get_data(as_text=True)
