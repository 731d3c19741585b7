"""Pages of smart screening: the rule library with each rule's funnel, a rule's versions, edit and dry run;
runs with progress; settlement imports with progress and report; the knowledge base; a lead's hits."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from portal.errors import InvalidState
from portal.exports import xlsx_response
from portal.mixins import error_message
from supervision.leads.models import Lead
from supervision.org.models import AuditEvent
from supervision.screening import imports, rules, services
from supervision.screening.forms import RuleForm, RunForm, UploadForm
from supervision.screening.models import CatalogueItem, CatalogueVersion, Rule, ScreeningRun, SettlementBatch
from supervision.screening.transitions import TRANSITIONS


class ScreeningMixin(LoginRequiredMixin):
    """The monitoring centre's pages: the permission's role must be held in a city-wide unit (else 403);
    records are the city's, an absent one is a 404."""

    permission_required = "supervision.view_rule"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not imports.may_screen(request.user, self.permission_required):
            raise PermissionDenied(_("Your role may not open this page."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            can_run=imports.may_screen(user, "supervision.run_screening"),
            can_import=imports.may_screen(user, "supervision.import_settlements"),
            can_change=imports.may_screen(user, "supervision.change_rule"),
        )
        return context


class RuleListView(ScreeningMixin, ListView):
    template_name = "supervision/screening/rule_list.html"

    def get_queryset(self):
        if not Rule.objects.exists():
            services.rules_seed()
        return Rule.objects.prefetch_related("versions").order_by("code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        funnel = services.rule_funnel()
        context["rows"] = [
            {"rule": rule, "version": rule.current, "funnel": funnel.get(rule.code, {}),
             "label": rules.TEMPLATES[rule.template].label}
            for rule in context["object_list"]
        ]  # fmt: skip
        context["run_form"] = RunForm()
        context["catalogue"] = CatalogueVersion.objects.order_by("-number").first()
        return context


class RuleDetailView(ScreeningMixin, DetailView):
    model = Rule
    template_name = "supervision/screening/rule_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rule = self.object
        context.update(
            versions=rule.versions.select_related("created_by").order_by("-number"),
            template=rules.TEMPLATES[rule.template],
            funnel=services.rule_funnel().get(rule.code, {}),
            form=RuleForm(rule=rule, initial=RuleForm.initial_for(rule)),
            dry_runs=ScreeningRun.objects.filter(dry_run=True, rule_versions__rule=rule).distinct()[:5],
            audit_events=AuditEvent.objects.history_of(rule),
        )
        return context


class RuleUpdateView(ScreeningMixin, View):
    """POST: the rule's next version (analyst). An absent rule is a 404 for everyone (the library is the
    city's, not secret), checked before the role."""

    permission_required = "supervision.change_rule"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.rule = get_object_or_404(Rule, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        rule = self.rule
        form = RuleForm(request.POST, rule=rule)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("supervision:screening:rule-detail", pk=rule.pk)
        try:
            version = services.rule_update(rule=rule, by=request.user, data=form.service_data(),
                                           note=form.cleaned_data["note"])  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
        return redirect("supervision:screening:rule-detail", pk=rule.pk)


class RunListView(ScreeningMixin, ListView):
    template_name = "supervision/screening/run_list.html"
    paginate_by = 50

    def get_queryset(self):
        return ScreeningRun.objects.select_related("created_by").order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run_form"] = RunForm()
        return context


class RunCreateView(ScreeningMixin, View):
    """POST: start a run (or a dry run) as a background task and show its page."""

    permission_required = "supervision.run_screening"
    http_method_names = ["post"]

    def post(self, request):
        from supervision.screening.tasks import screening_run_task

        form = RunForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("supervision:screening:run-list")
        data = form.cleaned_data
        try:
            run = services.run_start(by=request.user, rule_codes=[r.code for r in data["rules"]] or None,
                                     date_from=data["date_from"], date_to=data["date_to"],
                                     dry_run=data["dry_run"])  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("supervision:screening:run-list")
        screening_run_task.enqueue(run.pk, translation.get_language() or "")
        return redirect("supervision:screening:run-detail", pk=run.pk)


class RunDetailView(ScreeningMixin, DetailView):
    model = ScreeningRun
    template_name = "supervision/screening/run_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        names = dict(Rule.objects.values_list("code", "name"))
        context["per_rule"] = [(names.get(code, code), n) for code, n in sorted(run.hits_by_rule.items())]
        institutions = dict(
            services.Institution.objects.filter(
                code__in={c for per in run.hits_by_institution.values() for c in per}
            ).values_list("code", "name")
        )
        context["dry_rows"] = [
            (names.get(code, code), institutions.get(inst, inst), n, amount)
            for code, per in sorted(run.hits_by_institution.items())
            for inst, (n, amount) in sorted(per.items(), key=lambda item: -item[1][0])
        ]
        context["versions"] = run.rule_versions.select_related("rule").order_by("rule__code")
        context["steps"] = TRANSITIONS.flags(run, self.request.user)
        return context


class RunCancelView(ScreeningMixin, View):
    """POST: cancel a queued or running run (the transition table decides; once final, the page says why)."""

    permission_required = "supervision.run_screening"
    http_method_names = ["post"]

    def post(self, request, pk):
        run = get_object_or_404(ScreeningRun, pk=pk)
        try:
            services.run_cancel(run=run, by=request.user, reason=request.POST.get("reason", "").strip())
        except InvalidState as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("The run is cancelled."))
        return redirect("supervision:screening:run-detail", pk=run.pk)


def run_progress(run: ScreeningRun) -> dict:
    return {"status": run.status, "status_label": str(run.get_status_display()), "progress": run.progress,
            "hits": run.total_hits, "leads": run.leads_created, "done": run.is_final}  # fmt: skip


class RunProgressView(ScreeningMixin, View):
    def get(self, request, pk):
        response = JsonResponse(run_progress(get_object_or_404(ScreeningRun, pk=pk)))
        response["Cache-Control"] = "no-store"
        return response


class BatchListView(ScreeningMixin, ListView):
    template_name = "supervision/screening/batch_list.html"
    paginate_by = 50

    def get_queryset(self):
        return SettlementBatch.objects.select_related("created_by").order_by("-created_at", "-pk")


class BatchCreateView(ScreeningMixin, FormView):
    """Upload a settlement file; the import runs as a background task and its page shows the progress."""

    permission_required = "supervision.import_settlements"
    form_class = UploadForm
    template_name = "supervision/screening/upload_form.html"
    extra_context = {"kind": "settlements"}

    def form_valid(self, form):
        from supervision.screening.tasks import settlement_import_task

        upload = form.cleaned_data["file"]
        try:
            batch = imports.settlement_import_start(by=self.request.user, fileobj=upload, file_name=upload.name)
        except imports.UploadTooLarge as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        settlement_import_task.enqueue(batch.pk, translation.get_language() or "")
        return redirect("supervision:screening:batch-detail", pk=batch.pk)


class BatchDetailView(ScreeningMixin, DetailView):
    model = SettlementBatch
    template_name = "supervision/screening/batch_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["audit_events"] = AuditEvent.objects.history_of(self.object)
        return context


def batch_progress(batch: SettlementBatch) -> dict:
    return {"status": batch.status, "status_label": str(batch.get_status_display()), "progress": batch.progress,
            "total_rows": batch.total_rows, "lines": batch.line_count, "skipped": batch.skipped_count,
            "error_count": batch.error_count, "done": batch.is_final}  # fmt: skip


class BatchProgressView(ScreeningMixin, View):
    def get(self, request, pk):
        response = JsonResponse(batch_progress(get_object_or_404(SettlementBatch, pk=pk)))
        response["Cache-Control"] = "no-store"
        return response


class CatalogueView(ScreeningMixin, TemplateView):
    """The knowledge base: a version's items, searchable by code or name."""

    template_name = "supervision/screening/catalogue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = CatalogueVersion.objects.select_related("created_by").order_by("-number")
        chosen = versions.first()
        if self.request.GET.get("version", "").isdigit():
            chosen = versions.filter(number=int(self.request.GET["version"])).first() or chosen
        items = CatalogueItem.objects.filter(version=chosen) if chosen else CatalogueItem.objects.none()
        query = self.request.GET.get("q", "").strip()
        if query:
            from django.db.models import Q

            items = items.filter(Q(hilist_code__icontains=query) | Q(hilist_name__icontains=query))
        page = Paginator(items.order_by("hilist_code"), 100).get_page(self.request.GET.get("page"))
        context.update(versions=versions[:20], chosen=chosen, page_obj=page, q=query)
        return context


class CatalogueImportView(ScreeningMixin, FormView):
    permission_required = "supervision.import_settlements"
    form_class = UploadForm
    template_name = "supervision/screening/upload_form.html"
    extra_context = {"kind": "catalogue"}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            version = imports.catalogue_import(by=self.request.user, fileobj=upload, file_name=upload.name)
        except imports.UploadTooLarge as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        except imports.CatalogueRejected as exc:
            return self.render_to_response(self.get_context_data(form=form, errors=exc.errors))
        messages.success(
            self.request,
            _("Catalogue version %(number)s: %(created)s items added, %(updated)s updated.")
            % {"number": version.number, "created": version.created_count, "updated": version.updated_count},
        )
        return redirect(reverse("supervision:screening:catalogue") + f"?version={version.number}")


# --- A lead's hits (branch staff: scoped like the lead) ----------------------------------------------------


class LeadHitsMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_staff_member or not request.user.has_perm("supervision.view_lead"):
            raise PermissionDenied(_("Your role may not open this page."))
        try:
            self.lead = Lead.objects.visible_to(request.user).select_related("institution").get(pk=kwargs["pk"])
        except Lead.DoesNotExist:
            raise Http404(_("Not found.")) from None
        if not request.user.has_perm("supervision.view_lead", self.lead):
            raise PermissionDenied(_("Your role may not do this for this record."))
        return super().dispatch(request, *args, **kwargs)

    def hits(self):
        return self.lead.screening_hits.order_by("fee_ocur_time", "feedetl_sn")


class LeadHitsView(LeadHitsMixin, TemplateView):
    template_name = "supervision/screening/lead_hits.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(lead=self.lead, page_obj=Paginator(self.hits(), 100).get_page(self.request.GET.get("page")))
        return context


HIT_HEADERS = ("Line id", "Insured person", "Item code", "Fee time", "Quantity", "Unit price", "Fund payment",
               "Amount")  # fmt: skip


class LeadHitsExportView(LeadHitsMixin, View):
    def get(self, request, pk):
        rows = (
            (h.feedetl_sn, h.psn_no, h.hilist_code, h.fee_ocur_time, h.cnt, h.pric, h.fund_pay, h.amount)
            for h in self.hits().iterator(chunk_size=2000)
        )
        return xlsx_response(f"hits-{self.lead.pk}", [_(h) for h in HIT_HEADERS], rows)
