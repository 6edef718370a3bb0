"""Scorecards: ranked units, their components, charts and the public figures."""
from app.web.committee.scorecards import routes  # noqa: F401 - views register on bp
from app.web.committee.scorecards.blueprint import bp

__all__ = ["bp"]


@bp.app_context_processor
def score_labels():
    """Labels of the scorecard and campaign codes, for every template."""
    from app.scoring import labels

    return {"score_labels": labels}


@bp.app_template_filter("multiply_or_none")
def multiply_or_none(value, factor):
    """value × factor, keeping None (no data) as None, for charts."""
    return None if value is None else value * factor


@bp.app_template_filter("zip_with")
def zip_with(first, second):
    """Pairs of two sequences, for chart items."""
    return zip(list(first), list(second))
