"""Pages of investigation records: add one to a case, see it, edit its draft, issue it (定稿并打印), file it as
evidence (作为证据附卷), and its print preview.

Every route goes through ``ScopedMixin``'s order: login, the role anywhere (403), the case or record from
``visible_to`` (404 when out of scope or absent), the permission on it and the assignment (403), then the
state (409 page).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from enforcement.cases.models import Case
from enforcement.cases.services import ensure_writable
from enforcement.documents import services as document_services
from enforcement.documents.views import preview_response
from enforcement.records import services
from enforcement.records.forms import RecordForm, answer_formset
from enforcement.records.models import InvestigationRecord
from enforcement.records.selectors import record_actions
from enforcement.records.transitions import PERM, TRANSITIONS, WRITING_STATES, case_allows, is_assigned
from portal.errors import InvalidState
from portal.forms import form_errors_from
from portal.mixins import ScopedMixin, StepView
from supervision.org.models import AuditEvent

K = InvestigationRecord.Kind


class ConflictMixin:
    """A refused state (InvalidState) answers the 409 page, naming the case to go back to."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except InvalidState as exc:
            case = getattr(self, "case", None)
            context = {"object": case, "message": str(exc)}
            return TemplateResponse(request, "enforcement/case_action_conflict.html", context, status=409)


class RecordFormMixin(ConflictMixin):
    """The form of one kind, with the Q&A formset for inquiry records."""

    template_name = "enforcement/records/record_form.html"

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" else None
        return RecordForm(data, case=self.case, kind=self.kind, instance=getattr(self, "record", None))

    def get_formset(self):
        if self.kind != K.INQUIRY_RECORD:
            return None
        data = self.request.POST if self.request.method == "POST" else None
        return answer_formset(data, getattr(self, "record", None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(case=self.case, kind_label=K(self.kind).label, record=getattr(self, "record", None))
        context.setdefault("formset", self.get_formset())
        return context

    def post(self, request, *args, **kwargs):
        form, formset = self.get_form(), self.get_formset()
        valid = form.is_valid() & (formset is None or formset.is_valid())
        if valid:
            answers = formset.ordered() if formset is not None else ()
            try:
                record = self.save(form.to_data(), answers)
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                messages.success(request, _("Saved as a draft."))
                return redirect(record)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class RecordCreateView(RecordFormMixin, ScopedMixin, FormView):
    """A new record of ``record_kind`` on the case: its assigned officers, while the case allows that kind."""

    model = Case
    permission_required = PERM
    object_view = True

    def get_object(self, queryset=None):
        self.kind = self.kwargs["record_kind"]
        if self.kind not in K.values:
            raise Http404(_("Not found."))
        self.case = case = super().get_object(queryset)
        if not case.assignments.filter(user_id=self.request.user.pk).exists():
            raise PermissionDenied(_("Only the officers assigned to the case write its investigation records."))
        ensure_writable(case)
        if case.state not in WRITING_STATES[self.kind]:
            raise InvalidState(
                _("%(kind)s cannot be written while the case is “%(state)s”.")
                % {"kind": K(self.kind).label, "state": case.get_state_display()}
            )
        return case

    def save(self, data, answers):
        return services.record_create(case=self.case, by=self.request.user, kind=self.kind, data=data, answers=answers)


class RecordMixin(ScopedMixin):
    """Routes under ``records/<pk>/``: the record from ``visible_to`` (its case's scope)."""

    model = InvestigationRecord
    permission_required = "enforcement.view_investigationrecord"
    select_related = ("case", "case__jurisdiction", "officer1", "officer2", "recorder", "document", "evidence")
    object_view = True

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        self.record, self.case, self.kind = record, record.case, record.kind
        return record


class RecordUpdateView(RecordFormMixin, RecordMixin, FormView):
    permission_required = PERM

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        if not is_assigned(record, self.request.user):
            raise PermissionDenied(_("Only the officers assigned to the case write its investigation records."))
        ensure_writable(record.case)
        if not case_allows(record, "edit"):
            raise InvalidState(_("The case's investigation records can no longer be changed."))
        TRANSITIONS.check(record, "edit", self.request.user)
        return record

    def save(self, data, answers):
        return services.record_update(record=self.record, by=self.request.user, data=data, answers=answers)


class RecordDetailView(RecordMixin, DetailView):
    template_name = "enforcement/records/record_detail.html"
    context_object_name = "record"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        context.update(
            case=record.case,
            actions=record_actions(record, self.request.user),
            answers=list(record.answers.all()),
            audit_events=AuditEvent.objects.history_of(record),
        )
        return context


class RecordPreviewView(RecordMixin, DetailView):
    """The print preview: the issued document as issued, or the draft's content marked 样稿."""

    def get(self, request, *args, **kwargs):
        record = self.object
        if record.document_id:
            return preview_response(record.document.html)
        return preview_response(
            document_services.document_draft_html(kind=record.kind, case=record.case, record=record)
        )


class RecordStepView(StepView):
    """POST-only steps of the table (issue, attach): back to the record with the outcome as a message."""

    model = InvestigationRecord
    permission_required = PERM
    step = ""

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        if not is_assigned(record, self.request.user):
            raise PermissionDenied(_("Only the officers assigned to the case write its investigation records."))
        return record

    def perform(self, obj, user, data):
        {"issue": services.record_issue, "attach": services.record_attach}[self.step](record=obj, by=user)


class RecordIssueView(RecordStepView):
    step = "issue"
    done_message = gettext_lazy("Finalised: the record is numbered and its PDF is stored.")


class RecordAttachView(RecordStepView):
    step = "attach"
    done_message = gettext_lazy("Filed as evidence.")
