"""Pages for leads: the branch inbox with filters and Excel export, a lead's page with its lifecycle steps
and history, logging a lead, and the screening import (upload, live progress, report)."""

from html import escape  # Django's escape() is this, behind a lazy-string wrapper

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from portal.exports import xlsx_response
from portal.extensions import LEAD_FOLLOW_UPS
from portal.formatting import money, reverse_parts
from portal.forms import form_errors_from
from portal.mixins import FilteredListMixin, ScopedMixin, StepView
from supervision.leads import imports as leads_import
from supervision.leads import services as leads_services
from supervision.leads.filters import ImportBatchFilter, LeadFilter
from supervision.leads.forms import (
    LeadBulkDispatchForm,
    LeadConfirmForm,
    LeadDismissForm,
    LeadDispatchForm,
    LeadForm,
    LeadImportForm,
)
from supervision.leads.models import ImportBatch, Lead
from supervision.leads.transitions import CONVERTIBLE
from supervision.org.models import AuditEvent
from supervision.screening.models import Rule as ScreeningRule


class LeadQuerysetMixin:
    model = Lead

    select_related = ("institution", "jurisdiction", "assignee")


class LeadListView(LeadQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    """The inbox: leads in the user's branch (or the city), newest first, with the verification clock."""

    permission_required = "supervision.view_lead"
    filterset_class = LeadFilter
    paginate_by = 50
    # Columns a reader may sort by, each served by an index (issue 16).
    sort_orders = {"received": ("received_on", "id"), "status": ("status", "received_on", "id")}
    template_name = "supervision/lead_list.html"
    # What a row shows and nothing more (lead_rows_html); the export reads whole rows.
    row_columns = (
        *("received_on", "source", "description", "amount", "status", "verification_due"),
        *("institution", "institution__name", "jurisdiction", "jurisdiction__name"),
        *("assignee", "assignee__full_name", "assignee__username"),
    )

    def scoped_queryset(self):
        queryset = super().scoped_queryset()
        return queryset.only(*self.row_columns) if self.row_columns else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            today=timezone.localdate(),
            can_add=user.has_perm("supervision.add_lead"),
            can_import=user.has_perm("supervision.import_lead"),
            can_dispatch=user.has_perm("supervision.dispatch_lead"),
        )
        if context["can_dispatch"]:
            context["bulk_form"] = LeadBulkDispatchForm(request=self.request)
        context["rows_html"] = lead_rows_html(context["object_list"], context["today"], bool(context.get("bulk_form")))
        return context


LEAD_STATUS_TONES = {
    "new": "primary",
    "dispatched": "info",
    "verifying": "warning",
    "dismissed": "secondary",
    "confirmed": "danger",
}


