"""Forms of the credit pages: they validate input only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from credit.assessment import value_keys
from portal.forms import StyledFormMixin
from supervision.register.models import Institution


class InstitutionCodeField(forms.CharField):
    """An institution by its national code, looked up in the user's scope (unknown and out of scope read alike)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("National institution code"))
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)


class _InstitutionMixin:
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_institution(self, code: str):
        institution = Institution.objects.visible_to(self.user).filter(code=code.strip().upper()).first()
        if institution is None:
            raise forms.ValidationError(_("Unknown institution."))
        return institution


class RepairApplicationForm(_InstitutionMixin, StyledFormMixin, forms.Form):
    institution_code = InstitutionCodeField()
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    reasons = forms.CharField(label=_("Reasons (corrections made)"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence_description = forms.CharField(label=_("Evidence description"), max_length=300)
    evidence = forms.FileField(label=_("Evidence file"), required=False)

    def clean_institution_code(self):
        return self.clean_institution(self.cleaned_data["institution_code"])


class DecisionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SelfCorrectionForm(StyledFormMixin, forms.Form):
    inspection = forms.ModelChoiceField(label=_("Finished self-inspection"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, rating, **kwargs):
        from supervision.inspections.models import Inspection

        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = Inspection.objects.filter(
            institution_id=rating.institution_id,
            kind="self",
            status__in=["finished", "closed"],
            finished_on__year=rating.year,
        )


class SettlementImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"),
        choices=[("auto", _("Detect")), ("utf-8", "UTF-8"), ("gb18030", "GB18030")],
        initial="auto",
    )


class AssessmentForm(_InstitutionMixin, StyledFormMixin, forms.Form):
    """Community, lead institution, the preset's indicator values, bonus items and the veto."""

    community = forms.CharField(label=_("Medical community"), max_length=120)
    lead_institution = InstitutionCodeField(label=_("Lead institution (national code)"))
    veto = forms.BooleanField(label=_("Major violation in the year (veto)"), required=False)
    veto_note = forms.CharField(label=_("Veto note"), required=False, max_length=300)

    def __init__(self, *args, preset, **kwargs):
        super().__init__(*args, **kwargs)
        self.preset = preset
        definition = preset.definition
        labels = definition.get("value_labels", {})
        self.value_fields = []
        for key in value_keys(definition):
            self.fields[f"value_{key}"] = forms.DecimalField(
                label=labels.get(key, key), max_digits=12, decimal_places=4
            )
            self.value_fields.append(f"value_{key}")
        choices = [
            (b["key"], f"{b.get('number', '')} {b['label']}（+{b['points']}）") for b in definition.get("bonus", [])
        ]
        self.fields["bonus"] = forms.MultipleChoiceField(
            label=_("Bonus items"), choices=choices, required=False, widget=forms.CheckboxSelectMultiple
        )
        order = ["community", "lead_institution", *self.value_fields, "bonus", "veto", "veto_note"]
        self.order_fields(order)
        for name in ("bonus",):
            self.fields[name].widget.attrs.pop("class", None)

    def clean_lead_institution(self):
        return self.clean_institution(self.cleaned_data["lead_institution"])

    def values(self) -> dict:
        return {name.removeprefix("value_"): self.cleaned_data[name] for name in self.value_fields}

    @staticmethod
    def initial_from(assessment) -> dict:
        initial = {
            "community": assessment.community,
            "lead_institution": assessment.lead_institution.code,
            "veto": assessment.veto,
            "veto_note": assessment.veto_note,
            "bonus": assessment.bonus,
        }
        initial.update({f"value_{k}": v for k, v in assessment.values.items()})
        return initial
