"""The web layer, by audience: public (citizens), auth, staff (the queue and the case page),
hotline, committee (scorecards, campaigns, exports), admin, api (Open311) and site (health,
errors). Routes parse, call one domain function and render."""


def blueprints() -> list:
    """Every blueprint, in the order they are registered."""
    from app.web.admin import bp as admin
    from app.web.api import bp as api
    from app.web.auth import bp as auth
    from app.web.committee.campaigns import bp as campaigns
    from app.web.committee.exports import bp as exports
    from app.web.committee.scorecards import bp as scorecards
    from app.web.hotline import bp as hotline
    from app.web.public import bp as public
    from app.web.site import bp as site
    from app.web.staff import bp as staff

    return [site, public, auth, staff, api, scorecards, campaigns, exports, hotline, admin]
