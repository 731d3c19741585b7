"""Pages that follow up a confirmed lead or an inspection finding with a case (prefilled open-case form) or
an agreement action. The supervision pages link here through ``supervision.extensions`` (registered in
``EnforcementConfig.ready``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.generic import FormView

from enforcement.follow_ups import services
from enforcement.follow_ups.forms import LeadAgreementActionForm, LeadCaseForm
from enforcement.rules.models import ViolationType
from portal.errors import InvalidState
from portal.forms import form_errors_from
from portal.mixins import ScopedMixin
from supervision.inspections.models import Finding, Inspection
from supervision.inspections.transitions import STARTED
from supervision.leads.models import Lead
from supervision.leads.transitions import CONVERTIBLE


class FollowUpMixin(ScopedMixin):
    """Loads the lead (or the finding) through the scope rule (404), checks the permission on its
    institution (403) and its state (409 page), then shows the form."""

    object_view = True
    template_name = "enforcement/lead_follow_up.html"
    source = "lead"

    def get_object(self, queryset=None):
        user = self.request.user
        if self.source == "finding":
            try:
                finding = Finding.objects.select_related("inspection__institution", "lead").get(
                    pk=self.kwargs["pk"], inspection__in=Inspection.objects.visible_to(user)
                )
            except (Finding.DoesNotExist, ValueError, TypeError):
                raise Http404(_("Not found.")) from None
            institution = finding.inspection.institution
        else:
            try:
                finding = Lead.objects.visible_to(user).select_related("institution").get(pk=self.kwargs["pk"])
            except (Lead.DoesNotExist, ValueError, TypeError):
                raise Http404(_("Not found.")) from None
            institution = finding.institution
        if not user.has_perm(self.get_permission_required(), institution):
            raise PermissionDenied(_("Your role may not do this for this record."))
        return finding

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except InvalidState as exc:
            return TemplateResponse(
                request,
                "enforcement/lead_follow_up_conflict.html",
                {"object": self.object, "message": str(exc)},
                status=409,
            )

    def check_state(self):
        record = self.object
        if self.source == "finding":
            if record.lead_id:
                raise InvalidState(_("This finding has been followed up already."))
            if record.inspection.status not in STARTED:
                raise InvalidState(_("Follow-ups are opened from the findings of a started inspection."))
        elif record.status not in CONVERTIBLE:
            raise InvalidState(
                _("Only a confirmed lead can be followed up; this one is “%(status)s”.")
                % {"status": record.get_status_display()}
            )

    def get(self, request, *args, **kwargs):
        self.check_state()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_state()
        return super().post(request, *args, **kwargs)

    def institution(self):
        return self.object.inspection.institution if self.source == "finding" else self.object.institution

    def get_context_data(self, **kwargs):
        violation = None
        if self.source == "finding":
            violation = ViolationType.objects.filter(code=self.object.violation_code).first()
        return super().get_context_data(
            record=self.object, source=self.source, institution=self.institution(), heading=self.heading,
            violation=violation, **kwargs,
        )  # fmt: skip


class CaseFollowUpView(FollowUpMixin, FormView):
    permission_required = "enforcement.add_case"
    form_class = LeadCaseForm

    @property
    def heading(self):
        return _("Open a case")

    def get_initial(self):
        record, institution = self.object, self.institution()
        if self.source == "finding":
            return {
                "title": _("%(institution)s: %(kind)s finding")
                % {"institution": institution.name, "kind": record.inspection.get_kind_display()},
                "violation_codes": [record.violation_code],
                "amount_involved": record.amount,
                "facts": record.description,
            }
        return {
            "title": _("%(institution)s: lead of %(day)s")
            % {"institution": institution.name, "day": record.received_on.isoformat()},
            "amount_involved": record.amount,
            "facts": record.description,
        }

    def form_valid(self, form):
        kwargs = form.to_kwargs()
        try:
            if self.source == "finding":
                case = services.finding_open_case(finding=self.object, by=self.request.user, **kwargs)
            else:
                case = services.lead_convert_to_case(lead=self.object, by=self.request.user, **kwargs)
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Case %(number)s opened.") % {"number": case.number})
        return redirect(case)


class AgreementActionFollowUpView(FollowUpMixin, FormView):
    permission_required = "enforcement.add_agreementaction"
    form_class = LeadAgreementActionForm

    @property
    def heading(self):
        return _("Propose an agreement action")

    def get_initial(self):
        record = self.object
        return {"grounds": record.description, "amount": record.amount}

    def form_valid(self, form):
        kwargs = form.to_kwargs()
        try:
            if self.source == "finding":
                action = services.finding_propose_agreement_action(finding=self.object, by=self.request.user, **kwargs)
            else:
                action = services.lead_convert_to_agreement_action(lead=self.object, by=self.request.user, **kwargs)
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        except PermissionDenied:
            form.add_error(None, _("You may not propose measures for this institution."))
            return self.form_invalid(form)
        messages.success(self.request, _("Measure proposed."))
        return redirect(action)


class FindingCaseFollowUpView(CaseFollowUpView):
    source = "finding"


class FindingAgreementActionFollowUpView(AgreementActionFollowUpView):
    source = "finding"
