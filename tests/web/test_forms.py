"""app/web/forms.py: a refusal of the domain shown next to the field it names."""
from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField

from app.core.errors import IllegalMove, InvalidInput
from app.web.forms import show_on_form


class _Form(FlaskForm):
    title = StringField()
    description = StringField()


@pytest.fixture
def form(app):
    with app.test_request_context("/"):
        yield _Form(meta={"csrf": False})


def test_the_message_goes_next_to_the_field_the_error_names(form):
    placed = show_on_form(form, InvalidInput("Too long.", "description"), "title")
    assert placed == "description"
    assert form.description.errors == ["Too long."] and not form.title.errors


@pytest.mark.parametrize("field", [None, "", "no_such_field"])
def test_without_a_field_of_the_form_the_message_goes_next_to_the_fallback(form, field):
    assert show_on_form(form, InvalidInput("Refused.", field), "title") == "title"
    assert form.title.errors == ["Refused."] and not form.description.errors


def test_without_either_field_nothing_is_placed_and_the_caller_is_told(form):
    assert show_on_form(form, IllegalMove("Already routed.")) is None
    assert show_on_form(form, IllegalMove("Already routed."), "no_such_field") is None
    assert form.errors == {}


def test_messages_add_up_with_the_form_s_own_errors(form):
    form.process(data={"title": ""})
    form.title.errors = ["Required."]
    show_on_form(form, InvalidInput("Also this.", "title"))
    assert form.title.errors == ["Required.", "Also this."]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_app_takes_its_messages_from_the_apps_catalog(app):
    """WTForms has no Vietnamese: a form not built on the app's bases would answer in English."""
    import wtforms

    from app.web.forms import Form, QueryForm

    forms = {cls for cls in _subclasses(wtforms.Form) if cls.__module__.startswith("app.")}
    assert len(forms) > 25
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, (Form, QueryForm))] == []


def test_a_too_long_description_is_refused_in_vietnamese_on_the_vietnamese_form(client, world):
    from tests.conftest import csrf_token

    response = client.post("/feedback/new", data={
        "csrf_token": csrf_token(client, "/feedback/new"), "category": world.tax,
        "title": "Đèn đường hư", "description": "x" * 4001})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Field cannot be longer" not in page
    assert "không được dài quá 4000 ký tự" in page


def test_the_english_form_keeps_wtforms_english(client, world):
    from tests.conftest import csrf_token

    response = client.post("/feedback/new?lang=en", data={
        "csrf_token": csrf_token(client, "/feedback/new?lang=en"), "category": world.tax,
        "title": "Street light", "description": "x" * 4001})
    assert "Field cannot be longer than 4000 characters." in response.get_data(as_text=True)
