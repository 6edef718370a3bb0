"""The Open311 Blueprint, exempt from CSRF (POST is authenticated by api_key).

Apart from the package's __init__, which imports the views: the views import the
Blueprint from here, so no import goes round in a circle."""
from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)
