"""Forms of smart screening: uploads, starting a run (or a dry run), and a rule's next version."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.register.models import Institution
from supervision.screening import rules
from supervision.screening.models import PARAM_LABELS, Rule, RuleVersion

MED_TYPE_CHOICES = [("11", _("Outpatient")), ("21", _("Inpatient")), ("41", _("Pharmacy purchase"))]
LEVEL_CHOICES = [("0", _("No level")), ("1", _("Level 1")), ("2", _("Level 2")), ("3", _("Level 3"))]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8 or GB18030), Excel workbook (.xlsx) or Parquet."))


class RunForm(forms.Form):
    rules = forms.ModelMultipleChoiceField(
        queryset=Rule.objects.order_by("code"), required=False, label=_("Rules"),
        help_text=_("None chosen: every active rule."), widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    dry_run = forms.BooleanField(label=_("Dry run (count hits per institution, keep nothing)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end lies before the start."))
        return data


class RuleForm(forms.Form):
    """The settings of a rule's next version (each template's parameters as number fields)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    result_type = forms.ChoiceField(label=_("Result type"), choices=RuleVersion.ResultType.choices)
    scenario = forms.MultipleChoiceField(label=_("Scenario"), choices=MED_TYPE_CHOICES,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    institution_kinds = forms.MultipleChoiceField(
        label=_("Institution kinds"), choices=Institution.Kind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None chosen: every kind."),
    )  # fmt: skip
    institution_levels = forms.MultipleChoiceField(
        label=_("Institution levels"), choices=LEVEL_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every level."),
    )  # fmt: skip
    time_window = forms.CharField(label=_("Time window"), max_length=40, required=False)
    basis = forms.CharField(label=_("Basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    violation_code = forms.CharField(label=_("Violation code"), max_length=40)
    note = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rule: Rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.param_names = list(rules.TEMPLATES[rule.template].params)
        for name in self.param_names:
            self.fields[f"param_{name}"] = forms.DecimalField(
                label=PARAM_LABELS.get(name, name), min_value=0, max_value=100000
            )

    @classmethod
    def initial_for(cls, rule: Rule) -> dict:
        version = rule.current
        initial = {"name": rule.name, "is_active": rule.is_active}
        if version:
            initial.update({
                "result_type": version.result_type, "scenario": version.scenario,
                "institution_kinds": version.institution_kinds,
                "institution_levels": [str(v) for v in version.institution_levels],
                "time_window": version.time_window, "basis": version.basis, "violation_code": version.violation_code,
            })  # fmt: skip
            initial.update({f"param_{k}": v for k, v in version.params.items()})
        return initial

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        params = {name: data.pop(f"param_{name}") for name in self.param_names}
        data.pop("note")
        data["params"] = params
        data["institution_levels"] = [int(v) for v in data["institution_levels"]]
        return data
