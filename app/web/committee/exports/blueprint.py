"""The exports Blueprint.

Apart from the package's __init__, which imports the views: the views import the
Blueprint from here, so no import goes round in a circle."""
from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")
