"""Exports to CSV and Excel: start (POST), follow the progress, download."""
from app.web.committee.exports import routes  # noqa: F401 - views register on bp
from app.web.committee.exports.blueprint import bp

__all__ = ["bp"]
