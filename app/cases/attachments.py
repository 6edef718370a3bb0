"""Files that come with a case: checked by content, cleaned, stored under random names.

A file is accepted for what it is, never for what its name says: JPEG, PNG and
WebP photos are decoded by Pillow, shrunk to a display size, turned upright and
saved again, which drops EXIF (GPS included), XMP and comments; a PDF must start
with the PDF signature. Anything else is refused, and a file is always offered for
download under the extension of its detected type.

Decoding is bounded before it starts, from the size the image header claims: a
photo may decode to at most ATTACHMENT_MAX_PIXELS and one form's photos to
ATTACHMENT_PIXELS_PER_REQUEST together. JPEGs are decoded already reduced (the
decoder scales by 1/2, 1/4 or 1/8 for free), so a 48-megapixel phone photo decodes
to 12 and is accepted; a PNG or WebP decodes at full size, so its header is the
limit. Files are written under the upload folder with random
names; if the transaction that recorded them rolls back, they are removed again,
and files of erased attachments are removed only once the erasure is committed.
"""
from __future__ import annotations

import io
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.cases import access
from app.core.errors import IllegalMove, InvalidInput, NotPermitted
from app.extensions import db
from app.models import Attachment, Case, CaseEvent, CaseStatus, EventKind, Uploader, User
from app.models.attachments import CONTENT_TYPES

# No header may claim more than this, whatever the format (a decompression bomb is
# small on disk). Pillow itself refuses twice as much at open, for every caller.
MAX_SOURCE_PIXELS = 100_000_000
Image.MAX_IMAGE_PIXELS = MAX_SOURCE_PIXELS
# Photos are kept at most this long on their longest side: enough to read a sign.
PHOTO_MAX_SIDE = 2560
NAME_MAX = 255
# The extensions a name may keep for each detected type; any other is replaced.
_EXTENSIONS = {"image/jpeg": ("jpg", "jpeg"), "image/png": ("png",), "image/webp": ("webp",),
               "application/pdf": ("pdf",)}
_PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_WRITTEN = "attachment_files_written"
_TO_DELETE = "attachment_files_to_delete"
STAFF_UPLOADERS = (Uploader.OFFICER.value, Uploader.OPERATOR.value)


class FileTooLarge(InvalidInput):
    """A file over the size limit: answered with 413."""

    status_code = 413


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the sender gave it (display only) and its bytes."""

    filename: str
    stream: BinaryIO


@dataclass(frozen=True)
class CleanFile:
    """A checked file, ready to store: detected type and the bytes to keep."""

    original_name: str
    content_type: str
    data: bytes
    decoded_pixels: int = 0


def upload_folder() -> Path:
    """Where files are kept: UPLOAD_FOLDER, or ``uploads`` in the instance folder."""
    configured = current_app.config.get("UPLOAD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def path_of(attachment: Attachment) -> Path:
    """The file of an attachment on disk."""
    return upload_folder() / attachment.stored_name


def display_name(raw: str | None) -> str:
    """The sender's file name, cut to its last path part, without control characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch)[0] != "C").strip()
    return name[-NAME_MAX:] or "file"


def download_name(attachment: Attachment) -> str:
    """The name a file is offered under: the sender's, with the extension of its real type.

    ``evil.html`` that is a PDF downloads as ``evil.pdf``, so that opening it opens
    a PDF reader and never a browser or an HTA host.
    """
    name = attachment.original_name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if suffix.lower() in _EXTENSIONS[attachment.content_type]:
        return name
    return f"{stem or 'file'}.{CONTENT_TYPES[attachment.content_type]}"


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, among those we accept, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _not_accepted(name: str, field: str) -> InvalidInput:
    return InvalidInput(
        _l("“%(name)s” is not a photo (JPEG, PNG, WebP) or a PDF document.", name=name), field
    )


def _too_large(name: str, field: str, limit: int) -> InvalidInput:
    return InvalidInput(
        _l("“%(name)s” is too large a picture: at most %(max)s megapixels.", name=name,
           max=f"{limit / 1e6:g}"),
        field,
    )


