"""The hearing page's form: its schedule and its record."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.hearings.models import HearingRecord
from portal.forms import StyledFormMixin
from supervision.org.models import Role, User


class HearingRecordForm(StyledFormMixin, forms.ModelForm):
    scheduled_at = forms.DateTimeField(
        label=_("Hearing date and time"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip

    class Meta:
        model = HearingRecord
        fields = [
            "scheduled_at", "place", "chair", "clerk", "is_public", "participants", "investigators_case",
            "party_statement", "cross_examination", "final_statement", "chair_opinion",
        ]  # fmt: skip
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("participants", "investigators_case", "party_statement", "cross_examination",
                         "final_statement", "chair_opinion")
        }  # fmt: skip

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        investigators = case.assignments.values_list("user_id", flat=True)
        self.fields["chair"].queryset = (
            User.objects.filter(is_active=True, roles__is_active=True).exclude(roles__role=Role.SUPERVISOR)
            .exclude(pk__in=list(investigators)).distinct().order_by("username")
        )  # fmt: skip
