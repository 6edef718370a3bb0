"""The pages with a statement budget issue as many SQL statements at 200 cases as at 20.

The cases come from the bulk generator (timelines, transfers, ratings); the
pages come from bench/pages.py, the list every quality gate shares.
"""
from __future__ import annotations

import re

from app.extensions import db
from app.models import Category
from app.seed.bulk import seed_bulk
from bench.pages import PAGES, available, pick_sample, statement_counts
from tests.factories import EMAILS, PASSWORD, make_case


def test_statement_counts_do_not_grow_with_the_data(app, world):
    with app.app_context():
        seed_bulk(20, seed=20, units=3)
        # An open case of the officer's unit, so that no queue is empty at the small size
        # (and one the search finds: an empty page skips the statements of its rows, which is not growth).
        sample = pick_sample(EMAILS["officer_thue"], EMAILS["committee"], PASSWORD)
        make_case(db.session.get(Category, world.tax), title=f"Hỏi về {sample.search}")
        db.session.commit()
    small = statement_counts(app, sample)
    with app.app_context():
        seed_bulk(180, seed=200, units=3)
        db.session.commit()
    large = statement_counts(app, sample)
    budgeted, _skipped = available(app, [p for p in PAGES if p.statements])
    assert set(small) == {p.name for p in budgeted} and "queue" in small and "case page" in small
    assert large == small
    assert all(0 < n < 20 for n in small.values()), small


def test_the_queue_shows_more_rows_at_200_cases(app, client, world, auth):
    # The comparison above means something only if the larger queue page is fuller.
    with app.app_context():
        seed_bulk(200, seed=7, units=3)
        db.session.commit()
    auth.login(EMAILS["officer_thue"])
    page = client.get("/cases?status=all", headers={"HX-Request": "true"}).get_data(as_text=True)
    rows = re.findall(r'<a href="/cases/(\d{4}-\d{6})"', page)
    assert len(set(rows)) == app.config["CASES_PER_PAGE"]
