"""Run by hand: do large photos stall the web workers? `/healthz` latency while big PNGs arrive.

Starts gunicorn with 2 sync workers on loopback (a throwaway PostgreSQL database,
demo accounts and categories only), then three anonymous citizens send the
feedback form at the same time, each with one 7000×7000 PNG of about 200 KB
(small on the wire, 49 megapixels once decoded). Meanwhile `/healthz` is asked
every 50 ms. Prints the submissions' answers and times and the `/healthz`
latencies; not part of the test suite and not a pass/fail gate.

    .venv/bin/python -m bench.uploads            # UPLOAD_ATTACKERS=3 UPLOAD_SIDE=7000
"""
from __future__ import annotations

import http.client
import io
import os
import re
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from PIL import Image

from bench import report
from bench.client import Browser
from bench.db import make_app, scratch_database
from bench.pages import csrf_token
from bench.server import Gunicorn, app_environment

_SUBMISSION_TOKEN = re.compile(r'name="submission_token" type="hidden" value="([^"]+)"')


def big_png(side: int) -> bytes:
    """A ``side``×``side`` PNG of one colour: a few hundred KB on the wire, huge decoded."""
    out = io.BytesIO()
    Image.new("RGB", (side, side), (40, 120, 200)).save(out, "PNG")
    return out.getvalue()


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[str, bytes]:
    """A multipart/form-data body: its Content-Type and bytes."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'.encode()
                     + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def _category(url: str) -> int:
    from app.extensions import db
    from app.models import Category
    from app.seed.demo import seed_demo

    app = make_app(url)
    with app.app_context():
        seed_demo("bench-password-1")
        db.session.commit()
        category = db.session.scalar(sa.select(Category.id).where(Category.code == "THUE"))
        db.engine.dispose()
    return category


def _submit(base: str, category: int, photo: bytes, results: list, start: threading.Event) -> None:
    citizen = Browser(base, timeout=120)
    page = citizen.get("/feedback/new").body
    fields = {"csrf_token": csrf_token(page), "submission_token": _SUBMISSION_TOKEN.search(page).group(1),
              "category": str(category), "title": "Ngập nước hẻm 42",
              "description": "Mưa là ngập sâu, xe máy chết máy.", "ward": "Phường Bến Thành",
              "anonymous": "y"}
    content_type, body = multipart(fields, [("attachments", "hem.png", photo)])
    start.wait()
    started = time.perf_counter()
    conn = http.client.HTTPConnection(citizen.host, citizen.port, timeout=120)
    try:
        conn.request("POST", "/feedback/new", body=body, headers={
            "Content-Type": content_type,
            "Cookie": "; ".join(f"{k}={v}" for k, v in citizen.cookies.items())})
        status = conn.getresponse().status
    except OSError as exc:
        status = type(exc).__name__
    finally:
        conn.close()
    results.append((status, time.perf_counter() - started))


def _probe(base: str, stop: threading.Event, latencies: list[float]) -> None:
    probe = Browser(base, timeout=120)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            probe.get("/healthz")
        except OSError:
            pass
        latencies.append(time.perf_counter() - started)
        time.sleep(0.05)


def attack(base: str, category: int, photo: bytes, attackers: int) -> tuple[list, list[float]]:
    """``attackers`` concurrent submissions while /healthz is probed; (answers, latencies)."""
    results: list = []
    latencies: list[float] = []
    start, stop = threading.Event(), threading.Event()
    senders = [threading.Thread(target=_submit, args=(base, category, photo, results, start))
               for _ in range(attackers)]
    for sender in senders:
        sender.start()
    time.sleep(1)  # every form page fetched, the probe running at rest first
    prober = threading.Thread(target=_probe, args=(base, stop, latencies))
    prober.start()
    time.sleep(0.5)
    start.set()
    for sender in senders:
        sender.join(180)
    time.sleep(0.5)
    stop.set()
    prober.join(180)
    return results, latencies


def main() -> int:
    """Serve on loopback, attack, print the numbers."""
    attackers = int(os.environ.get("UPLOAD_ATTACKERS", 3))
    side = int(os.environ.get("UPLOAD_SIDE", 7000))
    photo = big_png(side)
    work = Path(tempfile.mkdtemp(prefix="lang-nghe-uploads-"))
    with scratch_database("lang_nghe_uploads") as url:
        category = _category(url)
        env = app_environment(url, UPLOAD_FOLDER=str(work / "files"))
        with Gunicorn("wsgi:app", env, workers=2, log_path=work / "gunicorn.log") as server:
            results, latencies = attack(server.url, category, photo, attackers)
            peaks = server.peak_rss_mib()
    ms = sorted(latency * 1000 for latency in latencies)
    lines = [*report.machine(), f"- load average before the run: {report.load_average()}",
             f"- {attackers} concurrent anonymous submissions, each one {side}×{side} PNG of "
             f"{len(photo) / 1024:.0f} KB; gunicorn, 2 sync workers",
             "- submissions (status, seconds): "
             + ", ".join(f"{status} {seconds:.1f}" for status, seconds in results),
             f"- /healthz: {len(ms)} probes, median {statistics.median(ms):.0f} ms, "
             f"max {ms[-1]:.0f} ms, over 1 s: {sum(1 for m in ms if m > 1000)}",
             f"- peak worker memory (MiB): {', '.join(f'{p:.0f}' for p in peaks)}",
             f"- gunicorn log: {work / 'gunicorn.log'}"]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
