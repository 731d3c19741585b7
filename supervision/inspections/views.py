"""Pages for inspections (list, planning, a record with its team, findings and steps; evidence download) and
random draws (list, drawing, a draw with its pools and result, verification by re-running, publication)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from portal import evidence as evidence_files
from portal.errors import InvalidState
from portal.extensions import FINDING_FOLLOW_UPS, violation_code_choices
from portal.forms import form_errors_from
from portal.mixins import FilteredListMixin, ScopedMixin, error_message
from supervision.inspections import services
from supervision.inspections.filters import InspectionFilter, RandomDrawFilter
from supervision.inspections.forms import FindingForm, InspectionFinishForm, InspectionForm, RandomDrawForm
from supervision.inspections.models import Finding, Inspection, InspectionMember, RandomDraw
from supervision.inspections.transitions import DRAW_TRANSITIONS, STARTED
from supervision.org.models import AuditEvent, User
from supervision.register.models import Institution

# --- Inspections -------------------------------------------------------------------------------------------


class InspectionQuerysetMixin:
    model = Inspection

    def scoped_queryset(self):
        return (
            Inspection.objects.visible_to(self.request.user)
            .select_related("institution", "jurisdiction", "draw")
            .prefetch_related(Prefetch("members", InspectionMember.objects.select_related("user")))
        )


class InspectionListView(InspectionQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    permission_required = "supervision.view_inspection"
    filterset_class = InspectionFilter
    paginate_by = 50
    # Columns a reader may sort by, each served by an index (issue 16).
    sort_orders = {"planned": ("planned_on", "id"), "status": ("status", "planned_on", "id")}
    template_name = "supervision/inspection_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            can_add=user.has_perm("supervision.add_inspection"),
            can_draw=user.has_perm("supervision.add_randomdraw"),
        )
        return context


class InspectionCreateView(ScopedMixin, FormView):
    model = Inspection
    permission_required = "supervision.add_inspection"
    form_class = InspectionForm
    template_name = "supervision/inspection_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        raw = self.request.GET.get("institution", "")
        if raw.isdigit():
            initial["institution"] = raw
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            inspection = services.inspection_create(
                by=self.request.user,
                kind=data["kind"],
                institution=data["institution"],
                title=data["title"],
                planned_on=data["planned_on"],
                team=data["team"],
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Inspection planned."))
        return redirect(inspection)


class InspectionDetailView(InspectionQuerysetMixin, ScopedMixin, DetailView):
    permission_required = "supervision.view_inspection"
    template_name = "supervision/inspection_detail.html"

    def scoped_queryset(self):
        findings = Finding.objects.select_related("recorded_by", "lead", "lead__converted_type").prefetch_related(
            "evidence_items"
        )
        return super().scoped_queryset().prefetch_related(Prefetch("findings", findings))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection, user = self.object, self.request.user
        actions = services.inspection_actions(inspection, user)
        labels = dict(violation_code_choices())
        institution_visible = Institution.objects.visible_to(user).filter(pk=inspection.institution_id).exists()
        findings = []
        for finding in inspection.findings.all():
            follow_ups = []
            if finding.lead_id is None and inspection.status in STARTED:
                follow_ups = [
                    (f.label, reverse(f.url_name, args=[finding.pk]))
                    for f in FINDING_FOLLOW_UPS
                    if institution_visible and user.has_perm(f.permission, inspection.institution)
                ]
            findings.append((finding, labels.get(finding.violation_code, ""), follow_ups))
        context.update(
            actions=actions,
            findings=findings,
            finding_form=FindingForm() if actions["add_finding"] else None,
            finish_form=InspectionFinishForm() if actions["finish"] else None,
            institution_visible=institution_visible,
            audit_events=AuditEvent.objects.history_of(inspection),
        )
        return context


class InspectionStepView(InspectionQuerysetMixin, ScopedMixin, View):
    """POST-only: parse, call the service, back to the inspection's page with the outcome as a message."""

    http_method_names = ["post"]
    object_view = True
    done_message = ""

    def perform(self, inspection, user, request):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            self.perform(self.object, request.user, request)
        except (InvalidState, ValidationError) as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, self.done_message)
        return redirect(self.object)


class InspectionStartView(InspectionStepView):
    permission_required = "supervision.change_inspection"
    done_message = gettext_lazy("Inspection started.")

    def perform(self, inspection, user, request):
        services.inspection_start(inspection=inspection, by=user)


class FindingCreateView(InspectionStepView):
    upload_kind = "evidence"  # portal.uploads: the size cap is checked before the body is read
    permission_required = "supervision.change_inspection"
    done_message = gettext_lazy("Finding recorded.")

    def perform(self, inspection, user, request):
        form = FindingForm(request.POST, request.FILES)
        # The service checks the state first (409 before bad input), then the fields.
        form.is_valid()
        data = form.cleaned_data
        services.inspection_add_finding(
            inspection=inspection,
            by=user,
            violation_code=request.POST.get("violation_code", ""),
            description=request.POST.get("description", ""),
            amount=data.get("amount") or Decimal("0"),
            evidence=data.get("evidence"),
        )


