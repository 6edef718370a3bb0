"""The staff workspace: the unit's queue, the case page and its actions, case files and
possible duplicates, co-handling with other units, and the explanation of due times."""
from app.web.staff import (  # noqa: F401 - views register on bp
    actions,
    cohandling_routes,
    deadline_routes,
    files,
    routes,
)
from app.web.staff.blueprint import bp

__all__ = ["bp"]
