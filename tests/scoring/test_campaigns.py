"""Campaigns through their domain functions: admins set them up, unit staff register and
move works forward, the committee recognises works and records commendations."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.cases import access
from app.core.errors import IllegalMove, InvalidInput, NotPermitted
from app.extensions import db as _db
from app.models import (
    AuditEntry,
    Campaign,
    CampaignField,
    CampaignStatus,
    CampaignWork,
    Commendation,
    Unit,
    WorkStatus,
)
from app.models.campaigns import DEFAULT_WEIGHTS
from app.scoring import campaigns
from app.scoring.campaigns import CampaignData
from tests.factories import MONDAY_9AM
from tests.workspace import user

FIELDS = "CCHC | Cải cách hành chính | Administrative reform\n5k | 5 không"


def _data(**changes) -> CampaignData:
    data = CampaignData(name="Dân vận khéo 2026", starts_on=date(2026, 1, 1),
                        ends_on=date(2026, 12, 31), fields_text=FIELDS,
                        weights=dict(DEFAULT_WEIGHTS))
    return dataclasses.replace(data, **changes)


@pytest.fixture
def campaign(db, world):
    """An open campaign with two fields, saved by the admin."""
    saved = campaigns.save_campaign(user("admin"), _data())
    db.session.commit()
    return saved


def _field(campaign: Campaign, code: str) -> CampaignField:
    return next(f for f in campaign.fields if f.code == code)


def _register(campaign: Campaign, who: str = "officer_thue", title: str = "Một cửa thân thiện"):
    return campaigns.register_work(user(who), campaign, _field(campaign, "CCHC").id, title,
                                   "Tiếp dân không hẹn lại.", MONDAY_9AM)


def later(hours: int) -> datetime:
    return MONDAY_9AM + timedelta(hours=hours)


def _refused(error, call, *args, field: str | None = None):
    with pytest.raises(error) as caught:
        call(*args)
    assert caught.value.field == field
    _db.session.rollback()
    return caught.value


# Creating and editing ------------------------------------------------------


def test_the_admin_creates_a_campaign_with_its_fields_and_an_audit_entry(db, campaign):
    db.session.expire_all()
    saved = db.session.scalar(sa.select(Campaign))
    assert (saved.name, saved.starts_on, saved.ends_on) == (
        "Dân vận khéo 2026", date(2026, 1, 1), date(2026, 12, 31))
    assert saved.weights == DEFAULT_WEIGHTS and saved.is_open
    # Codes are upper-cased; a missing English name is the Vietnamese one.
    assert [(f.code, f.name_vi, f.name_en, f.position) for f in saved.fields] == [
        ("CCHC", "Cải cách hành chính", "Administrative reform", 0),
        ("5K", "5 không", "5 không", 1)]
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.entity_type, entry.entity_id) == ("create", "campaign", saved.id)
    assert entry.actor_email == user("admin").email
    assert entry.after["fields"] == ["CCHC", "5K"] and entry.after["weight_works"] == 15


def test_editing_keeps_fields_in_use_and_logs_only_what_changed(db, campaign):
    work = _register(campaign)
    db.session.commit()
    weights = dict(DEFAULT_WEIGHTS, response=30, works=20)
    campaigns.save_campaign(
        user("admin"),
        _data(weights=weights, min_cases=5,
              fields_text="PCCC | Phòng cháy chữa cháy | Fire safety\ncchc | Cải cách | Reform"),
        campaign)
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(Campaign, campaign.id)
    assert saved.weights["response"] == 30 and saved.min_cases == 5
    assert [(f.code, f.name_vi, f.position) for f in saved.fields] == [
        ("PCCC", "Phòng cháy chữa cháy", 0), ("CCHC", "Cải cách", 1)]
    # The work's field is the same row, renamed; the unused field 5K is gone.
    assert db.session.get(CampaignWork, work.id).field.code == "CCHC"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignField)) == 2
    update = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "update"))
    assert update.before == {"min_cases": 10, "weight_response": 35, "weight_works": 15,
                             "fields": ["CCHC", "5K"]}
    assert update.after == {"min_cases": 5, "weight_response": 30, "weight_works": 20,
                            "fields": ["PCCC", "CCHC"]}


def test_a_campaign_keeps_its_own_name_when_edited(db, campaign):
    campaigns.save_campaign(user("admin"), _data(status=CampaignStatus.CLOSED.value), campaign)
    db.session.commit()
    assert not db.session.get(Campaign, campaign.id).is_open


@pytest.mark.parametrize("changes,field", [
    ({"name": "   "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"ends_on": date(2025, 12, 31)}, "ends_on"),
    ({"weights": dict(DEFAULT_WEIGHTS, works=20)}, "weight_ack"),  # 105
    ({"weights": dict(DEFAULT_WEIGHTS, ack=-5, works=35)}, "weight_ack"),  # 100, one negative
    ({"fields_text": ""}, "fields"),
    ({"fields_text": "CCHC"}, "fields"),  # no name
    ({"fields_text": " | Không mã"}, "fields"),
    ({"fields_text": f"{'X' * 33} | Mã quá dài"}, "fields"),
    ({"fields_text": "CCHC | Một\ncchc | Hai"}, "fields"),  # the same code, any case
])
def test_a_campaign_form_is_refused_with_the_field_at_fault(db, world, changes, field):
    _refused(InvalidInput, campaigns.save_campaign, user("admin"), _data(**changes), field=field)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0


def test_field_errors_name_the_line(db, world):
    error = _refused(InvalidInput, campaigns.save_campaign, user("admin"),
                     _data(fields_text="CCHC | Một\n\nPCCC"), field="fields")
    assert "3" in str(error.message)


def test_two_campaigns_cannot_share_a_name(db, campaign):
    _refused(InvalidInput, campaigns.save_campaign, user("admin"), _data(), field="name")
    other = campaigns.save_campaign(user("admin"), _data(name="Dân vận khéo 2027"))
    db.session.commit()
    _refused(InvalidInput, campaigns.save_campaign, user("admin"), _data(), other, field="name")


def test_a_field_with_registered_works_cannot_be_removed(db, campaign):
    _register(campaign)
    db.session.commit()
    _refused(InvalidInput, campaigns.save_campaign, user("admin"),
             _data(name="Đổi tên", fields_text="5K | 5 không"), campaign, field="fields")
    db.session.expire_all()
    saved = db.session.get(Campaign, campaign.id)
    assert saved.name == "Dân vận khéo 2026" and [f.code for f in saved.fields] == ["CCHC", "5K"]


@pytest.mark.parametrize("who", ["committee", "head_thue", "officer_thue", "operator"])
def test_only_admins_save_campaigns(db, world, who):
    _refused(NotPermitted, campaigns.save_campaign, user(who), _data())
    assert not access.may_edit_campaigns(user(who))
    assert access.may_edit_campaigns(user("admin"))


# Works -----------------------------------------------------------------------


def test_unit_staff_register_works_for_their_own_unit(db, world, campaign):
    work = _register(campaign, "head_thue")
    db.session.commit()
    assert (work.unit_id, work.status, work.registered_at) == (
        world.thue, WorkStatus.REGISTERED, MONDAY_9AM)
    assert (work.title, work.description) == ("Một cửa thân thiện", "Tiếp dân không hẹn lại.")
    assert work.field.code == "CCHC" and work.completed_at is None


@pytest.mark.parametrize("who", ["committee", "admin", "operator"])
def test_only_unit_staff_register_works(db, campaign, who):
    assert not access.may_register_work(user(who), campaign)
    _refused(NotPermitted, _register, campaign, who)


def test_a_closed_campaign_takes_no_more_works(db, campaign):
    _register(campaign)
    campaign.status = CampaignStatus.CLOSED.value
    db.session.commit()
    assert not access.may_register_work(user("officer_thue"), campaign)
    _refused(NotPermitted, _register, campaign)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignWork)) == 1


def test_a_work_is_refused_with_the_field_at_fault(db, campaign):
    other = campaigns.save_campaign(user("admin"), _data(name="Chiến dịch khác"))
    db.session.commit()
    officer, now = user("officer_thue"), MONDAY_9AM
    foreign_field = _field(other, "CCHC").id
    _refused(InvalidInput, campaigns.register_work, officer, campaign, foreign_field, "Tên", "",
             now, field="field")
    _refused(InvalidInput, campaigns.register_work, officer, campaign, None, "Tên", "", now,
             field="field")
    own = _field(campaign, "CCHC").id
    _refused(InvalidInput, campaigns.register_work, officer, campaign, own, "  ", "", now,
             field="title")
    _refused(InvalidInput, campaigns.register_work, officer, campaign, own, "x" * 201, "", now,
             field="title")
    _refused(InvalidInput, campaigns.register_work, officer, campaign, own, "Tên", "x" * 4001,
             now, field="description")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignWork)) == 0


def test_a_work_moves_from_registered_to_recognised(db, campaign):
    work = _register(campaign)
    officer, committee = user("officer_thue"), user("committee")
    assert campaigns.next_move(officer, work) == WorkStatus.IN_PROGRESS
    campaigns.advance_work(officer, work, "in_progress", later(1))
    assert campaigns.next_move(officer, work) == WorkStatus.COMPLETED
    campaigns.advance_work(user("head_thue"), work, "completed", later(2))
    assert (work.status, work.completed_at) == (WorkStatus.COMPLETED, later(2))
    # Completed: only the committee moves it on.
    assert campaigns.next_move(officer, work) is None
    assert campaigns.next_move(user("admin"), work) is None
    assert campaigns.next_move(committee, work) == WorkStatus.RECOGNISED
    campaigns.advance_work(committee, work, "recognised", later(3))
    db.session.commit()
    assert (work.status, work.recognised_at) == (WorkStatus.RECOGNISED, later(3))
    assert campaigns.next_move(committee, work) is None


def test_work_moves_are_refused_out_of_turn(db, campaign):
    work = _register(campaign)
    db.session.commit()
    # A step skipped, by the unit itself: an illegal move.
    _refused(IllegalMove, campaigns.advance_work, user("officer_thue"), work, "completed",
             later(1))
    # Another unit's staff and the committee may not start the work.
    _refused(NotPermitted, campaigns.advance_work, user("officer_bhxh"), work, "in_progress",
             later(1))
    _refused(NotPermitted, campaigns.advance_work, user("committee"), work, "in_progress",
             later(1))
    assert db.session.get(CampaignWork, work.id).status == WorkStatus.REGISTERED

    for target in ("in_progress", "completed"):
        campaigns.advance_work(user("officer_thue"), work, target, later(2))
    db.session.commit()
    # The unit cannot recognise its own work; the admin is not the committee.
    _refused(IllegalMove, campaigns.advance_work, user("officer_thue"), work, "recognised",
             later(3))
    _refused(NotPermitted, campaigns.advance_work, user("admin"), work, "recognised",
             later(3))
    campaigns.advance_work(user("committee"), work, "recognised", later(3))
    db.session.commit()
    # Recognised is the end: nobody moves it.
    _refused(IllegalMove, campaigns.advance_work, user("committee"), work, "recognised",
             later(4))
    assert db.session.get(CampaignWork, work.id).status == WorkStatus.RECOGNISED


# Commendations ---------------------------------------------------------------


def test_the_committee_commends_collectives_and_individuals(db, world, campaign):
    thue = db.session.get(Unit, world.thue)
    collective = campaigns.add_commendation(user("committee"), campaign, "khoi", "collective",
                                            thue, "Tên thừa", "Điển hình", MONDAY_9AM)
    person = campaigns.add_commendation(user("admin"), campaign, "city", "individual", thue,
                                        "  Trần Văn Mẫu ", "", MONDAY_9AM)
    db.session.commit()
    # A collective names no person, whatever the form sent.
    assert (collective.unit_id, collective.person_name, collective.citation) == (
        world.thue, None, "Điển hình")
    assert (person.level, person.kind, person.person_name) == ("city", "individual",
                                                               "Trần Văn Mẫu")


def test_commendations_are_refused_with_the_field_at_fault(db, world, campaign):
    committee, thue = user("committee"), db.session.get(Unit, world.thue)
    for who in ("head_thue", "officer_thue", "operator"):
        assert not access.may_commend(user(who))
        _refused(NotPermitted, campaigns.add_commendation, user(who), campaign, "city",
                 "collective", thue, "", "", MONDAY_9AM)
    cases = [
        (("ward", "collective", thue, "", ""), "level"),
        (("city", "team", thue, "", ""), "kind"),
        (("city", "collective", None, "", ""), "unit"),
        (("city", "individual", thue, "   ", ""), "person_name"),
        (("city", "individual", thue, "x" * 121, ""), "person_name"),
        (("city", "collective", thue, "", "x" * 4001), "citation"),
    ]
    for (level, kind, unit, person, citation), field in cases:
        _refused(InvalidInput, campaigns.add_commendation, committee, campaign, level, kind,
                 unit, person, citation, MONDAY_9AM, field=field)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Commendation)) == 0


def test_the_summary_counts_works_by_field_and_status_and_commendations(db, world, campaign):
    thue = db.session.get(Unit, world.thue)
    first = _register(campaign, title="Một")
    _register(campaign, title="Hai")
    _register(campaign, "officer_bhxh", title="Ba")
    campaigns.advance_work(user("officer_thue"), first, "in_progress", later(1))
    for kind, person in (("collective", ""), ("individual", "Trần Văn Mẫu"),
                         ("individual", "Lê Thị Hoa")):
        campaigns.add_commendation(user("committee"), campaign, "city", kind, thue, person, "",
                                   MONDAY_9AM)
    db.session.commit()
    summary = campaigns.summary(campaign)
    assert [(f.code, counts) for f, counts in summary.works_by_field] == [
        ("CCHC", {"registered": 2, "in_progress": 1}), ("5K", {})]
    assert summary.works_total == 3
    assert summary.commendations == {("city", "collective"): 1, ("city", "individual"): 2}


@pytest.mark.parametrize("who,viewer", [("officer_thue", True), ("head_thue", True),
                                        ("committee", True), ("admin", True),
                                        ("operator", False)])
def test_who_reads_campaigns(db, world, who, viewer):
    assert access.may_view_campaigns(user(who)) is viewer
    assert not access.may_view_campaigns(None)


def test_an_admin_weighs_co_handling_taking_from_another_component(db, campaign):
    assert campaign.weights["cohandling"] == 0  # a campaign made before it is weighed 0
    weights = dict(DEFAULT_WEIGHTS, works=10, cohandling=5)
    campaigns.save_campaign(user("admin"), _data(weights=weights), campaign)
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(Campaign, campaign.id)
    assert (saved.weight_cohandling, saved.weight_works) == (5, 10)
    update = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "update"))
    assert update.before == {"weight_cohandling": 0, "weight_works": 15}
    assert update.after == {"weight_cohandling": 5, "weight_works": 10}
    # The sum counts co-handling too: 105 is refused before anything changes.
    with pytest.raises(InvalidInput) as refused:
        campaigns.save_campaign(user("admin"), _data(weights=dict(weights, cohandling=10)), saved)
    assert refused.value.field == "weight_ack"
