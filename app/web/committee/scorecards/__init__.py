"""Scorecards: ranked units, their components, charts and the public figures."""
from app.web.committee.scorecards import routes  # noqa: F401 - views register on bp
from app.web.committee.scorecards.blueprint import bp

__all__ = ["bp"]
