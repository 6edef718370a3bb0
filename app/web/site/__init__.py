"""Site-wide pages: health checks and error pages."""
from app.web.site import routes  # noqa: F401 - views register on bp
from app.web.site.blueprint import bp

__all__ = ["bp"]
