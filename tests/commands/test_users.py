"""`flask users create-admin` follows the account rules of the admin console, answers in
English and is audited."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts import credentials
from app.extensions import db
from app.models import AuditEntry, Role, User
from tests.factories import MONDAY_9AM


def _create(runner, email="root@khoi.vn", password="a-long-password-1", name="Quản trị"):
    return runner.invoke(args=["users", "create-admin", "--email", email, "--name", name,
                               "--password", password])


def _accounts(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


@pytest.mark.parametrize(("password", "reason"), [
    ("short-one", "at least 12"),
    ("123456789012345", "only digits"),
    ("root@khoi.vn", "email address"),
])
def test_weak_passwords_are_refused(app, runner, password, reason):
    result = _create(runner, password=password)
    assert result.exit_code != 0 and reason in result.output and "--password" in result.output
    assert _accounts(app) == 0


@pytest.mark.parametrize(("email", "name", "option", "reason"), [
    ("root@", "Quản trị", "--email", "Enter a valid email address."),
    ("root@khoi", "Quản trị", "--email", "Enter a valid email address."),
    ("   ", "Quản trị", "--email", "Enter an email address."),
    ("root@khoi.vn", "   ", "--name", "This field is required."),
    ("root@khoi.vn", "Q" * 121, "--name", "This text is too long (at most 120 characters)."),
])
def test_the_console_rules_for_email_and_name_apply(app, runner, email, name, option, reason):
    result = _create(runner, email=email, name=name)
    assert result.exit_code != 0, result.output
    assert option in result.output and reason in result.output
    assert _accounts(app) == 0


def test_an_email_already_used_is_refused_whatever_its_case(app, runner):
    assert _create(runner).exit_code == 0
    result = _create(runner, email="ROOT@Khoi.vn", password="another-long-password")
    assert result.exit_code != 0
    assert "--email" in result.output
    assert "Another account already uses this email." in result.output
    assert _accounts(app) == 1


def test_the_admin_is_made_with_the_console_normalised_email_and_can_sign_in(app, runner):
    result = _create(runner, email="  Root@KHOI.vn ", name="  Quản trị  ")
    assert result.exit_code == 0, result.output
    assert "Administrator root@khoi.vn created." in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert (user.email, user.name, user.role, user.active) == (
            "root@khoi.vn", "Quản trị", Role.ADMIN, True)
        assert credentials.authenticate("root@khoi.vn", "a-long-password-1", MONDAY_9AM) == user


def test_create_admin_then_a_duplicate_and_a_short_password(app, runner):
    args = ["users", "create-admin", "--email", "Root@Khoi.vn", "--name", "Quản trị",
            "--password", "a-long-password-1"]
    assert runner.invoke(args=args).exit_code == 0
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "root@khoi.vn"))
        assert admin.role == Role.ADMIN and admin.check_password("a-long-password-1")
    duplicate = runner.invoke(args=args)
    assert duplicate.exit_code != 0
    assert "Another account already uses this email." in duplicate.output
    short = runner.invoke(args=["users", "create-admin", "--email", "b@k.vn", "--name", "B",
                                "--password", "short"])
    assert short.exit_code != 0


def test_the_first_admin_is_recorded_as_made_on_the_command_line(app, runner):
    result = _create(runner)
    assert result.exit_code == 0, result.output
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry))
        assert (entry.action, entry.actor_id, entry.actor_email) == ("create", None, "command line")
        assert entry.after["role"] == "admin" and entry.after["email"] == "root@khoi.vn"
