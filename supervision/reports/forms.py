"""Forms for reports: the supervisor's report, the public report (举报), tracking and replying."""

import itertools

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.forms import StyledFormMixin
from portal.widgets import TypeAheadSelect
from supervision.register.models import Institution


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the limits are checked by the service (reports_services)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _attachment_help():
    config = settings.REPORTS
    return _("Up to %(count)d files of %(mb)d MB each: %(types)s.") % {
        "count": config["attachment_max_count"],
        "mb": config["attachment_max_bytes"] // 1048576,
        "types": ", ".join(config["attachment_extensions"]),
    }


class _RegisterChoices(forms.models.ModelChoiceIterator):
    """The public register as one group of options per branch, written from plain rows: no Institution
    instance per option (10,000 institutions at bench scale: the public form took ~500 ms to render)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list("pk", "name", "code", "jurisdiction__name")
        for unit, group in itertools.groupby(rows, key=lambda row: row[3]):
            yield (unit, [(pk, f"{name}（{code}）") for pk, name, code, _unit in group])


class RegisterChoiceField(forms.ModelChoiceField):
    """The public register, searched as the reporter types (10,000 institutions at bench scale)."""

    iterator = _RegisterChoices

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", TypeAheadSelect("public:register-lookup"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.code}）"


class ReportForm(StyledFormMixin, forms.Form):
    institution = RegisterChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), help_text=_("From the public register.")
    )
    summary = forms.CharField(label=_("Summary"), max_length=200)
    details = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 6}), max_length=8000)
    observed_on = forms.DateField(
        label=_("Date observed"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = (
            institutions if institutions is not None else Institution.objects.all()
        ).order_by("jurisdiction__path", "code")
        self.fields["attachments"].help_text = _attachment_help()


class PublicReportForm(ReportForm):
    is_anonymous = forms.BooleanField(label=_("Report anonymously"), required=False, initial=True)
    reporter_name = forms.CharField(label=_("Your name"), max_length=60, required=False)
    reporter_id_number = forms.RegexField(
        label=_("Your ID number"), regex=r"^\d{17}[\dXx]$", max_length=18, required=False
    )
    reporter_phone = forms.RegexField(label=_("Your phone"), regex=r"^[\d\-+ ]{7,20}$", max_length=20, required=False)
    reporter_address = forms.CharField(label=_("Your address"), max_length=200, required=False)
    wants_reward = forms.BooleanField(
        label=_("I would like a reward if the report leads to recovered funds (needs your real name)"),
        required=False,
    )


class ReplyForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Reply to the reporter"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class TrackForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)
