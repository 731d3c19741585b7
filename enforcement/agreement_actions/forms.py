"""Forms for opening cases and for each procedure action."""

from django import forms

from enforcement.agreement_actions.models import AgreementAction
from enforcement.legal.models import TerminationGround
from portal.forms import StyledFormMixin
from supervision.register.models import Institution


class AgreementActionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AgreementAction
        fields = ["institution", "kind", "grounds", "amount", "starts_on", "ends_on", "termination_ground", "evidence"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "grounds": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.visible_to(user).order_by("code")
        self.fields["termination_ground"].queryset = TerminationGround.objects.filter(is_active=True)
        self.fields["termination_ground"].label_from_instance = lambda g: f"{g.text}（{g.source}）"

    def _post_clean(self):
        # Model validation needs the agreement and jurisdiction, which the service fills in.
        pass
