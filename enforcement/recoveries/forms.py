"""Inputs of the recovery ledger's steps; context comes in through the view."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.recoveries.models import RecoveryEntry
from supervision.register.forms import institution_picker

E, R = RecoveryEntry.Entry, RecoveryEntry.Route
# Obligations recorded by hand: the others come from decisions, measures and case payments.
MANUAL_ROUTES = [R.SELF_RETURN, R.REVIEW_REFUSAL, R.COURT_RECOVERY]


class SettleForm(forms.Form):
    entry = forms.ChoiceField(
        label=_("Entry"), choices=[(e.value, e.label) for e in (E.PAYMENT, E.OFFSET, E.CANCELLATION)]
    )
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=0.01)
    on = forms.DateField(label=_("Date"), initial=timezone.localdate)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("entry") == E.CANCELLATION and not data.get("note"):
            self.add_error("note", _("Give the reason."))
        if data.get("on") and data["on"] > timezone.localdate():
            self.add_error("on", _("The date cannot be in the future."))
        return data


class ObligationForm(forms.Form):
    route = forms.ChoiceField(label=_("Route"), choices=[(r.value, r.label) for r in MANUAL_ROUTES])
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None, widget=institution_picker())
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=0.01)
    on = forms.DateField(label=_("Date"), initial=timezone.localdate)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on
