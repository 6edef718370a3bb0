"""Small HTTP clients for the gates: a citizen who sends the real form, and a closed-loop driver."""
from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from bench.pages import csrf_token


@dataclass
class Answer:
    status: int
    location: str
    body: str
    seconds: float


class Browser:
    """Keeps one visitor's cookies; one connection per request (gunicorn's sync workers close them)."""

    def __init__(self, base_url: str, timeout: float = 30):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> Answer:
        """Send one request; raises OSError when the server cannot be reached."""
        body = urlencode(form) if form is not None else None
        sent = dict(headers or {})
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Answer(response.status, response.getheader("Location") or "", text,
                          time.perf_counter() - started)
        finally:
            conn.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def sign_in(self, email: str, password: str) -> None:
        """Through the real sign-in form."""
        token = csrf_token(self.get("/login").body)
        answer = self.request("POST", "/login", {"csrf_token": token, "email": email,
                                                  "password": password})
        if answer.status != 303:
            raise RuntimeError(f"sign-in as {email} answered {answer.status}")


class Citizen(Browser):
    """Sends feedback through the real form, CSRF token included."""

    token: str | None = None

    def open_form(self) -> None:
        self.token = csrf_token(self.get("/feedback/new").body)

    def submit(self, category_id: int, title: str, description: str, **extra: str) -> Answer:
        """POST the form; a 303 carries the tracking page in its Location."""
        if self.token is None:
            self.open_form()
        form = {"csrf_token": self.token, "category": str(category_id), "title": title,
                "description": description, "ward": "Phường Bến Thành", **extra}
        return self.request("POST", "/feedback/new", form)


def tracking_code(answer: Answer) -> str | None:
    """The tracking code a 303 after a submission points at."""
    marker = "/track/"
    return answer.location.split(marker, 1)[1] if answer.status == 303 and marker in answer.location else None


@dataclass
class Tally:
    """What a closed loop of clients got back."""

    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int | None, latency: float) -> None:
        with self.lock:
            if status is None:
                self.errors += 1
            else:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                self.latencies.append(latency)

    def rate(self, status: int) -> float:
        return self.statuses.get(status, 0) / self.seconds if self.seconds else 0.0


def closed_loop(make_client, step, clients: int, seconds: float) -> Tally:
    """``clients`` threads, each doing ``step(client)`` (returning an Answer) again and again."""
    tally = Tally()
    deadline = time.monotonic() + seconds

    def run():
        client = make_client()
        while time.monotonic() < deadline:
            try:
                answer = step(client)
            except OSError:
                tally.add(None, 0.0)
                time.sleep(0.05)
                continue
            tally.add(answer.status, answer.seconds)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    tally.seconds = time.monotonic() - started
    return tally
