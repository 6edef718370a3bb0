"""Staff sign-in and sign-out."""
from app.web.auth import routes  # noqa: F401 - views register on bp
from app.web.auth.blueprint import bp

__all__ = ["bp"]
