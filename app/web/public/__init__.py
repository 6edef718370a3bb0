"""Citizens' pages: home, the feedback form, and case tracking."""
from app.web.public import followup, routes  # noqa: F401 - views register on bp
from app.web.public.blueprint import bp

__all__ = ["bp"]
