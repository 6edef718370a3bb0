"""The admin console's front page and the audit log."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_babel import gettext as _

from app.core import audit
from app.extensions import db
from app.models import AuditEntry, Category, Unit, User
from app.web.admin import labels
from app.web.admin.blueprint import bp
from app.web.admin.common import is_htmx, optional_url
from app.web.admin.forms import AuditFilterForm


@bp.app_template_global()
def audit_label(kind: str, key: str | None) -> str:
    """Translated names for audit entries: kind is "entity", "action", "field" or "calendar"."""
    table = {"entity": labels.ENTITY, "action": labels.ACTION, "field": labels.FIELD,
             "calendar": labels.CALENDAR_KIND}[kind]
    return labels.label(table, key)


@dataclass(frozen=True)
class FieldChange:
    """One line of an audit entry: a field, and its value before and/or after."""

    field: str
    before: str | None
    after: str | None


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


@bp.app_template_global()
def audit_changes(entry: AuditEntry) -> list[FieldChange]:
    """The fields an entry records, with before and after values as text."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(after) + [key for key in before if key not in after]
    return [
        FieldChange(
            labels.label(labels.FIELD, key),
            _shown(before.get(key)) if key in before else None,
            _shown(after.get(key)) if key in after else None,
        )
        for key in keys
    ]


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@bp.get("")
def index():
    """What an administrator can configure, with the latest changes."""
    recent = audit.search(audit.AuditFilter(), page=1, per_page=10).items
    counts = {"units": _count(Unit), "users": _count(User), "categories": _count(Category)}
    return render_template(
        "admin/index.html",
        counts=counts,
        recent=recent,
        api_keys_url=optional_url("admin.api_keys"),
    )


@bp.get("/audit")
def audit_log():
    """Every configuration change, newest first, filtered by admin, kind and dates."""
    form = AuditFilterForm(request.args)
    form.actor.choices = [(0, _("Anyone"))] + [(u.id, u.email) for u in audit.actors()]
    form.entity.choices = [("", _("Any kind"))] + [
        (kind, labels.label(labels.ENTITY, kind)) for kind in audit.entity_types()
    ]
    valid = form.validate()
    filters = audit.AuditFilter()
    if valid:
        filters = audit.AuditFilter(
            actor_id=form.actor.data or None,
            entity_type=form.entity.data or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    page = audit.search(
        filters, page=request.args.get("page", 1, type=int),
        per_page=current_app.config["ADMIN_PER_PAGE"],
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    template = "admin/_audit_results.html" if is_htmx() else "admin/audit.html"
    return render_template(template, form=form, page=page, args=args), 200 if valid else 422

