"""The hotline desk and the triage queue through the test client."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseEvent, CaseStatus, Category, EventKind, Unit
from tests.conftest import csrf_token
from tests.factories import EMAILS, make_case


def _desk_form(client, **fields):
    page = client.get("/hotline/new").get_data(as_text=True)
    data = {
        "csrf_token": re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1),
        "submission_token": re.search(r'name="submission_token" type="hidden" value="([^"]+)"',
                                      page).group(1),
        "caller_phone": "090 123 4567", "caller_name": "Lê Văn Cường",
        "category_search": "thue", "description": "Chưa nhận được hoàn thuế TNCN năm 2025.",
        "ward": "Phường Sài Gòn", "channel": "hotline", "priority": "normal", "locale": "vi",
        "contact_consent": "y",
    }
    data.update(fields)
    return data


def _cases(app) -> list[Case]:
    with app.app_context():
        cases = db.session.scalars(sa.select(Case).order_by(Case.id)).all()
        for case in cases:
            db.session.expunge(case)
        return cases


@pytest.mark.parametrize("key", ["officer_thue", "committee", "head_thue"])
def test_only_operators_use_the_desk_and_triage(client, auth, world, key):
    auth.login(EMAILS[key])
    for path in ("/hotline/new", "/hotline/triage", "/hotline/earlier", "/hotline/categories",
                 "/hotline/questions"):
        assert client.get(path).status_code == 403, path


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    assert client.get("/hotline/new").status_code == 302


def test_the_desk_starts_on_the_phone_field_and_offers_the_channels(client, auth, world):
    auth.login(EMAILS["operator"])
    page = client.get("/hotline/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*autofocus[^>]*id="caller_phone"', page)
    assert 'hx-get="/hotline/earlier"' in page and 'hx-get="/hotline/categories"' in page
    for channel in ("hotline", "walk_in", "email"):
        assert f'value="{channel}"' in page
    assert 'href="/hotline/new"' in page  # the nav item for operators
    # Enter never links a call: the form's first submit button saves a new case...
    form = page[page.index('<form method="post" action="/hotline/new"'):]
    first_button = re.search(r'<button[^>]*type="submit"[^>]*>', form).group(0)
    assert "formaction" not in first_button and 'name="submit"' in first_button
    # ...while the earlier cases (their "add this call" buttons) follow the phone field.
    assert form.index('id="caller_phone"') < form.index('id="earlier"') < form.index('id="caller_name"')


def test_typing_thue_finds_thue_and_chooses_it(client, auth, world):
    auth.login(EMAILS["operator"])
    found = client.get("/hotline/categories", query_string={"category_search": "thue"})
    text = found.get_data(as_text=True)
    assert re.findall(r'<label for="category-\d+">([^<]+)</label>', text) == ["Thuế"]
    assert re.search(rf'value="{world.tax}" checked', text)
    several = client.get("/hotline/categories", query_string={"category_search": "h"})
    assert " checked" not in several.get_data(as_text=True)


def test_a_call_is_saved_and_its_codes_shown_once(app, client, auth, world):
    auth.login(EMAILS["operator"])
    response = client.post("/hotline/new", data=_desk_form(client, channel="walk_in",
                                                           priority="urgent", title=""))
    assert response.status_code == 303 and response.headers["Location"] == "/hotline/new"
    [case] = _cases(app)
    assert (case.channel, case.priority, case.category_id) == ("walk_in", "urgent", world.tax)
    assert case.citizen_phone == "+84901234567" and case.contact_consent is True
    assert case.title == "Chưa nhận được hoàn thuế TNCN năm 2025."
    assert case.status == CaseStatus.ASSIGNED
    page = client.get("/hotline/new").get_data(as_text=True)
    assert f'id="saved-reference">{case.reference}<' in page
    code = case.tracking_code
    assert f'id="saved-code">{code[:4]}-{code[4:8]}-{code[8:]}<' in page
    # Ready for the next call: an empty form with the phone field focused.
    assert re.search(r'<input[^>]*autofocus[^>]*id="caller_phone"[^>]*value=""', page)
    assert "saved-code" not in client.get("/hotline/new").get_data(as_text=True)


def test_the_same_call_saved_twice_is_one_case(app, client, auth, world):
    auth.login(EMAILS["operator"])
    data = _desk_form(client)
    assert client.post("/hotline/new", data=data).status_code == 303
    assert client.post("/hotline/new", data=data).status_code == 303
    assert len(_cases(app)) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"caller_phone": "12"}, "caller_phone"),
        ({"category_search": "zzz"}, "category_search"),
        ({"category_search": ""}, "category_search"),
        ({"description": ""}, "description"),
        ({"caller_email": "x@"}, "caller_email"),
        ({"notify_email": "y"}, "notify_email"),
    ],
)
def test_bad_input_comes_back_422_next_to_its_field(app, client, auth, world, fields, field):
    auth.login(EMAILS["operator"])
    response = client.post("/hotline/new", data=_desk_form(client, **fields))
    assert response.status_code == 422
    errors = re.findall(r'<p class="error" id="([\w-]+)-error">', response.get_data(as_text=True))
    assert field in errors
    assert _cases(app) == []


def test_earlier_cases_appear_for_a_full_number_only(app, client, auth, world):
    with app.app_context():
        earlier = make_case(db.session.get(Category, world.tax), "Hỏi về hoàn thuế",
                            citizen_phone="0901234567")
        db.session.commit()
        reference = earlier.reference
    auth.login(EMAILS["operator"])
    partial = client.get("/hotline/earlier", query_string={"caller_phone": "0901"})
    assert reference not in partial.get_data(as_text=True)
    full = client.get("/hotline/earlier", query_string={"caller_phone": "+84 901 234 567"})
    text = full.get_data(as_text=True)
    assert reference in text and "Hỏi về hoàn thuế" in text
    assert f'formaction="/hotline/link/{reference}"' in text


def test_a_call_can_be_added_to_the_earlier_case_instead(app, client, auth, world):
    with app.app_context():
        earlier = make_case(db.session.get(Category, world.tax), citizen_phone="0901234567")
        db.session.commit()
        reference, case_id = earlier.reference, earlier.id
    auth.login(EMAILS["operator"])
    data = _desk_form(client, description="Gọi lại hỏi tiến độ.")
    response = client.post(f"/hotline/link/{reference}", data=data)
    assert response.status_code == 303
    assert len(_cases(app)) == 1
    with app.app_context():
        event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case_id)
                                  .order_by(CaseEvent.id.desc()))
        assert (event.kind, event.body) == (EventKind.CITIZEN_MESSAGE, "Gọi lại hỏi tiến độ.")
    assert f"Đã ghi cuộc gọi vào vụ việc {reference}." in client.get("/hotline/new").get_data(
        as_text=True)
    empty = client.post(f"/hotline/link/{reference}", data=_desk_form(client, description=""))
    assert empty.status_code == 422


def test_a_call_is_not_added_to_a_case_of_another_caller(app, client, auth, world):
    """The operator cannot open this case: it is not found, and no message reaches its
    public tracking page, whatever the form says."""
    with app.app_context():
        other = make_case(db.session.get(Category, world.tax), citizen_phone="0909999999")
        db.session.commit()
        reference, case_id, code = other.reference, other.id, other.tracking_code
    auth.login(EMAILS["operator"])
    assert client.get(f"/cases/{reference}").status_code == 404
    for fields in ({}, {"caller_phone": ""}, {"caller_phone": "0901"}):
        data = _desk_form(client, description="Tin nhắn giả mạo.", **fields)
        assert client.post(f"/hotline/link/{reference}", data=data).status_code == 404
    with app.app_context():
        kinds = db.session.scalars(sa.select(CaseEvent.kind).where(CaseEvent.case_id == case_id))
        assert EventKind.CITIZEN_MESSAGE not in list(kinds)
    assert "Tin nhắn giả mạo." not in client.get(f"/track/{code}").get_data(as_text=True)


def test_triage_lists_waiting_cases_and_routes_one_in_place(app, client, auth, world):
    with app.app_context():
        waiting = make_case(db.session.get(Category, world.other), "Đèn đường hư",
                            citizen_phone="0901234567")
        make_case(db.session.get(Category, world.tax), "Đã có đơn vị")
        db.session.commit()
        reference, case_id = waiting.reference, waiting.id
        bhxh = db.session.scalar(sa.select(Unit.id).where(Unit.code == "BHXH"))
    auth.login(EMAILS["operator"])
    page = client.get("/hotline/triage").get_data(as_text=True)
    assert "Đèn đường hư" in page and "Đã có đơn vị" not in page
    assert "+84901234567" not in page and "•••••••••567" in page  # the list masks contacts
    token = csrf_token(client, "/hotline/triage")
    missing = client.post(f"/hotline/triage/{reference}/route",
                          data={"csrf_token": token, f"route-{case_id}-unit": "0"},
                          headers={"HX-Request": "true"})
    assert missing.status_code == 422 and f'id="route-{case_id}-unit-error"' in missing.get_data(
        as_text=True)
    routed = client.post(f"/hotline/triage/{reference}/route",
                         data={"csrf_token": token, f"route-{case_id}-unit": str(bhxh)},
                         headers={"HX-Request": "true"})
    assert routed.status_code == 200
    assert f'<tr id="triage-{case_id}">' in routed.get_data(as_text=True)
    assert "Bảo hiểm Xã hội TP HCM" in routed.get_data(as_text=True)
    again = client.post(f"/hotline/triage/{reference}/route?lang=en",
                        data={"csrf_token": token, f"route-{case_id}-unit": str(bhxh)})
    assert again.status_code == 409
    assert "This case has already been routed." in again.get_data(as_text=True)
    assert "Đèn đường hư" not in client.get("/hotline/triage").get_data(as_text=True)


def test_triage_without_htmx_redirects_after_routing(app, client, auth, world):
    with app.app_context():
        waiting = make_case(db.session.get(Category, world.other))
        db.session.commit()
        reference, case_id = waiting.reference, waiting.id
        thue = db.session.scalar(sa.select(Unit.id).where(Unit.code == "THUE"))
    auth.login(EMAILS["operator"])
    token = csrf_token(client, "/hotline/triage")
    response = client.post(f"/hotline/triage/{reference}/route",
                           data={"csrf_token": token, f"route-{case_id}-unit": str(thue)})
    assert response.status_code == 303 and response.headers["Location"] == "/hotline/triage"


def test_the_desk_offers_the_kinds_and_files_the_one_chosen(app, client, auth, world):
    auth.login(EMAILS["operator"])
    page = client.get("/hotline/new?lang=en").get_data(as_text=True)
    assert re.findall(r'<input[^>]*type="radio"[^>]*value="(\w+)"[^>]*>\s*<div>\s*<label for="kind-',
                      page) == ["phan_anh", "kien_nghi", "khieu_nai", "to_cao", "hoi_dap"]
    assert re.search(r"without the caller(&#39;|')s name is taken as information", page)
    response = client.post("/hotline/new", data=_desk_form(client, kind="kien_nghi"))
    assert response.status_code == 303
    [case] = _cases(app)
    assert case.kind == "kien_nghi"
    saved = client.get("/hotline/new?lang=en").get_data(as_text=True)
    assert 'id="saved-kind">Proposal<' in saved and "saved-taken-as-information" not in saved


def test_a_complaint_without_the_callers_name_is_taken_as_information(app, client, auth, world):
    auth.login(EMAILS["operator"])
    response = client.post("/hotline/new", data=_desk_form(client, kind="khieu_nai", caller_name=""))
    assert response.status_code == 303
    [case] = _cases(app)
    assert (case.kind, case.taken_as_information) == ("phan_anh", True)
    saved = client.get("/hotline/new?lang=en").get_data(as_text=True)
    assert 'id="saved-kind">Feedback<' in saved and 'id="saved-taken-as-information"' in saved


def test_an_unknown_kind_on_the_desk_is_refused_next_to_the_choice(app, client, auth, world):
    auth.login(EMAILS["operator"])
    response = client.post("/hotline/new?lang=en", data=_desk_form(client, kind="khieu-nai"))
    assert response.status_code == 422
    assert '<p class="error" id="kind-error">Choose the kind of case from the list.</p>' in \
        response.get_data(as_text=True)
    assert _cases(app) == []


def test_fields_never_say_none_for_an_attribute_they_do_not_have(app, client, auth, world):
    """aria-invalid and aria-describedby appear only when they apply, never as "None"."""
    auth.login(EMAILS["operator"])
    with app.app_context():
        make_case(db.session.get(Category, world.other))  # waits in triage
        db.session.commit()
    pages = [client.get("/hotline/new"), client.get("/hotline/triage"),
             client.post("/hotline/new", data=_desk_form(client, description=""))]
    assert [page.status_code for page in pages] == [200, 200, 422]
    for page in pages:
        assert '="None"' not in page.get_data(as_text=True)
    assert 'aria-invalid="true"' in pages[2].get_data(as_text=True)


def _tax_questions(app, world):
    from tests.factories import make_question

    with app.app_context():
        tax = db.session.get(Category, world.tax)
        make_question(tax, "MST", "string", 1)
        make_question(tax, "LOAI", "singlevaluelist", 2, required=True, options=("a", "b"))
        db.session.commit()


def test_the_desk_asks_the_chosen_fields_questions(app, client, auth, world):
    _tax_questions(app, world)
    auth.login(EMAILS["operator"])
    # Choosing a field brings its questions in (htmx), and so does a list with one match.
    fragment = client.get(f"/hotline/questions?category={world.tax}&lang=en").get_data(as_text=True)
    assert 'name="attribute[MST]"' in fragment and 'name="attribute[LOAI]"' in fragment
    assert 'name="attribute' not in client.get(
        f"/hotline/questions?category={world.insurance}").get_data(as_text=True)
    assert client.get("/hotline/questions?category=abc").status_code == 200
    listed = client.get("/hotline/categories", query_string={"category_search": "thue"})
    assert re.search(r'id="category-questions"[^>]*hx-swap-oob="true"', listed.get_data(as_text=True))
    assert 'name="attribute[LOAI]"' in listed.get_data(as_text=True)
    several = client.get("/hotline/categories", query_string={"category_search": "h"})
    assert 'name="attribute' not in several.get_data(as_text=True)
    page = client.get("/hotline/new").get_data(as_text=True)
    assert 'hx-get="/hotline/questions"' in page and 'id="category-questions"' in page


def test_without_js_the_questions_come_after_sending_and_a_bad_answer_is_422(
        app, client, auth, world):
    from app.intake.attributes import answers_for

    _tax_questions(app, world)
    auth.login(EMAILS["operator"])
    data = _desk_form(client, category=str(world.tax))
    missing = client.post("/hotline/new?lang=en", data=data)
    assert missing.status_code == 422
    text = missing.get_data(as_text=True)
    assert 'name="attribute[MST]"' in text
    assert '<p class="error" id="attribute-LOAI-error">Answer this question.</p>' in text
    assert not _cases(app)
    bad = client.post("/hotline/new?lang=en", data={**data, "attribute[MST]": "0312345678",
                                                    "attribute[LOAI]": "zzz"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert '<p class="error" id="attribute-LOAI-error">Choose among the listed values.</p>' in text
    assert 'value="0312345678"' in text  # the answer given is kept
    # A field's own error and a question's error show together.
    both = client.post("/hotline/new?lang=en", data={**data, "description": ""})
    assert both.status_code == 422 and 'id="attribute-LOAI-error"' in both.get_data(as_text=True)

    sent = client.post("/hotline/new", data={**data, "attribute[MST]": "0312345678",
                                             "attribute[LOAI]": "b"})
    assert sent.status_code == 303
    [case] = _cases(app)
    with app.app_context():
        case = db.session.get(Case, case.id)
        assert [(q.code, values) for q, values in answers_for(case, "en")] == [
            ("MST", ["0312345678"]), ("LOAI", ["Value b"])]


def test_a_date_question_says_how_to_type_the_date(app, client, auth, world):
    from tests.factories import make_question

    with app.app_context():
        make_question(db.session.get(Category, world.tax), "NGAY", "datetime", 1)
        db.session.commit()
    auth.login(EMAILS["operator"])
    text = client.get(f"/hotline/questions?category={world.tax}&lang=en").get_data(as_text=True)
    assert re.search(r'<p class="hint" id="attribute-NGAY-hint">Day/month/year, e\.g\. 02/03/2026',
                     text)
    assert 'aria-describedby="attribute-NGAY-hint"' in text
    data = _desk_form(client, category=str(world.tax), **{"attribute[NGAY]": "02/03/2026 09:30"})
    assert client.post("/hotline/new", data=data).status_code == 303
