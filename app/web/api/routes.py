"""Open311 GeoReport v2 endpoints, each as .json and .xml.

Parse the query or form, call one function of ``app.intake.open311``, write
the answer with ``app.web.api.formats``. Errors use the spec's body in the format
the URL asked for (XML when it asked for none).
"""
from __future__ import annotations

from flask import Response, current_app, g, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from app.accounts import apikeys
from app.core.errors import DomainError
from app.core.timeutil import utcnow
from app.extensions import db, limiter
from app.intake import open311, open311_filing
from app.models import ApiKey
from app.web.api import documents
from app.web.api.blueprint import bp
from app.web.api.formats import FORMATS, render, render_errors
from app.web.api.openapi import openapi_document

FMT = "<any(json, xml):fmt>"
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


# --- language, key and rate limits --------------------------------------------------------


def api_locale() -> str:
    """``?lang=`` first, then Accept-Language; Vietnamese by default. No cookie is read."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang", "")
    if asked in languages:
        return asked
    return request.accept_languages.best_match(languages, default="vi")


API_KEY_HEADER = "X-Api-Key"


def _sent_key() -> str:
    # The header keeps the secret out of URLs and so out of access logs; the spec's
    # form field and query parameter still work.
    sent = request.headers.get(API_KEY_HEADER)
    if sent:
        return sent
    if request.method == "POST":
        return request.form.get("api_key") or request.args.get("api_key") or ""
    return request.args.get("api_key") or ""


def current_api_key() -> ApiKey | None:
    """The active key the request carries (X-Api-Key header, form field or query), if any."""
    if "open311_key" not in g:
        key = apikeys.authenticate(_sent_key(), utcnow())
        if key is not None:
            db.session.commit()  # keep the last-use time even if the request then fails
        g.open311_key = key
    return g.open311_key


def _limit_per_key() -> str:
    return f"{current_app.config['OPEN311_REQUESTS_PER_MINUTE']}/minute"


def _limit_per_address() -> str:
    return f"{current_app.config['OPEN311_ANONYMOUS_REQUESTS_PER_MINUTE']}/minute"


def _key_identity() -> str:
    key = current_api_key()
    return f"apikey:{key.id}" if key is not None else get_remote_address()


# One budget per key over every endpoint; callers without a valid key share one per address.
limiter.shared_limit(
    _limit_per_key, scope="open311-key", key_func=_key_identity,
    exempt_when=lambda: current_api_key() is None,
)(bp)
limiter.shared_limit(
    _limit_per_address, scope="open311-address", key_func=get_remote_address,
    exempt_when=lambda: current_api_key() is not None,
)(bp)


# --- errors --------------------------------------------------------------------------------


def _request_format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    if fmt in FORMATS:
        return fmt
    return "json" if request.path.endswith(".json") else "xml"


def _error(status: int, message) -> Response:
    with force_locale(api_locale()):
        return render_errors(_request_format(), status, str(message))


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """Refused input is a 400 (the spec's general error); unknown things are 404."""
    db.session.rollback()
    with force_locale(api_locale()):
        message = str(error.message)
    if error.field and error.field not in message:
        message = f"{error.field}: {message}"
    return _error(404 if isinstance(error, open311.NotFound) else 400, message)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Every HTTP error of the API, in the spec's error body."""
    db.session.rollback()
    code = error.code or 500
    with force_locale(api_locale()):
        messages = {
            404: _("Not found."),
            405: _("This address does not accept that method."),
            413: _("The request is too large."),
            429: _("Too many requests. Wait a minute and try again."),
        }
        message = messages.get(code, error.description)
        response = render_errors(_request_format(), code, str(message))
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _missing_key() -> Response:
    if _sent_key():
        return _error(403, _l("Invalid or revoked api_key."))
    return _error(403, _l("api_key is required to file a request."))


# --- endpoints -----------------------------------------------------------------------------


@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str):
    """Service discovery: where the endpoint is, what it speaks, who to ask for a key."""
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + bp.url_prefix
    with force_locale(api_locale()):
        return render(fmt, "discovery", None, documents.discovery(base_url))


@bp.get(f"/services.{FMT}")
def services(fmt: str):
    """GET Service List: the active categories."""
    locale = api_locale()
    with force_locale(locale):
        items = [documents.service(c, locale) for c in open311.service_list()]
    return render(fmt, "services", "service", items)


@bp.get(f"/services/<service_code>.{FMT}")
def service_definition(service_code: str, fmt: str):
    """GET Service Definition: the category's extra questions."""
    category, questions = open311.service_definition(service_code)
    document = documents.service_definition(category, questions, api_locale())
    return render(fmt, "service_definition", None, document)


@bp.get(f"/requests.{FMT}")
def requests_list(fmt: str):
    """GET Service Requests: publicly listed cases, or those named by service_request_id that
    the caller may read."""
    api_key = current_api_key()
    if _sent_key() and api_key is None:
        return _missing_key()
    rows = open311.find_requests(open311.parse_filter(request.args), utcnow(), api_key)
    locale = api_locale()
    items = [documents.service_request(row, locale) for row in rows]
    return render(fmt, "service_requests", "request", items)


@bp.post(f"/requests.{FMT}")
def requests_create(fmt: str):
    """POST Service Request: file a case through the API with a valid api_key."""
    api_key = current_api_key()
    if api_key is None:
        return _missing_key()
    locale = api_locale()
    data = open311_filing.NewRequest(
        **{name: request.form.get(name, "") for name in (
            "service_code", "lat", "long", "address_string", "address_id", "email",
            "first_name", "last_name", "phone", "description", "media_url", "public_consent")},
        attributes=open311_filing.answers_from_form(request.form.items(multi=True)),
        locale=locale,
    )
    case = open311_filing.file_request(api_key, data, utcnow())
    db.session.commit()
    with force_locale(locale):
        document = documents.created(case, locale)
    return render(fmt, "service_requests", "request", [document])


@bp.get(f"/requests/<service_request_id>.{FMT}")
def request_detail(service_request_id: str, fmt: str):
    """GET Service Request: one case by its reference, if listed or filed with your key."""
    api_key = current_api_key()
    if _sent_key() and api_key is None:
        return _missing_key()
    row = open311.request_by_reference(service_request_id, api_key)
    item = documents.service_request(row, api_locale())
    return render(fmt, "service_requests", "request", [item])


@bp.get(f"/tokens/<token>.{FMT}")
def token(token: str, fmt: str):
    """GET service_request_id from a token (a request's token is its service_request_id)."""
    row = open311.request_by_token(token)
    return render(fmt, "service_requests", "request", [documents.token(row, token)])


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of these endpoints."""
    response = jsonify(openapi_document())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/<path:path>", methods=ALL_METHODS)
def unknown(path: str):
    """Anything else under the prefix: 404, or 405 for a known address and a wrong method."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "api.unknown":
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()
