"""The pieces of `make bench` that can be checked without timing anything."""
from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs

import pytest

from app.intake.submission import TOKEN_PATTERN
from bench import wrk
from bench.run import GOALS, ratio_rows

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:5123
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.02ms  30.00ms   90.00%
  25000 requests in 10.00s, 30.00MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   2500.00
Transfer/sec:      3.00MB
BENCH duration_us=10000000 requests=25000 connect=0 read=3 write=0 timeout=1 status=7 p50_us=2100 p99_us=9000
BENCH_STATUS 303 24990
BENCH_STATUS 500 2
BENCH_STATUS 422 5
"""


def test_the_parser_reads_statuses_and_socket_errors():
    result = wrk.parse(WRK_OUTPUT)
    assert result.seconds == 10.0 and result.requests == 25000
    assert result.statuses == {303: 24990, 500: 2, 422: 5}
    assert result.rate(303) == 2499.0
    assert result.wrong(303) == 7 and result.server_errors() == 2
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 1}
    assert result.non_2xx_3xx == 7 and result.p50_ms == 2.1


def test_the_parser_refuses_output_without_a_summary():
    with pytest.raises(ValueError):
        wrk.parse("Running 10s test\nRequests/sec: 12.0\n")


def test_the_plan_is_a_lua_table_before_the_script():
    plan = wrk.Plan(["/track/A\"B"], method="POST", headers={"Cookie": "session=x"},
                    body="csrf_token=t&submission_token=")
    text = plan.lua(token_prefix="P" * 20)
    assert text.startswith("plan = {")
    assert '"/track/A\\"B"' in text and '["Cookie"] = "session=x"' in text
    assert 'token_prefix = "PPPPPPPPPPPPPPPPPPPP"' in text and "function request()" in text
    with pytest.raises(ValueError):
        wrk.Plan([]).lua()


def test_ratios_are_compared_with_the_goals():
    rows = ratio_rows(1000.0, {"officer queue `/cases`": (350.0, 0, 0),
                               "tracking page": (400.0, 0, 0),
                               "citizen form POST → 303": (250.0, 3, 1)})
    by_page = {row[0]: row for row in rows}
    assert by_page["officer queue `/cases`"][2:5] == ["0.350", "≥ 0.30", "met"]
    assert by_page["tracking page"][2:5] == ["0.400", "≥ 0.50", "NOT met"]
    # Wrong answers or socket errors are named next to the ratio, whatever the ratio.
    assert by_page["citizen form POST → 303"][4] == "NOT met"
    assert "3 wrong" in by_page["citizen form POST → 303"][5]
    assert set(GOALS) >= set(by_page)


def test_a_page_not_measured_is_not_met():
    rows = ratio_rows(1000.0, {})
    assert rows and all(row[4] == "NOT met" for row in rows)


class _Recorder(BaseHTTPRequestHandler):
    tokens: ClassVar[list[str]] = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        fields = parse_qs(body)
        with self.lock:
            self.tokens.extend(fields.get("submission_token", []))
        self.send_response(303)
        self.send_header("Location", "/track/X")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_form_script_sends_a_fresh_well_formed_token_each_request():
    _Recorder.tokens = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        plan = wrk.Plan(["/feedback/new"], method="POST",
                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                        body="csrf_token=abc&title=t&submission_token=")
        result = wrk.run(f"http://127.0.0.1:{server.server_port}", plan, threads=2,
                         connections=4, seconds=1)
    finally:
        server.shutdown()
        server.server_close()
    tokens = _Recorder.tokens
    assert len(tokens) >= 10
    assert len(set(tokens)) == len(tokens)
    assert all(TOKEN_PATTERN.match(token) for token in tokens)
    # Both threads sent requests, and the statuses counted in Lua are the answers sent.
    assert {token[20:].split("x")[0] for token in tokens} == {"t1", "t2"}
    assert result.statuses.get(303, 0) >= len(tokens) - 8
    assert result.wrong(303) == 0


def test_the_load_test_offers_the_day_in_its_minute():
    from bench.load import CITIZEN_TASKS, TASKS_PER_USER_SECOND, city_rates

    rates = city_rates(1500, 60, officers=20)
    assert rates["target_per_s"] == 25.0
    share = CITIZEN_TASKS["submit"] / sum(CITIZEN_TASKS.values())
    offered = rates["users"]["citizen"] * TASKS_PER_USER_SECOND * share
    assert 25.0 <= offered < 25.0 + share  # enough citizens, rounded up by less than one
    assert rates["users"]["officer"] == 20 and rates["users"]["committee"] >= 1
    with pytest.raises(ValueError):
        city_rates(0, 60, officers=20)
