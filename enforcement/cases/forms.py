"""Forms for opening cases and for each procedure action."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.cases.models import Case, Payment, ProposedPenalty
from enforcement.cases.penalties import NO_PENALTY_GROUNDS
from enforcement.cases.services import CLOSE_BASES
from enforcement.rules.models import PenaltyRule, ViolationType
from portal.forms import StyledFormMixin
from supervision.org.models import OrgUnit, Role, User
from supervision.register.forms import institution_picker
from supervision.register.models import Institution


def certified_officers(case):
    """Officers holding the officer role in a unit whose scope covers the case, with a valid certificate.

    What ``user.has_perm("enforcement.submit_report", case)`` answers for each certified officer (a role held in
    a unit covering the case, or an explicit grant on it), in one query: asking it per officer cost three queries
    for each of the city's 1,600 officers at bench scale (issue 8)."""
    from enforcement.cases.models import CaseGroupObjectPermission, CaseUserObjectPermission
    from portal.permissions import roles_for
    from supervision.org.models import RoleAssignment

    today = timezone.localdate()
    units = {unit.pk: unit for unit in OrgUnit.objects.all()}
    jurisdiction = units[case.jurisdiction_id]

    def scope(unit):  # OrgUnit.scope_unit without a query per parent
        while unit.kind in (OrgUnit.Kind.DIVISION, OrgUnit.Kind.SUBCENTRE) and unit.parent_id:
            unit = units[unit.parent_id]
        return unit

    covering = [pk for pk, unit in units.items() if jurisdiction.is_within(scope(unit))]
    by_role = RoleAssignment.objects.filter(
        role__in=roles_for("enforcement.submit_report"), is_active=True, unit_id__in=covering
    ).values("user_id")
    officers = RoleAssignment.objects.filter(role=Role.OFFICER, is_active=True).values("user_id")
    grant = {"content_object_id": case.pk, "permission__codename": "submit_report"}
    members = User.groups.through.objects.filter(
        group_id__in=CaseGroupObjectPermission.objects.filter(**grant).values("group_id")
    )
    by_grant = Q(pk__in=CaseUserObjectPermission.objects.filter(**grant).values("user_id")) | Q(
        pk__in=members.values("user_id")
    )
    return (
        User.objects.filter(is_active=True, certificate_expires__gte=today)
        .exclude(certificate_number="")
        .filter(Q(pk__in=by_role) | (Q(pk__in=officers) & by_grant))
    )


class ActionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, user, **kwargs):
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)

    def to_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("comment", None)
        return data


def _date(label, required=False):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class OfficerChoiceField(forms.ModelChoiceField):
    """Shows where an officer works and until when their certificate is valid."""

    def label_from_instance(self, user):
        return officer_label(user)


class OfficerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return officer_label(user)


def officer_label(user) -> str:
    unit = user.primary_unit
    return _("%(name)s · %(unit)s · certificate %(number)s valid until %(expires)s") % {
        "name": user, "unit": unit or "—", "number": user.certificate_number or "—",
        "expires": user.certificate_expires or "—",
    }  # fmt: skip


