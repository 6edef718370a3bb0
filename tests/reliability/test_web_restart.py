"""Gunicorn reloaded, then killed, while citizens submit: every 303 is a saved case.

Four citizens submit in a loop; after 30 attempts gunicorn is reloaded (graceful),
after 60 it is killed with requests in flight and started again on the same port.
"""
from __future__ import annotations

import threading
import time
from collections import Counter

import sqlalchemy as sa

from app.extensions import db
from app.models import Case
from bench.client import Citizen
from bench.server import Gunicorn
from tests.reliability.conftest import app_for, category_id, service_env, submit


def test_web_restarts_mid_load_every_303_is_a_case(pg_url):
    env = service_env(pg_url)  # neither Redis nor mail: only the cases matter here
    app = app_for(env)
    category = category_id(app)
    web = Gunicorn("wsgi:app", env, workers=2).start()
    attempts, answers, lock = [0], [], threading.Lock()
    deadline = time.monotonic() + 60

    def citizen_loop(number: int) -> None:
        citizen = Citizen(web.url, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if attempts[0] >= 90:
                    return
                attempts[0] += 1
                n = attempts[0]
            try:
                status, code = submit(citizen, category, 1000 * number + n, email_updates=False)
            except (OSError, LookupError):
                status, code = None, None
                time.sleep(0.1)
            with lock:
                answers.append((status, code))

    threads = [threading.Thread(target=citizen_loop, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    try:
        while attempts[0] < 30 and time.monotonic() < deadline:
            time.sleep(0.02)
        web.reload()  # graceful: new workers, old ones finish what they hold
        while attempts[0] < 60 and time.monotonic() < deadline:
            time.sleep(0.02)
        web.kill()  # hard: master and workers die with requests in flight
        web = Gunicorn("wsgi:app", env, workers=2, port=web.port).start()
        for thread in threads:
            thread.join(timeout=90)
    finally:
        web.stop()
    statuses = Counter(status for status, _ in answers)
    assert not [s for s in statuses if s is not None and s >= 500], statuses
    issued = [code for status, code in answers if status == 303]
    assert len(issued) >= 45, statuses
    with app.app_context():
        found = set(db.session.scalars(sa.select(Case.tracking_code).where(Case.tracking_code.in_(issued))))
        db.session.remove()
    assert found == set(issued)
