"""Forms for following up a confirmed lead or an inspection finding (validate input only)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.agreement_actions.models import AgreementAction
from enforcement.rules.models import ViolationType
from portal.forms import StyledFormMixin


class LeadCaseForm(StyledFormMixin, forms.Form):
    """Opening a case from a lead: prefilled from it; the institution and the lead's date are the lead's."""

    title = forms.CharField(label=_("Title"), max_length=200)
    violation_codes = forms.ModelMultipleChoiceField(
        label=_("Violation codes"),
        queryset=ViolationType.objects.filter(is_active=True).order_by("article", "name"),
        to_field_name="code",
    )
    amount_involved = forms.DecimalField(label=_("Amount involved (CNY)"), max_digits=14, decimal_places=2, min_value=0)
    facts = forms.CharField(label=_("Facts"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    is_major = forms.BooleanField(label=_("Major case"), required=False)

    def to_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["violation_codes"] = [v.code for v in data["violation_codes"]]
        return data


class LeadAgreementActionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementAction.Kind.choices)
    grounds = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=0, required=False)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def to_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["amount"] = data.get("amount") or 0
        return data
