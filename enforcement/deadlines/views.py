"""期限计算: the statutory clocks from a date, with their rule and source, as the cases compute them."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from enforcement.cases import clocks
from portal.forms import StyledFormMixin
from portal.mixins import ScopedMixin


class DeadlineForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))


class DeadlineCalculatorView(ScopedMixin, TemplateView):
    permission_required = "enforcement.view_penaltyrule"
    template_name = "enforcement/deadlines/calculator.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DeadlineForm(self.request.GET or {"start": timezone.localdate().isoformat()})
        rows = []
        if form.is_valid():
            start: date = form.cleaned_data["start"]
            rules = clocks.procedure_rules(start)
            for key, day in clocks.deadlines_from(start).items():
                label, source = clocks.DEADLINE_LABELS[key]
                rows.append({"key": key, "label": label, "source": source, "day": day})
            context.update(start=start, rules=rules)
        context.update(form=form, rows=rows)
        return context
