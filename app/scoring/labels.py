"""Translated names for score components, campaign work statuses and commendations."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

COMPONENT = {
    "ack": _l("Acknowledged on time"),
    "response": _l("Answered on time"),
    "satisfaction": _l("Rated 4–5"),
    "reopen": _l("Not reopened"),
    "transfer": _l("No late transfer"),
    "cohandling": _l("Co-handling on time"),
    "works": _l("Campaign works"),
}

COMPONENT_RULE = {
    "ack": _l("Arrivals acted on (acknowledged or rejected) by the unit's acknowledgment due "
              "time, over the arrivals whose acknowledgment was due in the period. The clock "
              "starts when the case reaches the unit, also after a transfer. An arrival the unit "
              "transfers on before acting on it is judged as a transfer instead."),
    "response": _l("Answers given by the due time, over the answers due in the period; a case "
                   "still unanswered after its due time counts as late. A unit that received a "
                   "case by transfer has at least a full response time from the transfer."),
    "satisfaction": _l("Cases rated 4 or 5 over the cases rated in the period (last rating), "
                       "charged to the unit that answered."),
    "reopen": _l("Answers given in the period that the citizen did not reopen."),
    "transfer": _l("Received cases not transferred late. A transfer is late when made after "
                   "the unit's acknowledgment due time or after the case's response due time; "
                   "it counts against the unit that made it."),
    "cohandling": _l("As a co-handling unit: the requests for input other units asked of it in "
                     "the period, answered or declined by the date asked, over those answered or "
                     "declined and those still unanswered after the date. Declining by the date "
                     "counts as on time, since the lead unit learns early to look elsewhere; "
                     "requests not yet due and requests withdrawn are not counted. The lead unit "
                     "is measured on the case itself, as usual."),
    "works": _l("Half for registering works, half for completing them, up to the campaign's "
                "target number of works."),
}

# A unit's figures as a co-handling unit, as exports and the public figures head them.
CONTRIBUTION = {
    "asked": _l("Co-handling requests received"),
    "on_time": _l("Co-handling replies by the date"),
    "late": _l("Co-handling late or still owed"),
    "declined": _l("Co-handling requests declined"),
}

WORK_STATUS = {
    "registered": _l("Registered"),
    "in_progress": lazy_pgettext("work", "In progress"),  # not a case's "in progress"
    "completed": _l("Completed"),
    "recognised": _l("Recognised"),
}

WORK_ACTION = {
    "in_progress": _l("Start work"),
    "completed": _l("Mark completed"),
    "recognised": _l("Recognise"),
}

LEVEL = {"khoi": _l("Khối level"), "city": _l("City level")}
KIND = {"collective": _l("Collective"), "individual": _l("Individual")}
CAMPAIGN_STATUS = {"open": lazy_pgettext("campaign", "Open"), "closed": _l("Closed")}
