"""Pages of the supervision app: home, org tree, institution register, agreements."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, FormView, ListView

from portal.exports import xlsx_response
from portal.extensions import institution_panels
from portal.forms import form_errors_from
from portal.mixins import FilteredListMixin, LookupView, ScopedMixin, lookup_response
from supervision.org.models import AuditEvent
from supervision.register import services as register_services
from supervision.register.filters import AgreementFilter, InstitutionFilter
from supervision.register.forms import AgreementForm, InstitutionForm, InstitutionTransferForm
from supervision.register.models import Agreement, AgreementStatusChange, Institution


class InstitutionQuerysetMixin:
    def scoped_queryset(self):
        return Institution.objects.visible_to(self.request.user).with_agreement_status().select_related("jurisdiction")


class InstitutionListView(InstitutionQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    model = Institution
    permission_required = "supervision.view_institution"
    filterset_class = InstitutionFilter
    paginate_by = 50
    # Columns a reader may sort by, each served by an index (issue 16).
    sort_orders = {"code": ("code",), "name": ("name", "code")}
    template_name = "supervision/institution_list.html"

    page_permissions = {"can_add": "supervision.add_institution"}


class InstitutionExportView(InstitutionListView):
    """The filtered list as an Excel file: same scope, same filters."""

    permission_required = "supervision.export_institution"
    paginate_by = None

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset().order_by("code")
        headers = [
            _("Code"),
            _("Name"),
            _("Kind"),
            _("Level"),
            _("Unified social credit code"),
            _("Legal representative"),
            _("Address"),
            _("Jurisdiction"),
            _("Agreement status"),
            _("Credit grade"),
        ]
        status_labels = dict(Agreement.Status.choices)
        rows = (
            [
                i.code,
                i.name,
                i.get_kind_display(),
                i.get_level_display(),
                i.credit_code,
                i.legal_representative,
                i.address,
                i.jurisdiction.name,
                str(status_labels.get(i.agreement_status, "")),
                i.credit_grade,
            ]
            for i in queryset.iterator(chunk_size=2000)
        )
        return xlsx_response("institutions", headers, rows)


class InstitutionDetailView(InstitutionQuerysetMixin, ScopedMixin, DetailView):
    model = Institution
    permission_required = "supervision.view_institution"
    template_name = "supervision/institution_detail.html"

    def get_queryset(self):
        history = AgreementStatusChange.objects.select_related("by")
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "agreements", queryset=Agreement.objects.prefetch_related(Prefetch("history", queryset=history))
                )
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, institution = self.request.user, self.object
        context.update(
            can_change=user.has_perm("supervision.change_institution", institution),
            can_add_agreement=user.has_perm("supervision.add_agreement", institution),
            audit_events=AuditEvent.objects.history_of(institution),
            panels=institution_panels(user, institution),
        )
        return context


class InstitutionFormViewBase(ScopedMixin, FormView):
    model = Institution
    template_name = "supervision/institution_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class InstitutionCreateView(InstitutionFormViewBase):
    permission_required = "supervision.add_institution"
    form_class = InstitutionForm

    def form_valid(self, form):
        try:
            institution = register_services.institution_create(by=self.request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Institution registered."))
        return redirect(institution)


class InstitutionUpdateView(InstitutionFormViewBase):
    permission_required = "supervision.change_institution"
    form_class = InstitutionForm

    object_view = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Institution.objects.get(pk=self.object.pk)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def form_valid(self, form):
        data = {f: form.cleaned_data[f] for f in form.fields}
        try:
            institution = register_services.institution_update(institution=self.object, by=self.request.user, data=data)
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(institution)


class InstitutionTransferView(InstitutionFormViewBase):
    permission_required = "supervision.change_institution"
    form_class = InstitutionTransferForm
    template_name = "supervision/institution_transfer.html"

    object_view = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["institution"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def form_valid(self, form):
        try:
            institution = register_services.institution_transfer(
                institution=self.object,
                to=form.cleaned_data["to"],
                by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error("to", _("You may not move institutions into that branch."))
            else:
                form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Institution transferred."))
        if not Institution.objects.visible_to(self.request.user).filter(pk=institution.pk).exists():
            return redirect("supervision:institution-list")
        return redirect(institution)


class AgreementListView(FilteredListMixin, ScopedMixin, ListView):
    model = Agreement
    permission_required = "supervision.view_agreement"
    filterset_class = AgreementFilter
    paginate_by = 50
    template_name = "supervision/agreement_list.html"

    select_related = ("institution", "jurisdiction")


class AgreementDetailView(ScopedMixin, DetailView):
    model = Agreement
    permission_required = "supervision.view_agreement"
    template_name = "supervision/agreement_detail.html"

    def scoped_queryset(self):
        history = AgreementStatusChange.objects.select_related("by")
        return (
            Agreement.objects.visible_to(self.request.user)
            .select_related("institution", "jurisdiction")
            .prefetch_related(Prefetch("history", queryset=history))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["audit_events"] = AuditEvent.objects.history_of(self.object)
        return context


class AgreementCreateView(ScopedMixin, FormView):
    """Sign a new agreement for an institution (from its page)."""

    model = Institution
    permission_required = "supervision.add_agreement"
    form_class = AgreementForm
    template_name = "supervision/agreement_form.html"

    object_view = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(institution=self.object, **kwargs)

    def form_valid(self, form):
        try:
            register_services.agreement_create(by=self.request.user, institution=self.object, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Agreement recorded."))
        return redirect(reverse("supervision:institution-detail", args=[self.object.pk]))


def institution_label(institution) -> str:
    return f"{institution.name}（{institution.code}）"


class InstitutionLookupView(LookupView):
    """The institution picker's search: institutions the user sees, by name or national code."""

    model = Institution
    permission_required = "supervision.view_institution"
    staff_only = False  # social supervisors pick from the public register too
    search_fields = ("name", "code")

    def scoped_queryset(self):
        return Institution.objects.visible_to(self.request.user).order_by("code")

    def label(self, row) -> str:
        return institution_label(row)


@require_GET
def public_register_lookup(request):
    """The public report form's search of the public register (names and codes are public; no login)."""
    q = request.GET.get("q", "").strip()[:60]
    return lookup_response(Institution.objects.order_by("code"), q, ("name", "code"), institution_label)
