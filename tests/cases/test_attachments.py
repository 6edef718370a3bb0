"""Files with a case: accepted by content, cleaned of metadata, stored under random names."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.cases import attachments, lifecycle
from app.cases.attachments import FileTooLarge, Upload
from app.cases.lifecycle import Actor
from app.core import errors
from app.core.errors import InvalidInput
from app.models import Attachment, Category, Uploader, User
from tests import uploads
from tests.factories import EMAILS, MONDAY_9AM, make_case

HOUR = timedelta(hours=1)


def upload(data: bytes, name: str = "photo.jpg") -> Upload:
    return Upload(name, io.BytesIO(data))


def officer(db, key: str = "officer_thue") -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))


@pytest.fixture
def case(db, world):
    case = make_case(db.session.get(Category, world.tax))
    db.session.commit()
    return case


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (uploads.jpeg_with_gps(), "image/jpeg"),
        (uploads.png(), "image/png"),
        (uploads.webp(), "image/webp"),
        (uploads.PDF, "application/pdf"),
        (uploads.PHP_AS_JPG, None),
        (uploads.HTML_AS_JPG, None),
        (b"GIF89a" + b"\0" * 20, None),
    ],
)
def test_type_is_read_from_the_content(data, expected):
    assert attachments.sniff(data) == expected


def test_photo_loses_exif_gps_and_comment_and_is_turned_upright(app):
    original = uploads.jpeg_with_gps(width=40, height=20, orientation=6)
    assert uploads.GPS_IFD in uploads.exif_of(original)
    with app.app_context():
        clean = attachments.clean(upload(original), "attachments")
    assert clean.content_type == "image/jpeg"
    fmt, size, info = uploads.info_of(clean.data)
    assert fmt == "JPEG"
    assert size == (20, 40)  # orientation 6 (rotated 90°) applied before the EXIF went
    assert uploads.exif_of(clean.data) == {}
    assert "exif" not in info and "comment" not in info and "xmp" not in info
    assert b"Test Camera" not in clean.data and b"taken at home" not in clean.data


@pytest.mark.parametrize("name", ["shell.jpg", "page.jpg", "x.png"])
def test_disguised_files_are_refused_whatever_their_name(app, name):
    with app.app_context():
        for data in (uploads.PHP_AS_JPG, uploads.HTML_AS_JPG):
            with pytest.raises(InvalidInput) as err:
                attachments.clean(upload(data, name), "attachments")
            assert err.value.field == "attachments" and err.value.status_code == 422
            assert name in str(err.value.message)


def test_a_jpeg_signature_over_garbage_is_refused(app):
    with app.app_context(), pytest.raises(InvalidInput):
        attachments.clean(upload(b"\xff\xd8\xff\xe0" + b"junk" * 100), "attachments")


def test_png_and_webp_are_reencoded_and_pdf_kept_as_is(app):
    with app.app_context():
        png = attachments.clean(upload(uploads.png(), "a.png"), "attachments")
        webp = attachments.clean(upload(uploads.webp(), "b.webp"), "attachments")
        pdf = attachments.clean(upload(uploads.PDF, "c.pdf"), "attachments")
    assert uploads.info_of(png.data)[:2] == ("PNG", (10, 10))
    assert uploads.info_of(webp.data)[:2] == ("WEBP", (10, 10))
    assert pdf.data == uploads.PDF and pdf.content_type == "application/pdf"


def test_too_large_is_413_and_empty_is_422(app):
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    with app.app_context():
        with pytest.raises(FileTooLarge) as err:
            attachments.clean(upload(uploads.PDF + b"x" * 1000, "big.pdf"), "attachments")
        assert err.value.status_code == 413
        with pytest.raises(InvalidInput) as empty:
            attachments.clean(upload(b"", "empty.pdf"), "attachments")
        assert empty.value.status_code == 422


def test_original_name_is_for_display_only():
    assert attachments.display_name("C:\\Users\\An\\Ảnh ngập.jpg") == "Ảnh ngập.jpg"
    assert attachments.display_name("../../etc/passwd") == "passwd"
    assert attachments.display_name("a\x00b\nc.pdf") == "abc.pdf"
    assert attachments.display_name("") == "file"


def test_files_are_stored_under_random_names_in_the_upload_folder(db, case):
    clean = attachments.clean(upload(uploads.png(), "../evil.png"), "attachments")
    [stored] = attachments.store(case, [clean], Uploader.CITIZEN, MONDAY_9AM)
    db.session.commit()
    path = attachments.path_of(stored)
    assert path.parent == attachments.upload_folder()
    assert stored.original_name == "evil.png" and "evil" not in stored.stored_name
    assert len(stored.stored_name) == 32 + len(".png")
    assert path.read_bytes() == clean.data and stored.size == len(clean.data)


def test_files_written_in_a_rolled_back_transaction_are_removed(db, case):
    clean = attachments.clean(upload(uploads.PDF, "a.pdf"), "attachments")
    [stored] = attachments.store(case, [clean], Uploader.CITIZEN, MONDAY_9AM)
    path = attachments.path_of(stored)
    assert path.exists()
    db.session.rollback()
    assert not path.exists()


def test_removed_files_go_only_once_the_removal_is_committed(db, case):
    clean = attachments.clean(upload(uploads.PDF, "a.pdf"), "attachments")
    [stored] = attachments.store(case, [clean], Uploader.CITIZEN, MONDAY_9AM)
    db.session.commit()
    path = attachments.path_of(stored)
    attachments.remove([stored])
    db.session.rollback()
    assert path.exists()
    attachments.remove([db.session.get(Attachment, stored.id)])
    db.session.commit()
    assert not path.exists()


def test_at_most_five_files_per_case_for_the_citizen_and_for_staff_apart(db, case):
    clean = attachments.clean(upload(uploads.PDF, "a.pdf"), "attachments")
    attachments.store(case, [clean] * 4, Uploader.CITIZEN, MONDAY_9AM)
    attachments.check_room(case, Uploader.CITIZEN, 1, "attachments")
    with pytest.raises(InvalidInput, match="thêm được 1 tệp"):
        attachments.check_room(case, Uploader.CITIZEN, 2, "attachments")
    attachments.check_room(case, Uploader.OFFICER, 5, "attachments")
    with pytest.raises(InvalidInput):
        attachments.clean_all([upload(uploads.PDF, f"{i}.pdf") for i in range(6)], "attachments")


def test_officer_files_wait_as_drafts_and_are_published_with_the_answer(db, case):
    staff = Actor.staff(officer(db))
    lifecycle.acknowledge(case, staff, MONDAY_9AM + HOUR)
    [draft] = attachments.attach_to_answer(case, staff.user, [upload(uploads.PDF, "kq.pdf")],
                                           MONDAY_9AM + HOUR)
    assert draft.event_id is None and draft.uploaded_by == "officer"
    assert attachments.for_citizen(case) == []
    answer = lifecycle.respond(case, staff, "Đã xử lý, xem tệp đính kèm.", MONDAY_9AM + 2 * HOUR, signed_off=True)
    db.session.flush()
    assert draft.event_id == answer.id
    assert attachments.for_citizen(case) == [draft]
    # After the answer, a new file joins it at once.
    [late] = attachments.attach_to_answer(case, staff.user, [upload(uploads.png(), "b.png")],
                                          MONDAY_9AM + 3 * HOUR)
    assert late.event_id == answer.id


def test_only_the_unit_attaches_to_the_answer(db, case):
    lifecycle.acknowledge(case, Actor.staff(officer(db)), MONDAY_9AM + HOUR)
    for key in ("officer_bhxh", "committee", "operator", "admin"):
        with pytest.raises(errors.NotPermitted):
            attachments.attach_to_answer(case, officer(db, key), [upload(uploads.PDF)], MONDAY_9AM)


def test_no_answer_files_before_the_case_is_acknowledged(db, case):
    with pytest.raises(errors.IllegalMove):
        attachments.attach_to_answer(case, officer(db), [upload(uploads.PDF)], MONDAY_9AM)


def test_drafts_can_be_taken_back_but_published_files_cannot(db, case):
    staff = Actor.staff(officer(db))
    lifecycle.acknowledge(case, staff, MONDAY_9AM + HOUR)
    [draft] = attachments.attach_to_answer(case, staff.user, [upload(uploads.PDF)], MONDAY_9AM)
    [kept] = attachments.attach_to_answer(case, staff.user, [upload(uploads.png())], MONDAY_9AM)
    attachments.remove_draft(case, staff.user, draft.id)
    db.session.commit()
    assert [a.id for a in db.session.scalars(sa.select(Attachment))] == [kept.id]
    lifecycle.respond(case, staff, "Xong.", MONDAY_9AM + 2 * HOUR, signed_off=True)
    with pytest.raises(errors.IllegalMove):
        attachments.remove_draft(case, staff.user, kept.id)


@pytest.mark.parametrize(("width", "height"), [(7000, 7000), (20000, 20000), (5000, 5000)])
def test_a_picture_too_large_is_refused_from_its_header_before_decoding(app, width, height):
    # One row of pixel data under the header: decoding it would fail as truncated,
    # not as too large, so the message proves that no decoding was attempted.
    crafted = uploads.png_claiming(width, height)
    assert len(crafted) < 500
    with app.app_context():
        with pytest.raises(InvalidInput) as err:
            attachments.clean(upload(crafted, "bom.png"), "attachments")
        assert err.value.field == "attachments" and err.value.status_code == 422
        assert str(err.value.message) == "Ảnh “bom.png” quá lớn: tối đa 20 megapixel."


def test_pillow_itself_refuses_oversized_headers_for_every_caller():
    from PIL import Image

    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(uploads.png_claiming(20000, 20000)))


def test_the_same_header_within_the_limits_is_decoded(app):
    # The control for the test above: under the limits the one-row PNG is decoded and fails.
    with app.app_context(), pytest.raises(InvalidInput, match="không phải ảnh"):
        attachments.clean(upload(uploads.png_claiming(3000, 2000), "x.png"), "attachments")


def test_a_48_megapixel_phone_photo_is_decoded_reduced_and_kept_at_display_size(app):
    with app.app_context():
        clean = attachments.clean(upload(uploads.jpeg(8000, 6000), "dt.jpg"), "attachments")
    assert uploads.info_of(clean.data)[:2] == ("JPEG", (2560, 1920))
    assert clean.decoded_pixels == 4000 * 3000  # decoded at half size, never at 48 MP


def test_a_large_png_is_shrunk_to_display_size(app):
    with app.app_context():
        clean = attachments.clean(upload(uploads.png(3000, 2000), "chup.png"), "attachments")
    assert uploads.info_of(clean.data)[:2] == ("PNG", (2560, 1707))
    assert clean.decoded_pixels == 3000 * 2000


def test_a_phone_photo_of_several_megabytes_is_accepted_by_default(app):
    photo = uploads.jpeg(3000, 2400, noise=True)
    assert len(photo) > 6 * 1024 * 1024
    with app.app_context():
        clean = attachments.clean(upload(photo, "pho.jpg"), "attachments")
    assert uploads.info_of(clean.data)[:2] == ("JPEG", (2560, 2048))


def test_one_form_decodes_at_most_its_pixel_total(app):
    app.config["ATTACHMENT_PIXELS_PER_REQUEST"] = 250
    three = [upload(uploads.png(), f"{i}.png") for i in range(3)]
    with app.app_context():
        assert len(attachments.clean_all(three[:2], "attachments")) == 2
        three = [upload(uploads.png(), f"{i}.png") for i in range(3)]
        with pytest.raises(InvalidInput) as err:
            attachments.clean_all([*three, upload(uploads.PDF, "d.pdf")], "attachments")
        assert err.value.field == "attachments" and err.value.status_code == 422
        assert str(err.value.message).startswith("Các ảnh gửi kèm cộng lại quá lớn")


def test_photos_are_saved_without_the_slow_optimize_pass(app, monkeypatch):
    from PIL import Image

    photos = [upload(uploads.png(), "a.png"), upload(uploads.jpeg_with_gps(), "b.jpg")]
    saved = []
    real_save = Image.Image.save
    monkeypatch.setattr(Image.Image, "save",
                        lambda self, fp, fmt=None, **params: saved.append(params) or real_save(
                            self, fp, fmt, **params))
    with app.app_context():
        for photo in photos:
            attachments.clean(photo, "attachments")
    assert len(saved) == 2 and not any(params.get("optimize") for params in saved)


@pytest.mark.parametrize(
    ("name", "content_type", "offered"),
    [
        ("evil.html", "application/pdf", "evil.pdf"),
        ("evil.hta", "application/pdf", "evil.pdf"),
        ("evil.pdf.hta", "application/pdf", "evil.pdf.pdf"),
        ("don", "application/pdf", "don.pdf"),
        (".hta", "application/pdf", "file.pdf"),
        ("Đơn.PDF", "application/pdf", "Đơn.PDF"),
        ("ảnh.jpeg", "image/jpeg", "ảnh.jpeg"),
        ("ảnh.svg", "image/jpeg", "ảnh.jpg"),
        ("x.html", "image/png", "x.png"),
        ("x.webp", "image/webp", "x.webp"),
    ],
)
def test_a_file_is_offered_under_the_extension_of_its_detected_type(name, content_type, offered):
    attachment = Attachment(original_name=name, content_type=content_type)
    assert attachments.download_name(attachment) == offered


def test_the_pixel_cap_is_a_setting_and_its_limit_is_accepted(app):
    app.config["ATTACHMENT_MAX_PIXELS"] = 100
    with app.app_context():
        assert attachments.clean(upload(uploads.png(10, 10)), "attachments").decoded_pixels == 100
        with pytest.raises(InvalidInput, match="tối đa 0.0001 megapixel"):
            attachments.clean(upload(uploads.png(11, 10)), "attachments")
