"""The citizen's form: photos, privacy choices, the honeypot, one case per form, limits."""
from __future__ import annotations

import io
import re
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import TestingConfig
from app.extensions import db
from app.models import Attachment, Case, Category, Notification
from tests import uploads
from tests.conftest import redis_url_or_skip


def _page_token(client) -> tuple[str, str]:
    page = client.get("/feedback/new").get_data(as_text=True)
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    one_time = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)
    return csrf, one_time


def _form(client, world, **fields):
    csrf, one_time = _page_token(client)
    data = {"csrf_token": csrf, "submission_token": one_time, "category": world.tax,
            "title": "Cống nghẹt", "description": "Nước tràn lên đường.",
            "ward": "Phường Sài Gòn"}
    data.update(fields)
    return data


def _count(app, model=Case) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _errors(response) -> list[str]:
    return re.findall(r'<p class="error" id="([\w-]+)-error">', response.get_data(as_text=True))


def test_the_form_offers_files_updates_consent_and_a_hidden_trap(client, world):
    text = client.get("/feedback/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in text
    assert re.search(r'<input[^>]*accept="image/jpeg,image/png,image/webp,application/pdf[^"]*"'
                     r'[^>]*id="attachments"[^>]*multiple', text)
    for name in ("notify_email", "contact_consent", "public_consent", "website"):
        assert f'for="{name}"' in text, name
    assert re.search(r'<div class="trap">\s*<label for="website">Không điền vào ô này</label>', text)
    assert re.search(r'<input[^>]*autocomplete="off"[^>]*id="website"[^>]*tabindex="-1"', text)


def test_a_photo_is_stored_without_its_gps_and_served_only_with_the_code(app, client, world):
    photo = uploads.jpeg_with_gps()
    data = _form(client, world, attachments=[(io.BytesIO(photo), "ảnh ngập.jpg"),
                                             (io.BytesIO(uploads.PDF), "đơn.pdf")])
    response = client.post("/feedback/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    links = re.findall(r'href="(/track/[2-9A-Z]{12}/files/\d+)">([^<]+)</a>', page)
    assert [name for _, name in links] == ["ảnh ngập.jpg", "đơn.pdf"]

    served = client.get(links[0][0])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert served.data != photo
    assert uploads.exif_of(served.data) == {}
    assert b"Test Camera" not in served.data

    pdf = client.get(links[1][0])
    assert pdf.data == uploads.PDF and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%C4%91%C6%A1n.pdf" in pdf.headers["Content-Disposition"]

    # Another case's code does not open this file.
    other = client.post("/feedback/new", data=_form(client, world), content_type="multipart/form-data")
    other_code = other.headers["Location"].rsplit("/", 1)[1]
    file_id = links[0][0].rsplit("/", 1)[1]
    assert client.get(f"/track/{other_code}/files/{file_id}").status_code == 404


@pytest.mark.parametrize("payload", [uploads.PHP_AS_JPG, uploads.HTML_AS_JPG])
def test_a_script_named_jpg_is_refused_next_to_the_field(app, client, world, payload):
    data = _form(client, world, attachments=[(io.BytesIO(payload), "anh.jpg")])
    response = client.post("/feedback/new?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert _errors(response) == ["attachments"]
    assert "“anh.jpg” is not a photo" in response.get_data(as_text=True)
    assert "Cống nghẹt" in response.get_data(as_text=True)  # what was typed is kept
    assert _count(app) == 0 and _count(app, Attachment) == 0


def test_a_file_over_the_limit_is_answered_413_with_the_form_kept(app, client, world):
    app.config["ATTACHMENT_MAX_BYTES"] = 2000
    data = _form(client, world, attachments=[(io.BytesIO(uploads.PDF + b"0" * 3000), "to.pdf")])
    response = client.post("/feedback/new?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert _errors(response) == ["attachments"] and "larger than" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_a_request_over_max_content_length_keeps_what_was_typed(app, client, world):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    data = _form(client, world, citizen_email="an@example.vn",
                 description="Nước tràn lên đường Lê Lợi.",
                 attachments=[(io.BytesIO(b"%PDF-" + b"0" * 60_000), "big.pdf")])
    response = client.post("/feedback/new?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert _errors(response) == ["attachments"]
    assert "none were received" in page
    assert 'value="Cống nghẹt"' in page and "Nước tràn lên đường Lê Lợi." in page
    assert 'value="an@example.vn"' in page
    assert _count(app) == 0
    # The same form, sent again without the file, is accepted: its tokens are still good.
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)
    data.update(submission_token=token)
    data.pop("attachments")
    again = client.post("/feedback/new?lang=en", data=data, content_type="multipart/form-data")
    assert again.status_code == 303 and _count(app) == 1


def test_a_form_with_errors_says_which_files_must_be_chosen_again(app, client, world):
    data = _form(client, world, title="",
                 attachments=[(io.BytesIO(uploads.PDF), "don.pdf")])
    response = client.post("/feedback/new?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "choose them again" in page and "don.pdf" in page
    assert re.search(r'<div[^>]*data-error-summary[^>]*autofocus|autofocus[^>]*data-error-summary', page)


def test_the_413_handler_reads_the_whole_body_so_the_connection_survives(app, world):
    """Called as a WSGI server would: the unread body must be consumed, not left on the socket."""
    app.config.update(MAX_CONTENT_LENGTH=20_000, WTF_CSRF_ENABLED=False)
    body = b"--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + b"x" * 50_000 + b"\r\n--b--\r\n"
    stream = io.BytesIO(body)
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/feedback/new", "SERVER_NAME": "localhost",
        "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": stream,
        "CONTENT_TYPE": "multipart/form-data; boundary=b", "CONTENT_LENGTH": str(len(body)),
    }
    status = []
    b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("413")
    assert stream.tell() == len(body)


def test_notify_me_needs_an_email_and_is_refused_when_anonymous(app, client, world):
    response = client.post("/feedback/new?lang=en",
                           data=_form(client, world, notify_email="y", citizen_phone="0901234567"))
    assert response.status_code == 422 and _errors(response) == ["notify_email"]
    assert "Give your email address" in response.get_data(as_text=True)
    anonymous = client.post("/feedback/new", data=_form(client, world, notify_email="y",
                                                        anonymous="y", citizen_email="a@b.vn"))
    assert anonymous.status_code == 422 and _errors(anonymous) == ["notify_email"]
    assert _count(app) == 0


def test_bad_phone_and_email_are_refused_next_to_their_fields(app, client, world):
    response = client.post("/feedback/new", data=_form(client, world, citizen_phone="0123",
                                                       citizen_email="an@"))
    assert response.status_code == 422
    assert _errors(response) == ["citizen_phone", "citizen_email"]


def test_asking_for_updates_records_it_and_queues_the_receipt(app, client, world):
    response = client.post("/feedback/new?lang=en", data=_form(
        client, world, citizen_email="an@example.vn", notify_email="y", public_consent="y"))
    assert response.status_code == 303
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        note = db.session.scalar(sa.select(Notification).where(Notification.kind == "case_received"))
        assert (case.notify_email, case.public_consent, case.contact_consent) == (True, True, False)
        assert (note.recipient, note.locale, note.kind) == ("an@example.vn", "en", "case_received")


def test_a_filled_honeypot_makes_no_case(app, client, world):
    response = client.post("/feedback/new", data=_form(client, world, website="http://spam.example"))
    assert response.status_code == 422
    assert "website" in _errors(response)
    assert _count(app) == 0


def test_a_double_click_makes_one_case_and_both_answers_go_to_it(app, client, world):
    data = _form(client, world)
    first = client.post("/feedback/new", data=data)
    second = client.post("/feedback/new", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(app) == 1
    # A fresh form is a fresh case.
    assert client.post("/feedback/new", data=_form(client, world)).headers["Location"] != \
        first.headers["Location"]
    assert _count(app) == 2


def test_an_invalid_first_try_then_a_fix_makes_one_case(app, client, world):
    data = _form(client, world, title="")
    assert client.post("/feedback/new", data=data).status_code == 422
    data["title"] = "Cống nghẹt"
    assert client.post("/feedback/new", data=data).status_code == 303
    assert client.post("/feedback/new", data=data).status_code == 303
    assert _count(app) == 1


def _limited_app(tmp_path, database_url, **config):
    return create_app(TestingConfig, instance_path=str(tmp_path / "limited"),
                      SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True, **config)


def test_more_than_the_submission_limit_gets_429(tmp_path, database_url, world):
    app = _limited_app(tmp_path, database_url, SUBMISSIONS_PER_MINUTE=3)
    client = app.test_client()
    codes = [client.post("/feedback/new?lang=en", data=_form(client, world)).status_code
             for _ in range(4)]
    assert codes == [303, 303, 303, 429]
    assert "Too many requests" in client.post(
        "/feedback/new?lang=en", data=_form(client, world)).get_data(as_text=True)
    assert _count(app) == 3


def test_limits_are_shared_through_redis_when_it_is_configured(tmp_path, database_url, world):
    url = redis_url_or_skip()
    config = {"RATELIMIT_STORAGE_URI": url, "SUBMISSIONS_PER_MINUTE": 2}
    # Counters are keyed by client address: one of our own keeps others' counters apart.
    address = ".".join(str(b) for b in uuid.uuid4().bytes[:4])
    one = _limited_app(tmp_path, database_url, **config).test_client()
    two = _limited_app(tmp_path / "2", database_url, **config).test_client()
    for client in (one, two):
        client.environ_base["REMOTE_ADDR"] = address
    assert one.post("/feedback/new", data=_form(one, world)).status_code == 303
    assert two.post("/feedback/new", data=_form(two, world)).status_code == 303
    assert one.post("/feedback/new", data=_form(one, world)).status_code == 429


def test_gunicorn_answers_an_oversized_upload_with_the_413_page_not_a_reset(tmp_path):
    """The production server closes the socket after a 413: the body must have been read."""
    import http.client
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "APP_ENV": "testing", "MAX_CONTENT_LENGTH": str(4 * 1024 * 1024)}
    factory = f"app:create_app(instance_path={str(tmp_path)!r})"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--bind",
         f"127.0.0.1:{port}", factory],
        cwd=Path(__file__).resolve().parents[3], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        body = (b"--b\r\nContent-Disposition: form-data; name=\"attachments\"; "
                b"filename=\"big.jpg\"\r\n\r\n" + b"x" * (15 * 1024 * 1024) + b"\r\n--b--\r\n")
        for _ in range(2):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/feedback/new?lang=en", body=body,
                         headers={"Content-Type": "multipart/form-data; boundary=b"})
            response = conn.getresponse()
            assert response.status == 413
            assert b"What you sent is too large" in response.read()
            conn.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_citizen_downloads_are_named_by_the_detected_type(app, client, world):
    data = _form(client, world, attachments=[(io.BytesIO(uploads.PDF), "evil.html"),
                                             (io.BytesIO(uploads.png()), "hinh.hta")])
    response = client.post("/feedback/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    links = re.findall(r'href="(/track/[2-9A-Z]{12}/files/\d+)">([^<]+)</a>', page)
    assert [name for _, name in links] == ["evil.html", "hinh.hta"]  # shown as sent
    pdf, photo = (client.get(link) for link, _ in links)
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"] == "attachment; filename=evil.pdf"
    assert photo.mimetype == "image/png"
    assert photo.headers["Content-Disposition"] == "inline; filename=hinh.png"


def test_a_picture_whose_header_claims_400_megapixels_gets_a_field_error(app, client, world):
    data = _form(client, world, attachments=[(io.BytesIO(uploads.png_claiming(20000, 20000)),
                                              "bom.png")])
    response = client.post("/feedback/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert _errors(response) == ["attachments"]
    assert "Ảnh “bom.png” quá lớn: tối đa 20 megapixel." in response.get_data(as_text=True)
    assert _count(app) == 0 and _count(app, Attachment) == 0


def _questions(app, world):
    from tests.factories import make_question

    with app.app_context():
        tax = db.session.get(Category, world.tax)
        make_question(tax, "MST", "string", 1)
        make_question(tax, "LOAI", "singlevaluelist", 2, required=True, options=("a", "b"))
        db.session.commit()


def test_the_fields_questions_are_asked_checked_and_kept(app, client, world):
    from app.intake.attributes import answers_for

    _questions(app, world)
    # htmx brings the chosen field's questions in.
    fragment = client.get(f"/feedback/questions?category={world.tax}&lang=en").get_data(as_text=True)
    assert 'name="attribute[MST]"' in fragment and 'name="attribute[LOAI]"' in fragment
    assert 'type="radio"' in fragment and "Value a" in fragment
    assert 'name="attribute' not in client.get(
        f"/feedback/questions?category={world.insurance}").get_data(as_text=True)
    assert 'name="attribute' not in client.get("/feedback/questions?category=abc").get_data(
        as_text=True)
    page = client.get("/feedback/new").get_data(as_text=True)
    assert 'hx-get="/feedback/questions"' in page and 'id="category-questions"' in page

    # A required question left empty: an error next to it, by the rule Open311 uses.
    data = _form(client, world, **{"attribute[MST]": "0312345678"})
    missing = client.post("/feedback/new?lang=en", data=data, content_type="multipart/form-data")
    assert missing.status_code == 422
    text = missing.get_data(as_text=True)
    assert '<p class="error" id="attribute-LOAI-error">Answer this question.</p>' in text
    assert 'value="0312345678"' in text  # the answer given is kept
    assert _count(app) == 0
    bad = client.post("/feedback/new?lang=en", data={**data, "attribute[LOAI]": "zzz"},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "Choose among the listed values." in bad.get_data(as_text=True)

    data = _form(client, world, **{"attribute[MST]": "0312345678", "attribute[LOAI]": "b"})
    sent = client.post("/feedback/new?lang=en", data=data, content_type="multipart/form-data")
    assert sent.status_code == 303
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        assert [(q.code, values) for q, values in answers_for(case, "en")] == [
            ("MST", ["0312345678"]), ("LOAI", ["Value b"])]
