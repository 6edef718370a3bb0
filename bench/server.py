"""Gunicorn on loopback for the gates: start, wait until it answers, measure, stop."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """A TCP port nobody listens on right now, on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for the application under gunicorn: development settings, limits lifted.

    Every simulated client comes from 127.0.0.1, so the per-address rate limits
    would measure the limiter instead of the application.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "MAIL_SERVER")}
    env.update(
        APP_ENV="development", DATABASE_URL=database_url, SECRET_KEY="bench-only-secret",
        SUBMISSIONS_PER_MINUTE="1000000", LOOKUPS_PER_MINUTE="1000000",
        LOGINS_PER_MINUTE="1000000", PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


class Gunicorn:
    """One gunicorn master serving ``target`` (e.g. ``wsgi:app``) on a loopback port."""

    def __init__(self, target: str, env: dict[str, str], workers: int = 2, port: int | None = None,
                 log_path: Path | None = None, extra_args: tuple[str, ...] = ()):
        self.target, self.env, self.workers = target, env, workers
        self.port = port or free_port()
        self.log_path = log_path
        self.extra_args = extra_args
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Gunicorn:
        """Start the master and wait until a request is answered."""
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [str(GUNICORN), "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "10",
             *self.extra_args, self.target],
            cwd=REPO, env=self.env, stdout=log, stderr=log, start_new_session=True,
        )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        """Poll until the server answers (any HTTP status)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"gunicorn did not answer on {self.url} within {timeout} s")

    def worker_pids(self) -> list[int]:
        """The worker processes of the master."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def peak_rss_mib(self) -> list[float]:
        """Peak resident memory (VmHWM) of each worker, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return peaks

    def reload(self) -> None:
        """SIGHUP: gunicorn starts new workers and lets the old ones finish their requests."""
        os.kill(self.process.pid, signal.SIGHUP)

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a crashed machine would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM and wait; SIGKILL whatever is left after 15 s."""
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
