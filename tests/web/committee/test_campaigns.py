"""/campaigns: admins set campaigns up, units register works, the committee evaluates."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Campaign, CampaignField, CampaignWork, Commendation, WorkStatus
from tests.conftest import csrf_token
from tests.factories import EMAILS


@pytest.fixture
def campaign_id(app, world):
    with app.app_context():
        c = Campaign(name="Dân vận khéo 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
        c.fields.append(CampaignField(code="CCHC", name_vi="Cải cách hành chính", name_en="Reform"))
        db.session.add(c)
        db.session.commit()
        return c.id


def _form(**overrides):
    data = {"name": "Dân vận khéo 2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
            "status": "open", "fields": "CCHC | Cải cách hành chính | Reform\n5K | 5 không | Five no's",
            "weight_ack": 15, "weight_response": 35, "weight_satisfaction": 20, "weight_reopen": 10,
            "weight_transfer": 5, "weight_cohandling": 0, "weight_works": 15, "prior_strength": 20, "min_cases": 10,
            "works_target": 2, "khoi_threshold": 80, "city_threshold": 90}
    data.update(overrides)
    return data


@pytest.mark.parametrize("who,status", [("committee", 200), ("admin", 200), ("head_thue", 200),
                                        ("officer_thue", 200), ("operator", 403)])
def test_campaign_pages_by_role(client, auth, campaign_id, who, status):
    auth.login(EMAILS[who])
    assert client.get("/campaigns").status_code == status
    assert client.get(f"/campaigns/{campaign_id}").status_code == status


def test_only_admins_create_campaigns(app, client, auth, world):
    auth.login(EMAILS["committee"])
    assert client.get("/campaigns/new").status_code == 403
    auth.logout()
    auth.login(EMAILS["admin"])
    token = csrf_token(client, "/campaigns/new")
    bad = client.post("/campaigns/new", data=_form(csrf_token=token, weight_works=20))
    assert bad.status_code == 422 and "100" in bad.get_data(as_text=True)
    response = client.post("/campaigns/new", data=_form(csrf_token=token))
    assert response.status_code == 303
    with app.app_context():
        c = db.session.scalar(sa.select(Campaign).where(Campaign.name == "Dân vận khéo 2027"))
        assert [f.code for f in c.fields] == ["CCHC", "5K"] and c.weights["response"] == 35
        # The admin's change is in the audit log, with the weights it set.
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity_type == "campaign"))
        assert (entry.action, entry.entity_id, entry.actor_email) == ("create", c.id, EMAILS["admin"])
        assert entry.after["weight_response"] == 35 and entry.after["fields"] == ["CCHC", "5K"]
    assert client.get("/campaigns/999").status_code == 404


def test_works_move_from_registration_to_recognition(app, client, auth, campaign_id):
    auth.login(EMAILS["officer_thue"])
    token = csrf_token(client, f"/campaigns/{campaign_id}")
    with app.app_context():
        field_id = db.session.scalar(sa.select(CampaignField.id))
    empty = client.post(f"/campaigns/{campaign_id}/works",
                        data={"csrf_token": token, "work-field": field_id, "work-title": " "})
    assert empty.status_code == 422
    response = client.post(f"/campaigns/{campaign_id}/works", data={
        "csrf_token": token, "work-field": field_id, "work-title": "Một cửa thân thiện"})
    assert response.status_code == 303
    with app.app_context():
        work_id = db.session.scalar(sa.select(CampaignWork.id))
    for target in ("in_progress", "completed"):
        assert client.post(f"/campaigns/works/{work_id}/advance",
                           data={"csrf_token": token, "target": target}).status_code == 303
    # The unit cannot recognise its own work; the committee does.
    client.post(f"/campaigns/works/{work_id}/advance", data={"csrf_token": token,
                                                              "target": "recognised"})
    with app.app_context():
        assert db.session.get(CampaignWork, work_id).status == WorkStatus.COMPLETED
    auth.logout()
    auth.login(EMAILS["officer_bhxh"])
    token = csrf_token(client, f"/campaigns/{campaign_id}")
    assert client.post(f"/campaigns/works/{work_id}/advance",
                       data={"csrf_token": token, "target": "recognised"}).status_code == 403
    auth.logout()
    auth.login(EMAILS["committee"])
    token = csrf_token(client, f"/campaigns/{campaign_id}")
    assert client.post(f"/campaigns/works/{work_id}/advance",
                       data={"csrf_token": token, "target": "recognised"}).status_code == 303
    with app.app_context():
        assert db.session.get(CampaignWork, work_id).status == WorkStatus.RECOGNISED
    assert client.get(f"/campaigns/works/{work_id}/advance").status_code == 405


def test_committee_records_commendations_and_the_summary_counts_them(app, client, auth, world,
                                                                     campaign_id):
    auth.login(EMAILS["head_thue"])
    token = csrf_token(client, f"/campaigns/{campaign_id}")
    refused = client.post(f"/campaigns/{campaign_id}/commendations", data={
        "csrf_token": token, "commend-level": "city", "commend-kind": "collective",
        "commend-unit": world.thue})
    assert refused.status_code == 403
    auth.logout()
    auth.login(EMAILS["committee"])
    token = csrf_token(client, f"/campaigns/{campaign_id}")
    missing = client.post(f"/campaigns/{campaign_id}/commendations", data={
        "csrf_token": token, "commend-level": "khoi", "commend-kind": "individual",
        "commend-unit": world.thue, "commend-person_name": ""})
    assert missing.status_code == 422 and 'id="commend-person_name-error"' in missing.get_data(as_text=True)
    for kind, person in (("collective", ""), ("individual", "Trần Văn Mẫu")):
        response = client.post(f"/campaigns/{campaign_id}/commendations", data={
            "csrf_token": token, "commend-level": "city", "commend-kind": kind,
            "commend-unit": world.thue, "commend-person_name": person,
            "commend-citation": "Điển hình dân vận khéo"})
        assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Commendation)) == 2
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Trần Văn Mẫu" in page
