"""Forms of the queue and the case page. Each case action carries the case version
and the newest timeline entry the officer saw."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.cases.labels import CHANNEL, DEADLINE, KIND, STATUS
from app.cases.lifecycle import ANSWER_MAX, GUIDED_TO_MAX, REASON_MAX
from app.cases.signoff import DOC_NUMBER_MAX, DOC_SIGNER_MAX
from app.cases.queue import (
    ASSIGNEE_ME,
    ASSIGNEE_NONE,
    DEADLINE_FILTERS,
    REVIEW_RETURNED,
    REVIEW_WAITING,
    SCOPE_ASKED,
    SCOPE_TRANSFERRED,
    STATUS_ALL,
    STATUS_OPEN,
    QueueFilters,
)
from app.models import CaseStatus, Channel
from app.web.forms import (
    Form,
    GroupedSelect,
    LocalDateField,
    QueryForm,
    WholeNumberField,
    database_int,
)


def optional_int(value) -> int | None:
    """Coerce a select's value: "" is no choice, anything else must be a number."""
    if value in (None, "") or isinstance(value, int):
        return value or None
    try:
        return database_int(value)
    except ValueError:
        raise ValueError(_l("Choose an option from the list.")) from None


def lenient_int(value) -> int | None:
    """Coerce a filter's value: anything that is not a number means no filter."""
    try:
        return database_int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class VersionedForm(Form):
    """A case action: the version guards against overwriting someone else's change."""

    version = WholeNumberField(widget=HiddenField.widget, validators=[InputRequired()])
    # The newest timeline entry on screen: on a conflict, what came after it is shown.
    seen = WholeNumberField(widget=HiddenField.widget, validators=[Optional()])

    def refresh_version(self, version: int, seen: int | None = None) -> None:
        """Carry the case's current version, keeping everything else the user typed."""
        self.version.data = version
        self.version.raw_data = None
        if seen is not None:
            self.seen.data = seen
            self.seen.raw_data = None


def _text_field(label, required_message, limit: int):
    return TextAreaField(
        label, validators=[DataRequired(required_message), Length(max=limit)]
    )


class AcknowledgeForm(VersionedForm):
    """Acknowledge the case for the unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="ack", **kwargs)

    submit = SubmitField(_l("Acknowledge"))


class AskCitizenForm(VersionedForm):
    """A question to the citizen; the response clock pauses until they answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="ask", **kwargs)

    question = _text_field(
        _l("Question to the citizen"), _l("Write the question for the citizen."), REASON_MAX
    )
    submit = SubmitField(_l("Ask the citizen"))


class ResumeForm(VersionedForm):
    """Go on without the citizen's answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="resume", **kwargs)

    submit = SubmitField(_l("Resume without an answer"))


class ReplyDocumentFields:
    """The reply document an answer may carry (số văn bản, ngày ký, người ký), all optional."""

    doc_number = StringField(_l("Document number"),
                             validators=[Optional(), Length(max=DOC_NUMBER_MAX)])
    doc_date = LocalDateField(_l("Signed on"), validators=[Optional()])
    doc_signer = StringField(_l("Signed by"), validators=[Optional(), Length(max=DOC_SIGNER_MAX)])


class RespondForm(ReplyDocumentFields, VersionedForm):
    """The unit's public answer, or the officer's draft of it when it needs sign-off."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="respond", **kwargs)

    answer = _text_field(
        _l("Public answer to the citizen"), _l("Write the answer to the citizen."), ANSWER_MAX
    )
    submit = SubmitField(_l("Send the answer"))


class ApproveAnswerForm(ReplyDocumentFields, VersionedForm):
    """The unit's leader signs the draft off, as written or corrected."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="approve", **kwargs)

    answer = _text_field(_l("Answer as the citizen will read it"),
                         _l("Write the answer to the citizen."), ANSWER_MAX)
    note = TextAreaField(_l("Note to the writer (optional)"), validators=[Length(max=REASON_MAX)])
    submit = SubmitField(_l("Approve and publish"))


class ReturnAnswerForm(VersionedForm):
    """The unit's leader sends the draft back to its writer with what to change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="return", **kwargs)

    comment = _text_field(_l("What should be changed"), _l("Say what the writer should change."),
                          REASON_MAX)
    submit = SubmitField(_l("Return to the writer"))