def display_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a photo is kept at: unchanged up to PHOTO_MAX_SIDE, else shrunk to fit it."""
    width, height = size
    longest = max(width, height)
    if longest <= PHOTO_MAX_SIDE:
        return size
    scale = PHOTO_MAX_SIDE / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _reencode(data: bytes, content_type: str, name: str, field: str,
              pixels_left: int) -> tuple[bytes, int]:
    """Shrink the photo, turn it upright and save it again without its metadata.

    Every limit is checked on the size the header claims, before any pixel is
    decoded. Returns the new bytes and the number of pixels decoded.
    """
    fmt = _PILLOW_FORMAT[content_type]
    max_pixels = current_app.config["ATTACHMENT_MAX_PIXELS"]
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != fmt:
                raise _not_accepted(name, field)
            if probe.width * probe.height > MAX_SOURCE_PIXELS:
                raise _too_large(name, field, max_pixels)
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            target = display_size(opened.size)
            if fmt == "JPEG" and target != opened.size:
                opened.draft(None, target)  # decode at 1/2, 1/4 or 1/8: still at least target
            pixels = opened.width * opened.height
            if pixels > max_pixels:
                raise _too_large(name, field, max_pixels)
            if pixels > pixels_left:
                raise InvalidInput(
                    _l("The photos are too large together: send fewer or smaller ones."), field
                )
            opened.load()
            icc_profile = opened.info.get("icc_profile")
            # Bilinear is antialiased when shrinking and half the cost of bicubic.
            opened.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.BILINEAR)
            image = ImageOps.exif_transpose(opened)
            # Keep only what drawing needs; EXIF, XMP and comments stay behind.
            image.info = {k: v for k, v in image.info.items() if k == "transparency"}
            params: dict = {"icc_profile": icc_profile} if icc_profile else {}
            if fmt == "JPEG":
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                params.update(quality=88)
            elif fmt == "WEBP":
                params.update(quality=88)
            # PNG: zlib's default level; optimize=True tries every filter and costs seconds.
            out = io.BytesIO()
            image.save(out, fmt, **params)
            return out.getvalue(), pixels
    except InvalidInput:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_large(name, field, max_pixels) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            MemoryError) as exc:
        raise _not_accepted(name, field) from exc


def clean(upload: Upload, field: str, max_bytes: int | None = None,
          pixels_left: int | None = None) -> CleanFile:
    """Check one file by its content; photos come back shrunk and without metadata.

    ``pixels_left`` is what the form may still decode (its other photos took the rest).
    """
    limit = max_bytes or current_app.config["ATTACHMENT_MAX_BYTES"]
    if pixels_left is None:
        pixels_left = current_app.config["ATTACHMENT_PIXELS_PER_REQUEST"]
    name = display_name(upload.filename)
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(
            _l("“%(name)s” is larger than %(mb)s MB.", name=name, mb=f"{limit / 1048576:g}"), field
        )
    if not data:
        raise InvalidInput(_l("“%(name)s” is empty.", name=name), field)
    content_type = sniff(data)
    if content_type is None:
        raise _not_accepted(name, field)
    pixels = 0
    if content_type != "application/pdf":
        data, pixels = _reencode(data, content_type, name, field, pixels_left)
    return CleanFile(name, content_type, data, pixels)


def clean_all(uploads: list[Upload], field: str) -> list[CleanFile]:
    """Check every file of a form; the first bad one refuses the lot, and together the
    photos decode at most ATTACHMENT_PIXELS_PER_REQUEST."""
    limit = current_app.config["ATTACHMENTS_PER_CASE"]
    uploads = [u for u in uploads if u.filename]
    if len(uploads) > limit:
        raise InvalidInput(_l("Send at most %(n)d files.", n=limit), field)
    pixels_left = current_app.config["ATTACHMENT_PIXELS_PER_REQUEST"]
    files = []
    for upload in uploads:
        files.append(clean(upload, field, pixels_left=pixels_left))
        pixels_left -= files[-1].decoded_pixels
    return files


def _count(case: Case, staff: bool) -> int:
    if case.id is None:
        return 0
    side = Attachment.uploaded_by.in_(STAFF_UPLOADERS) if staff else (
        Attachment.uploaded_by == Uploader.CITIZEN.value
    )
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Attachment).where(
            Attachment.case_id == case.id, side, Attachment.request_id.is_(None))
    )


def check_room(case: Case, uploaded_by: Uploader, adding: int, field: str) -> None:
    """Refuse files beyond the per-case limit (counted for the citizen and for staff apart)."""
    limit = current_app.config["ATTACHMENTS_PER_CASE"]
    used = _count(case, uploaded_by != Uploader.CITIZEN)
    if used + adding > limit:
        raise InvalidInput(
            _l("A case keeps at most %(n)d files; %(left)d more can be added.",
               n=limit, left=max(limit - used, 0)),
            field,
        )


def store(
    case: Case,
    files: list[CleanFile],
    uploaded_by: Uploader,
    now: datetime,
    *,
    uploader: User | None = None,
    event: CaseEvent | None = None,
) -> list[Attachment]:
    """Write checked files to disk under random names and record them on the case."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    written = db.session.info.setdefault(_WRITTEN, [])
    stored = []
    for clean_file in files:
        stored_name = f"{secrets.token_hex(16)}.{CONTENT_TYPES[clean_file.content_type]}"
        path = folder / stored_name
        with path.open("xb") as fh:
            fh.write(clean_file.data)
        written.append(path)
        attachment = Attachment(
            case=case, event=event, uploaded_by=uploaded_by.value, uploader=uploader,
            original_name=clean_file.original_name, stored_name=stored_name,
            content_type=clean_file.content_type, size=len(clean_file.data), created_at=now,
        )
        db.session.add(attachment)
        stored.append(attachment)
    db.session.flush()
    return stored


