"""`flask seed demo` reproduces the published 2022 figures and scores an open 2023 campaign."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Campaign, CampaignField, CampaignWork, Commendation, ScoreSnapshot, Unit
from tests.conftest import Auth


def test_demo_campaigns(app, client, runner):
    assert runner.invoke(args=["seed", "demo", "--password", "demo-password"]).exit_code == 0
    with app.app_context():
        c2022 = db.session.scalar(sa.select(Campaign).where(Campaign.name == "Dân vận khéo 2022"))
        by_field = dict(db.session.execute(
            sa.select(CampaignField.code, sa.func.count(CampaignWork.id))
            .join(CampaignWork, CampaignWork.field_id == CampaignField.id)
            .where(CampaignField.campaign_id == c2022.id).group_by(CampaignField.code)).all())
        assert by_field == {"CHUDE": 30, "CCHC": 19, "5KHONG": 25, "DOTHI": 9, "VHXH": 12}
        assert sum(by_field.values()) == 95
        counts = dict(((level, kind), n) for level, kind, n in db.session.execute(
            sa.select(Commendation.level, Commendation.kind, sa.func.count())
            .where(Commendation.campaign_id == c2022.id)
            .group_by(Commendation.level, Commendation.kind)))
        assert counts == {("city", "collective"): 3, ("city", "individual"): 3,
                          ("khoi", "collective"): 46, ("khoi", "individual"): 72}
        collective_units = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Commendation.unit_id)))
            .where(Commendation.campaign_id == c2022.id, Commendation.kind == "collective"))
        assert collective_units == 49  # every collective is a distinct unit
        people = db.session.scalars(sa.select(Commendation.person_name).where(
            Commendation.kind == "individual")).all()
        assert len(set(people)) == 75
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) >= 49

        c2023 = db.session.scalar(sa.select(Campaign).where(Campaign.name == "Dân vận khéo 2023"))
        assert c2023.is_open
        ranked = db.session.scalars(sa.select(ScoreSnapshot).where(
            ScoreSnapshot.campaign_id == c2023.id, ScoreSnapshot.period_key == "all",
            ScoreSnapshot.rank.is_not(None))).all()
        assert len(ranked) >= 5 and all(r.received >= c2023.min_cases for r in ranked)
        assert sum(r.late_transfers for r in ranked) >= 1
        months = db.session.scalar(sa.select(sa.func.count(sa.distinct(ScoreSnapshot.period_key)))
                                   .where(ScoreSnapshot.campaign_id == c2023.id))
        assert months == 13  # the whole year and its twelve months
        c2022_id = c2022.id

    auth = Auth(client)
    auth.login("committee@demo.vn", "demo-password")
    summary = client.get(f"/campaigns/{c2022_id}").get_data(as_text=True)
    assert "95" in summary
    page = client.get("/scorecards")
    assert page.status_code == 200 and "Dân vận khéo 2023" in page.get_data(as_text=True)
    assert client.get("/scorecards/units/THUE").status_code == 200
    assert client.get("/transparency").status_code == 200

    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignWork)) == \
            95 + db.session.scalar(sa.select(sa.func.count()).select_from(CampaignWork)
                                   .where(CampaignWork.campaign_id != c2022_id))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 3
