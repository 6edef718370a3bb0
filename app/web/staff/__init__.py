"""The staff workspace: the unit's queue, the case page and its actions, case files and
possible duplicates, and the explanation of due times."""
from app.web.staff import actions, deadline_routes, files, routes  # noqa: F401 - views register on bp
from app.web.staff.blueprint import bp

__all__ = ["bp"]