def remove(attachments: list[Attachment]) -> int:
    """Delete attachments; their files go once the deletion is committed."""
    doomed = db.session.info.setdefault(_TO_DELETE, [])
    for attachment in attachments:
        doomed.append(path_of(attachment))
        db.session.delete(attachment)
    return len(attachments)


def _latest_answer(case: Case) -> CaseEvent | None:
    return db.session.scalar(
        sa.select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.PUBLIC_REPLY.value)
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )


def attach_to_answer(
    case: Case, user: User, uploads: list[Upload], now: datetime
) -> list[Attachment]:
    """An officer adds files to the unit's public answer.

    Before the answer is sent they wait as drafts and are published with it;
    once the case is answered they join the latest answer at once.
    """
    if not access.may_attach_to_answer(user, case):
        raise NotPermitted(_l("You are not allowed to do this."))
    if case.status not in (CaseStatus.IN_PROGRESS, CaseStatus.RESPONDED):
        raise IllegalMove(_l("This cannot be done while the case is in its current state."))
    files = clean_all(uploads, "attachments")
    if not files:
        raise InvalidInput(_l("Choose at least one file."), "attachments")
    check_room(case, Uploader.OFFICER, len(files), "attachments")
    answer = _latest_answer(case) if case.status == CaseStatus.RESPONDED else None
    return store(case, files, Uploader.OFFICER, now, uploader=user, event=answer)


def publish_drafts(case: Case, answer: CaseEvent) -> None:
    """Attach the officers' draft files to the answer being sent (not co-handling contributions)."""
    drafts = db.session.scalars(
        sa.select(Attachment).where(
            Attachment.case_id == case.id,
            Attachment.event_id.is_(None),
            Attachment.uploaded_by.in_(STAFF_UPLOADERS),
            # A co-handling unit's files are for the lead unit, never published.
            Attachment.request_id.is_(None),
        )
    )
    for attachment in drafts:
        attachment.event = answer


def remove_draft(case: Case, user: User, attachment_id: int) -> None:
    """An officer takes back a draft file that was not published yet."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise InvalidInput(_l("This file does not exist."), "attachments")
    if not access.may_attach_to_answer(user, case):
        raise NotPermitted(_l("You are not allowed to do this."))
    if (attachment.event is not None or attachment.uploaded_by == Uploader.CITIZEN
            or attachment.request_id is not None):
        raise IllegalMove(_l("Published files cannot be removed."))
    remove([attachment])


def for_citizen(case: Case) -> list[Attachment]:
    """The files the citizen sees: their own, and those published with an answer."""
    return [a for a in case.attachments if access.citizen_may_see_attachment(a)]


@sa_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_TO_DELETE, []):
        path.unlink(missing_ok=True)


@sa_event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)
    session.info.pop(_TO_DELETE, None)
