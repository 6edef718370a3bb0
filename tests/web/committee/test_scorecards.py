"""/scorecards, the unit page and /transparency: roles, content, and a bounded number of queries."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.core.timeutil import LOCAL_TZ, utcnow
from app.extensions import db as _db
from app.models import Campaign, Category, ScoreSnapshot, Unit
from app.scoring import metrics, snapshots
from tests.factories import EMAILS, make_case, make_request, make_unit
from tests.scoring.test_metrics import LATER, march  # noqa: F401 - fixture
from tests.scoring.test_score import campaign  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("hour_regimes")


@pytest.fixture
def scored(db, campaign, march):
    """March 2026 and the whole campaign computed as of 20 April 2026."""
    for period in snapshots.campaign_periods(campaign, date(2026, 3, 31)):
        snapshots.refresh(campaign, period, LATER)
    db.session.commit()
    return campaign


@contextmanager
def count_queries():
    counted = []

    def before(conn, cursor, statement, *args):
        counted.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.mark.parametrize("who,status", [("committee", 200), ("admin", 200), ("head_thue", 200),
                                        ("officer_thue", 403), ("operator", 403)])
def test_scorecard_access_by_role(client, auth, scored, who, status):
    auth.login(EMAILS[who])
    assert client.get("/scorecards").status_code == status


def test_anonymous_visitors_are_sent_to_login(client, scored):
    assert client.get("/scorecards").status_code == 302


def test_committee_sees_every_unit_ranked_with_components(client, auth, scored):
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards?campaign={scored.id}&period=2026-03").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td[^>]*>(\d+|[^<]+)</td>.*?scorecards/units/(\w+)", text, re.S)
    assert [(rank, code) for rank, code in rows][:2] == [("1", "BHXH"), ("2", "THUE")]
    assert "76,6" in text and "58,3" in text  # Vietnamese decimals
    # Only March has cases: its score stands as text, the months without cases draw no line.
    assert 'class="sparkline"' not in text
    assert 'id="how-heading"' in text and "/ (n + k)" in text  # the panel with its formula


def test_unit_head_sees_only_their_unit(client, auth, scored):
    auth.login(EMAILS["head_thue"])
    text = client.get(f"/scorecards?campaign={scored.id}&period=2026-03").get_data(as_text=True)
    assert "scorecards/units/THUE" in text and "scorecards/units/BHXH" not in text
    assert client.get("/scorecards/units/BHXH").status_code == 403
    assert client.get("/scorecards/units/THUE").status_code == 200
    assert client.get("/scorecards/units/NOPE").status_code == 404


def _unit_options(text: str) -> set[int]:
    select = re.search(r'<select id="unit" name="unit">(.*?)</select>', text, re.S).group(1)
    return {int(value) for value in re.findall(r'<option value="(\d+)"', select)}


def test_the_unit_filter_offers_only_the_units_the_user_may_see(app, client, auth, scored):
    with app.app_context():
        thue = _db.session.scalar(sa.select(Unit).where(Unit.code == "THUE"))
        make_unit("THUE-Q1", "Chi cục Thuế Quận 1", thue)
        _db.session.commit()
        ids = dict(_db.session.execute(sa.select(Unit.code, Unit.id)).tuples().all())
    auth.login(EMAILS["head_thue"])
    text = client.get(f"/scorecards?campaign={scored.id}").get_data(as_text=True)
    assert _unit_options(text) == {ids["THUE"], ids["THUE-Q1"]}
    # A unit asked for by hand that the head may not see is refused, not silently widened.
    asked = client.get(f"/scorecards?campaign={scored.id}&period=2026-03&unit={ids['BHXH']}")
    assert asked.status_code == 403
    assert "scorecards/units/BHXH" not in asked.get_data(as_text=True)
    assert client.get(f"/scorecards?campaign={scored.id}&unit=999999").status_code == 403
    assert client.get(f"/scorecards?campaign={scored.id}&unit={ids['THUE']}").status_code == 200
    auth.logout()
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards?campaign={scored.id}").get_data(as_text=True)
    assert _unit_options(text) == set(ids.values())


def test_htmx_filter_returns_the_table_only(client, auth, scored):
    auth.login(EMAILS["committee"])
    response = client.get(f"/scorecards?campaign={scored.id}&period=2026-03",
                          headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.lstrip().startswith('<div id="scorecard-table">')
    assert "<html" not in text
    page = client.get("/scorecards").get_data(as_text=True)
    assert 'hx-push-url="true"' in page and 'hx-get="/scorecards"' in page


def test_unit_page_explains_the_score_and_links_late_cases(client, auth, scored, march):
    _, refs = march
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards/units/THUE?campaign={scored.id}&period=2026-03").get_data(as_text=True)
    assert "(1 + 4 × 0.667) ÷ (3 + 4) = 0.524" in text  # answered on time, shrunk
    assert f'href="/cases/{refs["T3"]}"' in text and f'href="/cases/{refs["T1"]}"' not in text
    assert "<desc" in text and "<caption>" in text  # charts with a data table


def test_rank_change_against_the_previous_computation(app, client, auth, scored):
    with app.app_context():
        # An earlier computation in which the ranks were the other way round.
        rows = _db.session.scalars(sa.select(ScoreSnapshot).where(
            ScoreSnapshot.period_key == "2026-03")).all()
        for row in rows:
            _db.session.add(ScoreSnapshot(**{c.name: getattr(row, c.name)
                                             for c in ScoreSnapshot.__table__.columns
                                             if c.name not in ("id", "as_of", "rank")},
                                          as_of=date(2026, 4, 1),
                                          rank={1: 2, 2: 1}.get(row.rank)))
        _db.session.commit()
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards?campaign={scored.id}&period=2026-03").get_data(as_text=True)
    assert "▲ 1" in text and "▼ 1" in text


def test_transparency_is_public_aggregate_and_hides_small_units(app, client, march):
    from app.core.timeutil import to_local

    with app.app_context():
        year = snapshots.year_period(to_local(utcnow()).year)
        snapshots.refresh(None, year, utcnow())
        _db.session.commit()
    response = client.get("/transparency")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<svg" in text and "<desc" in text
    # March 2026 data: Cục Thuế received 5 (shown), Bảo hiểm Xã hội 3 (< 5: hidden).
    if to_local(utcnow()).year == 2026:
        assert "Cục Thuế TP HCM" in text and "Bảo hiểm Xã hội TP HCM</th>" not in text
    assert "+84" not in text and "@" not in text.split("<footer")[0].split("</header>")[1]


def _add_data(app, world, n):
    with app.app_context():
        root = _db.session.get(Unit, world.root)
        for i in range(n):
            helper = make_unit(f"X{n}{i}", f"Đơn vị {i}", root)
            case = make_case(_db.session.get(Category, world.tax), title=f"Thêm {n}-{i}")
            make_request(case, helper.id, utcnow(), date.today(), "answered", utcnow())
        campaign = _db.session.scalar(sa.select(Campaign))
        for period in snapshots.campaign_periods(campaign, date(2026, 3, 31)):
            snapshots.refresh(campaign, period, LATER)
        snapshots.refresh(None, snapshots.year_period(to_year()), utcnow())
        _db.session.commit()


def to_year():
    from app.core.timeutil import to_local

    return to_local(utcnow()).year


def test_query_counts_do_not_grow_with_data(app, client, auth, scored, march):
    world, _ = march
    auth.login(EMAILS["committee"])
    paths = [f"/scorecards?campaign={scored.id}&period=2026-03",
             f"/scorecards/units/THUE?campaign={scored.id}&period=2026-03", "/transparency"]
    _add_data(app, world, 1)
    counts = []
    for _round in (2, 12):
        with count_queries() as small:
            for path in paths:
                assert client.get(path).status_code == 200
        _add_data(app, world, _round)
        counts.append(len(small))
    with count_queries() as large:
        for path in paths:
            client.get(path)
    assert counts[0] == counts[1] == len(large)


def test_the_score_pages_explain_the_campaign_s_own_weights(db, client, auth, scored):
    auth.login(EMAILS["committee"])
    index = f"/scorecards?campaign={scored.id}&period=2026-03"
    unit_page = f"/scorecards/units/THUE?campaign={scored.id}&period=2026-03"
    formula = "Điểm = (15 × Nhận xử lý đúng hạn + 35 × Trả lời đúng hạn"
    assert formula in client.get(index).get_data(as_text=True)
    assert formula in client.get(unit_page).get_data(as_text=True)
    scored.weight_ack, scored.weight_response = 25, 25
    db.session.commit()
    for page in (index, unit_page):
        text = client.get(page).get_data(as_text=True)
        assert formula not in text
        assert "Điểm = (25 × Nhận xử lý đúng hạn + 25 × Trả lời đúng hạn" in text
        assert "k = 4." in text


def test_the_unit_page_s_points_add_up_to_its_score(client, auth, scored):
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards/units/THUE?campaign={scored.id}&period=2026-03").get_data(
        as_text=True)
    table = text[text.index('id="components-heading"'):text.index('id="figures-heading"')]
    rows = re.findall(r'<td class="num"[^>]*>[^<]*</td>\s*<td class="num"[^>]*>(\d+)</td>\s*'
                      r'<td class="num"[^>]*>([\d,]+)</td>\s*</tr>', table)
    assert len(rows) == 6
    assert sum(float(points.replace(",", ".")) for _weight, points in rows) == pytest.approx(58.3, abs=0.1)
    assert "50 × min(1, 1 ÷ 2) + 50 × min(1, 1 ÷ 2)" in table


def test_unit_page_shows_the_figures_per_kind(app, client, auth, scored):
    with app.app_context():
        thue = _db.session.scalar(sa.select(Unit.id).where(Unit.code == "THUE"))
        expected = metrics.by_kind(thue, datetime(2026, 3, 1, tzinfo=LOCAL_TZ),
                                   datetime(2026, 4, 1, tzinfo=LOCAL_TZ), utcnow())
    assert expected and expected[0].kind == "phan_anh"
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards/units/THUE?campaign={scored.id}&period=2026-03").get_data(
        as_text=True)
    table = re.search(r'<table class="cases" id="figures-by-kind">.*?</table>', text, re.S).group(0)
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>', table)
    first = expected[0]
    assert rows[0][:2] == ("Phản ánh", str(first.received))
    assert f"({first.answered_on_time}/{first.answered})" in rows[0][2]
    assert '<h2 id="kinds-heading">' in text


@pytest.fixture
def guided_and_extended(db, campaign, march):
    """March plus two Cục Thuế cases: one guided to the court, one whose answer was extended
    to Thu 19 March and given on Wed 18 (on time, late against its original 16 March);
    then scored as of 20 April."""
    from tests.scoring.test_metrics import add_guided_and_extended


    world, _ = march
    add_guided_and_extended(db, world)
    for period in snapshots.campaign_periods(campaign, date(2026, 3, 31)):
        snapshots.refresh(campaign, period, LATER)
    db.session.commit()
    return campaign


def _cell(text: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', text).group(1)


def test_unit_page_shows_guidance_extensions_and_both_on_time_rates(client, auth,
                                                                    guided_and_extended):
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards/units/THUE?campaign={guided_and_extended.id}&period=2026-03"
                      "&lang=en").get_data(as_text=True)
    assert _cell(text, "figure-on-time") == "50,0\u00a0% (2/4)"  # Vietnamese decimals
    assert _cell(text, "figure-on-time-original") == "25,0\u00a0% (1/4)"
    assert _cell(text, "figure-rejected") == "14,3\u00a0% (1)"  # T5, of 7 received
    assert (_cell(text, "figure-guided"), _cell(text, "figure-extensions")) == ("1", "1")
    # The fixture's app context keeps the Vietnamese catalog of the first request.
    assert "Trả lời đúng hạn so với hạn ban đầu" in text
    assert "Hướng dẫn đến cơ quan có thẩm quyền" in text and "Số lần gia hạn được đồng ý" in text


def test_the_ranked_table_shows_guidance_and_extensions(client, auth, guided_and_extended):
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards?campaign={guided_and_extended.id}&period=2026-03&lang=en"
                      ).get_data(as_text=True)
    thue = re.search(r'scorecards/units/THUE.*?</tr>', text, re.S).group(0)
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', thue)
    # Received, on time against the original date, guided, extended.
    assert cells[-4:] == ["7", "25,0\u00a0%", "1", "1"]
    # In the Vietnamese the fixture's app context keeps: a short heading, the full one read out.
    assert ('<span aria-hidden="true">Gia hạn</span>'
            '<span class="visually-hidden">Số lần gia hạn được đồng ý</span></th>') in text


def test_a_unit_without_answers_due_shows_a_dash_not_a_rate(client, auth, scored):
    """Đảng ủy Khối handles no case in March: nothing to rate, so "—", and zero counts."""
    auth.login(EMAILS["committee"])
    body = client.get(f"/scorecards/units/DUK?campaign={scored.id}&period=2026-03&lang=en"
                      ).get_data(as_text=True)
    assert _cell(body, "figure-on-time-original") == "— (0/0)"
    assert (_cell(body, "figure-guided"), _cell(body, "figure-extensions")) == ("0", "0")


def test_transparency_shows_guidance_extensions_and_the_original_date(app, client, world):
    from app.core.timeutil import to_local

    year = to_local(utcnow()).year
    with app.app_context():
        period = snapshots.year_period(year)
        _db.session.add(ScoreSnapshot(
            campaign_id=None, period_key=str(year), period_start=period.start,
            period_end=period.end, as_of=to_local(utcnow()).date(), unit_id=world.thue,
            received=12, response_due=8, response_on_time=6, response_on_time_original=4,
            answered=8, rejected=2, guided=3, extensions_used=2, contributions_asked=6,
            contributions_on_time=3, contributions_late=2, contributions_declined=1,
            components={}))
        _db.session.commit()
    text = client.get("/transparency?lang=en").get_data(as_text=True)
    row = re.search(r'<th scope="row">Cục Thuế[^<]*</th>(.*?)</tr>', text, re.S).group(1)
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)
    # The last: co-handling replies by the date over those judged (one still running).
    assert cells == ["12", "75%", "50%", "—", "—", "2", "3", "2", "3/5"]
    for header in ("Answered on time against the original date", "Cases not accepted",
                   "Cases guided to the competent agency", "Extensions approved"):
        assert f'<th scope="col" class="num">{header}</th>' in text


def test_the_scorecard_export_has_the_same_columns(app, guided_and_extended):
    from flask_babel import force_locale, gettext

    from app.models import User
    from app.scoring import exports

    with app.test_request_context(), force_locale("en"):
        committee = _db.session.scalar(sa.select(User).where(User.email == EMAILS["committee"]))
        header, _total, rows = exports.scorecard_rows(
            committee, {"campaign": str(guided_and_extended.id), "period": "2026-03"}, LATER)
        thue_row = next(row for row in rows if row[1] == "THUE")
        assert len(thue_row) == len(header)
        # One header per column: the component's value and the count are told apart.
        assert len(set(header)) == len(header)
        on_time = header.index(gettext("Answered on time (cases)"))
        thue = dict(zip(header, thue_row))
        original = gettext("Answered on time against the original date (cases)")
        assert (thue_row[on_time], thue[original], thue[gettext("Answers due")]) == (2, 1, 4)
        assert header.index(original) == on_time + 1
        assert thue[gettext("Cases not accepted")] == 1
        assert thue[gettext("Cases guided to the competent agency")] == 1
        assert thue[gettext("Extensions approved")] == 1


# Co-handling -----------------------------------------------------------------


@pytest.fixture
def cohandled(db, campaign, march):
    """March with the co-handling requests of tests/scoring/test_metrics.py, scored as of
    20 April: Bảo hiểm Xã hội was asked 8, replied 3 by the date, 4 late, declined 2."""
    from tests.scoring.test_metrics import add_cohandling

    world, refs = march
    add_cohandling(db, world, refs)
    for period in snapshots.campaign_periods(campaign, date(2026, 3, 31)):
        snapshots.refresh(campaign, period, LATER)
    db.session.commit()
    return campaign


def test_unit_page_shows_the_co_handling_figures_next_to_the_case_figures(client, auth,
                                                                        cohandled):
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards/units/BHXH?campaign={cohandled.id}&period=2026-03&lang=en"
                      ).get_data(as_text=True)
    figures = text[text.index('id="figures-heading"'):text.index('id="kinds-heading"')]
    assert 'id="cohandling-heading"' in figures and 'id="figure-extensions"' in figures
    assert [_cell(text, f"figure-contributions-{name}")
            for name in ("asked", "on-time", "late", "declined")] == ["8", "3", "4", "2"]
    assert _cell(text, "figure-contributions-rate") == "42,9\u00a0% (3/7)"
    # The month's row of the monthly table has the rate too.
    monthly = text[text.index("<caption>"):]
    march_row = re.search(r'<th scope="row">03/2026</th>(.*?)</tr>', monthly, re.S).group(1)
    assert re.findall(r'<td class="num"[^>]*>([^<]*)</td>', march_row)[-1] == "42,9\u00a0% (3/7)"
    # A unit asked nothing shows a dash, not a rate.
    duk = client.get(f"/scorecards/units/DUK?campaign={cohandled.id}&period=2026-03&lang=en"
                     ).get_data(as_text=True)
    assert _cell(duk, "figure-contributions-rate") == "— (0/0)"


def _component_row(text: str, code_label: str) -> str:
    table = text[text.index('id="components-heading"'):text.index('id="figures-heading"')]
    return re.search(rf'<th scope="row">{code_label}.*?</tr>', table, re.S).group(0)


def test_a_component_weighed_0_shows_its_figures_but_says_it_does_not_count(db, client, auth,
                                                                          cohandled):
    auth.login(EMAILS["committee"])
    page = f"/scorecards/units/BHXH?campaign={cohandled.id}&period=2026-03"
    row = _component_row(client.get(page).get_data(as_text=True), "Phối hợp đúng hạn")
    # Its figures: 3 successes of 7, shrunk with k = 4 towards p = 4/8; weight 0, no points.
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)
    assert cells[:2] == ["3", "7"] and cells[-3:] == ["45,5", "0", "0,0"]
    # Vietnamese once the integrator has translated it (the English msgid before).
    assert any(note in row for note in ("not counted in the score in this campaign",
                                        "không tính vào điểm trong đợt này"))
    cohandled.weight_works, cohandled.weight_cohandling = 10, 5
    db.session.commit()
    snapshots.refresh(cohandled, next(p for p in snapshots.campaign_periods(cohandled)
                                      if p.key == "2026-03"), LATER)
    db.session.commit()
    row = _component_row(client.get(page).get_data(as_text=True), "Phối hợp đúng hạn")
    assert "not counted" not in row and "không tính" not in row
    assert re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)[-2:] == ["5", "2,3"]


def test_the_ranked_table_has_a_co_handling_column_only_when_the_campaign_weighs_it(
        db, client, auth, cohandled):
    auth.login(EMAILS["committee"])
    index = f"/scorecards?campaign={cohandled.id}&period=2026-03"

    def headings() -> list[str]:
        text = client.get(index).get_data(as_text=True)
        head = re.search(r"<thead>(.*?)</thead>", text, re.S).group(1)
        return re.findall(r'<th scope="col" class="num">([^<]+)</th>', head)

    label = ("Co-handling on time", "Phối hợp đúng hạn")  # before and after translation
    before = headings()
    assert not set(label) & set(before)
    cohandled.weight_works, cohandled.weight_cohandling = 10, 5
    db.session.commit()
    snapshots.refresh(cohandled, next(p for p in snapshots.campaign_periods(cohandled)
                                      if p.key == "2026-03"), LATER)
    db.session.commit()
    found = headings()
    # Score, then the components in order: after the fifth, before campaign works.
    assert len(found) == len(before) + 1 and found[6] in label and found[7] == before[6]
    text = client.get(index).get_data(as_text=True)
    bhxh = re.search(r'scorecards/units/BHXH.*?</tr>', text, re.S).group(0)
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', bhxh)
    assert cells[5] == "45,5"  # (3 + 4 × 0.5) ÷ (7 + 4), after five other components


def test_the_scorecard_export_has_the_co_handling_columns(app, cohandled):
    from flask_babel import force_locale

    from app.models import User
    from app.scoring import exports
    from app.scoring.labels import CONTRIBUTION

    with app.test_request_context(), force_locale("en"):
        committee = _db.session.scalar(sa.select(User).where(User.email == EMAILS["committee"]))
        header, _total, rows = exports.scorecard_rows(
            committee, {"campaign": str(cohandled.id), "period": "2026-03"}, LATER)
        bhxh = dict(zip(header, next(row for row in rows if row[1] == "BHXH")))
        assert [bhxh[str(CONTRIBUTION[key])] for key in ("asked", "on_time", "late", "declined")] \
            == [8, 3, 4, 2]
        assert bhxh["Co-handling on time (value 0–100)"] == 45.45  # the component's value, weighed 0 here


def test_the_public_figures_show_co_handling_on_time(app, client, world):
    from app.core.timeutil import to_local

    year = to_local(utcnow()).year
    with app.app_context():
        period = snapshots.year_period(year)
        _db.session.add(ScoreSnapshot(
            campaign_id=None, period_key=str(year), period_start=period.start,
            period_end=period.end, as_of=to_local(utcnow()).date(), unit_id=world.thue,
            received=12, components={}))
        _db.session.commit()
    text = client.get("/transparency?lang=en").get_data(as_text=True)
    row = re.search(r'<th scope="row">Cục Thuế[^<]*</th>(.*?)</tr>', text, re.S).group(1)
    assert re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)[-1] == "—"  # asked nothing
    assert '<th scope="col" class="num">Co-handling on time</th>' in text


def test_a_unit_without_cases_has_no_score_no_rank_and_is_listed_apart(app, client, auth, scored):
    """Even with a campaign minimum of 0 cases, a unit without a case is never ranked; the
    table shows the units with cases, the others are one folded line with their names."""
    with app.app_context():
        make_unit("TRONG", "Ban Không Vụ Việc")
        campaign = _db.session.get(type(scored), scored.id)
        campaign.min_cases = 0
        _db.session.commit()
        month = next(p for p in snapshots.campaign_periods(campaign) if p.key == "2026-03")
        snapshots.refresh(campaign, month, LATER + timedelta(days=1))
        _db.session.commit()
        empty = _db.session.scalar(sa.select(ScoreSnapshot).join(Unit).where(
            Unit.code == "TRONG", ScoreSnapshot.period_key == "2026-03",
            ScoreSnapshot.as_of == (LATER + timedelta(days=1)).date()))
        assert empty.received == 0 and empty.rank is None
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards?campaign={scored.id}&period=2026-03").get_data(as_text=True)
    table = text[text.index("<tbody>"):text.index("</tbody>")]
    folded = text[text.index('id="units-without-cases"'):]
    assert "scorecards/units/TRONG" not in table and "scorecards/units/THUE" in table
    assert "scorecards/units/TRONG" in folded[:folded.index("</details>")]
    assert "<summary>" in folded
    page = client.get(f"/scorecards/units/TRONG?campaign={scored.id}&period=2026-03&lang=en")
    lead = re.search(r'<p class="lead">(.*?)</p>', page.get_data(as_text=True), re.S).group(1)
    assert "no score" in lead or "không" in lead
    assert not re.search(r"\d+[.,]\d", lead)  # no bold number for a unit without cases


def test_the_unit_page_shows_every_month_of_the_campaign(client, auth, scored):
    """Months not computed are rows marked so, and the charts keep their slot (no skipping);
    the axis labels are thinned to at most about eight so they never run together."""
    auth.login(EMAILS["committee"])
    text = client.get(f"/scorecards/units/THUE?campaign={scored.id}&period=2026-03").get_data(
        as_text=True)
    table = text[text.index('id="monthly-figures"'):]
    table = table[:table.index("</table>")]
    months = re.findall(r'<th scope="row">(\d\d/\d{4})</th>', table)
    assert months[:3] == ["01/2026", "02/2026", "03/2026"] and len(months) >= 3
    chart = text[text.index('id="chart-score-t"'):]
    chart = chart[:chart.index("</svg>")]
    labels = re.findall(r'y="170" text-anchor="middle">([^<]+)</text>', chart)
    assert 1 <= len(labels) <= 9 and all(re.fullmatch(r"\d\d/\d{4}", label) for label in labels)
    assert "2026/0" not in text
