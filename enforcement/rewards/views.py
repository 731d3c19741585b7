"""Pages for whistleblower rewards: the list with their states, proposing one for a case that came from a
public report, one reward with its eligibility checks, and the POST steps (approve, reject, record the claim)."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView

from enforcement.cases.models import Case
from enforcement.rewards import services as reward_services
from enforcement.rewards.models import Reward
from enforcement.rewards.transitions import TRANSITIONS
from portal.errors import InvalidState
from portal.formatting import money
from portal.forms import StyledFormMixin, form_errors_from
from portal.mixins import BulkResultView, BulkStepView, FilteredListMixin, ScopedMixin, StepView
from supervision.org.filters import ScopedFilterSet, SearchFilter
from supervision.org.models import AuditEvent
from supervision.reports.models import Report


class RewardFilter(ScopedFilterSet):
    q = SearchFilter(fields=("case__number", "case__title", "report__summary"), label=gettext_lazy("Search"))
    state = django_filters.MultipleChoiceFilter(choices=Reward.State.choices, label=gettext_lazy("State"))

    class Meta:
        model = Reward
        fields = ["q", "jurisdiction", "state"]


class RewardForm(StyledFormMixin, forms.Form):
    case = forms.ModelChoiceField(label=gettext_lazy("Case"), queryset=Case.objects.none())
    tier = forms.ChoiceField(label=gettext_lazy("Tier"), choices=Reward.Tier.choices)
    evidence_valid = forms.BooleanField(
        label=gettext_lazy("Clear target and valid evidence"), required=False, initial=True
    )
    facts_already_known = forms.BooleanField(
        label=gettext_lazy("The main facts were already known to the bureau"), required=False
    )
    reporter_is_staff = forms.BooleanField(
        label=gettext_lazy("The reporter is medical-security staff or contracted third-party staff"), required=False
    )
    reporter_is_offender = forms.BooleanField(
        label=gettext_lazy("The reporter is the offender or an accomplice"), required=False
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases


def _rewardable_cases(user):
    """Cases in scope that came from a public report's lead (the form's choices)."""
    return (
        Case.objects.visible_to(user)
        .filter(lead__report__kind=Report.Kind.PUBLIC)
        .select_related("institution")
        .order_by("-opened_at")
    )


class RewardQuerysetMixin:
    model = Reward

    def scoped_queryset(self):
        return Reward.objects.visible_to(self.request.user).select_related("case", "report", "jurisdiction")


class RewardListView(RewardQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    permission_required = "enforcement.view_reward"
    filterset_class = RewardFilter
    paginate_by = 50
    template_name = "enforcement/reward_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("enforcement.add_reward")
        context["bulk_approve"] = self.request.user.has_perm(TRANSITIONS.get("approve").permission)
        return context


class RewardBulkApproveView(RewardQuerysetMixin, BulkStepView):
    """批量批准 rewards ticked on the list: one shared comment, all or nothing, each audited on its own."""

    table = TRANSITIONS
    step = "approve"
    result_url = "enforcement:reward-bulk-result"
    session_key = "enforcement:reward-bulk-result"

    @property
    def list_url(self):
        return reverse("enforcement:reward-list")

    def run(self, *, ids, by, comment):
        return reward_services.rewards_approve_many(ids=ids, by=by, comment=comment)

    def describe(self, obj) -> str:
        return _("Reward for case %(number)s: %(amount)s yuan") % {
            "number": obj.case.number,
            "amount": money(obj.amount),
        }


class RewardBulkResultView(BulkResultView):
    model = Reward
    permission_required = "enforcement.view_reward"
    table = TRANSITIONS
    session_key = RewardBulkApproveView.session_key

    @property
    def fallback_url(self):
        return reverse("enforcement:reward-list")


class RewardCreateView(ScopedMixin, FormView):
    model = Reward
    permission_required = "enforcement.add_reward"
    form_class = RewardForm
    template_name = "enforcement/reward_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["cases"] = _rewardable_cases(self.request.user)
        return kwargs

    def get_initial(self):
        return {"case": self.request.GET.get("case")}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        case = data.pop("case")
        try:
            reward = reward_services.reward_propose(report=case.lead.report, case=case, by=self.request.user, **data)
        except (ValidationError, InvalidState, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                form_errors_from(exc, form)
            else:
                form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Reward proposed."))
        return redirect(reward)


class RewardDetailView(RewardQuerysetMixin, ScopedMixin, DetailView):
    permission_required = "enforcement.view_reward"
    template_name = "enforcement/reward_detail.html"
    context_object_name = "reward"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reward, user = self.object, self.request.user
        steps = TRANSITIONS.flags(reward, user)
        context.update(
            checks=[(reward_services.CHECK_LABELS.get(k, k), ok) for k, ok in reward.checks.items()],
            can_approve=steps["approve"],
            can_reject=steps["reject"],
            can_claim=steps["claim"],
            audit_events=AuditEvent.objects.history_of(reward),
        )
        return context


class RewardStepView(RewardQuerysetMixin, StepView):
    """POST-only steps of a reward: approve, reject, record the claim."""

    step_errors = (InvalidState, ValidationError, PermissionDenied)


class RewardApproveView(RewardStepView):
    permission_required = "enforcement.approve_reward"
    done_message = gettext_lazy("Reward approved; the reporter is notified.")

    def perform(self, reward, user, data):
        reward_services.reward_approve(reward=reward, by=user, comment=data["comment"])


class RewardRejectView(RewardStepView):
    permission_required = "enforcement.approve_reward"
    done_message = gettext_lazy("Reward rejected.")

    def perform(self, reward, user, data):
        reward_services.reward_reject(reward=reward, by=user, comment=data["comment"])


class RewardClaimView(RewardStepView):
    permission_required = "enforcement.pay_reward"
    done_message = gettext_lazy("Claim recorded.")

    def perform(self, reward, user, data):
        reward_services.reward_record_claim(reward=reward, by=user)
