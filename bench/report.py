"""The machine a measurement ran on, and the markdown files the gates write to bench/results/."""
from __future__ import annotations

import math
import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True, cwd=RESULTS.parent.parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load_average() -> str:
    """The 1-minute load average (other work on the machine skews timings)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def machine(postgres_version: str | None = None) -> list[str]:
    """Lines describing the machine, for the top of a results file."""
    lines = [
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {_commit()}",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} cores; RAM {_ram_gib():.1f} GiB",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
    ]
    if postgres_version:
        lines.append(f"- PostgreSQL {postgres_version}")
    return lines


def table(headers: list[str], rows: list[list]) -> list[str]:
    """A markdown table."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return out


def write(kind: str, lines: list[str]) -> Path:
    """Write bench/results/<date>-<kind>.md, print it, and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{datetime.now(timezone.utc):%Y-%m-%d}-{kind}.md"
    text = "\n".join(lines).rstrip() + "\n"
    path.write_text(text)
    print(text)
    print(f"Written to {path.relative_to(RESULTS.parent.parent)}")
    return path


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of a list of numbers (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]
