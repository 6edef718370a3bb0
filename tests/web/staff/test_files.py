"""The officer's side on the case page: contact display, files, answer files, duplicates."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from app.cases import signoff
from app.cases.attachments import Upload
from app.core.timeutil import utcnow
from app.extensions import db
from app.intake import submission
from app.intake.submission import Submission
from app.models import Attachment, Case, Category
from tests import uploads
from tests.conftest import csrf_token
from tests.factories import EMAILS, MONDAY_9AM, make_case
from tests.workspace import staff


@pytest.fixture
def tax_case(app, world) -> dict:
    """A tax case with contact details and a citizen's photo."""
    with app.app_context():
        case = submission.submit_case(Submission(
            category=db.session.get(Category, world.tax), title="Ngập nước hẻm 42",
            description="Mưa là ngập sâu, xe máy chết máy.", ward="Phường Sài Gòn",
            citizen_name="Trần Thị Bình", citizen_phone="0901234567",
            citizen_email="binh@example.vn", contact_consent=True,
            attachments=[Upload("hem.jpg", io.BytesIO(uploads.jpeg_with_gps()))]), "web", MONDAY_9AM)
        db.session.commit()
        photo = db.session.scalar(sa.select(Attachment.id))
        return {"reference": case.reference, "photo": photo, "id": case.id}


@pytest.mark.parametrize(
    ("key", "full"),
    [("officer_thue", True), ("head_thue", True), ("committee", True), ("admin", True)],
)
def test_contact_details_in_full_for_the_unit_committee_and_admins(client, auth, tax_case, key, full):
    auth.login(EMAILS[key])
    page = client.get(f"/cases/{tax_case['reference']}").get_data(as_text=True)
    assert ("Trần Thị Bình" in page and "+84901234567" in page and "binh@example.vn" in page) is full


def test_an_operator_sees_a_new_case_with_masked_contact(app, client, auth, world):
    with app.app_context():
        case = make_case(db.session.get(Category, world.other), citizen_name="Lê Văn Cường",
                         citizen_phone="0907654321", citizen_email="cuong@example.vn")
        db.session.commit()
        reference = case.reference
    auth.login(EMAILS["operator"])
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "Lê Văn Cường" not in page and "0907654321" not in page and "cuong@example.vn" not in page
    assert "•••••••••321" in page and "c•••@example.vn" in page


@pytest.mark.parametrize(
    ("key", "status"),
    [("officer_thue", 200), ("committee", 200), ("admin", 200), ("officer_bhxh", 404),
     ("operator", 404)],
)
def test_case_files_are_served_only_to_those_who_may_see_them(client, auth, tax_case, key, status):
    auth.login(EMAILS[key])
    response = client.get(f"/cases/{tax_case['reference']}/attachments/{tax_case['photo']}")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert uploads.exif_of(response.data) == {}


def test_a_file_of_another_case_is_not_served_under_this_reference(app, client, auth, world, tax_case):
    with app.app_context():
        other = make_case(db.session.get(Category, world.tax), "Khác")
        db.session.commit()
        other_ref = other.reference
    auth.login(EMAILS["officer_thue"])
    assert client.get(f"/cases/{other_ref}/attachments/{tax_case['photo']}").status_code == 404
    assert client.get(f"/cases/{tax_case['reference']}/attachments/999").status_code == 404


def test_signed_out_visitors_get_no_file(client, tax_case):
    response = client.get(f"/cases/{tax_case['reference']}/attachments/{tax_case['photo']}")
    assert response.status_code == 302


def test_the_case_page_lists_the_files_and_loads_duplicates_lazily(client, auth, tax_case):
    auth.login(EMAILS["officer_thue"])
    page = client.get(f"/cases/{tax_case['reference']}").get_data(as_text=True)
    assert f'href="/cases/{tax_case["reference"]}/attachments/{tax_case["photo"]}">hem.jpg<' in page
    assert f'hx-get="/cases/{tax_case["reference"]}/duplicates"' in page


def _ack(client, reference):
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    version = re.search(r'name="ack-version" type="hidden" value="(\d+)"', page).group(1)
    token = csrf_token(client, f"/cases/{reference}")
    client.post(f"/cases/{reference}/acknowledge", data={"csrf_token": token, "ack-version": version})


def test_officer_files_are_published_with_the_answer(app, client, auth, tax_case):
    reference = tax_case["reference"]
    auth.login(EMAILS["officer_thue"])
    before = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "answer-files-attachments" not in before  # not before the case is acknowledged
    _ack(client, reference)
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert 'id="answer-files-attachments"' in page
    token = csrf_token(client, f"/cases/{reference}")
    added = client.post(
        f"/cases/{reference}/attachments", headers={"HX-Request": "true"},
        data={"csrf_token": token,
              "answer-files-attachments": [(io.BytesIO(uploads.PDF), "ket-qua.pdf")]},
        content_type="multipart/form-data")
    assert added.status_code == 200
    text = added.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="answer-files"') and "ket-qua.pdf" in text
    assert "bản nháp" in text

    bad = client.post(
        f"/cases/{reference}/attachments", headers={"HX-Request": "true"},
        data={"csrf_token": token,
              "answer-files-attachments": [(io.BytesIO(uploads.HTML_AS_JPG), "x.jpg")]},
        content_type="multipart/form-data")
    assert bad.status_code == 422 and 'id="answer-files-attachments-error"' in bad.get_data(
        as_text=True)

    with app.app_context():
        file_id = db.session.scalar(sa.select(Attachment.id).where(
            Attachment.original_name == "ket-qua.pdf"))
        code = db.session.get(Case, tax_case["id"]).tracking_code
    assert client.get(f"/track/{code}/files/{file_id}").status_code == 404
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    version = re.search(r'name="respond-version" type="hidden" value="(\d+)"', page).group(1)
    client.post(f"/cases/{reference}/respond", data={
        "csrf_token": token, "respond-version": version, "respond-answer": "Kết quả kèm theo."})
    # The officer's answer waits for the unit head's sign-off, and its file with it.
    assert client.get(f"/track/{code}/files/{file_id}").status_code == 404
    with app.app_context():
        signoff.approve(db.session.get(Case, tax_case["id"]), staff("head_thue"), utcnow())
        db.session.commit()
    assert client.get(f"/track/{code}/files/{file_id}").status_code == 200


