"""The case page's Evidence section: its panel, adding or correcting evidence, the audited download, and the
steps of preservations (先行登记保存) and sealings (封存).

Every route takes ``ScopedMixin``'s order: login, the role's permission anywhere (403), the case from
``visible_to`` (404 when out of scope or absent) and the record under it (404), then the service's refusals:
role and assignment (403), state (a message on the case page, like the procedure's steps), input (a message).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from enforcement.cases.models import Case
from enforcement.evidence import services
from enforcement.evidence.forms import (
    EvidenceForm,
    LiftForm,
    PreservationApproveForm,
    PreservationDecideForm,
    PreservationForm,
    SealingForm,
)
from enforcement.evidence.models import Evidence, Preservation, Sealing
from enforcement.evidence.transitions import (
    ADD_EVIDENCE,
    APPROVE_PRESERVATION,
    PRESERVATION,
    REQUEST_PRESERVATION,
    SEAL,
    SEALING,
)
from portal import evidence as evidence_files
from portal.errors import InvalidState
from portal.mixins import ScopedMixin, error_message
from portal.permissions import object_perm_checker


def evidence_panel(case: Case, user) -> dict:
    """Context of the case page's Evidence section: evidence (versions in force first), preservations with
    their decision clock, sealings, and the forms and buttons the user may use now."""
    today = timezone.localdate()
    items = list(case.evidence.all())  # prefetched with collected_by and superseded_by by the case page
    preservations = list(case.preservations.select_related("requested_by", "approved_by", "decided_by"))
    sealings = list(case.sealings.select_related("sealed_by", "lifted_by"))
    has_perm = object_perm_checker(user, [case])

    def steps(table, record):
        return [t for t in table if table.allows(record, t.name, user, has_perm=lambda p, o: has_perm(p, case))]

    can_add = services.may_add_evidence(case, user)
    return {
        "evidence_items": items,
        "evidence_form": EvidenceForm(case=case, user=user, prefix="evidence") if can_add else None,
        "evidence_accept": ",".join(f".{ext}" for ext in evidence_files.accepted_types()),
        "preservations": [
            {"record": p, "overdue": p.is_overdue(today), "steps": steps(PRESERVATION, p)} for p in preservations
        ],
        "preservation_form": PreservationForm(prefix="preservation")
        if services.may_request_preservation(case, user)
        else None,
        "approve_form": PreservationApproveForm(),
        "decide_form": PreservationDecideForm(),
        "sealings": [{"record": s, "steps": steps(SEALING, s)} for s in sealings],
        "sealing_form": SealingForm(prefix="sealing") if services.may_seal(case, user) else None,
        "lift_form": LiftForm(),
    }


class CaseEvidenceMixin(ScopedMixin):
    """Routes under ``cases/<pk>/``: the case from the scoped queryset, a record under it by ``doc``."""

    model = Case
    record_model = None

    def get_case(self) -> Case:
        try:
            return Case.objects.visible_to(self.request.user).get(pk=self.kwargs["pk"])
        except Case.DoesNotExist:
            raise Http404(_("Not found.")) from None

    def get_record(self, case):
        try:
            return self.record_model.objects.select_related("case").get(case=case, pk=self.kwargs["doc"])
        except self.record_model.DoesNotExist:
            raise Http404(_("Not found.")) from None


class EvidenceDownloadView(CaseEvidenceMixin, View):
    """The evidence file, bytes unchanged, named as uploaded; every download is audited."""

    permission_required = "enforcement.view_evidence"
    record_model = Evidence

    def get(self, request, *args, **kwargs):
        evidence = self.get_record(self.get_case())
        if not evidence.file:
            raise Http404(_("Not found."))
        services.evidence_record_download(evidence=evidence, by=request.user)
        return evidence_files.file_response(evidence)


class CaseStepView(CaseEvidenceMixin, View):
    """POST-only: refusals before input (403 raised; 409 as a message), then the form, then the service; back
    to the case page's Evidence section with the outcome as a message."""

    http_method_names = ["post"]
    object_view = True  # the case and the record are looked up before the method: 404 out of scope, even on GET
    form_class = None
    done_message = ""
    form_prefix = None
    step = ""  # the transition of ``table`` this view takes on a record (None: a write on the case)
    table = None

    def get_object(self, queryset=None):
        case = self.get_case()
        self.record = self.get_record(case) if self.record_model is not None else None
        return case

    def precheck(self, case, record) -> None:
        if self.table is not None:
            self.table.check(record, self.step, self.request.user)
        else:
            services.check_case_write(case=case, by=self.request.user, perm=self.permission_required)

    def form_kwargs(self, case) -> dict:
        return {}

    def perform(self, case, record, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        case, record = self.object, self.record
        back = reverse("enforcement:case-detail", args=[case.pk]) + "#evidence"
        try:
            self.precheck(case, record)
            form = self.form_class(request.POST, request.FILES, prefix=self.form_prefix, **self.form_kwargs(case))
            if not form.is_valid():
                raise ValidationError([f"{form.fields[k].label if k in form.fields else ''}: {m}".lstrip(": ")
                                       for k, errors in form.errors.items() for m in errors])  # fmt: skip
            self.perform(case, record, form.cleaned_data)
        except (InvalidState, ValidationError) as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, self.done_message)
        return redirect(back)


