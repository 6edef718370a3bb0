"""The staff workspace: the unit's queue, the case page and its actions, case files and
possible duplicates, co-handling with other units, the explanation of due times, and the
sign-off of answers."""
from app.web.staff import (  # noqa: F401 - views register on bp
    actions,
    cohandling_routes,
    deadline_routes,
    files,
    routes,
    signoff_routes,
)
from app.web.staff.blueprint import bp

__all__ = ["bp"]
