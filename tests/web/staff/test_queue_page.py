"""The queue: search as you type, filters, sort, pages, counts, saved views, arrivals.

The clock is stopped on Tuesday 3 March 2026, 10:00 in Ho Chi Minh City, and Cục
Thuế's officer looks at a queue whose every expected row was worked out by hand
(times are local):

    case  received   field      status            assignee  running deadline
    G     Sun 23:30  tax        assigned          -         ack Mon 17:00, overdue
    A     Mon 09:00  tax        assigned          -         ack Tue 09:00, overdue; escalated
    C     Mon 09:05  tax        in progress       officer   answer Mon 16/3 09:05, on track
    D     Mon 09:10  tax        awaiting citizen  officer   (paused)
    H     Mon 09:20  insurance  assigned          -         ack Tue 09:20, overdue
                                (transferred by BHXH to Cục Thuế at 10:00)
    B     Tue 09:30  tax        assigned          -         ack Wed 09:30, due soon
                                (one working day from now ends Wed 10:00)
    E     Mon 09:30  tax        responded         head      -
    I     Mon 09:40  tax        with BHXH now: Cục Thuế transferred it away
    F     Mon 09:00  insurance  BHXH's own case: never in Cục Thuế's lists
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from app.cases import lifecycle, queries
from app.extensions import db
from app.models import Category, Channel, EventKind
from tests.factories import EMAILS, make_case
from tests.workspace import staff, unit, user

MINUTE = timedelta(minutes=1)
MON_9 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 local
NOW = MON_9 + timedelta(hours=25)  # Tuesday 10:00 local
ROW = re.compile(r'<td[^>]*><a href="/cases/(\d{4}-\d{6})">')


@pytest.fixture
def queue_cases(app, world, monkeypatch):
    """The cases of the module docstring; returns {letter: reference}."""
    monkeypatch.setattr("app.web.staff.routes.utcnow", lambda: NOW)
    with app.app_context():
        tax = db.session.get(Category, world.tax)
        insurance = db.session.get(Category, world.insurance)

        def case(category, title, when, **fields):
            fields.setdefault("description", f"Nội dung: {title}.")
            return make_case(category, title=title, now=when, **fields)

        g = case(tax, "Hóa đơn điện tử bị từ chối", MON_9 - timedelta(hours=9, minutes=30))
        a = case(tax, "Ngập nước đường Nguyễn Hữu Cảnh", MON_9, citizen_phone="+84901234567")
        c = case(tax, "Hoàn thuế thu nhập cá nhân", MON_9 + 5 * MINUTE)
        d = case(tax, "Tra cứu mã số thuế", MON_9 + 10 * MINUTE)
        h = case(insurance, "Thẻ bảo hiểm y tế", MON_9 + 20 * MINUTE)
        e = case(tax, "Quyết toán thuế hộ kinh doanh", MON_9 + 30 * MINUTE)
        i = case(tax, "Lương hưu", MON_9 + 40 * MINUTE)
        b = case(tax, "Đăng ký thuế qua điện thoại", MON_9 + timedelta(hours=24, minutes=30),
                 channel=Channel.HOTLINE, citizen_phone="+84909999999")
        f = case(insurance, "Sổ bảo hiểm xã hội", MON_9)
        later = MON_9 + timedelta(hours=1)
        lifecycle.acknowledge(c, staff("officer_thue"), later)
        lifecycle.acknowledge(d, staff("officer_thue"), later)
        lifecycle.ask_citizen(d, staff("officer_thue"), "Xin số hồ sơ.", later)
        lifecycle.transfer(h, staff("officer_bhxh"), unit("THUE"), "Thuộc lĩnh vực thuế.", later)
        lifecycle.acknowledge(e, staff("head_thue"), later)
        lifecycle.respond(e, staff("head_thue"), "Đã hướng dẫn.", later)
        lifecycle.transfer(i, staff("head_thue"), unit("BHXH"), "Thuộc BHXH.", later)
        lifecycle.record_event(a, EventKind.ESCALATION, lifecycle.SYSTEM_ACTOR, later,
                              is_public=False)
        db.session.commit()
        return {name: obj.reference for name, obj in zip("GACDHEIBF", (g, a, c, d, h, e, i, b, f))}


@pytest.fixture
def officer(client, auth, queue_cases):
    auth.login(EMAILS["officer_thue"])
    return client


def rows(client, query: str = "", **headers) -> list[str]:
    response = client.get(f"/cases{query}", headers=headers)
    assert response.status_code == 200, response.status_code
    return ROW.findall(response.get_data(as_text=True))


def letters(refs: dict, found: list[str]) -> str:
    by_ref = {ref: letter for letter, ref in refs.items()}
    return "".join(by_ref[ref] for ref in found)


def test_default_view_is_the_unit_open_cases_soonest_due_first(officer, queue_cases):
    assert letters(queue_cases, rows(officer)) == "GAHBCD"


@pytest.mark.parametrize("query, expected", [
    ("?q=ngap+nuoc", "A"),
    ("?q=NGẬP+nước", "A"),
    ("?q=nuoc+ngap", "A"),
    ("?q=0901+234+567", "A"),
    ("?q=%2B84+90+123+4567", "A"),
    ("?q=0901234", "A"),
    ("?q=the+bao+hiem", "H"),
    ("?q=%25", ""),
    ("?q=khong+co+gi", ""),
])
def test_search_ignores_accents_and_finds_phone_numbers(officer, queue_cases, query, expected):
    assert letters(queue_cases, rows(officer, query)) == expected


def test_search_finds_a_reference(officer, queue_cases):
    assert letters(queue_cases, rows(officer, f"?q={queue_cases['B']}")) == "B"
    assert letters(queue_cases, rows(officer, f"?q=+{queue_cases['B']}+")) == "B"


def test_search_never_reaches_another_unit_cases(officer, queue_cases):
    assert rows(officer, "?q=so+bao+hiem+xa+hoi&status=all") == []


@pytest.mark.parametrize("query, expected", [
    ("?status=assigned", "GAHB"),
    ("?status=in_progress", "C"),
    ("?status=awaiting_citizen", "D"),
    ("?status=responded", "E"),
    ("?status=all", "GAHBCDE"),
    ("?category={insurance}", "H"),
    ("?deadline=overdue", "GAH"),
    ("?deadline=due_soon", "B"),
    ("?deadline=on_track", "C"),
    ("?assignee=me", "CD"),
    ("?assignee=none", "GAHB"),
    ("?assignee={head}&status=all", "E"),
    ("?channel=hotline", "B"),
    ("?received_from=2026-03-02&received_to=2026-03-02", "AHCD"),
    ("?received_to=2026-03-01", "G"),
    ("?received_from=2026-03-03", "B"),
    ("?escalated=1", "A"),
    ("?scope=transferred&status=all", "I"),
    ("?deadline=overdue&q=nguyen+huu+canh", "A"),
])
def test_each_filter(app, officer, queue_cases, world, query, expected):
    with app.app_context():
        head = user("head_thue").id
    query = query.format(insurance=world.insurance, head=head)
    assert letters(queue_cases, rows(officer, query)) == expected


@pytest.mark.parametrize("sort, expected", [
    ("", "GAHBCD"), ("due", "GAHBCD"), ("newest", "BHDCAG"), ("oldest", "GACDHB"),
])
def test_sort(officer, queue_cases, sort, expected):
    assert letters(queue_cases, rows(officer, f"?sort={sort}")) == expected


def test_values_outside_the_lists_are_ignored_and_a_bad_date_is_422_next_to_the_field(
        officer, queue_cases):
    assert letters(queue_cases, rows(officer, "?status=bogus&sort=x&deadline=y&category=abc")) \
        == "GAHBCD"
    response = officer.get("/cases?received_from=02/03/2026")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'id="received_from-error"' in text
    assert letters(queue_cases, ROW.findall(text)) == "GAHBCD"


def test_counts_per_status_follow_the_other_filters(officer, queue_cases):
    text = officer.get("/cases").get_data(as_text=True)
    counts = dict(re.findall(
        r'status=(\w+)[^"]*"[^>]*>[^<]*<span class="count">(\d+)</span>', text))
    counts["open"] = re.search(r'href="/cases"[^>]*>[^<]*<span class="count">(\d+)', text).group(1)
    assert counts == {"open": "6", "new": "0", "assigned": "4", "in_progress": "1",
                      "awaiting_citizen": "1", "responded": "1", "closed": "0", "rejected": "0", "guided": "0",
                      "all": "7"}
    assert "6 vụ việc" in text
    text = officer.get("/cases?channel=hotline").get_data(as_text=True)
    assert re.search(r'status=assigned[^"]*"[^>]*>[^<]*<span class="count">1<', text)
    assert re.search(r'status=all[^"]*"[^>]*>[^<]*<span class="count">1<', text)


def test_pages_keep_the_filters(app, officer, queue_cases):
    app.config["CASES_PER_PAGE"] = 2
    first = officer.get("/cases?deadline=overdue").get_data(as_text=True)
    assert letters(queue_cases, ROW.findall(first)) == "GA"
    assert 'href="/cases?page=2&amp;deadline=overdue"' in first
    assert letters(queue_cases, rows(officer, "?page=2&deadline=overdue")) == "H"
    assert letters(queue_cases, rows(officer, "?page=2")) == "HB"
    assert letters(queue_cases, rows(officer, "?page=99")) == "CD"  # the last page
    assert letters(queue_cases, rows(officer, "?page=-1")) == "GA"


def test_htmx_gets_only_the_results_and_the_url_state_is_kept(officer, queue_cases):
    response = officer.get("/cases?q=ngap&sort=newest", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in text and 'id="queue-filters"' not in text
    assert 'id="results-summary"' in text and 'hx-swap-oob="true"' in text
    assert "HX-Request" in response.headers["Vary"]
    # A history restore after the back button wants the whole page again.
    response = officer.get("/cases?q=ngap", headers={"HX-Request": "true",
                                                    "HX-History-Restore-Request": "true"})
    page = response.get_data(as_text=True)
    assert "<html" in page and 'value="ngap"' in page


def test_the_search_box_searches_as_you_type_and_pushes_the_url(officer, queue_cases):
    text = officer.get("/cases?q=thue").get_data(as_text=True)
    box = re.search(r'<input type="search" id="q"[^>]*>', text, re.S).group(0)
    assert 'hx-trigger="input changed delay:300ms, search"' in box
    assert 'hx-push-url="true"' in box and 'hx-target="#results"' in box
    assert 'value="thue"' in box
    assert 'hx-history="false"' in text  # citizens' data is not kept in the browser history


@pytest.mark.parametrize("view, expected", [
    ("mine", "CD"), ("unassigned", "GAHB"), ("due_soon", "B"), ("overdue", "GAH"),
    ("awaiting", "D"), ("escalated", "A"),
])
def test_saved_views_are_one_click_away(officer, queue_cases, view, expected):
    page = officer.get("/cases").get_data(as_text=True)
    from app.cases.queue import SAVED_VIEWS

    args = next(v.args for v in SAVED_VIEWS if v.key == view)
    link = "/cases?" + "&amp;".join(f"{k}={v}" for k, v in args.items())
    assert f'href="{link}"' in page
    assert letters(queue_cases, rows(officer, link.replace("&amp;", "&")[6:])) == expected
    current = officer.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'href="{link}" aria-current="page"' in current


def test_views_that_need_a_unit_are_not_offered_to_the_committee(client, auth, queue_cases):
    auth.login(EMAILS["committee"])
    page = client.get("/cases").get_data(as_text=True)
    assert "assignee=me" not in page and "escalated=1" in page
    # No unit scope: every open case, F (BHXH, ack due Tue 09:00 like A) and I included.
    assert letters(queue_cases, ROW.findall(page)) == "GAFHIBCD"


def test_new_cases_are_announced_without_replacing_the_list(app, officer, queue_cases):
    since = (NOW - timedelta(hours=1)).isoformat()  # Tuesday 09:00
    response = officer.get("/cases/arrivals", query_string={"since": since},
                           headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<table" not in text
    assert "1 vụ việc mới" in text  # B, received at 09:30
    assert 'hx-trigger="every 30s"' in text
    earlier = (MON_9 + timedelta(minutes=50)).isoformat()  # H arrived by transfer at 10:00
    text = officer.get("/cases/arrivals", query_string={"since": earlier}).get_data(as_text=True)
    assert "2 vụ việc mới" in text
    text = officer.get("/cases/arrivals", query_string={"since": earlier, "channel": "hotline"}
                       ).get_data(as_text=True)
    assert "1 vụ việc mới" in text
    text = officer.get("/cases/arrivals", query_string={"since": NOW.isoformat()}).get_data(
        as_text=True)
    assert "mới" not in text and 'id="arrivals"' in text
    assert officer.get("/cases/arrivals?since=nonsense").status_code == 200


def test_own_transfers_are_not_news(client, auth, queue_cases):
    auth.login(EMAILS["head_thue"])
    earlier = (MON_9 + timedelta(minutes=50)).isoformat()
    text = client.get("/cases/arrivals", query_string={
        "since": earlier, "scope": "transferred", "status": "all"}).get_data(as_text=True)
    assert "mới" not in text  # I left by the head's own hand


@pytest.fixture
def masked_cases(app, world):
    """A case Cục Thuế transferred to BHXH and one no rule could route, both with a caller's
    full contact details; returns {"moved": reference, "triage": reference}."""
    with app.app_context():
        contact = {"citizen_phone": "+84901234567", "citizen_name": "Trần Thị Bình",
                   "citizen_email": "binh@example.vn"}
        moved = make_case(db.session.get(Category, world.tax), title="Hỏi về lương hưu", **contact)
        lifecycle.transfer(moved, staff("officer_thue"), unit("BHXH"), "Thuộc BHXH.",
                           MON_9 + timedelta(hours=1))
        triage = make_case(db.session.get(Category, world.other), title="Không rõ đơn vị",
                           **contact)
        db.session.commit()
        return {"moved": moved.reference, "triage": triage.reference}


def _prefixes(number: str) -> list[str]:
    return [number[:n] for n in range(4, len(number) + 1)]


@pytest.mark.parametrize("key, case, scope", [
    ("officer_thue", "moved", "&scope=transferred"),  # Cục Thuế reads it, its page masks the caller
    ("head_thue", "moved", "&scope=transferred"),
    ("operator", "triage", ""),  # a new case: the operator routes it, the caller is masked
])
def test_search_never_matches_contact_details_the_page_masks(client, auth, masked_cases,
                                                             key, case, scope):
    auth.login(EMAILS[key])
    reference = masked_cases[case]
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "0901234567" not in page and "Trần Thị Bình" not in page  # the page masks them
    assert reference in rows(client, f"?q={reference}{scope}")  # the case is in this list
    for typed in _prefixes("0901234567") + _prefixes("+84901234567".replace("+", "%2B")):
        assert rows(client, f"?q={typed}{scope}") == [], typed  # digit by digit: nothing
    for typed in ("tran", "tran+thi+binh", "binh", "binh%40example", "example.vn"):
        assert rows(client, f"?q={typed}{scope}") == [], typed


@pytest.mark.parametrize("key, case", [
    ("officer_bhxh", "moved"), ("committee", "moved"), ("admin", "triage"),
])
def test_who_sees_the_contact_finds_the_case_by_it(client, auth, masked_cases, key, case):
    auth.login(EMAILS[key])
    reference = masked_cases[case]
    for typed in ("0901+234+567", "0901234", "%2B84901234567", "tran+thi+binh",
                  "binh%40example.vn"):
        assert reference in rows(client, f"?q={typed}"), typed
    # Words of the contact and of the case itself combine.
    mixed = "binh+luong+huu" if case == "moved" else "binh+don+vi"
    assert rows(client, f"?q={mixed}") == [reference]


def test_the_kind_filter_and_column(app, officer, queue_cases):
    with app.app_context():
        queries.case_by_reference(queue_cases["B"]).kind = "kien_nghi"
        db.session.commit()
    assert letters(queue_cases, rows(officer, "?kind=kien_nghi")) == "B"
    assert letters(queue_cases, rows(officer, "?kind=phan_anh")) == "GAHCD"
    assert letters(queue_cases, rows(officer, "?kind=bogus")) == "GAHBCD"  # ignored, as others
    text = officer.get("/cases?lang=en").get_data(as_text=True)
    assert re.search(r'<label for="kind">Kind of case</label>\s*<select[^>]*id="kind"', text)
    assert '<option value="khieu_nai">Complaint</option>' in text
    assert '<span class="badge kind kind-kien_nghi">Proposal</span>' in text
    # The filter is kept in the status tabs' links.
    assert re.search(r'href="/cases\?[^"]*kind=kien_nghi', officer.get("/cases?kind=kien_nghi").text)
