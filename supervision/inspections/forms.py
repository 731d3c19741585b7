"""Forms validate input only; the user's context comes in through the view's get_form_kwargs."""

from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledFormMixin, date_input
from supervision.inspections.models import Inspection, RandomDraw
from supervision.org.models import OrgUnit, User
from supervision.register.forms import institution_picker
from supervision.register.models import Institution


def branch_officers(unit):
    """Active officers whose own units lie in ``unit``'s subtree (or city-wide), for assignment choices."""
    from supervision.org.models import Role

    branch = unit.branch or unit
    # One filter() call: role, activity and unit must hold for the same assignment.
    where = models.Q(roles__unit__path__startswith=branch.path) | models.Q(roles__unit__kind=OrgUnit.Kind.DIVISION)
    return (
        User.objects.filter(where, roles__role=Role.OFFICER, roles__is_active=True, is_active=True)
        .distinct()
        .order_by("username")
    )


class InspectionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Inspection.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        widget=institution_picker(),
    )
    planned_on = forms.DateField(label=_("Planned for"), widget=date_input())
    team = forms.ModelMultipleChoiceField(
        label=_("Team (the first chosen leads it)"),
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "On-site inspections need at least two officers with valid certificates; a cross inspection is "
            "made by officers of another branch."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [
            b.pk for b in OrgUnit.objects.acting(user, "supervision.add_inspection").branches().filter(is_active=True)
        ]
        self.fields["institution"].queryset = (
            Institution.objects.visible_to(user).filter(jurisdiction_id__in=allowed).order_by("code")
        )
        from supervision.inspections.services import certified_officers

        self.fields["team"].queryset = certified_officers().order_by("username")

    def clean_team(self):
        # Keep the order of the submitted ids: the first one leads the team.
        team = self.cleaned_data["team"]
        order = [str(v) for v in self.data.getlist("team")] if hasattr(self.data, "getlist") else []
        by_pk = {str(u.pk): u for u in team}
        ordered = [by_pk[pk] for pk in order if pk in by_pk]
        return ordered + [u for u in team if u not in ordered]


class FindingForm(StyledFormMixin, forms.Form):
    violation_code = forms.ChoiceField(label=_("Violation code"), choices=[])
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    amount = forms.DecimalField(
        label=_("Amount involved (CNY)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    evidence = forms.FileField(label=_("Evidence file"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.extensions import violation_code_choices

        self.fields["violation_code"].choices = [("", "—"), *violation_code_choices()]  # by name, not code


class InspectionFinishForm(StyledFormMixin, forms.Form):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class RandomDrawForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RandomDraw.Kind.choices)
    planned_on = forms.DateField(label=_("Planned for"), widget=date_input())
    units = forms.ModelMultipleChoiceField(
        label=_("Institutions in"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Leave empty for every branch in your jurisdiction."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Institution kinds"),
        choices=Institution.Kind.choices,
        required=False,
        help_text=_("Leave empty for every kind."),
    )
    count = forms.IntegerField(
        label=_("Number of targets"), min_value=1, required=False, help_text=_("Or leave empty and give a ratio.")
    )
    ratio_percent = forms.DecimalField(
        label=_("Ratio (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    team_size = forms.IntegerField(label=_("Inspectors per team"), min_value=2, max_value=10)
    officer_units = forms.ModelMultipleChoiceField(
        label=_("Inspectors from"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Certified officers of these units (and their sub-units); empty for all."),
    )
    seed = forms.IntegerField(
        label=_("Seed (optional)"),
        min_value=0,
        max_value=2**63 - 1,
        required=False,
        help_text=_("Leave empty: a random seed is drawn and recorded."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        branches = OrgUnit.objects.acting(user, "supervision.add_randomdraw").branches().filter(is_active=True)
        self.fields["units"].queryset = OrgUnit.objects.filter(pk__in=[b.pk for b in branches])
        self.fields["officer_units"].queryset = OrgUnit.objects.filter(
            kind__in=[OrgUnit.Kind.BRANCH, OrgUnit.Kind.DIVISION], is_active=True
        )
        self.fields["team_size"].initial = settings.RANDOM_DRAW["team_size"]
        self.fields["ratio_percent"].initial = Decimal(str(settings.RANDOM_DRAW["ratio"])) * 100

    def clean(self):
        data = super().clean()
        if data.get("count") is None and data.get("ratio_percent") in (None, 0):
            self.add_error("ratio_percent", _("Give a number of targets or a ratio."))
        return data
