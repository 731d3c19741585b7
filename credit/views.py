"""Credit pages: ratings (list, export, detail with the arithmetic), the scheme, settlement import, credit
repair, assessments, and the public grade-E list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView

from credit import services
from credit.filters import AssessmentFilter, CreditRatingFilter, RepairApplicationFilter
from credit.forms import AssessmentForm, DecisionForm, RepairApplicationForm, SelfCorrectionForm, SettlementImportForm
from credit.models import (
    Assessment,
    AssessmentPreset,
    CreditEvent,
    CreditRating,
    CreditScheme,
    RepairApplication,
    SettlementAmount,
)
from credit.settlements import HEADER, settlement_import
from credit.transitions import REPAIR_TRANSITIONS
from portal.errors import InvalidState
from portal.exports import xlsx_response
from portal.forms import form_errors_from
from portal.mixins import FilteredListMixin, ScopedMixin, StepView
from supervision.org.models import AuditEvent
from supervision.register.models import Institution

# --- Ratings --------------------------------------------------------------------------------------------


class RatingQuerysetMixin:
    model = CreditRating

    def scoped_queryset(self):
        return CreditRating.objects.visible_to(self.request.user).select_related("institution", "jurisdiction")


class RatingListView(RatingQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    permission_required = "credit.view_creditrating"
    filterset_class = CreditRatingFilter
    paginate_by = 50
    template_name = "credit/creditrating_list.html"

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "score", "institution__code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_import"] = self.request.user.has_perm("credit.import_settlement")
        return context


class RatingExportView(RatingListView):
    """The filtered list as an Excel file: same scope, same filters."""

    permission_required = "credit.export_creditrating"
    paginate_by = None

    def get(self, request, *args, **kwargs):
        headers = [
            _("Year"),
            _("Code"),
            _("Name"),
            _("Jurisdiction"),
            _("Score"),
            _("Grade"),
            _("Veto reason"),
            _("Computed at"),
        ]
        rows = (
            [
                r.year,
                r.institution.code,
                r.institution.name,
                r.jurisdiction.name,
                r.score,
                r.grade,
                r.veto_reason,
                r.computed_at,
            ]
            for r in self.get_queryset().iterator(chunk_size=2000)
        )
        return xlsx_response("credit-ratings", headers, rows)


class RatingDetailView(RatingQuerysetMixin, ScopedMixin, DetailView):
    permission_required = "credit.view_creditrating"
    template_name = "credit/creditrating_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rating, user = self.object, self.request.user
        events = (
            CreditEvent.objects.filter(institution_id=rating.institution_id, year=rating.year)
            .select_related("reversed_by", "created_by", "source_type")
            .order_by("occurred_on", "pk")
        )
        can_self_correct = user.has_perm("credit.add_selfcorrection", rating)
        context.update(
            events=events,
            breakdown=rating.breakdown,
            can_self_correct=can_self_correct,
            self_correction_form=SelfCorrectionForm(rating=rating) if can_self_correct else None,
            can_repair=user.has_perm("credit.add_repairapplication", rating),
            repairs=RepairApplication.objects.filter(institution_id=rating.institution_id, year=rating.year),
            audit_events=AuditEvent.objects.history_of(rating),
        )
        return context


class RatingSelfCorrectionView(RatingQuerysetMixin, StepView):
    """POST-only: a finished self-inspection earns the self-correction bonus."""

    permission_required = "credit.add_selfcorrection"
    form_class = SelfCorrectionForm
    invalid_message = gettext_lazy("Choose a finished self-inspection of this institution in the year.")
    done_message = gettext_lazy("Self-correction recorded.")
    step_errors = (ValidationError,)

    def form_kwargs(self) -> dict:
        return {"rating": self.object}

    def perform(self, rating, user, data):
        services.self_correction_record(rating=rating, inspection=data["inspection"], by=user, note=data["note"])


class SchemeListView(ScopedMixin, ListView):
    """The schemes by year with their items (administrators edit them in the admin)."""

    model = CreditScheme
    permission_required = "credit.view_creditscheme"
    template_name = "credit/creditscheme_list.html"

    def get_queryset(self):
        return CreditScheme.objects.prefetch_related("items").order_by("-year")

    def get_context_data(self, **kwargs):
        return super().get_context_data(presets=AssessmentPreset.objects.order_by("key", "-year"), **kwargs)


# --- Settlement amounts ----------------------------------------------------------------------------------


class SettlementImportView(ScopedMixin, FormView):
    upload_kind = "settlement_import"  # portal.uploads: the size cap is checked before the body is read
    """Upload the year's fund settlement amounts; every row is checked, nothing is written on any error."""

    model = SettlementAmount
    permission_required = "credit.import_settlement"
    form_class = SettlementImportForm
    template_name = "credit/settlement_import.html"

    def get_context_data(self, **kwargs):
        recent = SettlementAmount.objects.visible_to(self.request.user).select_related("institution")
        # The columns are typed as they stand: not for translation (translate="no").
        header = format_html('<code translate="no">{}</code>', ", ".join(HEADER))
        return super().get_context_data(header=header, recent=recent.order_by("-imported_at")[:20], **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        result = settlement_import(
            by=self.request.user, fileobj=upload, file_name=upload.name, encoding=form.cleaned_data["encoding"]
        )
        if result.errors:
            messages.error(self.request, _("Nothing was imported: correct the rows listed and upload again."))
            return self.render_to_response(self.get_context_data(form=form, errors=result.errors))
        messages.success(
            self.request,
            _("Imported: %(created)s new, %(updated)s changed; the ratings were recomputed.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect("credit:settlement-import")


# --- Credit repair -----------------------------------------------------------------------------------------


class RepairQuerysetMixin:
    model = RepairApplication

    def scoped_queryset(self):
        return RepairApplication.objects.visible_to(self.request.user).select_related(
            "institution", "jurisdiction", "submitted_by", "decided_by"
        )


class RepairListView(RepairQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    permission_required = "credit.view_repairapplication"
    filterset_class = RepairApplicationFilter
    paginate_by = 50
    template_name = "credit/repairapplication_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("credit.add_repairapplication")
        return context


class RepairCreateView(ScopedMixin, FormView):
    upload_kind = "evidence"  # portal.uploads: the size cap is checked before the body is read
    model = RepairApplication
    permission_required = "credit.add_repairapplication"
    form_class = RepairApplicationForm
    template_name = "credit/repairapplication_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = {"year": timezone.localdate().year}
        raw = self.request.GET.get("institution", "")
        if raw.isdigit():
            institution = Institution.objects.visible_to(self.request.user).filter(pk=raw).first()
            if institution is not None:
                initial["institution_code"] = institution.code
        if self.request.GET.get("year", "").isdigit():
            initial["year"] = int(self.request.GET["year"])
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            application = services.repair_apply(
                by=self.request.user,
                institution=data["institution_code"],
                year=data["year"],
                reasons=data["reasons"],
                evidence_description=data["evidence_description"],
                evidence=data.get("evidence"),
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        except PermissionDenied:
            form.add_error("institution_code", _("You may not apply for this institution."))
            return self.form_invalid(form)
        messages.success(self.request, _("Repair application recorded."))
        return redirect(application)


class RepairDetailView(RepairQuerysetMixin, ScopedMixin, DetailView):
    permission_required = "credit.view_repairapplication"
    template_name = "credit/repairapplication_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application, user = self.object, self.request.user
        steps = REPAIR_TRANSITIONS.flags(application, user)
        rating = CreditRating.objects.filter(institution_id=application.institution_id, year=application.year).first()
        context.update(
            can_approve=steps["approve"],
            can_refuse=steps["refuse"],
            form=DecisionForm(),
            rating=rating,
            audit_events=AuditEvent.objects.history_of(application),
        )
        return context


class RepairDecideView(RepairQuerysetMixin, StepView):
    """POST-only: the chief approves or refuses; back to the application with the outcome."""

    permission_required = "credit.decide_repairapplication"
    approve = True
    step_errors = (InvalidState, ValidationError, PermissionDenied)

    def perform(self, application, user, data):
        services.repair_decide(application=application, by=user, approve=self.approve, comment=data["comment"])


class RepairApproveView(RepairDecideView):
    done_message = gettext_lazy("Repair approved: the points are restored.")


class RepairRefuseView(RepairDecideView):
    approve = False
    done_message = gettext_lazy("Repair refused.")


# --- Assessments ----------------------------------------------------------------------------------------------


class AssessmentQuerysetMixin:
    model = Assessment

    def scoped_queryset(self):
        return Assessment.objects.visible_to(self.request.user).select_related(
            "preset", "lead_institution", "jurisdiction", "updated_by"
        )


class AssessmentListView(AssessmentQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    permission_required = "credit.view_assessment"
    filterset_class = AssessmentFilter
    paginate_by = 50
    template_name = "credit/assessment_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("credit.change_assessment")
        context["presets"] = AssessmentPreset.objects.order_by("key", "-year")
        return context


class AssessmentFormMixin:
    form_class = AssessmentForm
    template_name = "credit/assessment_form.html"
    permission_required = "credit.change_assessment"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "preset": self.preset}

    def get_context_data(self, **kwargs):
        return super().get_context_data(preset=self.preset, **kwargs)

    def save(self, form, assessment=None):
        data = form.cleaned_data
        try:
            saved = services.assessment_save(
                by=self.request.user,
                preset=self.preset,
                community=data["community"],
                lead_institution=data["lead_institution"],
                values=form.values(),
                bonus=data["bonus"],
                veto=data["veto"],
                veto_note=data["veto_note"],
                assessment=assessment,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.error_dict.items():
                    name = key if key in form.fields else f"value_{key}"
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        except PermissionDenied:
            form.add_error("lead_institution", _("You may not assess for this institution."))
            return self.form_invalid(form)
        messages.success(self.request, _("Assessment saved."))
        return redirect(saved)


class AssessmentCreateView(AssessmentFormMixin, ScopedMixin, FormView):
    model = Assessment

    def dispatch(self, request, *args, **kwargs):
        raw = request.GET.get("preset", "")
        presets = AssessmentPreset.objects.order_by("-year")
        self.preset = presets.filter(pk=raw).first() if raw.isdigit() else presets.first()
        if self.preset is None:
            raise Http404(_("Not found."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        return self.save(form)


class AssessmentUpdateView(AssessmentQuerysetMixin, AssessmentFormMixin, ScopedMixin, FormView):
    object_view = True

    def dispatch(self, request, *args, **kwargs):
        self.preset = None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.preset = self.object.preset
        return super().get_form_kwargs()

    def get_initial(self):
        return AssessmentForm.initial_from(self.object)

    def get_context_data(self, **kwargs):
        self.preset = self.object.preset
        return super().get_context_data(object=self.object, **kwargs)

    def form_valid(self, form):
        return self.save(form, assessment=self.object)


class AssessmentDetailView(AssessmentQuerysetMixin, ScopedMixin, DetailView):
    permission_required = "credit.view_assessment"
    template_name = "credit/assessment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            can_change=self.request.user.has_perm("credit.change_assessment", self.object),
            result=self.object.result,
            veto_hints=services.assessment_veto_hints(
                institution_id=self.object.lead_institution_id, year=self.object.preset.year
            ),
            audit_events=AuditEvent.objects.history_of(self.object),
        )
        return context


# --- Public ------------------------------------------------------------------------------------------------


class PublicGradeEListView(ListView):
    """No login: the institutions rated E for a year (names only; no scores, reasons or staff fields)."""

    template_name = "credit/public_grade_e.html"
    paginate_by = 100

    def dispatch(self, request, *args, **kwargs):
        years = list(CreditRating.objects.order_by("-year").values_list("year", flat=True).distinct()[:10])
        raw = request.GET.get("year", "")
        self.years = years
        self.year = int(raw) if raw.isdigit() else (years[0] if years else timezone.localdate().year)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            CreditRating.objects.public_grade_e(self.year)
            .order_by("institution__name")
            .values_list("institution__name", flat=True)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, years=self.years, **kwargs)
