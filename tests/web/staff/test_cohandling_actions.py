"""The case page's co-handling section: the lead asks two units, each answers, in place or not."""
from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from app.cases import cohandling, lifecycle
from app.deadlines import counting
from app.extensions import db
from app.models import Attachment, CoHandlingRequest, RequestStatus, Role, Unit, User
from tests.conftest import Auth
from tests.factories import EMAILS, MONDAY_9AM, make_unit, make_user, make_world
from tests.uploads import png
from tests.web.staff.test_case_actions import CasePage, _in_progress
from tests.workspace import HOUR, case_by_ref, form_seen, form_versions, make_desk, staff, unit

OFFICER_TNMT = "officer.tnmt@test.vn"
NOTE = "Ghi chú nội bộ của Cục Thuế, không cho đơn vị khác."
LAST_DAY = date(2026, 3, 9)


@pytest.fixture
def desk(app):
    with app.app_context():
        world = make_world()
        desk = make_desk(world)
        tnmt = make_unit("TNMT", "Sở Tài nguyên và Môi trường", db.session.get(Unit, world.root))
        make_user(OFFICER_TNMT, Role.OFFICER, tnmt, name="Cán bộ TNMT")
        db.session.commit()
    _in_progress(app, desk.thue)
    with app.app_context():
        lifecycle.add_note(case_by_ref(desk.thue), staff("officer_thue"), NOTE, MONDAY_9AM + 3 * HOUR)
        db.session.commit()
    return desk


@pytest.fixture
def lead(app, client, desk):
    return CasePage(app, client, desk.thue, EMAILS["officer_thue"])


def contributor(app, desk, email):
    return CasePage(app, app.test_client(), desk.thue, email)


@pytest.fixture(autouse=True)
def _monday(monkeypatch):
    """The pages count from Monday 2 March 2026, 11:00, as the tests' data does."""
    moment = MONDAY_9AM + 2 * HOUR
    for module in ("app.web.staff.cohandling_view", "app.web.staff.cohandling_routes"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: moment)


def ask(page, unit_code, question, share=False, htmx=True, last_day=LAST_DAY):
    with page.app.app_context():
        unit_id = unit(unit_code).id
    fields = {"unit": unit_id, "question": question, "last_day": last_day.isoformat()}
    if share:
        fields["share_contact"] = "y"
    return page.post("cohandling", "cohandling", fields, htmx=htmx)


def request_id(app, reference, unit_code) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(CoHandlingRequest.id).where(
            CoHandlingRequest.case_id == case_by_ref(reference).id,
            CoHandlingRequest.unit_id == unit(unit_code).id).order_by(CoHandlingRequest.id.desc()))


def post_reply(page, action, rid, fields, files=None, htmx=True):
    html = page.page()
    prefix = action
    data = {f"{prefix}-version": form_versions(html)[prefix], f"{prefix}-seen": form_seen(html)[prefix]}
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    if files:
        data[f"{prefix}-files"] = files
    headers = {"X-CSRFToken": page.token}
    if htmx:
        headers["HX-Request"] = "true"
    return page.client.post(f"/cases/{page.reference}/cohandling/{rid}/{action}", data=data,
                            headers=headers, content_type="multipart/form-data")


