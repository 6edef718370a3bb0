"""The texts of emails (templates/emails/), rendered in the recipient's language.

Emails are written by jobs and commands as well as during requests, so they are
not rendered like web pages: they have a Jinja environment of their own that
knows what an email uses (translations, local times, tracking codes, labels,
absolute links and the settings) and nothing of a request or a signed-in user.
"""
from __future__ import annotations

from flask import Flask, current_app
from flask_babel import force_locale, get_translations
from jinja2 import Environment

from app.cases import labels
from app.core.links import external_url
from app.core.timeutil import local_datetime
from app.deadlines.sla import due_text
from app.intake.tracking import format_tracking_code

_ENVIRONMENT = "lang_nghe.emails"


def _environment(app: Flask) -> Environment:
    """The app's email environment, made on first use and kept with the app."""
    env = app.extensions.get(_ENVIRONMENT)
    if env is None:
        env = Environment(
            loader=app.jinja_loader,
            autoescape=False,  # plain text
            auto_reload=app.jinja_env.auto_reload,
            extensions=["jinja2.ext.i18n"],
        )
        env.install_gettext_callables(
            gettext=lambda s: get_translations().ugettext(s),
            ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
            pgettext=lambda c, s: get_translations().upgettext(c, s),
            newstyle=True,
        )
        env.filters.update(local_datetime=local_datetime, tracking=format_tracking_code,
                           due_text=due_text)
        env.globals.update(labels=labels, external_url=external_url, config=app.config)
        app.extensions[_ENVIRONMENT] = env
    return env


def render_email(template: str, locale: str, **context) -> tuple[str, str]:
    """The subject (one line) and the body of the email ``template``, in ``locale``."""
    env = _environment(current_app)
    with force_locale(locale):
        subject = env.get_template(f"emails/{template}.subject.txt").render(**context)
        body = env.get_template(f"emails/{template}.txt").render(**context)
    return subject.strip(), body
