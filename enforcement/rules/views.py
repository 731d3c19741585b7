"""Pages of the enforcement app: cases and their procedure actions, agreement actions, the penalty rules."""

from django.db.models import Prefetch
from django.views.generic import ListView

from enforcement.cases.penalties import describe_range
from enforcement.rules.models import PenaltyRule, Thresholds, ViolationType
from portal.mixins import ScopedMixin

THRESHOLD_FIELDS = [
    "hearing_fine_org",
    "hearing_fine_person",
    "legal_review_org",
    "legal_review_person",
    "collective_fine",
    "simple_fine_person",
    "simple_fine_org",
]


class PenaltyRuleListView(ScopedMixin, ListView):
    """Penalty rules with their ranges, discretion bands and violation codes, and the thresholds in force."""

    model = PenaltyRule
    permission_required = "enforcement.view_penaltyrule"
    template_name = "enforcement/penaltyrule_list.html"

    def scoped_queryset(self):
        # Reference data, the same for every unit.
        return PenaltyRule.objects.prefetch_related(
            "bands", Prefetch("violations", ViolationType.objects.filter(is_active=True))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        thresholds = Thresholds.objects.current()
        context.update(
            rows=[(rule, describe_range(rule, None)) for rule in context["object_list"]],
            thresholds=thresholds,
            threshold_rows=[
                (Thresholds._meta.get_field(name).verbose_name, getattr(thresholds, name)) for name in THRESHOLD_FIELDS
            ],
        )
        return context
