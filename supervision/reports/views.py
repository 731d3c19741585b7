"""Pages for reports: the social supervisor's own portal (their reports, a new report, one report with its
replies) and the staff pages (the branch's reports, one report, the reply form)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from portal.errors import InvalidState
from portal.forms import form_errors_from
from portal.mixins import FilteredListMixin, ScopedMixin, StepView
from supervision.org.models import AuditEvent, Role
from supervision.register.models import Institution
from supervision.reports import services as reports_services
from supervision.reports.filters import ReportFilter
from supervision.reports.forms import ReplyForm, ReportForm
from supervision.reports.models import Report, ReportAttachment, active_appointment
from supervision.reports.transitions import TRANSITIONS


def _attachment_response(report: Report, attachment_pk) -> FileResponse:
    try:
        attachment = report.attachments.get(pk=attachment_pk)
    except (ReportAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found.")) from None
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- The supervisor's portal --------------------------------------------------------------------------------


class SupervisorMixin(LoginRequiredMixin):
    """Pages of a social supervisor: only their own reports (another's is a 404, like a missing one)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not user.has_role(Role.SUPERVISOR):
            raise PermissionDenied(_("These pages are for social supervisors."))
        return super().dispatch(request, *args, **kwargs)

    def own_reports(self):
        return (
            Report.objects.visible_to(self.request.user)
            .filter(submitted_by_id=self.request.user.pk)
            .select_related("institution", "lead")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["appointment"] = active_appointment(self.request.user)
        context["supervisor_portal"] = True
        return context


class MyReportListView(SupervisorMixin, ListView):
    """The supervisor's home: their reports, newest first, with status and replies."""

    template_name = "supervision/my_report_list.html"
    paginate_by = 50

    def get_queryset(self):
        return self.own_reports().order_by("-submitted_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["past_appointments"] = self.request.user.appointments.select_related("appointing_unit")
        return context


class MyReportCreateView(SupervisorMixin, FormView):
    upload_kind = "attachment"  # portal.uploads: the size cap is checked before the body is read
    """A supervisor with an active appointment reports on an institution of the public register."""

    template_name = "supervision/my_report_form.html"
    form_class = ReportForm

    def get(self, request, *args, **kwargs):
        self._check_active()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._check_active()
        return super().post(request, *args, **kwargs)

    def _check_active(self):
        if active_appointment(self.request.user) is None:
            raise PermissionDenied(
                _("Your appointment is not active: you can read your reports but not submit new ones.")
            )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["institutions"] = Institution.objects.visible_to(self.request.user)
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            report = reports_services.report_submit(
                by=self.request.user,
                institution=data["institution"],
                summary=data["summary"],
                details=data["details"],
                observed_on=data.get("observed_on"),
                files=data.get("attachments") or [],
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Report submitted. The branch replies by %(due)s.") % {"due": report.reply_due}
        )
        return redirect("supervision:my-report-detail", pk=report.pk)


class MyReportDetailView(SupervisorMixin, DetailView):
    template_name = "supervision/my_report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        try:
            return self.own_reports().prefetch_related("attachments", "feedback").get(pk=self.kwargs["pk"])
        except (Report.DoesNotExist, ValueError, TypeError):
            raise Http404(_("Not found.")) from None


class MyReportAttachmentView(SupervisorMixin, View):
    """Download an attachment of one's own report (never a public media URL)."""

    def get(self, request, *args, **kwargs):
        try:
            report = self.own_reports().get(pk=self.kwargs["pk"])
        except (Report.DoesNotExist, ValueError, TypeError):
            raise Http404(_("Not found.")) from None
        return _attachment_response(report, self.kwargs["doc"])


# --- Staff pages ------------------------------------------------------------------------------------------


class ReportQuerysetMixin:
    model = Report

    def scoped_queryset(self):
        return Report.objects.visible_to(self.request.user).select_related(
            "institution", "jurisdiction", "submitted_by", "lead"
        )


class ReportListView(ReportQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    """Supervisor and public reports in the user's scope, with the reply clock."""

    permission_required = "supervision.view_report"
    filterset_class = ReportFilter
    paginate_by = 50
    # Columns a reader may sort by, each served by an index (issue 16).
    sort_orders = {"received": ("submitted_at", "id")}
    template_name = "supervision/report_list.html"

    def get_queryset(self):
        return super().get_queryset().order_by("-submitted_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class ReportDetailView(ReportQuerysetMixin, ScopedMixin, DetailView):
    permission_required = "supervision.view_report"
    template_name = "supervision/report_detail.html"
    context_object_name = "report"

    def scoped_queryset(self):
        return super().scoped_queryset().prefetch_related("attachments", "feedback__by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        steps = TRANSITIONS.flags(report, user)
        can_reply = steps["reply"]
        context.update(
            can_reply=can_reply,
            can_close=steps["close"],
            reply_form=ReplyForm() if can_reply else None,
            show_reporter=reports_services.reporter_visible_to(user, report),
            overdue=report.is_reply_overdue(),
            audit_events=AuditEvent.objects.history_of(report),
        )
        return context


class ReportReplyView(ReportQuerysetMixin, StepView):
    """POST-only: reply to the reporter, back to the report's page."""

    permission_required = "supervision.reply_report"
    form_class = ReplyForm
    invalid_message = gettext_lazy("Write the reply.")
    done_message = gettext_lazy("Reply sent to the reporter.")

    def perform(self, report, user, data):
        reports_services.report_reply(report=report, by=user, text=data["text"])


class ReportCloseView(ReportQuerysetMixin, StepView):
    """POST-only: the chief closes a replied report, with the reason."""

    permission_required = "supervision.close_report"
    done_message = gettext_lazy("Report closed.")
    step_errors = (InvalidState, ValidationError, PermissionDenied)

    def perform(self, report, user, data):
        reports_services.report_close(report=report, by=user, reason=data["comment"])


class ReportAttachmentView(ReportQuerysetMixin, ScopedMixin, View):
    """Download an attachment of a report in scope."""

    permission_required = "supervision.view_report"
    object_view = True

    def get(self, request, *args, **kwargs):
        return _attachment_response(self.object, self.kwargs["doc"])
