"""Campaigns, their registered works and commendations, and the moves of a work.

* Admins create and edit campaigns (period, fields, weights, score settings).
* Officers and unit heads register their unit's works and move them forward:
  registered → in progress → completed. The committee recognises completed works.
* The committee (and admins) record commendations at Khối and city level.

Who may do each of these is asked of ``app.cases.access``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.cases import access
from app.core import audit
from app.core.errors import IllegalMove, InvalidInput, NotPermitted
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import (
    Campaign,
    CampaignField,
    CampaignWork,
    Commendation,
    CommendationKind,
    CommendationLevel,
    Unit,
    User,
    WorkStatus,
)
from app.models.campaigns import COMPONENTS

TITLE_MAX = 200
TEXT_MAX = 4000

# Each status of a work, the next one, and the access question asked of whoever moves it there.
WORK_MOVES = {
    WorkStatus.REGISTERED: (WorkStatus.IN_PROGRESS, access.may_progress_work),
    WorkStatus.IN_PROGRESS: (WorkStatus.COMPLETED, access.may_progress_work),
    WorkStatus.COMPLETED: (WorkStatus.RECOGNISED, access.may_recognise_work),
}


def next_move(user: User | None, work: CampaignWork) -> WorkStatus | None:
    """The status this user may move the work to, if any."""
    move = WORK_MOVES.get(WorkStatus(work.status))
    if move is None:
        return None
    target, may_move = move
    return target if may_move(user, work) else None


@dataclass
class CampaignData:
    """What the admin's campaign form says."""

    name: str
    starts_on: date
    ends_on: date
    fields_text: str
    weights: dict[str, int]
    prior_strength: int = 20
    min_cases: int = 10
    works_target: int = 2
    khoi_threshold: int = 80
    city_threshold: int = 90
    status: str = "open"


def parse_fields(text: str) -> list[tuple[str, str, str]]:
    """Lines "CODE | Tên tiếng Việt | English name" → (code, name_vi, name_en)."""
    fields, seen = [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts[0]) > 32:
            raise InvalidInput(
                _l("Line %(n)d: write CODE | Vietnamese name | English name.", n=number), "fields")
        code = parts[0].upper()
        if code in seen:
            raise InvalidInput(_l("Line %(n)d: this code is used twice.", n=number), "fields")
        seen.add(code)
        fields.append((code, parts[1][:200], (parts[2] if len(parts) > 2 else "")[:200] or parts[1][:200]))
    if not fields:
        raise InvalidInput(_l("List at least one field."), "fields")
    return fields


def save_campaign(user: User, data: CampaignData, campaign: Campaign | None = None) -> Campaign:
    """Create or update a campaign from the admin's form. The caller commits."""
    if not access.may_edit_campaigns(user):
        raise NotPermitted(_l("You are not allowed to do this."))
    name = (data.name or "").strip()
    if not name or len(name) > TITLE_MAX:
        raise InvalidInput(_l("Give the campaign a name."), "name")
    if data.ends_on < data.starts_on:
        raise InvalidInput(_l("The end must not be before the start."), "ends_on")
    if any(data.weights.get(code, 0) < 0 for code in COMPONENTS) or \
            sum(data.weights.get(code, 0) for code in COMPONENTS) != 100:
        raise InvalidInput(_l("The weights must add up to 100."), "weight_ack")
    taken = db.session.scalar(sa.select(Campaign.id).where(Campaign.name == name))
    if taken is not None and (campaign is None or taken != campaign.id):
        raise InvalidInput(_l("Another campaign has this name."), "name")
    fields = parse_fields(data.fields_text)
    creating = campaign is None
    before = {} if creating else _audit_snapshot(campaign)
    if campaign is None:
        campaign = Campaign()
        db.session.add(campaign)
    campaign.name, campaign.starts_on, campaign.ends_on = name, data.starts_on, data.ends_on
    for code in COMPONENTS:
        setattr(campaign, f"weight_{code}", data.weights.get(code, 0))
    for attribute in ("prior_strength", "min_cases", "works_target", "khoi_threshold",
                      "city_threshold", "status"):
        setattr(campaign, attribute, getattr(data, attribute))
    existing = {f.code: f for f in campaign.fields}
    used = set(db.session.scalars(sa.select(CampaignWork.field_id).where(
        CampaignWork.campaign_id == campaign.id))) if campaign.id else set()
    wanted = {code for code, *_ in fields}
    for code, f in existing.items():
        if code not in wanted and f.id in used:
            raise InvalidInput(_l("Field %(code)s has registered works and cannot be removed.",
                                  code=code), "fields")
    campaign.fields = []
    for position, (code, name_vi, name_en) in enumerate(fields):
        f = existing.get(code) or CampaignField(code=code)
        f.name_vi, f.name_en, f.position = name_vi, name_en, position
        campaign.fields.append(f)
    db.session.flush()
    after = _audit_snapshot(campaign)
    if creating:
        audit.record(user, "create", "campaign", campaign.id, campaign.name, utcnow(), after=after)
    else:
        audit.record_update(user, "campaign", campaign.id, campaign.name, utcnow(), before, after)
    return campaign