class TransferForm(VersionedForm):
    """Hand the case to another unit, with the reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="transfer", **kwargs)

    unit = SelectField(
        _l("Transfer to"),
        coerce=optional_int,
        validate_choice=False,
        widget=GroupedSelect(_l("Choose a unit")),
        validators=[InputRequired(_l("Choose a unit from the list."))],
    )
    reason = _text_field(
        _l("Reason for the transfer"), _l("Give the reason for the transfer."), REASON_MAX
    )
    submit = SubmitField(_l("Transfer"))


class RejectForm(VersionedForm):
    """Refuse the case; the citizen reads the reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reject", **kwargs)

    reason = _text_field(
        _l("Reason, shown to the citizen"), _l("Give the reason shown to the citizen."), REASON_MAX
    )
    submit = SubmitField(_l("Reject the case"))


class AssignForm(VersionedForm):
    """A unit head gives the case to an officer of the unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="assign", **kwargs)

    officer = SelectField(
        _l("Officer"),
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(_l("Choose an active officer of this unit."))],
    )
    submit = SubmitField(_l("Assign"))


class NoteForm(VersionedForm):
    """An internal note, for staff only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="note", **kwargs)

    note = _text_field(_l("Internal note"), _l("Write the note."), REASON_MAX)
    submit = SubmitField(_l("Add the note"))


class GuideForm(VersionedForm):
    """Not ours: the competent agency and the guidance the citizen reads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="guide", **kwargs)

    guided_to = StringField(_l("Competent agency"), validators=[
        DataRequired(_l("Name the competent agency.")), Length(max=GUIDED_TO_MAX)])
    guidance = _text_field(_l("Guidance, shown to the citizen"),
                           _l("Write the guidance the citizen will read."), ANSWER_MAX)
    submit = SubmitField(_l("Guide the citizen"))


class RequestExtensionForm(VersionedForm):
    """An officer asks the unit head for a later last day for the answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="extend", **kwargs)

    new_last_day = LocalDateField(_l("New last day for the answer"),
                                  validators=[InputRequired(_l("Choose the new last day for the answer."))])
    reason = _text_field(_l("Reason for the extension"), _l("Give the reason for the extension."),
                         REASON_MAX)
    submit = SubmitField(_l("Ask for the extension"))


class DecideExtensionForm(VersionedForm):
    """The unit head approves or refuses the pending extension (a refusal needs the note)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="decide", **kwargs)

    note = TextAreaField(_l("Note on the decision"), validators=[Length(max=REASON_MAX)])
    submit = SubmitField(_l("Approve the extension"))
    refuse = SubmitField(_l("Refuse the extension"))


class ReclassifyForm(VersionedForm):
    """Change the kind of the case, with the reason; its deadlines follow the new kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reclassify", **kwargs)

    kind = SelectField(_l("New kind"), validate_choice=False,
                       choices=[(k.value, name) for k, name in KIND.items()])
    reason = _text_field(_l("Reason for the new kind"), _l("Give the reason for the new kind."),
                         REASON_MAX)
    submit = SubmitField(_l("Change the kind"))


CASE_FORMS: dict[str, type[VersionedForm]] = {
    "acknowledge": AcknowledgeForm,
    "ask_citizen": AskCitizenForm,
    "resume": ResumeForm,
    "respond": RespondForm,
    "transfer": TransferForm,
    "reject": RejectForm,
    "assign": AssignForm,
    "note": NoteForm,
    "guide": GuideForm,
    "request_extension": RequestExtensionForm,
    "decide_extension": DecideExtensionForm,
    "reclassify": ReclassifyForm,
    "approve_answer": ApproveAnswerForm,
    "return_answer": ReturnAnswerForm,
}


def prefill_answer_forms(forms: dict[str, VersionedForm], review) -> None:
    """The answer forms as sign-off has them (``review``: ``signoff.view``): the officer's
    button says where the answer goes; a returned draft's text waits in the answer form,
    the draft in review in the approval form (unless the user typed there already)."""
    respond, approve = forms["respond"], forms["approve_answer"]
    if review.needs_signoff:
        respond.submit.label.text = _l("Send for sign-off")
    for form, draft in ((respond, review.returned), (approve, review.in_review)):
        if draft is None or form.answer.raw_data:
            continue
        form.answer.data = draft.body
        form.doc_number.data, form.doc_date.data = draft.doc_number, draft.doc_date
        form.doc_signer.data = draft.doc_signer