def section(response, status=200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    text = response.get_data(as_text=True)
    assert "<html" not in text and 'id="cohandling"' in text
    assert 'id="status-panel" aria-labelledby="status-panel-heading" hx-swap-oob="true"' in text
    assert 'id="timeline" hx-swap-oob="true"' in text
    return text


def test_the_lead_asks_two_units_each_answers_and_the_lead_reads_both(app, desk, lead):
    page = lead.page()
    assert 'action="/cases/%s/cohandling"' % desk.thue in page
    assert '<optgroup label="Đảng ủy Khối">' in page  # units grouped under their parent
    assert 'type="date"' in page and 'value="2026-03-09"' in page  # 5 working days ahead
    text = section(ask(lead, "BHXH", "Cho biết tình trạng đóng BHXH."))
    assert 'data-unit="BHXH" data-status="open"' in text
    assert "09/03/2026" in text
    response = ask(lead, "TNMT", "Cho biết hiện trạng đất.", htmx=False)
    assert response.status_code == 303 and response.headers["Location"].endswith("#cohandling")

    bhxh = contributor(app, desk, EMAILS["officer_bhxh"])
    their_page = bhxh.page()
    assert "Cho biết tình trạng đóng BHXH." in their_page
    assert "Cho biết hiện trạng đất." not in their_page  # the other unit's request
    assert NOTE not in their_page and "Trần Thị Bình" not in their_page
    assert "+84901234567" not in their_page and "•••" not in their_page  # not even masked
    text = section(post_reply(bhxh, "contribute", request_id(app, desk.thue, "BHXH"),
                              {"text": "Đã đóng đủ đến tháng 2."},
                              files=[(io.BytesIO(png()), "bang-ke.png")]))
    assert "Đã đóng đủ đến tháng 2." in text and "bang-ke.png" in text

    tnmt = contributor(app, desk, OFFICER_TNMT)
    tnmt_page = tnmt.page()
    assert "Đã đóng đủ đến tháng 2." not in tnmt_page and "bang-ke.png" not in tnmt_page
    response = post_reply(tnmt, "decline", request_id(app, desk.thue, "TNMT"),
                          {"reason": "Không thuộc thẩm quyền."}, htmx=False)
    assert response.status_code == 303

    page = lead.page()
    assert "Đã đóng đủ đến tháng 2." in page and "Không thuộc thẩm quyền." in page
    assert 'data-unit="BHXH" data-status="answered"' in page
    assert 'data-unit="TNMT" data-status="declined"' in page
    with app.app_context():
        file = db.session.scalar(sa.select(Attachment).where(Attachment.request_id.is_not(None)))
        file_id = file.id
    url = f"/cases/{desk.thue}/attachments/{file_id}"
    assert url in page and lead.client.get(url).status_code == 200
    assert bhxh.client.get(url).status_code == 200
    assert tnmt.client.get(url).status_code == 404

    # The lead answers the citizen once; the contribution's file is not published.
    lead.post("respond", "respond", {"answer": "Trả lời tổng hợp ý kiến các đơn vị."})
    tracking = lead.client.get(f"/track/{lead.case()['tracking']}").get_data(as_text=True)
    assert "bang-ke.png" not in tracking and "Đã đóng đủ" not in tracking


def test_a_shared_contact_shows_to_that_unit_only(app, desk, lead):
    ask(lead, "BHXH", "Liên hệ người dân giúp.", share=True)
    ask(lead, "TNMT", "Cho ý kiến.")
    assert "+84901234567" in contributor(app, desk, EMAILS["officer_bhxh"]).page()
    assert "+84901234567" not in contributor(app, desk, OFFICER_TNMT).page()


def test_a_day_after_the_answers_is_422_next_to_the_field(app, desk, lead):
    with app.app_context():
        from app.deadlines import counting
        answer_last = counting.last_day_of(case_by_ref(desk.thue).response_due_at)
    text = section(ask(lead, "BHXH", "Hỏi.", last_day=date(2026, 4, 30)), 422)
    assert 'id="cohandling-last_day-error"' in text and answer_last.strftime("%d/%m/%Y") in text
    assert "Hỏi.</textarea>" in text  # what was typed is kept
    page = ask(lead, "BHXH", "Hỏi.", last_day=date(2026, 4, 30), htmx=False)
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)


def test_a_stale_form_is_409_and_keeps_the_text(app, desk, lead):
    old_page = lead.page()
    ask(lead, "BHXH", "Câu hỏi một.")
    with app.app_context():
        tnmt_id = unit("TNMT").id
    response = lead.post("cohandling", "cohandling", {
        "unit": tnmt_id, "question": "Câu hỏi hai.", "last_day": LAST_DAY.isoformat()}, old_page)
    text = section(response, 409)
    assert "Câu hỏi hai.</textarea>" in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CoHandlingRequest)) == 1


def test_the_lead_withdraws_a_request(app, desk, lead):
    ask(lead, "BHXH", "Không cần nữa.")
    rid = request_id(app, desk.thue, "BHXH")
    text = section(post_reply(lead, "withdraw", rid, {}))
    assert 'data-status="withdrawn"' in text
    with app.app_context():
        assert db.session.get(CoHandlingRequest, rid).status == RequestStatus.WITHDRAWN
    # The asked unit still reads the case, and no longer has a form to answer.
    page = contributor(app, desk, EMAILS["officer_bhxh"]).page()
    assert "/contribute" not in page and "Không cần nữa." in page