def _audit_snapshot(campaign: Campaign) -> dict:
    """What the audit log keeps of a campaign's settings."""
    values = audit.snapshot(campaign, (
        "name", "starts_on", "ends_on", "prior_strength", "min_cases", "works_target",
        "khoi_threshold", "city_threshold", "status",
        *(f"weight_{code}" for code in COMPONENTS),
    ))
    values["fields"] = [f.code for f in campaign.fields]
    return values


def register_work(user: User, campaign: Campaign, field_id: int | None, title: str,
                  description: str, now: datetime) -> CampaignWork:
    """A unit registers a "Dân vận khéo" work in one of the campaign's fields."""
    if not access.may_register_work(user, campaign):
        raise NotPermitted(_l("You are not allowed to do this."))
    field = next((f for f in campaign.fields if f.id == field_id), None)
    if field is None:
        raise InvalidInput(_l("Choose a field of this campaign."), "field")
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(_l("Give the work a title (at most %(n)d characters).", n=TITLE_MAX),
                           "title")
    description = (description or "").strip()
    if len(description) > TEXT_MAX:
        raise InvalidInput(_l("This text is too long (at most %(n)d characters).", n=TEXT_MAX),
                           "description")
    work = CampaignWork(campaign=campaign, field=field, unit_id=user.unit_id, title=title,
                        description=description, registered_at=now,
                        status=WorkStatus.REGISTERED.value)
    db.session.add(work)
    db.session.flush()
    return work


def advance_work(user: User, work: CampaignWork, target: str, now: datetime) -> CampaignWork:
    """Move a work one step forward; the step must be the user's to make."""
    allowed = next_move(user, work)
    if allowed is None:
        # A last step, or the unit's own work out of step: the state refuses, not the rights.
        if WORK_MOVES.get(WorkStatus(work.status)) is None or access.may_progress_work(user, work):
            raise IllegalMove(_l("This work cannot move to that status now."))
        raise NotPermitted(_l("You are not allowed to do this."))
    if target != allowed:
        raise IllegalMove(_l("This work cannot move to that status now."))
    work.status = allowed.value
    if allowed == WorkStatus.COMPLETED:
        work.completed_at = now
    elif allowed == WorkStatus.RECOGNISED:
        work.recognised_at = now
    return work


def add_commendation(user: User, campaign: Campaign, level: str, kind: str, unit: Unit | None,
                     person_name: str, citation: str, now: datetime) -> Commendation:
    """Record a commendation of a collective (unit) or an individual of a unit."""
    if not access.may_commend(user):
        raise NotPermitted(_l("You are not allowed to do this."))
    if level not in {v.value for v in CommendationLevel}:
        raise InvalidInput(_l("Choose a level."), "level")
    if kind not in {v.value for v in CommendationKind}:
        raise InvalidInput(_l("Choose collective or individual."), "kind")
    if unit is None:
        raise InvalidInput(_l("Choose a unit."), "unit")
    person = (person_name or "").strip() or None
    if kind == CommendationKind.INDIVIDUAL and not person:
        raise InvalidInput(_l("Give the person's full name."), "person_name")
    if person and len(person) > 120:
        raise InvalidInput(_l("This text is too long (at most %(n)d characters).", n=120),
                           "person_name")
    citation = (citation or "").strip()
    if len(citation) > TEXT_MAX:
        raise InvalidInput(_l("This text is too long (at most %(n)d characters).", n=TEXT_MAX),
                           "citation")
    commendation = Commendation(
        campaign=campaign, level=level, kind=kind, unit=unit, citation=citation, created_at=now,
        person_name=person if kind == CommendationKind.INDIVIDUAL else None,
    )
    db.session.add(commendation)
    db.session.flush()
    return commendation


@dataclass
class Summary:
    """A campaign's counts: works per field and status, commendations per level and kind."""

    works_by_field: list[tuple[CampaignField, dict[str, int]]]
    works_total: int
    commendations: dict[tuple[str, str], int]


def summary(campaign: Campaign) -> Summary:
    """Counts by field and by level, each from one grouped query."""
    counts = db.session.execute(
        sa.select(CampaignWork.field_id, CampaignWork.status, sa.func.count())
        .where(CampaignWork.campaign_id == campaign.id)
        .group_by(CampaignWork.field_id, CampaignWork.status)
    ).all()
    by_field: dict[int, dict[str, int]] = {}
    for field_id, status, n in counts:
        by_field.setdefault(field_id, {})[status] = n
    rows = [(f, by_field.get(f.id, {})) for f in campaign.fields]
    commendations = dict(
        ((level, kind), n) for level, kind, n in db.session.execute(
            sa.select(Commendation.level, Commendation.kind, sa.func.count())
            .where(Commendation.campaign_id == campaign.id)
            .group_by(Commendation.level, Commendation.kind))
    )
    return Summary(rows, sum(sum(c.values()) for _, c in rows), commendations)
