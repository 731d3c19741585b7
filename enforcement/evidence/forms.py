"""Forms of the case page's Evidence section: adding (or correcting) evidence, asking for a preservation, the
head's approval and decision, sealing and lifting a sealing. They validate input only; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.evidence.models import Evidence, Preservation
from portal.forms import StyledFormMixin, date_input


class EvidenceForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Evidence.Kind.choices)
    source = forms.CharField(label=_("Source"), max_length=200, help_text=_("Where or from whom it was obtained."))
    collected_on = forms.DateField(label=_("Collected on"), widget=date_input())
    collected_by = forms.TypedChoiceField(label=_("Collected by"), coerce=int, required=False, empty_value=None)
    proves = forms.CharField(label=_("What it proves"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("File"))
    supersedes = forms.ModelChoiceField(queryset=Evidence.objects.none(), required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300, required=False)

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collected_on"].initial = timezone.localdate()
        # The collectors offered: the officers on the case (prefetched with it) and the user; no query of its own.
        self.collectors = {a.user_id: a.user for a in case.assignments.all()} if case is not None else {}
        if user is not None:
            self.collectors.setdefault(user.pk, user)
            self.fields["collected_by"].initial = user.pk
        self.fields["collected_by"].choices = [(pk, str(u)) for pk, u in self.collectors.items()]
        if case is not None:
            self.fields["supersedes"].queryset = Evidence.objects.filter(case=case)

    def clean_collected_by(self):
        pk = self.cleaned_data.get("collected_by")
        return self.collectors.get(pk) if pk else None


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
