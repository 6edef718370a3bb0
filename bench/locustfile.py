"""The load test's visitors (run by `make load`, which passes LOAD_PLAN, a JSON file).

How many of each kind, and how often each acts (a fixed number of tasks per
second, so that the offered load is the city's rate, not whatever the server
allows), come from the plan.

Citizens send feedback through the real form (CSRF token included) and follow
cases; officers work their queues and open cases; committee members read what
they read. Pages come from bench/pages.py through the plan, so a page added
there is visited here too. Every tracking code a 303 answer carried, and every
status seen, are written to the plan's ``report`` file when the test stops.
"""
from __future__ import annotations

import json
import os
import random
import re
import secrets
from collections import Counter

from locust import HttpUser, constant_throughput, events, task

with open(os.environ["LOAD_PLAN"], encoding="utf-8") as _plan:
    PLAN = json.load(_plan)
ISSUED: list[str] = []
TOKENS: dict[str, str] = {}  # one-time token sent → tracking code its 303 pointed at
STATUSES: Counter = Counter()
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
REFERENCE = re.compile(r'href="/cases/(\d{4}-\d{6})"')


def _token(html: str) -> str:
    match = TOKEN.search(html)
    return (match.group(1) or match.group(2)) if match else ""


@events.request.add_listener
def _count_status(response=None, exception=None, **_kwargs):
    STATUSES[str(response.status_code) if response is not None and exception is None
             else f"error: {type(exception).__name__}"] += 1


@events.test_stop.add_listener
def _write_report(**_kwargs):
    with open(PLAN["report"], "w", encoding="utf-8") as fh:
        json.dump({"issued": ISSUED, "tokens": TOKENS, "statuses": STATUSES}, fh)


def _fill(path: str, reference: str, code: str) -> str:
    return path.format(reference=reference, open_reference=reference, tracking_code=code,
                       search=random.choice(PLAN["words"]))


class Visitor(HttpUser):
    """Shared helpers: a GET that counts 5xx (and only 5xx) as failures."""

    abstract = True

    def get(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code >= 500 or response.status_code == 0:
                response.failure(f"{response.status_code}")
            else:
                response.success()
            return response

    def sign_in(self, email: str) -> None:
        token = _token(self.client.get("/login", name="sign-in").text)
        self.client.post("/login", name="sign-in (POST)", allow_redirects=False,
                         data={"csrf_token": token, "email": email, "password": PLAN["password"]})


class Citizen(Visitor):
    """Sends feedback and follows cases, as the public does most."""

    weight = PLAN["users"]["citizen"]
    wait_time = constant_throughput(PLAN["tasks_per_user_second"])

    def on_start(self):
        self.token = _token(self.client.get("/feedback/new", name="feedback form").text)
        self.mine: list[str] = []

    @task(PLAN["citizen_tasks"]["submit"])
    def send_feedback(self):
        one_time = secrets.token_urlsafe(24)  # as the form's GET would give
        form = {"csrf_token": self.token, "category": random.choice(PLAN["categories"]),
                "submission_token": one_time,
                "title": "Phản ánh trong lúc thử tải", "ward": "Phường Bến Thành",
                "description": "Đường trước nhà bị ngập sau mưa, đề nghị kiểm tra và xử lý."}
        with self.client.post("/feedback/new", data=form, name="submit feedback (POST)",
                              allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 303 and "/track/" in location:
                code = location.rsplit("/track/", 1)[1]
                ISSUED.append(code)
                TOKENS[one_time] = code
                self.mine.append(code)
                response.success()
            else:
                response.failure(f"expected 303, got {response.status_code}")

    @task(PLAN["citizen_tasks"]["track"])
    def follow_a_case(self):
        code = random.choice(self.mine or PLAN["codes"])
        self.get(f"/track/{code}", "tracking page")

    @task(PLAN["citizen_tasks"]["look_up"])
    def look_up(self):
        self.get(f"/track?code={random.choice(PLAN['codes'])}", "tracking lookup")

    @task(PLAN["citizen_tasks"]["public_pages"])
    def public_pages(self):
        for page in PLAN["pages"].get("citizen", []):
            self.get(_fill(page["path"], "", random.choice(PLAN["codes"])), page["name"])


class Officer(Visitor):
    """Works a unit's queue and opens cases from it."""

    weight = PLAN["users"]["officer"]
    wait_time = constant_throughput(PLAN["tasks_per_user_second"])

    def on_start(self):
        self.sign_in(random.choice(PLAN["officers"]))
        self.references: list[str] = []

    @task(3)
    def work_the_queue(self):
        for page in PLAN["pages"].get("officer", []):
            if "reference}" in page["path"]:  # case pages: opened from the queue below
                continue
            response = self.get(_fill(page["path"], "", ""), page["name"])
            self.references = REFERENCE.findall(response.text) or self.references

    @task(4)
    def open_a_case(self):
        if not self.references:
            return self.work_the_queue()
        self.get(f"/cases/{random.choice(self.references)}", "case page")


class Committee(Visitor):
    """Reads the committee's pages (scorecards and transparency once they exist) and cases."""

    weight = PLAN["users"]["committee"]
    wait_time = constant_throughput(PLAN["tasks_per_user_second"] / 4)

    def on_start(self):
        self.sign_in(PLAN["committee"])

    @task
    def read(self):
        references = []
        for page in PLAN["pages"].get("committee", []):
            response = self.get(_fill(page["path"], "", random.choice(PLAN["codes"])), page["name"])
            references += REFERENCE.findall(response.text)
        if references:
            self.get(f"/cases/{random.choice(references)}", "case page (committee)")
