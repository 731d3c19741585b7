"""Forms validate input only; the user's context comes in through the view's get_form_kwargs."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledFormMixin
from portal.widgets import TypeAheadSelect
from supervision.org.models import OrgUnit
from supervision.register.models import Agreement, Institution
from supervision.register.services import INSTITUTION_EDITABLE


class InstitutionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["code", *INSTITUTION_EDITABLE, "jurisdiction"]
        widgets = {"address": forms.TextInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code identifies the institution nationally and the jurisdiction moves only by transfer.
            del self.fields["code"]
            del self.fields["jurisdiction"]
        else:
            allowed = OrgUnit.objects.acting(user, "supervision.add_institution").branches().filter(is_active=True)
            self.fields["jurisdiction"].queryset = OrgUnit.objects.filter(pk__in=[b.pk for b in allowed])
            if len(allowed) == 1:
                self.fields["jurisdiction"].initial = allowed[0]


class InstitutionTransferForm(StyledFormMixin, forms.Form):
    to = forms.ModelChoiceField(label=_("New jurisdiction"), queryset=OrgUnit.objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)

    def __init__(self, *args, user, institution, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [
            b.pk
            for b in OrgUnit.objects.acting(user, "supervision.change_institution").branches().filter(is_active=True)
            if b.pk != institution.jurisdiction_id
        ]
        self.fields["to"].queryset = OrgUnit.objects.filter(pk__in=allowed)


class AgreementForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["number", "valid_from", "valid_to"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end <= start:
            self.add_error("valid_to", _("The end date must be after the start date."))
        return data


def institution_picker() -> TypeAheadSelect:
    """The institution field's widget on every form: searched as the user types, within the user's scope."""
    return TypeAheadSelect("supervision:institution-lookup")
