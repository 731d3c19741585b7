"""Forms of the procedure actions added for legal fidelity (issue 14); registered in ACTION_FORMS, so the case
page and ``POST /api/v1/cases/{id}/actions/`` validate them alike."""

import json
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.cases.forms import ActionForm
from enforcement.models import CasePause, PaymentPlan


def date_field(label, required=False):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def moment_field(label):
    return forms.DateTimeField(
        label=label, required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class DecisionChoiceField(forms.TypedChoiceField):
    """Approve (true) or refuse (false); JSON booleans and the page's radio buttons both arrive here."""

    def __init__(self, label, yes, no):
        super().__init__(label=label, choices=[("true", yes), ("false", no)], coerce=lambda v: v == "true",
                         widget=forms.RadioSelect)  # fmt: skip

    def to_python(self, value):
        if isinstance(value, bool):
            value = "true" if value else "false"
        return super().to_python(value)


class SuspendForm(ActionForm):
    suspended_on = date_field(_("Suspended from"))


class ResumeForm(ActionForm):
    resumed_on = date_field(_("Resumed on"))


class ExcludedPeriodForm(ActionForm):
    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[(k.value, k.label) for k in (CasePause.Kind.PUBLIC_NOTICE, CasePause.Kind.APPRAISAL)],
    )
    started_on = date_field(_("From"), required=True)
    ended_on = date_field(_("Until (the clock runs again on this day)"), required=True)


class ReportPoliceTransferForm(ActionForm):
    police = forms.CharField(label=_("Police authority"), max_length=200)
    suspected_offence = forms.CharField(label=_("Suspected offence"), max_length=200, initial="诈骗罪")
    reported_on = date_field(_("Reported to the head on"))


class DecidePoliceTransferForm(ActionForm):
    approve = DecisionChoiceField(_("Decision"), _("Approve the transfer"), _("Do not transfer"))
    decided_at = moment_field(_("Decided at"))


class HandOverPoliceForm(ActionForm):
    receipt = forms.CharField(label=_("Police's receipt reference"), max_length=100)
    handed_over_at = moment_field(_("Handed over at"))


class PoliceFeedbackForm(ActionForm):
    accepted = DecisionChoiceField(_("Feedback"), _("Accepted (立案)"), _("Not accepted, case returned"))
    feedback_on = date_field(_("Feedback received on"))
    note = forms.CharField(label=_("Police's reasons or reference"), required=False, max_length=300)


class AppealForm(ActionForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in (CasePause.Kind.RECONSIDERATION, CasePause.Kind.LITIGATION)],
    )
    started_on = date_field(_("Applied or filed on"))


class EndAppealForm(ActionForm):
    ended_on = date_field(_("Ended on"))
    result = forms.CharField(label=_("Result"), required=False, max_length=200)


class InstalmentsField(forms.JSONField):
    """A list of {"due_on": "YYYY-MM-DD", "amount": "1000.00"}; the page gives lines "YYYY-MM-DD amount"."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not value.strip().startswith("["):
            rows = []
            for line in value.strip().splitlines():
                parts = line.replace(",", " ").replace("，", " ").split()
                if len(parts) != 2:
                    raise forms.ValidationError(_("One instalment a line: date and amount."))
                rows.append({"due_on": parts[0], "amount": parts[1]})
            value = json.dumps(rows)
        value = super().to_python(value)
        cleaned = []
        for row in value or []:
            try:
                cleaned.append(
                    {"due_on": date.fromisoformat(str(row["due_on"])), "amount": Decimal(str(row["amount"]))}
                )
            except (KeyError, TypeError, ValueError, InvalidOperation):
                raise forms.ValidationError(_("Each instalment has a date (YYYY-MM-DD) and an amount.")) from None
        return cleaned

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{row['due_on']} {row['amount']}" for row in value)
        if value is None:
            return ""  # an empty form: an empty box, not JSON's "null"
        return super().prepare_value(value)


class PaymentPlanForm(ActionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentPlan.Kind.choices)
    reason = forms.CharField(label=_("The party's application and hardship"), max_length=300)
    instalments = InstalmentsField(
        label=_("Due dates and amounts (one a line: YYYY-MM-DD amount)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecidePaymentPlanForm(ActionForm):
    approve = DecisionChoiceField(_("Decision"), _("Approve"), _("Refuse"))


LEGAL_ACTION_FORMS = {
    "suspend": SuspendForm,
    "resume": ResumeForm,
    "record_excluded_period": ExcludedPeriodForm,
    "report_police_transfer": ReportPoliceTransferForm,
    "decide_police_transfer": DecidePoliceTransferForm,
    "hand_over_police": HandOverPoliceForm,
    "record_police_feedback": PoliceFeedbackForm,
    "record_appeal": AppealForm,
    "end_appeal": EndAppealForm,
    "propose_payment_plan": PaymentPlanForm,
    "decide_payment_plan": DecidePaymentPlanForm,
}
