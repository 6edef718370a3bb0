"""The admin console's front page and the audit log."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_babel import gettext as _

from app.core import audit
from app.extensions import db
from app.models import Category, Unit, User
from app.web.admin import labels
from app.web.admin.blueprint import bp
from app.web.admin.common import optional_url
from app.web.admin.forms import AuditFilterForm
from app.web.htmx import render_page_or_partial
from app.web.input import page_number


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
        filters, page=page_number(),
        per_page=current_app.config["ADMIN_PER_PAGE"],
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_page_or_partial("admin/audit.html", "admin/_audit_results.html",
                                  200 if valid else 422, form=form, page=page, args=args)

