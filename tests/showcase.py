"""A small, varied data set to show every page with: the test world plus bulk cases."""
from __future__ import annotations

from app.extensions import db
from app.seed.bulk import seed_bulk
from bench.pages import Sample, pick_sample
from tests.factories import EMAILS, PASSWORD, make_world


def make_showcase(app) -> Sample:
    """Units, accounts and 40 cases with timelines (transfers, answers, ratings)."""
    with app.app_context():
        make_world()
        seed_bulk(40, seed=9, units=3)
        db.session.commit()
        return pick_sample(EMAILS["officer_thue"], EMAILS["committee"], PASSWORD)
