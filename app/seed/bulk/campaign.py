"""The open campaign that volume data is scored in: its period covers every generated case.

Scorecards score every unit that handles citizens' cases, so the bulk branches
take part with the demo's units. The campaign runs from the local date of the
oldest generated case to the end of the current local year, with the default
weights (they sum to 100) and the demo's current fields. A later bulk load
widens the period of the same campaign rather than adding another. Snapshots
are not computed here: ``flask scores recompute`` (or the nightly job) does it.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from app.core.timeutil import to_local
from app.extensions import db
from app.models import Campaign, CampaignField, CampaignStatus
from app.seed.demo_campaigns import FIELDS_CURRENT

NAME = "Dân vận khéo - dữ liệu khối lượng"


def ensure_bulk_campaign(first_received: datetime, now: datetime) -> Campaign:
    """The volume data's open campaign, made or widened to cover ``first_received``..``now``."""
    starts_on = to_local(first_received).date()
    year = to_local(now).year
    ends_on = date(year, 12, 31)
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.name == NAME))
    if campaign is None:
        campaign = Campaign(name=NAME, starts_on=starts_on, ends_on=ends_on,
                            status=CampaignStatus.OPEN.value, prior_strength=20, min_cases=10,
                            works_target=2)
        for position, (code, name_vi, name_en) in enumerate(FIELDS_CURRENT):
            campaign.fields.append(CampaignField(code=code, name_vi=name_vi.format(year=year),
                                                 name_en=name_en.format(year=year),
                                                 position=position))
        db.session.add(campaign)
    else:
        campaign.starts_on = min(campaign.starts_on, starts_on)
        campaign.ends_on = max(campaign.ends_on, ends_on)
        campaign.status = CampaignStatus.OPEN.value
    db.session.flush()
    return campaign
