"""Forms of the case page's Evidence section: adding (or correcting) evidence, asking for a preservation, the
head's approval and decision, sealing and lifting a sealing. They validate input only; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.evidence.models import Evidence, Preservation
from portal.forms import StyledFormMixin, date_input
from supervision.org.models import User


class EvidenceForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Evidence.Kind.choices)
    source = forms.CharField(label=_("Source"), max_length=200, help_text=_("Where or from whom it was obtained."))
    collected_on = forms.DateField(label=_("Collected on"), widget=date_input())
    collected_by = forms.ModelChoiceField(label=_("Collected by"), queryset=User.objects.none(), required=False)
    proves = forms.CharField(label=_("What it proves"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("File"))
    supersedes = forms.ModelChoiceField(queryset=Evidence.objects.none(), required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300, required=False)

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collected_on"].initial = timezone.localdate()
        if case is not None:
            officers = [a.user_id for a in case.assignments.all()]
            self.fields["collected_by"].queryset = User.objects.filter(pk__in=[*officers, getattr(user, "pk", 0)])
            self.fields["supersedes"].queryset = Evidence.objects.filter(case=case)
        if user is not None:
            self.fields["collected_by"].initial = user.pk


class PreservationForm(StyledFormMixin, forms.Form):
    items = forms.CharField(label=_("Items"), widget=forms.Textarea(attrs={"rows": 2}))
    place = forms.CharField(label=_("Place"), max_length=200)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PreservationApproveForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)
    preserved_on = forms.DateField(label=_("Preserved on"), required=False, widget=date_input())


class PreservationDecideForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Preservation.Outcome.choices)
    note = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=date_input())


class SealingForm(StyledFormMixin, forms.Form):
    items = forms.CharField(label=_("Items"), widget=forms.Textarea(attrs={"rows": 2}))
    place = forms.CharField(label=_("Place"), max_length=200)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    sealed_on = forms.DateField(label=_("Sealed on"), required=False, widget=date_input())


class LiftForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    lifted_on = forms.DateField(label=_("Lifted on"), required=False, widget=date_input())