class SignoffSettingsForm(Form):
    """A unit's sign-off settings: the kinds whose answers need it, the officers who sign off
    for the head (checkboxes; the page lists the choices, the domain checks them)."""

    kinds = SelectMultipleField(_l("Kinds of case whose answers need the leader's sign-off"),
                                validate_choice=False)
    deputies = SelectMultipleField(_l("Officers who sign off for the head"),
                                   validate_choice=False)
    submit = SubmitField(_l("Save the settings"))


class BulkAssignForm(Form):
    """Assign the selected cases of the queue to one officer (unit heads)."""

    officer = SelectField(
        _l("Assign the selected cases to"),
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(_l("Choose an active officer of your unit."))],
    )
    submit = SubmitField(_l("Assign selected"))

    def selection(self, values: list[str]) -> list[tuple[str, int]]:
        """The checked cases as (reference, version seen); malformed values are dropped."""
        chosen = []
        for value in values:
            reference, _, version = value.rpartition("@")
            if reference and version.isdigit():
                chosen.append((reference, int(version)))
        return chosen


class QueueFilterForm(QueryForm):
    """The queue's search, filters and sort, read from the URL (GET: no CSRF needed)."""

    q = SearchField(_l("Search"), validators=[Length(max=200)])
    status = SelectField(_l("Status"), validate_choice=False, default=STATUS_OPEN)
    category = SelectField(_l("Field"), coerce=lenient_int, validate_choice=False)
    deadline = SelectField(_l("Deadline"), validate_choice=False)
    assignee = SelectField(_l("Assigned to"), validate_choice=False)
    channel = SelectField(_l("Channel"), validate_choice=False)
    kind = SelectField(_l("Kind of case"), validate_choice=False)
    received_from = LocalDateField(_l("Received from"), validators=[Optional()])
    received_to = LocalDateField(_l("Received until"), validators=[Optional()])
    scope = SelectField(_l("Cases"), validate_choice=False)
    escalated = HiddenField()
    review = HiddenField()
    sort = SelectField(_l("Sort by"), validate_choice=False, default="due")

    def set_choices(self, categories, officers, unit_scope: bool, locale: str) -> None:
        """Fill the lists; officers and scope only for unit staff."""
        self.status.choices = [(STATUS_OPEN, _l("Open cases")), (STATUS_ALL, _l("All cases"))] + [
            (status.value, STATUS[status]) for status in CaseStatus
        ]
        self.category.choices = [("", _l("All fields"))] + [
            (c.id, c.display_name(locale)) for c in categories
        ]
        self.deadline.choices = [("", _l("Any deadline"))] + [
            (state.value, DEADLINE[state]) for state in DEADLINE_FILTERS
        ]
        assignees = [("", _l("Anyone or nobody")), (ASSIGNEE_NONE, _l("Nobody yet"))]
        if unit_scope:
            assignees.insert(1, (ASSIGNEE_ME, _l("Me")))
        self.assignee.choices = assignees + [(str(o.id), o.name) for o in officers]
        self.channel.choices = [("", _l("Any channel"))] + [(c.value, CHANNEL[c]) for c in Channel]
        self.kind.choices = [("", _l("Any kind"))] + [(k.value, name) for k, name in KIND.items()]
        self.scope.choices = [
            ("", _l("Cases my unit holds")),
            (SCOPE_TRANSFERRED, _l("Cases my unit transferred away")),
            (SCOPE_ASKED, _l("Cases my unit is asked to contribute to")),
        ]
        self.sort.choices = [
            ("due", _l("Soonest due first")),
            ("newest", _l("Newest first")),
            ("oldest", _l("Oldest first")),
        ]

    def filters(self) -> QueueFilters:
        """The filters to apply; values outside the lists are ignored."""

        def pick(field, default=""):
            allowed = {str(value) for value, _label in field.choices}
            value = field.data if field.data is not None else default
            return value if str(value) in allowed else default

        return QueueFilters(
            q=(self.q.data or "").strip()[:200],
            status=pick(self.status, STATUS_OPEN),
            category=pick(self.category, None) or None,
            deadline=pick(self.deadline),
            assignee=pick(self.assignee),
            channel=pick(self.channel),
            kind=pick(self.kind),
            received_from=self.received_from.data,
            received_to=self.received_to.data,
            scope=pick(self.scope),
            escalated=self.escalated.data == "1",
            review=self.review.data if self.review.data in (REVIEW_WAITING, REVIEW_RETURNED) else "",
            sort=pick(self.sort, "due"),
        )