class InspectionFinishView(InspectionStepView):
    permission_required = "supervision.change_inspection"
    done_message = gettext_lazy("Inspection finished.")

    def perform(self, inspection, user, request):
        services.inspection_finish(inspection=inspection, by=user, result=request.POST.get("result", ""))


class InspectionCloseView(InspectionStepView):
    permission_required = "supervision.close_inspection"
    done_message = gettext_lazy("Inspection closed.")

    def perform(self, inspection, user, request):
        services.inspection_close(inspection=inspection, by=user, note=request.POST.get("reason", ""))


class InspectionCancelView(InspectionStepView):
    permission_required = "supervision.close_inspection"
    done_message = gettext_lazy("Inspection cancelled.")

    def perform(self, inspection, user, request):
        services.inspection_cancel(inspection=inspection, by=user, reason=request.POST.get("reason", ""))


class FindingEvidenceView(ScopedMixin, View):
    """Download a finding's evidence: only through the inspection's scope (never a public media URL)."""

    model = Finding
    permission_required = "supervision.view_inspection"

    def get(self, request, *args, **kwargs):
        inspections = Inspection.objects.visible_to(request.user)
        try:
            finding = Finding.objects.select_related("inspection__jurisdiction").get(
                pk=self.kwargs["pk"], inspection__in=inspections
            )
        except (Finding.DoesNotExist, ValueError, TypeError):
            raise Http404(_("Not found.")) from None
        if not request.user.has_perm(self.permission_required, finding.inspection):
            raise PermissionDenied(_("Your role may not do this for this record."))
        evidence = finding.evidence
        if evidence is None or not evidence.file:
            raise Http404(_("Not found."))
        services.inspection_evidence_record_download(evidence=evidence, by=request.user)
        return evidence_files.file_response(evidence)


# --- Random draws ------------------------------------------------------------------------------------------


class RandomDrawListView(FilteredListMixin, ScopedMixin, ListView):
    model = RandomDraw
    permission_required = "supervision.view_randomdraw"
    filterset_class = RandomDrawFilter
    paginate_by = 50
    template_name = "supervision/randomdraw_list.html"

    select_related = ("drawn_by", "jurisdiction")

    page_permissions = {"can_draw": "supervision.add_randomdraw"}


class RandomDrawCreateView(ScopedMixin, FormView):
    model = RandomDraw
    permission_required = "supervision.add_randomdraw"
    form_class = RandomDrawForm
    template_name = "supervision/randomdraw_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        user = self.request.user
        units, kinds = list(data.get("units") or []), list(data.get("kinds") or [])
        institutions = services.draw_institution_pool(by=user, units=units, kinds=kinds)
        officer_units = list(data.get("officer_units") or [])
        officers = services.certified_officers(on=data["planned_on"], units=officer_units or None)
        ratio = None if data.get("count") else (data["ratio_percent"] / 100)
        criteria = {
            "units": [u.code for u in units],
            "kinds": kinds,
            "officer_units": [u.code for u in officer_units],
        }
        try:
            draw = services.draw_run(
                by=user,
                title=data["title"],
                kind=data["kind"],
                planned_on=data["planned_on"],
                institutions=institutions,
                officers=officers,
                count=data.get("count"),
                ratio=ratio,
                team_size=data["team_size"],
                seed=data.get("seed"),
                criteria=criteria,
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Draw made: %(n)s inspections planned.") % {"n": len(draw.result)})
        return redirect(draw)


class RandomDrawDetailView(ScopedMixin, DetailView):
    model = RandomDraw
    permission_required = "supervision.view_randomdraw"
    template_name = "supervision/randomdraw_detail.html"
    verify = False

    select_related = ("drawn_by", "published_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draw, user = self.object, self.request.user
        institution_ids = [entry["institution"] for entry in draw.result]
        user_ids = {pk for entry in draw.result for pk in entry["team"]}
        institutions = Institution.objects.in_bulk(institution_ids)
        users = User.objects.in_bulk(list(user_ids))
        inspections = {
            i.institution_id: i
            for i in Inspection.objects.visible_to(user).filter(draw=draw).only("pk", "institution_id", "status")
        }
        weights = {int(row[0]): row[1] for row in draw.institution_pool}
        rows = [
            {
                "institution": institutions.get(entry["institution"]),
                "weight": weights.get(entry["institution"]),
                "team": [users.get(pk) for pk in entry["team"]],
                "inspection": inspections.get(entry["institution"]),
            }
            for entry in draw.result
        ]
        context.update(
            rows=rows,
            can_publish=DRAW_TRANSITIONS.allows(draw, "publish", user),
            audit_events=AuditEvent.objects.history_of(draw),
        )
        if self.verify:
            same, _again = services.draw_verify(draw)
            context["verification"] = same
        return context


class RandomDrawVerifyView(RandomDrawDetailView):
    """Re-runs the draw from its recorded seed and pools and shows whether the result is the same."""

    verify = True


class RandomDrawPublishView(ScopedMixin, View):
    model = RandomDraw
    permission_required = "supervision.publish_randomdraw"
    http_method_names = ["post"]
    object_view = True

    def post(self, request, *args, **kwargs):
        try:
            services.draw_publish(draw=self.object, by=request.user)
        except InvalidState as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The result is published."))
        return redirect(self.object)