class OfficersForm(ActionForm):
    officers = OfficerMultipleChoiceField(label=_("Officers"), queryset=User.objects.none(), required=False,
                                          widget=forms.CheckboxSelectMultiple)  # fmt: skip
    lead_officer = OfficerChoiceField(label=_("Lead officer"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        eligible = certified_officers(self.case)
        self.fields["officers"].queryset = eligible
        self.fields["lead_officer"].queryset = eligible
        self.fields["officers"].initial = list(self.case.assignments.values_list("user_id", flat=True))
        self.fields["officers"].widget.attrs["class"] = ""

    def to_data(self):
        data = super().to_data()
        data["officers"] = [u.pk for u in data.get("officers") or []]
        data["lead_officer"] = data["lead_officer"].pk if data.get("lead_officer") else None
        return data


class ApproveFilingForm(OfficersForm):
    filed_on = _date(_("Filing approved on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The chief approves the team proposed with the case: the officers on it, and the officer who opened it
        # (unless they withdrew), the current lead (else the opener) as lead.
        assignments = list(self.case.assignments.all())
        proposed = [a.user_id for a in assignments]
        opener = self.case.opened_by_id
        recused = {r.user_id for r in self.case.recusals.all()}
        if (
            opener not in proposed
            and opener not in recused
            and self.fields["officers"].queryset.filter(pk=opener).exists()
        ):
            proposed.append(opener)
        self.fields["officers"].initial = proposed
        lead = next((a.user_id for a in assignments if a.is_lead), opener if opener in proposed else None)
        self.fields["lead_officer"].initial = lead


class RecusalForm(ActionForm):
    officer = forms.ModelChoiceField(label=_("Officer who withdraws"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assigned = self.case.assignments.values_list("user_id", flat=True)
        self.fields["officer"].queryset = User.objects.filter(pk__in=list(assigned)) | certified_officers(self.case)


class PenaltyItemForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ProposedPenalty.Kind.choices], required=False)
    rule = forms.ModelChoiceField(label=_("Article"), queryset=PenaltyRule.objects.all(), required=False,
                                  to_field_name="code")  # fmt: skip
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=14, decimal_places=2, required=False, min_value=0)
    months = forms.IntegerField(label=_("Months"), required=False, min_value=0, max_value=120)
    basis_amount = forms.DecimalField(label=_("Based on amount"), max_digits=14, decimal_places=2, required=False)


PenaltyFormSet = forms.formset_factory(PenaltyItemForm, extra=4, max_num=12)


class SubmitReportForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Proposed outcome"), choices=Case.Outcome.choices)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    reasoning = forms.CharField(label=_("Reasons for the amounts chosen"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    transfer_to = forms.CharField(label=_("Transfer to"), required=False, max_length=200)
    no_penalty_ground = forms.ChoiceField(
        label=_("Ground for no penalty"), required=False,
        choices=[("", "—"), *((g.code, f"{g.label}（{g.article}）") for g in NO_PENALTY_GROUNDS.values())],
    )  # fmt: skip
    penalties = forms.JSONField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else None
        self.penalty_formset = PenaltyFormSet(data, prefix="p") if data is None or "p-TOTAL_FORMS" in data else None

    def clean(self):
        cleaned = super().clean()
        items, errors = [], []
        if self.penalty_formset is not None:
            if not self.penalty_formset.is_valid():
                errors.append(_("Check the penalty rows."))
            else:
                items = [f.cleaned_data for f in self.penalty_formset.forms if f.cleaned_data.get("kind")]
        else:
            # API: "penalties": [{"kind", "rule" (code), "amount", "months", "basis_amount"}, ...]
            for number, raw in enumerate(cleaned.get("penalties") or [], start=1):
                item = PenaltyItemForm(raw if isinstance(raw, dict) else {})
                if not item.is_valid() or not item.cleaned_data.get("kind"):
                    errors.append(_("Penalty %(n)s: %(errors)s") % {"n": number, "errors": item.errors.as_text() or
                                                                    _("kind is required")})  # fmt: skip
                else:
                    items.append(item.cleaned_data)
        if errors:
            self.add_error("penalties", errors)
        cleaned["penalties"] = [
            {k: v for k, v in item.items() if v not in (None, "")} | {"kind": item["kind"], "rule": item.get("rule")}
            for item in items
        ]
        return cleaned


class IssueNoticeForm(ActionForm):
    served_on = _date(_("Prior notice served on"))


class StatementForm(ActionForm):
    statement = forms.CharField(label=_("The party's statement and defence"), widget=forms.Textarea(attrs={"rows": 3}))
    response = forms.CharField(label=_("Re-examination and response"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class RequestHearingForm(ActionForm):
    requested_on = _date(_("Hearing requested on"))
    hearing_notice_on = _date(_("Hearing notice given on"))


class RecordHearingForm(ActionForm):
    held_on = _date(_("Held on"))
    chair = forms.ModelChoiceField(label=_("Chaired by"), queryset=User.objects.none())
    record = forms.CharField(label=_("Hearing record"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        investigators = self.case.assignments.values_list("user_id", flat=True)
        self.fields["chair"].queryset = (
            User.objects.filter(is_active=True, roles__is_active=True).exclude(roles__role=Role.SUPERVISOR)
            .exclude(pk__in=list(investigators)).distinct().order_by("username")
        )  # fmt: skip


class DiscussionForm(ActionForm):
    held_on = _date(_("Held on"))
    participants = forms.CharField(label=_("Participants"), max_length=300)
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=[("decision", _("Decision")), ("extension", _("Extension"))]
    )


class DecideForm(ActionForm):
    decided_on = _date(_("Decided on"))


class ServiceForm(ActionForm):
    served_on = _date(_("Served on"))
    method = forms.CharField(label=_("Method of service"), required=False, max_length=100)


class PaymentForm(ActionForm):
    kind = forms.ChoiceField(label=_("What was paid"), choices=Payment.Kind.choices)
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=0)
    paid_on = _date(_("Paid on"))
    reference = forms.CharField(label=_("Receipt or transfer reference"), required=False, max_length=60)


class CloseForm(ActionForm):
    basis = forms.ChoiceField(label=_("Closing basis"), choices=list(CLOSE_BASES.items()))


class TransferForm(ActionForm):
    transfer_to = forms.CharField(label=_("Transfer to"), max_length=200)
    receipt = forms.CharField(label=_("Receipt reference"), max_length=100)
    to_police = forms.BooleanField(label=_("Transfer to the police (public security)"), required=False)


class ExtendForm(ActionForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, initial=30)


class SuperviseForm(ActionForm):
    city_deadline = _date(_("City deadline"), required=True)


class TakeOverForm(ActionForm):
    unit = forms.ModelChoiceField(label=_("Taken over by"), queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.DIVISION))


ACTION_FORMS = {
    "approve_filing": ApproveFilingForm,
    "reject_filing": ActionForm,
    "assign_officers": OfficersForm,
    "declare_recusal": RecusalForm,
    "submit_report": SubmitReportForm,
    "return": ActionForm,
    "approve_report": ActionForm,
    "pass_legal_review": ActionForm,
    "issue_notice": IssueNoticeForm,
    "record_statement": StatementForm,
    "request_hearing": RequestHearingForm,
    "record_hearing": RecordHearingForm,
    "close_window": ActionForm,
    "record_discussion": DiscussionForm,
    "decide": DecideForm,
    "record_service": ServiceForm,
    "record_payment": PaymentForm,
    "close": CloseForm,
    "transfer": TransferForm,
    "terminate": ActionForm,
    "archive": ActionForm,
    "revoke_decision": ActionForm,
    "extend": ExtendForm,
    "supervise": SuperviseForm,
    "take_over": TakeOverForm,
}


from enforcement.legal.forms import LEGAL_ACTION_FORMS  # noqa: E402

ACTION_FORMS.update(LEGAL_ACTION_FORMS)


class CaseOpenForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        required=False,
        widget=institution_picker(),
    )
    party_kind = forms.ChoiceField(
        label=_("Party"), choices=Case.PartyKind.choices, initial=Case.PartyKind.ORGANISATION
    )
    party_name = forms.CharField(label=_("Party name (a person)"), max_length=120, required=False)
    violation_codes = forms.ModelMultipleChoiceField(
        label=_("Violation codes"),
        queryset=ViolationType.objects.filter(is_active=True).order_by("article", "name"),
        to_field_name="code",
    )
    amount_involved = forms.DecimalField(label=_("Amount involved (CNY)"), max_digits=14, decimal_places=2, min_value=0)
    lead_received_on = _date(_("Lead received on"))
    facts = forms.CharField(label=_("Facts"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_major = forms.BooleanField(label=_("Major case"), required=False)
    violation_on = _date(_("Violation committed (or, if continuing, ended) on"))
    limitation_extended = forms.BooleanField(
        label=_("Affects life, health or financial security with harmful consequences (5-year limitation, APL Art 36)"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.visible_to(user).order_by("code")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("party_kind") == Case.PartyKind.ORGANISATION and not cleaned.get("institution"):
            self.add_error("institution", _("Choose the institution."))
        if cleaned.get("party_kind") == Case.PartyKind.PERSON and not cleaned.get("party_name"):
            self.add_error("party_name", _("Name the person."))
        return cleaned

    def to_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["violation_codes"] = [v.code for v in data["violation_codes"]]
        return data
