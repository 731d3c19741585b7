"""Forms validate input only; the user's context comes in through the view's get_form_kwargs."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.models import Agreement, Institution, OrgUnit
from supervision.services import INSTITUTION_EDITABLE


def style_form(form):
    """Give every widget Bootstrap's classes (templates stay free of per-field markup)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


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
