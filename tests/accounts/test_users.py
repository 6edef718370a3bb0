"""Accounts as administrators manage them."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts import password_links, users
from app.core.errors import IllegalMove, InvalidInput
from app.models import AuditEntry, PasswordToken, User
from tests.factories import EMAILS, MONDAY_9AM, PASSWORD


@pytest.fixture
def admin(db, world) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))


def _by_email(db, email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_a_new_account_has_no_known_password_until_its_link_is_used(db, world, admin):
    link = users.create_user(users.AccountDetails("Mai@Thue.gov.vn", "Mai", "officer", world.thue),
                             admin, MONDAY_9AM)
    assert link.emailed is False and link.token
    user = link.user
    assert user.email == "mai@thue.gov.vn" and not user.check_password("")
    password_links.redeem(link.token, "the river is wide today", MONDAY_9AM)
    assert user.check_password("the river is wide today")
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["create", "invite_link", "password_set_invite"]


@pytest.mark.parametrize(("details", "field"), [
    (users.AccountDetails("bad", "Tên", "operator"), "email"),
    (users.AccountDetails(EMAILS["operator"], "Tên", "operator"), "email"),
    (users.AccountDetails("x@test.vn", " ", "operator"), "name"),
    (users.AccountDetails("x@test.vn", "Tên", "superuser"), "role"),
    (users.AccountDetails("x@test.vn", "Tên", "officer", None), "unit_id"),
    (users.AccountDetails("x@test.vn", "Tên", "unit_head", 999), "unit_id"),
])
def test_bad_account_details(db, world, admin, details, field):
    with pytest.raises(InvalidInput) as err:
        users.create_user(details, admin, MONDAY_9AM)
    assert err.value.field == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize(("email", "name", "password", "field"), [
    ("bad", "Tên", "a-long-password-1", "email"),
    (EMAILS["operator"].upper(), "Tên", "a-long-password-1", "email"),
    ("x@test.vn", " ", "a-long-password-1", "name"),
    ("x@test.vn", "T" * 121, "a-long-password-1", "name"),
    ("x@test.vn", "Tên", "short", "password"),
    ("x@test.vn", "Tên", "X@test.vn", "password"),
])
def test_an_admin_made_on_the_command_line_follows_the_console_rules(db, world, email, name,
                                                                     password, field):
    with pytest.raises(InvalidInput) as err:
        users.create_admin(email, name, password, MONDAY_9AM)
    assert err.value.field == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_an_admin_made_on_the_command_line_is_audited_without_an_actor(db, world):
    user = users.create_admin(" Root@Test.VN ", " Quản trị ", "a-long-password-1", MONDAY_9AM)
    assert (user.email, user.name, user.role) == ("root@test.vn", "Quản trị", "admin")
    assert user.check_password("a-long-password-1")
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.entity_id) == ("create", None, user.id)
    assert entry.after == {"email": "root@test.vn", "name": "Quản trị", "role": "admin",
                           "active": True, "unit": None}


def test_deactivation_ends_sessions_and_voids_links(db, world, admin):
    officer = _by_email(db, EMAILS["officer_thue"])
    users.reset_password(officer, admin, MONDAY_9AM)
    session_token = officer.session_token
    users.set_user_active(officer, False, admin, MONDAY_9AM)
    assert not officer.active and officer.session_token != session_token
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordToken)) == 0
    with pytest.raises(IllegalMove):
        users.reset_password(officer, admin, MONDAY_9AM)
    assert officer.check_password(PASSWORD)  # reactivating gives the account back as it was


def test_an_admin_keeps_their_own_access(db, world, admin):
    with pytest.raises(IllegalMove):
        users.set_user_active(admin, False, admin, MONDAY_9AM)
    with pytest.raises(InvalidInput) as err:
        users.update_user(admin, users.AccountDetails(admin.email, admin.name, "committee"), admin,
                          MONDAY_9AM)
    assert err.value.field == "role"
    other = users.create_user(users.AccountDetails("boss@test.vn", "Boss", "admin"), admin, MONDAY_9AM)
    users.update_user(other.user, users.AccountDetails("boss@test.vn", "Boss", "committee"), admin,
                      MONDAY_9AM)
    assert other.user.role == "committee"


def test_the_list_filters_and_loads_units_with_the_accounts(db, world):
    page = users.search_users(users.AccountFilter(role="officer"), 1, 50)
    assert {u.email for u in page.items} == {EMAILS["officer_thue"], EMAILS["officer_bhxh"]}
    page = users.search_users(users.AccountFilter(text="BHXH"), 1, 50)
    assert [u.email for u in page.items] == [EMAILS["officer_bhxh"]]
    page = users.search_users(users.AccountFilter(text="%"), 1, 50)
    assert page.items == []
