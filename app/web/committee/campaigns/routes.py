"""Campaign list and pages, works and commendations."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from app.cases import access
from app.core.errors import IllegalMove, InvalidInput
from app.core.timeutil import utcnow
from app.extensions import db
from app.models import Campaign, CampaignWork, Commendation, Unit
from app.models.campaigns import COMPONENTS
from app.scoring import campaigns as service
from app.org.units import grouped_choices
from app.web.committee.campaigns.blueprint import bp
from app.web.committee.campaigns.forms import (
    AdvanceForm,
    CampaignForm,
    CommendationForm,
    WorkForm,
)
from app.web.forms import show_on_form


def _require_viewer() -> None:
    if not access.may_view_campaigns(current_user):
        abort(403)


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.scalar(
        sa.select(Campaign).where(Campaign.id == campaign_id).options(selectinload(Campaign.fields))
    )
    if campaign is None:
        abort(404)
    return campaign


@bp.get("")
@login_required
def index():
    """Every campaign with its period, fields and weights."""
    _require_viewer()
    campaigns = db.session.scalars(
        sa.select(Campaign).options(selectinload(Campaign.fields)).order_by(Campaign.starts_on.desc())
    ).all()
    return render_template("campaigns/index.html", campaigns=campaigns, components=COMPONENTS)


def _fields_text(campaign: Campaign) -> str:
    return "\n".join(f"{f.code} | {f.name_vi} | {f.name_en}" for f in campaign.fields)


def _data(form: CampaignForm) -> service.CampaignData:
    return service.CampaignData(
        name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        fields_text=form.fields.data,
        weights={code: getattr(form, f"weight_{code}").data for code in COMPONENTS},
        prior_strength=form.prior_strength.data, min_cases=form.min_cases.data,
        works_target=form.works_target.data, khoi_threshold=form.khoi_threshold.data,
        city_threshold=form.city_threshold.data, status=form.status.data,
    )


def _edit(campaign: Campaign | None):
    if not access.may_edit_campaigns(current_user):
        abort(403)
    form = CampaignForm(obj=campaign)
    if campaign is not None and not form.is_submitted():
        form.fields.data = _fields_text(campaign)
    if form.validate_on_submit():
        try:
            saved = service.save_campaign(current_user, _data(form), campaign)
            from app.core.dispatch import enqueue

            enqueue("app.jobs.scores.recompute_campaign", saved.id)
            db.session.commit()
        except InvalidInput as err:
            db.session.rollback()
            show_on_form(form, err, "name")
        else:
            flash(_("Campaign saved. Its scores are being recomputed."), "success")
            return redirect(url_for("campaigns.show", campaign_id=saved.id), 303)
    status = 422 if form.errors else 200
    return render_template("campaigns/edit.html", form=form, campaign=campaign,
                           components=COMPONENTS), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """An admin creates a campaign."""
    return _edit(None)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit(campaign_id: int):
    """An admin changes a campaign's period, fields, weights or settings."""
    return _edit(_campaign_or_404(campaign_id))


def _page(campaign: Campaign, work_form: WorkForm | None = None,
          commend_form: CommendationForm | None = None, status: int = 200):
    works = db.session.scalars(
        sa.select(CampaignWork).where(CampaignWork.campaign_id == campaign.id)
        .options(joinedload(CampaignWork.unit), joinedload(CampaignWork.field))
        .order_by(CampaignWork.registered_at.desc(), CampaignWork.id.desc())
    ).all()
    commendations = db.session.scalars(
        sa.select(Commendation).where(Commendation.campaign_id == campaign.id)
        .options(joinedload(Commendation.unit))
        .order_by(Commendation.level.desc(), Commendation.kind, Commendation.id)
    ).all()
    units = db.session.scalars(sa.select(Unit).where(Unit.active)).all()
    work_form = work_form or WorkForm(formdata=None)
    work_form.field.choices = [(f.id, f.display_name()) for f in campaign.fields]
    commend_form = commend_form or CommendationForm(formdata=None)
    commend_form.unit.choices = grouped_choices(units, str(get_locale() or "vi"))
    return render_template(
        "campaigns/show.html", campaign=campaign, summary=service.summary(campaign), works=works,
        commendations=commendations, work_form=work_form, commend_form=commend_form,
        next_move=service.next_move,
        advance_form=AdvanceForm(formdata=None),
    ), status


@bp.get("/<int:campaign_id>")
@login_required
def show(campaign_id: int):
    """A campaign: counts by field and level, works, commendations."""
    _require_viewer()
    return _page(_campaign_or_404(campaign_id))


@bp.post("/<int:campaign_id>/works")
@login_required
def register_work(campaign_id: int):
    """A unit registers a work in the campaign."""
    _require_viewer()
    campaign = _campaign_or_404(campaign_id)
    form = WorkForm()
    form.field.choices = [(f.id, f.display_name()) for f in campaign.fields]
    if not access.may_register_work(current_user, campaign):
        abort(403)
    if not form.validate_on_submit():
        return _page(campaign, work_form=form, status=422)
    try:
        service.register_work(current_user, campaign, form.field.data, form.title.data,
                              form.description.data, utcnow())
        db.session.commit()
    except InvalidInput as err:
        db.session.rollback()
        show_on_form(form, err, "title")
        return _page(campaign, work_form=form, status=422)
    flash(_("Work registered."), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id), 303)


@bp.post("/works/<int:work_id>/advance")
@login_required
def advance_work(work_id: int):
    """Move a work to its next status (unit staff; the committee recognises)."""
    _require_viewer()
    work = db.session.get(CampaignWork, work_id)
    if work is None:
        abort(404)
    form = AdvanceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.advance_work(current_user, work, form.target.data, utcnow())
        db.session.commit()
    except IllegalMove as err:
        db.session.rollback()
        flash(str(err.message), "error")
        return redirect(url_for("campaigns.show", campaign_id=work.campaign_id), 303)
    flash(_("Work updated."), "success")
    return redirect(url_for("campaigns.show", campaign_id=work.campaign_id), 303)


@bp.post("/<int:campaign_id>/commendations")
@login_required
def commend(campaign_id: int):
    """The committee records a commendation (Khối or city level, collective or individual)."""
    _require_viewer()
    campaign = _campaign_or_404(campaign_id)
    if not access.may_commend(current_user):
        abort(403)
    form = CommendationForm()
    # Any unit's id is accepted back (one deactivated since the page was shown, too).
    form.unit.choices = [(u.id, u.name) for u in db.session.scalars(sa.select(Unit))]
    if not form.validate_on_submit():
        return _page(campaign, commend_form=form, status=422)
    try:
        service.add_commendation(current_user, campaign, form.level.data, form.kind.data,
                                 db.session.get(Unit, form.unit.data), form.person_name.data,
                                 form.citation.data, utcnow())
        db.session.commit()
    except InvalidInput as err:
        db.session.rollback()
        show_on_form(form, err, "citation")
        return _page(campaign, commend_form=form, status=422)
    flash(_("Commendation recorded."), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id), 303)
