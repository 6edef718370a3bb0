"""The text fields of a multipart form too large to accept, its files thrown away.

Used by the 413 answer of the citizen's form, so that what the citizen typed comes
back instead of a dead end. The body is read at most to a bound (a multiple of
MAX_CONTENT_LENGTH); the files' bytes go nowhere; text fields keep their ordinary
memory limit.
"""
from __future__ import annotations

import io

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.formparser import MultiPartParser, parse_options_header
from werkzeug.wsgi import LimitedStream

# How many times MAX_CONTENT_LENGTH is read to recover the text (beyond, the
# connection is closed as for any oversized request).
READ_FACTOR = 4
TEXT_MEMORY = 512 * 1024


class _Discard(io.RawIOBase):
    """A file that forgets what is written to it."""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return len(data)

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0


def _discard_factory(total_content_length, content_type, filename, content_length=None):
    return _Discard()


def text_fields_of_oversized_form() -> list[tuple[str, str]] | None:
    """The form's text fields, in order, or None when the body cannot be read for them."""
    length = request.content_length or 0
    bound = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) * READ_FACTOR
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    boundary = options.get("boundary")
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    # Only a body refused for its announced length is still unread from its start.
    if not (limit < length <= bound) or mimetype != "multipart/form-data" or not boundary:
        return None
    stream = LimitedStream(request.environ["wsgi.input"], length)
    parser = MultiPartParser(
        stream_factory=_discard_factory, max_form_memory_size=TEXT_MEMORY,
        max_form_parts=200,
    )
    try:
        fields, _files = parser.parse(stream, boundary.encode("latin-1"), length)
    except (HTTPException, ValueError, OSError):
        return None
    # The request is read to its end: nothing is left for the server to reset.
    request.environ["wsgi.input"] = io.BytesIO(b"")
    return [(key, value) for key, value in fields.items(multi=True)]