class EvidenceCreateView(CaseStepView):
    permission_required = ADD_EVIDENCE
    upload_kind = "evidence"  # portal.uploads: the size cap is checked before the body is read
    form_class = EvidenceForm
    form_prefix = "evidence"
    done_message = gettext_lazy("Evidence added.")

    def form_kwargs(self, case) -> dict:
        return {"case": case, "user": self.request.user}

    def perform(self, case, record, data):
        services.evidence_add(
            case=case, by=self.request.user, file=data["file"], kind=data["kind"], title=data["title"],
            source=data["source"], collected_on=data["collected_on"], collected_by=data.get("collected_by"),
            proves=data.get("proves") or "", supersedes=data.get("supersedes"), reason=data.get("reason") or "",
        )  # fmt: skip


class PreservationRequestView(CaseStepView):
    permission_required = REQUEST_PRESERVATION
    form_class = PreservationForm
    form_prefix = "preservation"
    done_message = gettext_lazy("Preservation requested: it waits for the head's approval.")

    def perform(self, case, record, data):
        services.preservation_request(case=case, by=self.request.user, **data)


class PreservationApproveView(CaseStepView):
    permission_required = APPROVE_PRESERVATION
    record_model, table, step = Preservation, PRESERVATION, "approve"
    form_class = PreservationApproveForm
    done_message = gettext_lazy("Preservation approved: decide on the items within 7 working days.")

    def perform(self, case, record, data):
        services.preservation_approve(
            preservation=record, by=self.request.user, comment=data["comment"], preserved_on=data["preserved_on"]
        )


class PreservationRejectView(CaseStepView):
    permission_required = APPROVE_PRESERVATION
    record_model, table, step = Preservation, PRESERVATION, "reject"
    form_class = LiftForm  # a reason (and an unused date)
    done_message = gettext_lazy("Preservation not approved.")

    def perform(self, case, record, data):
        services.preservation_reject(preservation=record, by=self.request.user, comment=data["reason"])


class PreservationDecideView(CaseStepView):
    permission_required = APPROVE_PRESERVATION
    record_model, table, step = Preservation, PRESERVATION, "decide"
    form_class = PreservationDecideForm
    done_message = gettext_lazy("Decision on the preserved items recorded.")

    def perform(self, case, record, data):
        services.preservation_decide(preservation=record, by=self.request.user, outcome=data["outcome"],
                                     note=data["note"], decided_on=data["decided_on"])  # fmt: skip


class SealingCreateView(CaseStepView):
    permission_required = SEAL
    form_class = SealingForm
    form_prefix = "sealing"
    done_message = gettext_lazy("Sealing recorded.")

    def perform(self, case, record, data):
        services.sealing_record(case=case, by=self.request.user, **data)


class SealingLiftView(CaseStepView):
    permission_required = SEAL
    record_model, table, step = Sealing, SEALING, "lift"
    form_class = LiftForm
    done_message = gettext_lazy("Sealing lifted.")

    def perform(self, case, record, data):
        services.sealing_lift(sealing=record, by=self.request.user, reason=data["reason"], lifted_on=data["lifted_on"])
