"""Helpers for the admin console's web tests: a signed-in admin and form posts with CSRF."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry
from tests.conftest import csrf_token
from tests.factories import EMAILS

HTMX = {"HX-Request": "true"}


class AdminClient:
    """The test client signed in as the world's administrator."""

    def __init__(self, client):
        self.client = client
        self.token = csrf_token(client, "/admin")

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, data=None, htmx=False, **kwargs):
        data = {"csrf_token": self.token, **(data or {})}
        headers = HTMX if htmx else None
        return self.client.post(path, data=data, headers=headers, **kwargs)


@pytest.fixture
def admin(client, auth, world) -> AdminClient:
    response = auth.login(EMAILS["admin"])
    assert response.status_code == 303
    return AdminClient(client)


def audit_entries(app, entity_type: str | None = None) -> list[AuditEntry]:
    """Every audit entry (of one kind), oldest first, detached from the session."""
    with app.app_context():
        stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
        if entity_type:
            stmt = stmt.where(AuditEntry.entity_type == entity_type)
        entries = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return entries