def test_who_may_post_what(app, desk, lead):
    ask(lead, "BHXH", "Hỏi BHXH.")
    rid = request_id(app, desk.thue, "BHXH")
    bhxh = contributor(app, desk, EMAILS["officer_bhxh"])
    assert bhxh.post_current("cohandling", "cohandling", {"question": "x"}).status_code == 403
    assert bhxh.post_current(f"cohandling/{rid}/withdraw", "withdraw", {}).status_code == 403
    assert lead.post_current(f"cohandling/{rid}/contribute", "contribute",
                             {"text": "x"}).status_code == 403
    tnmt = contributor(app, desk, OFFICER_TNMT)  # not asked: cannot even see the case
    assert tnmt.post_current(f"cohandling/{rid}/contribute", "contribute",
                             {"text": "x"}).status_code == 404
    assert lead.post_current("cohandling/999/withdraw", "withdraw", {}).status_code == 404
    assert bhxh.post_current(f"cohandling/{rid}/contribute", "contribute",
                             {"text": ""}).status_code == 422


def test_the_asked_units_queue_view_shows_the_requests_day(app, desk, lead):
    ask(lead, "BHXH", "Hỏi BHXH.")
    bhxh = contributor(app, desk, EMAILS["officer_bhxh"])
    listed = bhxh.client.get("/cases?scope=asked").get_data(as_text=True)
    assert f'href="/cases/{desk.thue}"' in listed and f'href="/cases/{desk.bhxh}"' not in listed
    assert "09/03/2026" in listed and 'class="cohandling-due"' in listed
    assert 'href="/cases?scope=asked"' in listed  # the saved view
    own = bhxh.client.get("/cases").get_data(as_text=True)
    assert f'href="/cases/{desk.thue}"' not in own  # not among the cases it holds
    marks = lead.client.get("/cases").get_data(as_text=True)
    assert 'class="cohandling-mark"' in marks and "0/1" in marks


def test_the_deadline_explanation_shows_what_the_lead_waited_for(app, desk, lead):
    ask(lead, "BHXH", "Hỏi BHXH.")
    ask(lead, "TNMT", "Hỏi TNMT.")
    with app.app_context():
        case = case_by_ref(desk.thue)
        late = next(r for r in case.cohandling_requests if r.unit.code == "TNMT")
        tnmt = lifecycle.Actor.staff(db.session.scalar(sa.select(User).where(
            User.email == OFFICER_TNMT)))
        cohandling.contribute(late, tnmt, "Trễ hạn.", counting.end_of(date(2026, 3, 11)))
        db.session.commit()
    text = lead.client.get(f"/cases/{desk.thue}/deadlines", headers={"HX-Request": "true"})
    html = text.get_data(as_text=True)
    assert 'id="sla-lead-waits"' in html
    assert '<tr data-unit="TNMT">' in html and '<td class="days-late">3</td>' in html
    assert '<tr data-unit="BHXH">' in html
    own = contributor(app, desk, OFFICER_TNMT).client.get(
        f"/cases/{desk.thue}/deadlines").get_data(as_text=True)
    assert '<tr data-unit="TNMT">' in own and '<tr data-unit="BHXH">' not in own


def test_a_unit_asked_for_input_on_a_denunciation_never_reads_its_reporter(app, client):
    """(The confidential matrix, on a desk of its own.) BHXH, asked by Cục Thuế for input on its tố cáo, reads the case page, its queue view
    and the search without a trace of the reporter; Cục Thuế's unit head still sees them."""
    from tests.web.test_confidential_matrix import assert_hidden, assert_shown
    from tests.workspace import SECRET, SECRET_EMAILS, make_secret_desk

    with app.app_context():
        desk = make_secret_desk(make_world())
        cohandling.ask(case_by_ref(desk.secret), staff("officer_thue"), unit("BHXH"),
                       "Đề nghị cho biết việc thu tiền.", date(2026, 3, 9), False,
                       MONDAY_9AM + HOUR)
        db.session.commit()
    for email in (SECRET_EMAILS["head_bhxh"], EMAILS["officer_bhxh"]):
        viewer = app.test_client()
        assert Auth(viewer).login(email).status_code == 303
        page = viewer.get(f"/cases/{desk.secret}")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "Đề nghị cho biết việc thu tiền." in body
        assert "Danh tính người tố cáo được giữ bí mật" in body
        assert_hidden(body, SECRET)
        listed = viewer.get("/cases?scope=asked").get_data(as_text=True)
        assert f'href="/cases/{desk.secret}"' in listed
        assert_hidden(listed, SECRET)
        for query in (SECRET.name, "0" + SECRET.phone[3:]):
            found = viewer.get("/cases", query_string={"q": query, "scope": "asked"})
            assert f'href="/cases/{desk.secret}"' not in found.get_data(as_text=True)
    assert Auth(client).login(EMAILS["head_thue"]).status_code == 303
    assert_shown(client.get(f"/cases/{desk.secret}").get_data(as_text=True), SECRET)
