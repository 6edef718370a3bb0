"""Campaigns: their fields and weights, the units' registered works, commendations."""
from app.web.committee.campaigns import routes  # noqa: F401 - views register on bp
from app.web.committee.campaigns.blueprint import bp

__all__ = ["bp"]
