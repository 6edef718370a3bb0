"""The hotline desk and the triage queue, for operators."""
from app.web.hotline import routes  # noqa: F401 - views register on bp
from app.web.hotline.blueprint import bp

__all__ = ["bp"]