def lead_rows_html(leads, today, ticks: bool) -> SafeString:
    """The lead list's rows, written here rather than by the template (issue 19: ~20 variable lookups and two
    reverse() a row): the markup the row template wrote, every value escaped."""
    url_before, url_after = reverse_parts("supervision:lead-detail")
    choose = escape(_("Choose"))
    overdue = escape(_("overdue"))
    sources = {key: escape(str(label)) for key, label in Lead.Source.choices}
    statuses = {key: escape(str(label)) for key, label in Lead.Status.choices}
    parts = []
    for lead in leads:
        institution = escape(lead.institution.name)
        if ticks:
            tick = (
                f'<input class="form-check-input" type="checkbox" name="leads" value="{lead.pk}" '
                f'form="bulk-dispatch" aria-label="{choose} {institution}">'
                if lead.status == Lead.Status.NEW
                else ""
            )
            tick = f'<td class="d-print-none">{tick}</td>'
        else:
            tick = ""
        url = f"{url_before}{lead.pk}{url_after}"
        due = lead.verification_due
        if due:
            late = lead.status in ("dispatched", "verifying") and due < today
            due_cell = (f'<span class="badge text-bg-danger">{overdue}</span> ' if late else "") + due.isoformat()
        else:
            due_cell = "—"
        assignee = escape(str(lead.assignee)) if lead.assignee else "—"
        parts.append(
            f"\n    <tr>\n      {tick}\n"
            f'      <td class="text-nowrap"><a href="{url}">{lead.received_on.isoformat()}</a></td>\n'
            f"      <td>{sources.get(lead.source, escape(lead.source or ''))}</td>\n"
            f"      <td>{institution}</td>\n"
            f'      <td class="small"><a href="{url}">{escape(Truncator(lead.description).chars(60))}</a></td>\n'
            f'      <td class="text-end text-nowrap">{escape(money(lead.amount))}</td>\n'
            f"      <td>{escape(lead.jurisdiction.name)}</td>\n"
            f'      <td><span class="badge text-bg-{LEAD_STATUS_TONES.get(lead.status, "dark")}">'
            f"{statuses.get(lead.status, escape(lead.status or ''))}</span></td>\n"
            f"      <td>{assignee}</td>\n"
            f'      <td class="text-nowrap">{due_cell}</td>\n'
            f"    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 — every value above went through escape()


class LeadBulkDispatchView(ScopedMixin, View):
    """批量分派: dispatch the ticked leads at once, all or nothing, each audited on its own; the list shows
    how many went, or for each refused lead why (then none went)."""

    model = Lead
    permission_required = "supervision.dispatch_lead"
    http_method_names = ["post"]

    def post(self, request):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("supervision:lead-list")
        form = LeadBulkDispatchForm(request.POST, request=request)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(back or reverse("supervision:lead-list"))
        try:
            done = leads_services.leads_dispatch_many(
                ids=form.cleaned_data["leads"], by=request.user, officer=form.cleaned_data["officer"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except leads_services.BulkRefused as refused:
            names = dict(Lead.objects.visible_to(request.user).filter(pk__in=[pk for pk, _m in refused.report])
                         .values_list("pk", "institution__name"))  # fmt: skip
            messages.error(request, _("Nothing was dispatched: %(count)d of the chosen leads cannot be.") % {
                "count": len(refused.report)})  # fmt: skip
            for pk, message in refused.report:
                messages.error(request, f"{names.get(pk, _('a lead you cannot see'))}：{message}")
        else:
            messages.success(request, _("%(count)d leads dispatched.") % {"count": len(done)})
        return redirect(back or reverse("supervision:lead-list"))


class LeadExportView(LeadListView):
    """The filtered inbox as an Excel file: same scope, same filters."""

    permission_required = "supervision.export_lead"
    paginate_by = None
    row_columns = None

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset().order_by("-received_on", "-pk")
        headers = [
            _("Received on"),
            _("Source"),
            _("Institution code"),
            _("Institution"),
            _("Jurisdiction"),
            _("Description"),
            _("Suspected amount (CNY)"),
            _("Screening rule"),
            _("Occurred on"),
            _("External id"),
            _("Status"),
            _("Verifying officer"),
            _("Dispatched on"),
            _("Verification due"),
            _("Conclusion"),
        ]
        rule_names = dict(ScreeningRule.objects.values_list("code", "name"))
        rows = (
            [
                lead.received_on,
                lead.get_source_display(),
                lead.institution.code,
                lead.institution.name,
                lead.jurisdiction.name,
                lead.description,
                lead.amount,
                rule_names.get(lead.rule_code, lead.rule_code),
                lead.occurred_on,
                lead.external_id or "",
                lead.get_status_display(),
                str(lead.assignee or ""),
                lead.dispatched_on,
                lead.verification_due,
                lead.decision_note,
            ]
            for lead in queryset.iterator(chunk_size=2000)
        )
        return xlsx_response("leads", headers, rows)


class LeadDetailView(LeadQuerysetMixin, ScopedMixin, DetailView):
    permission_required = "supervision.view_lead"
    template_name = "supervision/lead_detail.html"

    def scoped_queryset(self):
        return (
            super()
            .scoped_queryset()
            .select_related("batch__created_by", "created_by", "dispatched_by", "decided_by", "converted_type")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead, user = self.object, self.request.user
        actions = leads_services.lead_actions(lead, user)
        follow_ups = []
        if lead.status in CONVERTIBLE:
            follow_ups = [
                (f.label, reverse(f.url_name, args=[lead.pk]))
                for f in LEAD_FOLLOW_UPS
                if user.has_perm(f.permission, lead.institution)
            ]
        converted = None
        if lead.converted_type_id:
            target = lead.converted_to
            if target is not None:
                converted = (target, getattr(target, "get_absolute_url", lambda: "")())
        context.update(
            actions=actions,
            dispatch_form=LeadDispatchForm(lead=lead) if actions["dispatch"] else None,
            dismiss_form=LeadDismissForm() if actions["dismiss"] else None,
            confirm_form=LeadConfirmForm() if actions["confirm"] else None,
            follow_ups=follow_ups,
            converted=converted,
            overdue=lead.is_overdue(),
            rule=ScreeningRule.objects.filter(code=lead.rule_code).first() if lead.rule_code else None,
            audit_events=AuditEvent.objects.history_of(lead),
        )
        return context


class LeadCreateView(ScopedMixin, FormView):
    model = Lead
    permission_required = "supervision.add_lead"
    form_class = LeadForm
    template_name = "supervision/lead_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            lead = leads_services.lead_create(
                by=self.request.user,
                institution=data["institution"],
                source=data["source"],
                description=data["description"],
                amount=data.get("amount") or 0,
                received_on=data.get("received_on"),
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Lead recorded."))
        return redirect(lead)


class LeadStepView(LeadQuerysetMixin, StepView):
    """POST-only steps of a lead's verification."""


class LeadDispatchView(LeadStepView):
    permission_required = "supervision.dispatch_lead"
    form_class = LeadDispatchForm
    done_message = gettext_lazy("Lead dispatched.")

    def form_kwargs(self):
        return {"lead": self.object}

    def perform(self, lead, user, data):
        leads_services.lead_dispatch(lead=lead, by=user, officer=data.get("officer"))


class LeadStartVerificationView(LeadStepView):
    permission_required = "supervision.verify_lead"
    done_message = gettext_lazy("Verification started.")

    def perform(self, lead, user, data):
        leads_services.lead_start_verification(lead=lead, by=user)


class LeadDismissView(LeadStepView):
    permission_required = "supervision.decide_lead"
    done_message = gettext_lazy("Lead dismissed.")

    def perform(self, lead, user, data):
        # The reason is checked by the service after the state, so a wrong state is reported first.
        leads_services.lead_dismiss(lead=lead, by=user, reason=self.request.POST.get("reason", ""))


class LeadConfirmView(LeadStepView):
    permission_required = "supervision.decide_lead"
    form_class = LeadConfirmForm
    done_message = gettext_lazy("Lead confirmed.")

    def perform(self, lead, user, data):
        leads_services.lead_confirm(lead=lead, by=user, note=data.get("note", ""))


# --- Import ------------------------------------------------------------------------------------------------


class LeadImportView(ScopedMixin, FormView):
    """Upload a screening file; the import runs as a background task and its page shows the progress."""

    model = ImportBatch
    permission_required = "supervision.import_lead"
    upload_kind = "lead_import"  # portal.uploads: the size cap is checked before the body is read
    form_class = LeadImportForm
    template_name = "supervision/leadimport_form.html"

    def form_valid(self, form):
        from supervision.leads.tasks import lead_import_task

        upload = form.cleaned_data["file"]
        batch = leads_import.lead_import_start(
            by=self.request.user, fileobj=upload, file_name=upload.name, encoding=form.cleaned_data["encoding"]
        )
        # The batch row is committed (no transaction is open here), so the worker finds it.
        lead_import_task.enqueue(batch.pk, translation.get_language() or "")
        return redirect(batch)


class ImportBatchListView(FilteredListMixin, ScopedMixin, ListView):
    model = ImportBatch
    permission_required = "supervision.view_importbatch"
    filterset_class = ImportBatchFilter
    paginate_by = 50
    template_name = "supervision/importbatch_list.html"

    select_related = ("created_by", "jurisdiction")

    page_permissions = {"can_import": "supervision.import_lead"}


class ImportBatchAccessMixin:
    model = ImportBatch
    permission_required = "supervision.view_importbatch"

    select_related = ("created_by", "jurisdiction")

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        try:
            batch = queryset.get(pk=self.kwargs["pk"])
        except (ImportBatch.DoesNotExist, ValueError, TypeError):
            raise Http404(_("Not found.")) from None
        # The importer always reads their own batch; others need the permission on it.
        if batch.created_by_id != self.request.user.pk and not self.request.user.has_perm(
            self.permission_required, batch
        ):
            raise PermissionDenied(_("Your role may not do this for this record."))
        return batch


class ImportBatchDetailView(ImportBatchAccessMixin, ScopedMixin, DetailView):
    """The batch's page: a progress bar while it runs (polled by static/js/job-progress.js), then the report."""

    template_name = "supervision/importbatch_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["audit_events"] = AuditEvent.objects.history_of(self.object)
        return context


class ImportBatchProgressView(ImportBatchAccessMixin, ScopedMixin, View):
    """JSON for the progress bar."""

    def get(self, request, *args, **kwargs):
        batch = self.get_object()
        response = JsonResponse(leads_import.progress_of(batch))
        response["Cache-Control"] = "no-store"
        return response