def test_a_draft_can_be_removed_and_others_cannot_attach(app, client, auth, tax_case):
    reference = tax_case["reference"]
    auth.login(EMAILS["officer_thue"])
    _ack(client, reference)
    token = csrf_token(client, f"/cases/{reference}")
    client.post(f"/cases/{reference}/attachments",
                data={"csrf_token": token,
                      "answer-files-attachments": [(io.BytesIO(uploads.PDF), "nham.pdf")]},
                content_type="multipart/form-data")
    with app.app_context():
        draft = db.session.scalar(sa.select(Attachment.id).where(Attachment.original_name == "nham.pdf"))
    removed = client.post(f"/cases/{reference}/attachments/{draft}/remove",
                          data={"csrf_token": token})
    assert removed.status_code == 303
    with app.app_context():
        assert db.session.get(Attachment, draft) is None
    auth.logout()
    auth.login(EMAILS["committee"])
    token = csrf_token(client, f"/cases/{reference}")
    refused = client.post(f"/cases/{reference}/attachments",
                          data={"csrf_token": token,
                                "answer-files-attachments": [(io.BytesIO(uploads.PDF), "a.pdf")]},
                          content_type="multipart/form-data")
    assert refused.status_code == 403


def test_possible_duplicates_are_listed(app, client, auth, world, tax_case):
    with app.app_context():
        twin = make_case(db.session.get(Category, world.tax), "Hẻm 42 ngập nước",
                         description="Mưa là ngập sâu, xe máy chết máy.", ward="Phường Sài Gòn")
        db.session.commit()
        twin_ref = twin.reference
    auth.login(EMAILS["officer_thue"])
    partial = client.get(f"/cases/{tax_case['reference']}/duplicates", headers={"HX-Request": "true"})
    text = partial.get_data(as_text=True)
    assert text.lstrip().startswith('<section class="card" id="duplicates"')
    assert f'href="/cases/{twin_ref}"' in text and "Giống" in text
    page = client.get(f"/cases/{tax_case['reference']}/duplicates")
    assert page.status_code == 200 and "<h1>" in page.get_data(as_text=True)
    auth.logout()
    auth.login(EMAILS["officer_bhxh"])
    assert client.get(f"/cases/{tax_case['reference']}/duplicates").status_code == 404


@pytest.fixture
def disguised_case(app, world) -> dict:
    """A case whose citizen sent a PDF named like a web page and a photo named like a script."""
    with app.app_context():
        case = submission.submit_case(Submission(
            category=db.session.get(Category, world.tax), title="Hồ sơ", description="Xem tệp.",
            ward="Phường Sài Gòn", attachments=[
                Upload("<img src=x onerror=alert(1)>.html", io.BytesIO(uploads.PDF)),
                Upload("evil.hta", io.BytesIO(uploads.PDF)),
                Upload("anh.svg", io.BytesIO(uploads.jpeg_with_gps()))]), "web", MONDAY_9AM)
        db.session.commit()
        return {"reference": case.reference, "code": case.tracking_code,
                "files": list(db.session.scalars(sa.select(Attachment.id).order_by(Attachment.id)))}


def test_staff_downloads_are_named_by_the_detected_type(client, auth, disguised_case):
    auth.login(EMAILS["officer_thue"])
    base = f"/cases/{disguised_case['reference']}/attachments"
    html_pdf, hta_pdf, photo = (client.get(f"{base}/{i}") for i in disguised_case["files"])
    for pdf, name in ((html_pdf, "<img src=x onerror=alert(1)>.pdf"), (hta_pdf, "evil.pdf")):
        assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
        disposition = pdf.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and ".html" not in disposition
        assert ".hta" not in disposition
        assert disposition.endswith('.pdf"') or disposition.endswith(".pdf")
    assert "filename=evil.pdf" in hta_pdf.headers["Content-Disposition"]
    assert photo.mimetype == "image/jpeg"
    assert photo.headers["Content-Disposition"] == "inline; filename=anh.jpg"
    assert "sandbox" in photo.headers["Content-Security-Policy"]


def test_the_original_name_is_shown_escaped(client, auth, disguised_case):
    auth.login(EMAILS["officer_thue"])
    page = client.get(f"/cases/{disguised_case['reference']}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;.html" in page and "<img src=x" not in page
    assert ">evil.hta<" in page
