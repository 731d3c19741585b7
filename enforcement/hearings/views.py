"""The hearing page of a case: its schedule (for the notice) and its record (for the 听证笔录 and 听证报告)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from enforcement.cases.models import Case
from enforcement.hearings.forms import HearingRecordForm
from enforcement.hearings.models import HearingRecord
from enforcement.hearings.services import hearing_record_save, may_edit
from portal.errors import InvalidState
from portal.mixins import ScopedMixin, error_message


class HearingRecordView(ScopedMixin, FormView):
    """GET shows the hearing's schedule and record; POST saves them through ``hearing_record_save``."""

    model = Case
    permission_required = "enforcement.view_case"
    object_view = True
    form_class = HearingRecordForm
    template_name = "enforcement/hearing_record.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["case"] = self.object
        kwargs["instance"] = HearingRecord.objects.filter(case=self.object).first()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(case=self.object, can_edit=may_edit(self.object, self.request.user))
        return context

    def form_valid(self, form):
        try:
            hearing_record_save(case=self.object, by=self.request.user, data=form.cleaned_data)
        except (InvalidState, ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_message(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The hearing record was saved."))
        return redirect(f"{self.object.get_absolute_url()}#documents")
