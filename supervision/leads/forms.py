"""Forms validate input only; the user's context comes in through the view's get_form_kwargs."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledFormMixin, date_input
from portal.widgets import TypeAheadSelect
from supervision.inspections.forms import branch_officers
from supervision.leads.models import ImportBatch, Lead
from supervision.org.filters import officers_in_scope
from supervision.org.models import OrgUnit, User
from supervision.register.forms import institution_picker
from supervision.register.models import Institution


class LeadForm(StyledFormMixin, forms.Form):
    """Log a lead by hand (screening leads come in by import)."""

    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        widget=institution_picker(),
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[c for c in Lead.Source.choices if c[0] != Lead.Source.SCREENING]
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    amount = forms.DecimalField(
        label=_("Suspected amount (CNY)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    received_on = forms.DateField(label=_("Received on"), required=False, widget=date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [b.pk for b in OrgUnit.objects.acting(user, "supervision.add_lead").branches().filter(is_active=True)]
        self.fields["institution"].queryset = (
            Institution.objects.visible_to(user).filter(jurisdiction_id__in=allowed).order_by("code")
        )


class LeadDispatchForm(StyledFormMixin, forms.Form):
    officer = forms.ModelChoiceField(
        label=_("Verifying officer (optional)"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = branch_officers(lead.institution.jurisdiction)


class LeadBulkDispatchForm(StyledFormMixin, forms.Form):
    """批量分派: the leads ticked on the list, and optionally one verifying officer for all of them."""

    leads = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    officer = forms.ModelChoiceField(
        label=_("Verifying officer (optional)"),
        queryset=User.objects.none(),
        required=False,
        widget=TypeAheadSelect("supervision:officer-lookup"),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers_in_scope(request)

    def clean_leads(self):
        # Ids are checked against the user's scope by the service (a lead out of scope is "not found").
        raw = self.cleaned_data.get("leads") or []
        try:
            return [int(value) for value in raw]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose leads from the list.")) from None


class LeadDismissForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class LeadConfirmForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Findings of the verification"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class LeadImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"), choices=ImportBatch.Encoding.choices, initial=ImportBatch.Encoding.AUTO
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
