"""`flask users create-admin` follows the same password rules as the web and is audited."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, User


def _create(runner, email="root@khoi.vn", password="a-long-password-1"):
    return runner.invoke(args=["users", "create-admin", "--email", email, "--name", "Quản trị",
                               "--password", password])


@pytest.mark.parametrize(("password", "reason"), [
    ("short-one", "at least 12"),
    ("123456789012345", "only digits"),
    ("root@khoi.vn", "email address"),
])
def test_weak_passwords_are_refused(app, runner, password, reason):
    result = _create(runner, password=password)
    assert result.exit_code != 0 and reason in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_the_first_admin_is_recorded_as_made_on_the_command_line(app, runner):
    result = _create(runner)
    assert result.exit_code == 0, result.output
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry))
        assert (entry.action, entry.actor_id, entry.actor_email) == ("create", None, "command line")
        assert entry.after["role"] == "admin" and entry.after["email"] == "root@khoi.vn"
