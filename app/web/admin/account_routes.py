"""Staff accounts: list, create (with an invitation link), edit, deactivate, reset password.

A one-time link is shown to the administrator in the response to the POST that
made it, and nowhere else: it is not stored (only its hash is) and not put in
the session, so that page is deliberately not a redirect. When mail is
configured the link goes by email instead and is not shown.
"""
from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts import users
from app.cases import labels as code_labels
from app.core.errors import DomainError
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Role, User
from app.web.admin.blueprint import bp
from app.web.admin.common import (
    acting_admin,
    confirmation_page,
    confirmed,
    done,
    unit_id_or_none,
    unit_options,
)
from app.web.admin.forms import AccountFilterForm, AccountForm, NewAccountForm
from app.web.forms import show_on_form
from app.web.htmx import is_htmx, render_page_or_partial
from app.web.input import page_number


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, str(code_labels.ROLE[role])) for role in Role]


def _prepare(form: AccountForm) -> AccountForm:
    form.role.choices = _role_choices()
    form.unit_id.choices = unit_options(_("— No unit —"))
    return form


def _details(form: AccountForm) -> users.AccountDetails:
    return users.AccountDetails(
        email=form.email.data, name=form.name.data, role=form.role.data,
        unit_id=unit_id_or_none(form.unit_id.data),
    )


def _filters() -> tuple[AccountFilterForm, users.AccountFilter]:
    form = AccountFilterForm(request.args)
    form.role.choices = [("", _("Any role"))] + _role_choices()
    form.unit.choices = unit_options(_("Any unit"), include_inactive=True)
    form.validate()
    return form, users.AccountFilter(
        role=form.role.data or None, unit_id=unit_id_or_none(form.unit.data),
        text=form.q.data or "",
    )


def _page(form: NewAccountForm, status: int = 200):
    filter_form, filters = _filters()
    page = users.search_users(
        filters, page=page_number(),
        per_page=current_app.config["ADMIN_PER_PAGE"],
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "admin/users.html", form=form, filter_form=filter_form, page=page, args=args
    ), status


def _link_page(link: users.PasswordLink, message: str):
    """The one-time link (or word that it was emailed), answered to the POST that made it."""
    url = url_for("auth.set_password", token=link.token, _external=True) if link.token else None
    return render_page_or_partial("admin/password_link.html", "admin/_password_link.html",
                                  user=link.user, url=url, emailed=link.emailed, message=message)


@bp.get("/users")
def users_page():
    """Every account, filtered by role, unit or name, with a form to create one."""
    return _page(_prepare(NewAccountForm(prefix="new", formdata=None)))


@bp.post("/users")
def create_user():
    """Create an account and its invitation link."""
    form = _prepare(NewAccountForm(prefix="new"))
    if form.validate_on_submit():
        try:
            link = users.create_user(_details(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "email")
        else:
            db.session.commit()
            return _link_page(link, _("Account %(email)s created.", email=link.user.email))
    return _page(form, 422)


def _edit_form(user: User, from_request: bool = True) -> AccountForm:
    if from_request:
        return _prepare(AccountForm(prefix=f"user{user.id}"))
    form = _prepare(AccountForm(prefix=f"user{user.id}", formdata=None, obj=user))
    form.unit_id.data = user.unit_id or 0
    return form


@bp.get("/users/<int:user_id>/edit")
def edit_user(user_id: int):
    """An account's row as a form (in place with htmx, else a page of its own)."""
    user = db.get_or_404(User, user_id)
    return render_page_or_partial("admin/user_edit.html", "admin/_user_edit.html",
                                  user=user, form=_edit_form(user, from_request=False))


@bp.get("/users/<int:user_id>/row")
def user_row(user_id: int):
    """An account's row as listed (htmx uses it to cancel an edit)."""
    return render_template("admin/_user_row.html", user=db.get_or_404(User, user_id))


@bp.post("/users/<int:user_id>")
def update_user(user_id: int):
    """Save an account's email, name, role and unit."""
    user = db.get_or_404(User, user_id)
    form = _edit_form(user)
    if form.validate_on_submit():
        try:
            users.update_user(user, _details(form), acting_admin(), utcnow())
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err, "email")
        else:
            db.session.commit()
            message = _("Account %(email)s saved.", email=user.email)
            if is_htmx():
                return render_template("admin/_user_row.html", user=user, notice=message)
            return done(message, "admin.users_page")
    return render_page_or_partial("admin/user_edit.html", "admin/_user_edit.html", 422,
                                  user=user, form=form)


def _set_active(user_id: int, active: bool, message: str):
    user = db.get_or_404(User, user_id)
    users.set_user_active(user, active, acting_admin(), utcnow())
    db.session.commit()
    if is_htmx():
        return render_template("admin/_user_row.html", user=user, notice=message)
    return done(message, "admin.users_page")


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int):
    """Deactivate an account, once the admin confirmed it: it cannot sign in and its
    sessions end at once."""
    if not confirmed():
        user = db.get_or_404(User, user_id)
        return confirmation_page(
            _("Deactivate the account of %(name)s?", name=user.name),
            _("%(email)s will be signed out at once and can no longer sign in. Its cases and "
              "their history stay; it can be reactivated.", email=user.email),
            url_for("admin.deactivate_user", user_id=user_id), url_for("admin.users_page"))
    return _set_active(user_id, False, _("Account deactivated. Its sessions have ended."))


@bp.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id: int):
    """Let a deactivated account sign in again."""
    return _set_active(user_id, True, _("Account reactivated."))


@bp.post("/users/<int:user_id>/reset-password")
def reset_password(user_id: int):
    """Make a one-time link to set a new password (shown once, or emailed)."""
    user = db.get_or_404(User, user_id)
    link = users.reset_password(user, acting_admin(), utcnow())
    db.session.commit()
    return _link_page(link, _("Password reset link made for %(email)s.", email=user.email))
