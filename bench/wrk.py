"""wrk for `make bench`: installed when missing, driven by bench/lua/plan.lua, its output parsed.

A run is described by a plan (method, paths to rotate over, headers such as the
signed-in session's cookie, and for a form POST the body that each request ends
with a fresh one-time token). The Lua script counts every answer's status; the
result says how many answers had the expected status per second, how many had
another status, and how many sockets failed.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import string
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "lua" / "plan.lua"
_ALPHABET = string.ascii_letters + string.digits


class WrkMissing(RuntimeError):
    """wrk is not installed and could not be installed."""


def ensure_wrk() -> str:
    """The path of wrk; installs Debian's package when missing and allowed (root with apt-get)."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False,
                       stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    raise WrkMissing("make bench needs wrk (HTTP load generator): install Debian's package "
                     "with `apt-get install wrk` (as root), then run it again")


@dataclass
class Plan:
    """What each request of one wrk run sends."""

    paths: list[str]
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # a form POST: the urlencoded fields, ending with "submission_token="

    def lua(self, token_prefix: str | None = None) -> str:
        """The plan as a Lua table, followed by the script."""
        if not self.paths:
            raise ValueError("a wrk plan needs at least one path")
        prefix = token_prefix or "".join(secrets.choice(_ALPHABET) for _ in range(20))
        lines = ["plan = {", f"  method = {_lua_string(self.method)},", "  paths = {"]
        lines += [f"    {_lua_string(p)}," for p in self.paths]
        lines += ["  },", "  headers = {"]
        lines += [f"    [{_lua_string(k)}] = {_lua_string(v)}," for k, v in self.headers.items()]
        lines.append("  },")
        if self.body is not None:
            lines.append(f"  body = {_lua_string(self.body)},")
        lines += [f"  token_prefix = {_lua_string(prefix)},", "}", ""]
        return "\n".join(lines) + SCRIPT.read_text()


def _lua_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


@dataclass
class Result:
    """What one wrk run got back."""

    seconds: float
    requests: int
    statuses: dict[int, int]
    socket_errors: dict[str, int]  # connect, read, write, timeout
    non_2xx_3xx: int
    p50_ms: float = 0.0
    p99_ms: float = 0.0

    def rate(self, expected: int) -> float:
        """Answers with the expected status per second."""
        return self.statuses.get(expected, 0) / self.seconds if self.seconds else 0.0

    def wrong(self, expected: int) -> int:
        """Answers with any other status."""
        return sum(n for status, n in self.statuses.items() if status != expected)

    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


_SUMMARY = re.compile(r"^BENCH (.*)$", re.MULTILINE)
_STATUS = re.compile(r"^BENCH_STATUS (\d+) (\d+)$", re.MULTILINE)


def parse(output: str) -> Result:
    """Read the BENCH lines that bench/lua/plan.lua prints at the end of a run."""
    match = _SUMMARY.search(output)
    if not match:
        raise ValueError("no BENCH summary in wrk's output:\n" + output[-2000:])
    numbers = {key: int(value) for key, value in
               (pair.split("=", 1) for pair in match.group(1).split())}
    statuses = {int(status): int(n) for status, n in _STATUS.findall(output)}
    return Result(
        seconds=numbers["duration_us"] / 1e6, requests=numbers["requests"], statuses=statuses,
        socket_errors={k: numbers[k] for k in ("connect", "read", "write", "timeout")},
        non_2xx_3xx=numbers["status"], p50_ms=numbers.get("p50_us", 0) / 1000,
        p99_ms=numbers.get("p99_us", 0) / 1000,
    )


def run(base_url: str, plan: Plan, threads: int = 2, connections: int = 8, seconds: int = 10,
        wrk: str | None = None) -> Result:
    """One wrk run on loopback; its parsed result."""
    if not base_url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError(f"the bench measures loopback servers only, not {base_url}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as fh:
        fh.write(plan.lua())
        script = fh.name
    try:
        done = subprocess.run(
            [wrk or ensure_wrk(), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
             "--timeout", "10s", "-s", script, base_url],
            capture_output=True, text=True, timeout=seconds + 120, check=False,
        )
    finally:
        os.unlink(script)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-1000:]}")
    return parse(done.stdout)
