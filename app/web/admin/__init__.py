"""The admin console: units, accounts, categories, routing rules, deadline policies, the working
calendar, Open311 API keys and the audit log. Administrators only."""
from app.web.admin import (  # noqa: F401 - views register on bp
    account_routes,
    apikey_routes,
    calendar_routes,
    category_routes,
    routes,
    routing_routes,
    unit_routes,
)
from app.web.admin.blueprint import bp

__all__ = ["bp"]
