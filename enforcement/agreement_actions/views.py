"""Pages of the enforcement app: cases and their procedure actions, agreement actions, the penalty rules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView

from enforcement.agreement_actions import services as agreement_actions_services
from enforcement.agreement_actions.filters import AgreementActionFilter
from enforcement.agreement_actions.forms import AgreementActionForm
from enforcement.agreement_actions.models import AgreementAction
from enforcement.agreement_actions.services import suspensions_in_term, termination_ground_errors, termination_grounds
from enforcement.agreement_actions.transitions import TRANSITIONS
from enforcement.cases.models import (
    Case,
)
from enforcement.documents.views import document_panel
from portal.forms import form_errors_from
from portal.mixins import FilteredListMixin, ScopedMixin, StepView
from supervision.org.models import AuditEvent
from supervision.register.models import AgreementStatusChange


class AgreementActionPageFilter(AgreementActionFilter):
    status = None  # the API's alias of ``state``; the page shows one selector


class AgreementActionQuerysetMixin:
    model = AgreementAction

    select_related = ("institution", "agreement", "jurisdiction", "proposed_by", "case")


class AgreementActionListView(AgreementActionQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    permission_required = "enforcement.view_agreementaction"
    filterset_class = AgreementActionPageFilter
    paginate_by = 50
    # Columns a reader may sort by, each served by an index (issue 16).
    sort_orders = {"proposed": ("proposed_at", "id")}
    template_name = "enforcement/agreementaction_list.html"

    page_permissions = {"can_add": "enforcement.add_agreementaction"}


class AgreementActionDetailView(AgreementActionQuerysetMixin, ScopedMixin, DetailView):
    permission_required = "enforcement.view_agreementaction"
    template_name = "enforcement/agreementaction_detail.html"

    def scoped_queryset(self):
        history = AgreementStatusChange.objects.select_related("by")
        return (
            super()
            .scoped_queryset()
            .select_related("chief_approved_by", "director_approved_by")
            .prefetch_related(Prefetch("agreement__history", queryset=history))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action, user = self.object, self.request.user
        steps = TRANSITIONS.flags(action, user)
        context.update(
            can_approve=steps["approve"],
            can_reject=steps["reject"],
            can_apply=steps["apply"],
            can_revoke=steps["revoke"],
            audit_events=AuditEvent.objects.history_of(action),
            **document_panel(action, user),
        )
        if action.kind == AgreementAction.Kind.TERMINATE:
            ground = action.termination_ground
            applied = action.state in (AgreementAction.State.APPLIED, AgreementAction.State.ENDED)
            context.update(
                suspensions=suspensions_in_term(action.agreement),
                termination_grounds=termination_grounds(action.agreement),
                ground_errors=[] if applied else termination_ground_errors(action),
                ban_until=ground.ban_until(action.starts_on) if ground and applied and action.starts_on else None,
            )
        return context


class AgreementActionCreateView(ScopedMixin, FormView):
    """Propose a measure; from a case page (``?case=<id>``) it is linked to the case."""

    model = AgreementAction
    permission_required = "enforcement.add_agreementaction"
    form_class = AgreementActionForm
    template_name = "enforcement/agreementaction_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.case = None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self._load_case()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._load_case()
        return super().post(request, *args, **kwargs)

    def _load_case(self):
        raw = self.request.GET.get("case", "")
        if raw:
            if not raw.isdigit():
                raise Http404(_("Not found."))
            self.case = get_object_or_404(Case.objects.visible_to(self.request.user), pk=raw)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        raw = self.request.GET.get("institution", "")
        if self.case is not None and self.case.institution_id:
            initial["institution"] = self.case.institution_id
        elif raw.isdigit():
            initial["institution"] = raw
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, **kwargs)

    def form_valid(self, form):
        try:
            action = agreement_actions_services.agreement_action_propose(
                by=self.request.user, case=self.case, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        except PermissionDenied:
            form.add_error("institution", _("You may not propose measures for this institution."))
            return self.form_invalid(form)
        messages.success(self.request, _("Measure proposed."))
        return redirect(action)


class AgreementActionStepView(AgreementActionQuerysetMixin, StepView):
    """POST-only steps of a measure: approve, reject, apply, revoke."""


class AgreementActionApproveView(AgreementActionStepView):
    permission_required = "enforcement.approve_agreementaction"
    done_message = gettext_lazy("Measure approved.")

    def perform(self, action, user, data):
        agreement_actions_services.agreement_action_approve(action=action, by=user, comment=data["comment"])


class AgreementActionRejectView(AgreementActionStepView):
    permission_required = "enforcement.approve_agreementaction"
    done_message = gettext_lazy("Measure rejected.")

    def perform(self, action, user, data):
        agreement_actions_services.agreement_action_reject(action=action, by=user, comment=data["comment"])


class AgreementActionApplyView(AgreementActionStepView):
    permission_required = "enforcement.apply_agreementaction"
    done_message = gettext_lazy("Measure applied.")

    def perform(self, action, user, data):
        agreement_actions_services.agreement_action_apply(action=action, by=user)


class AgreementActionRevokeView(AgreementActionStepView):
    permission_required = "enforcement.approve_agreementaction"
    done_message = gettext_lazy("Measure revoked.")

    def perform(self, action, user, data):
        agreement_actions_services.agreement_action_revoke(action=action, by=user, reason=data["comment"])
