"""The HTTP side of attachments: files from a form in, a checked file out."""
from __future__ import annotations

from flask import abort, send_file

from app.cases.attachments import Upload, download_name, path_of
from app.models import Attachment

# What file pickers offer; the server checks the content whatever the browser sends.
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"

# The file is data, never a page: no script, no plugin, no framing, whatever it holds.
FILE_CSP = "default-src 'none'; img-src 'self'; sandbox"


def uploads_of(field) -> list[Upload]:
    """The files of a file field, as the services take them (empty inputs left out)."""
    return [Upload(f.filename, f.stream) for f in (field.data or []) if getattr(f, "filename", "")]


def send_attachment(attachment: Attachment):
    """The file, to someone the route has checked may see it, with its checked type:
    photos shown inline (the file CSP keeps them inert), documents downloaded, both
    named with the extension of that type whatever the sender called them."""
    path = path_of(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=not attachment.is_image,
        download_name=download_name(attachment),
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
