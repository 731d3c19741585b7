"""Forms validate input only; the user's context comes in through the view's get_form_kwargs."""

from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.fields import DateRangeField

from supervision.models import Agreement, ImportBatch, Inspection, Institution, Lead, OrgUnit, RandomDraw, User
from supervision.services import INSTITUTION_EDITABLE

ISO_DATE = "%Y-%m-%d"


def style_form(form):
    """Give every widget Bootstrap's classes (templates stay free of per-field markup), and dates the
    browser's date picker."""
    for field in form.fields.values():
        widgets = getattr(field.widget, "widgets", None) or [field.widget]
        for widget in widgets:
            if isinstance(field, DateRangeField | forms.DateField):
                _date_picker(widget)
            _style_widget(widget)
    return form


def _date_picker(widget) -> None:
    """``<input type="date">`` reads and writes ISO dates only: render the value as YYYY-MM-DD whatever the
    language (zh-hans would otherwise write 2026/11/22, which the picker shows as empty)."""
    widget.input_type = "date"
    widget.attrs.pop("type", None)
    if hasattr(widget, "format"):
        widget.format = ISO_DATE


def _style_widget(widget) -> None:
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


def form_errors_from(exc, form) -> None:
    """A service's ValidationError onto the form: known field keys on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def branches_user_may(user, perm: str):
    """Branches in which the user holds a role that grants ``perm`` (choices for a jurisdiction field)."""
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True)
    return [b for b in branches if user.has_perm(perm, b)]


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
            allowed = branches_user_may(user, "supervision.add_institution")
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
            for b in branches_user_may(user, "supervision.change_institution")
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


# --- Leads, imports, inspections, random draws -------------------------------------------------------------


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class LeadForm(StyledFormMixin, forms.Form):
    """Log a lead by hand (screening leads come in by import)."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    source = forms.ChoiceField(
        label=_("Source"), choices=[c for c in Lead.Source.choices if c[0] != Lead.Source.SCREENING]
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    amount = forms.DecimalField(
        label=_("Suspected amount (CNY)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    received_on = forms.DateField(label=_("Received on"), required=False, widget=_date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [b.pk for b in branches_user_may(user, "supervision.add_lead")]
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


def branch_officers(unit):
    """Active officers whose own units lie in ``unit``'s subtree (or city-wide), for assignment choices."""
    from supervision.models import Role

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
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    planned_on = forms.DateField(label=_("Planned for"), widget=_date_input())
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
        allowed = [b.pk for b in branches_user_may(user, "supervision.add_inspection")]
        self.fields["institution"].queryset = (
            Institution.objects.visible_to(user).filter(jurisdiction_id__in=allowed).order_by("code")
        )
        from supervision.inspections_services import certified_officers

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
        from supervision.extensions import violation_code_choices

        self.fields["violation_code"].choices = [("", "—")] + [
            (c, f"{c} · {label}") for c, label in violation_code_choices()
        ]


class InspectionFinishForm(StyledFormMixin, forms.Form):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class RandomDrawForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RandomDraw.Kind.choices)
    planned_on = forms.DateField(label=_("Planned for"), widget=_date_input())
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

        branches = branches_user_may(user, "supervision.add_randomdraw")
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
