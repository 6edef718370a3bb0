"""One Vietnamese vocabulary: the words the catalog must not use again, and the two audiences
of a shared English text (staff read "vụ việc", citizens "phản ánh, kiến nghị")."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.extensions import db
from app.models import Case, Category
from app.notify.emails import render_email
from tests.factories import EMAILS, make_case

CATALOG = Path(__file__).resolve().parents[2] / "app" / "translations" / "vi" / "LC_MESSAGES" \
    / "messages.po"

# "hồ sơ" is an administrative-procedure dossier (a tax refund file, a social-insurance file):
# the product never calls a case so. A text that truly speaks of such a dossier would be listed
# here, (context, msgid), with the reason; there is none today.
HO_SO_ALLOWED: set[tuple[str | None, str]] = set()

# Words the interface once used for a thing that has its own word now.
AVOIDED = {
    "trả lời công khai": "the answer: only the holder of the tracking code reads it",
    "báo cáo cấp trên": "escalation: cảnh báo quá hạn / đã báo lãnh đạo",
    "hội đồng thi đua": "committee member: cán bộ giám sát (cấp ủy)",
    "bàn tiếp nhận": "hotline desk: tiếp nhận cuộc gọi",
    "từ chối hồ sơ": "reject: không tiếp nhận",
    "đang diễn ra": "only a campaign's status (context “campaign”)",
}


def _messages():
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield message.context, msgid, " ".join(strings)


def test_no_case_is_called_ho_so():
    found = [(ctx, msgid) for ctx, msgid, text in _messages()
             if re.search(r"hồ sơ", text, re.IGNORECASE) and (ctx, msgid) not in HO_SO_ALLOWED]
    assert found == []


@pytest.mark.parametrize("phrase", sorted(AVOIDED))
def test_avoided_words_stay_out(phrase):
    found = [(ctx, msgid) for ctx, msgid, text in _messages() if phrase in text.lower()
             and not (phrase == "đang diễn ra" and ctx == "campaign")]
    assert found == [], AVOIDED[phrase]


def test_citizens_are_never_addressed_as_ban():
    """Citizen screens say "ông/bà"; "bạn" slipped into one notice once."""
    found = [msgid for _, msgid, text in _messages()
             if re.search(r"\bbạn\b", text, re.IGNORECASE)]
    assert found == []


def test_every_placeholder_survives_translation():
    for ctx, msgid, text in _messages():
        wanted = sorted(re.findall(r"%\(\w+\)[sd]", msgid))
        assert sorted(re.findall(r"%\(\w+\)[sd]", text)) == wanted, (ctx, msgid)


def _tax_case(world) -> Case:
    case = make_case(db.session.get(Category, world.tax), citizen_email="congdan@example.vn")
    db.session.commit()
    return case


def test_the_tracking_page_speaks_to_the_citizen_and_the_case_page_to_staff(
        app, client, auth, world):
    with app.app_context():
        case = _tax_case(world)
        reference, code = case.reference, case.tracking_code
    public = client.get(f"/track/{code}").get_data(as_text=True)
    assert f"Phản ánh, kiến nghị số {reference}" in public
    assert "Loại phản ánh, kiến nghị" in public
    assert "Vụ việc" not in public and "vụ việc" not in public
    auth.login(EMAILS["officer_thue"])
    staff = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert f"Vụ việc số {reference}" in staff  # the printed header
    assert "Phản ánh, kiến nghị số" not in staff
    queue = client.get("/cases").get_data(as_text=True)
    main = queue[queue.index('<main'):queue.index('</main>')]
    assert "Vụ việc chưa hoàn thành" in main and "phản ánh, kiến nghị" not in main.lower()


def test_citizen_emails_and_staff_emails_name_the_reference_each_their_way(app, db, world):
    case = _tax_case(world)
    _, to_citizen = render_email("case_received", "vi", case=case, event=case.events[-1])
    assert f"Số phản ánh, kiến nghị: {case.reference}" in to_citizen
    _, to_staff = render_email("unit_new_case", "vi", case=case, event=case.events[-1],
                               recipient_name="Nguyễn Văn A", transferred=False)
    assert to_staff.startswith("Kính gửi đồng chí Nguyễn Văn A,")
    assert f"Số vụ việc: {case.reference}" in to_staff
    _, english = render_email("case_received", "en", case=case, event=case.events[-1])
    assert f"Reference: {case.reference}" in english
