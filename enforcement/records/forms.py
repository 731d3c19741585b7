"""Forms of the investigation records: one per kind, with the case's assigned officers to choose from (and
proposed), and the inquiry record's questions and answers as an ordered formset."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.records.models import InvestigationRecord
from portal.forms import StyledFormMixin
from supervision.org.models import User

K = InvestigationRecord.Kind
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

# Per kind: the fields its form shows, and those it requires.
PERSON = ["person_name", "person_id_number", "person_employer", "person_post", "person_relation", "person_phone",
          "person_address"]  # fmt: skip
KIND_FIELDS = {
    K.INQUIRY_NOTICE: (
        ["person_name", "person_employer", "person_post", "person_address", "starts_at", "place", "matter",
         "to_bring", "officer1", "officer2", "contact"],
        {"person_name", "starts_at", "place", "matter", "officer1", "officer2"},
    ),
    K.INQUIRY_RECORD: (
        ["starts_at", "ends_at", "place", *PERSON, "officer1", "officer2", "recorder"],
        {"person_name", "person_relation", "starts_at", "ends_at", "place", "officer1", "officer2", "recorder"},
    ),
    K.SITE_INSPECTION_RECORD: (
        ["starts_at", "ends_at", "place", "person_name", "person_post", "person_relation", "person_phone",
         "officer1", "officer2", "recorder", "matter", "findings", "witness"],
        {"starts_at", "ends_at", "place", "officer1", "officer2", "recorder", "matter", "findings"},
    ),
    K.EVIDENCE_REQUEST: (
        ["recipient", "matter", "due_on", "place", "officer1", "officer2", "contact"],
        {"recipient", "matter", "due_on", "place"},
    ),
    K.ASSISTANCE_LETTER: (
        ["recipient", "matter", "due_on", "officer1", "officer2", "contact"],
        {"recipient", "matter", "contact"},
    ),
}  # fmt: skip
# Labels that differ by kind (the model's are the general ones).
KIND_LABELS = {
    K.INQUIRY_NOTICE: {"person_name": _("Person summoned"), "starts_at": _("Time to appear"),
                       "place": _("Place of the inquiry"), "matter": _("Matters to be asked about")},
    K.INQUIRY_RECORD: {"person_name": _("Person questioned"), "officer1": _("Questioned by"),
                       "officer2": _("Questioned by (second officer)")},
    K.SITE_INSPECTION_RECORD: {"person_name": _("Present for the party"), "matter": _("What was inspected"),
                               "findings": _("Findings on site"), "officer1": _("Inspected by"),
                               "officer2": _("Inspected by (second officer)")},
    K.EVIDENCE_REQUEST: {"recipient": _("Addressed to (unit or person)"), "matter": _("Evidence to produce"),
                         "due_on": _("Produce by"), "place": _("Where to produce it")},
    K.ASSISTANCE_LETTER: {"recipient": _("Authority asked for assistance"), "matter": _("Assistance requested"),
                          "due_on": _("Reply requested by")},
}  # fmt: skip
OFFICER_FIELDS = ("officer1", "officer2", "recorder")


class RecordForm(StyledFormMixin, forms.ModelForm):
    """The fields of one kind of record; officers are chosen among those assigned to the case."""

    class Meta:
        model = InvestigationRecord
        fields = sorted({f for names, _required in KIND_FIELDS.values() for f in names})
        widgets = {
            "matter": forms.Textarea(attrs={"rows": 3}),
            "to_bring": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 5}),
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, case, kind, **kwargs):
        self.case, self.kind = case, kind
        super().__init__(*args, **kwargs)
        names, required = KIND_FIELDS[kind]
        for name in list(self.fields):
            if name not in names:
                del self.fields[name]
        officers = User.objects.filter(case_assignments__case=case).order_by("-case_assignments__is_lead", "pk")
        for name, field in self.fields.items():
            field.required = name in required
            if name in OFFICER_FIELDS:
                field.queryset = officers
            if name in KIND_LABELS.get(kind, {}):
                field.label = KIND_LABELS[kind][name]
            if isinstance(field, forms.DateTimeField):
                field.input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        if self.instance.pk is None and not self.is_bound:
            self._propose(list(officers))
        self.order_fields(names)

    def _propose(self, officers) -> None:
        """The case's officers proposed: the lead officer asks, the second one asks with them and records."""
        if officers:
            self.initial.setdefault("officer1", officers[0].pk)
            self.initial.setdefault("recorder", officers[-1].pk)
        if len(officers) > 1:
            self.initial.setdefault("officer2", officers[1].pk)
        if "starts_at" in self.fields:
            self.initial.setdefault("starts_at", timezone.localtime().replace(second=0, microsecond=0))
        if self.kind == K.SITE_INSPECTION_RECORD:
            self.initial.setdefault("place", self.case.party_address or getattr(self.case.institution, "address", ""))

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end cannot be before the start."))
        if self.kind == K.SITE_INSPECTION_RECORD and not (data.get("person_name") or data.get("witness")):
            self.add_error("person_name", _("Name who was present for the party, or the witness if nobody was."))
        return data

    def to_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class AnswerForm(StyledFormMixin, forms.Form):
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                               max_length=2000)  # fmt: skip
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             max_length=5000)  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("answer") and not data.get("question"):
            self.add_error("question", _("An answer needs its question."))
        return data


class BaseAnswerFormSet(forms.BaseFormSet):
    def ordered(self) -> list[dict]:
        """The questions and answers in the order given (the order column; blank and deleted rows dropped)."""
        return [f.cleaned_data for f in self.ordered_forms if (f.cleaned_data.get("question") or "").strip()]


AnswerFormSet = forms.formset_factory(
    AnswerForm, formset=BaseAnswerFormSet, extra=3, max_num=200, can_order=True, can_delete=True
)


def answer_formset(data=None, record=None) -> BaseAnswerFormSet:
    initial = [{"question": a.question, "answer": a.answer, "ORDER": a.position} for a in record.answers.all()] if (
        record is not None
    ) else None  # fmt: skip
    return AnswerFormSet(data, initial=initial, prefix="qa")
