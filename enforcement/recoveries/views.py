"""Pages of the recovery ledger: the list (with its totals), its export, balances, one obligation, its steps."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from enforcement.recoveries import selectors, services
from enforcement.recoveries.filters import RecoveryEntryFilter
from enforcement.recoveries.forms import ObligationForm, SettleForm
from enforcement.recoveries.models import RecoveryEntry
from portal.forms import form_errors_from, style_form
from portal.mixins import FilteredListMixin, ScopedMixin, StepView
from portal.xlsx_report import report_response, report_workbook
from supervision.register.models import Institution


class RecoveryQuerysetMixin:
    model = RecoveryEntry

    def scoped_queryset(self):
        return selectors.entry_for_page(RecoveryEntry.objects.visible_to(self.request.user))


class RecoveryListView(RecoveryQuerysetMixin, FilteredListMixin, ScopedMixin, ListView):
    permission_required = "enforcement.view_recoveryentry"
    filterset_class = RecoveryEntryFilter
    paginate_by = 50
    # Columns a reader may sort by, each served by an index (issue 16).
    sort_orders = {"on": ("on", "id")}
    template_name = "enforcement/recoveries/entry_list.html"
    page_permissions = {"can_add": "enforcement.add_recoveryentry"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The total of every filtered row (not just this page): what a statistics money figure links to.
        context["totals"] = selectors.ledger_totals(self.object_list)
        return context


def filter_description(filterset) -> str:
    """The filters in force, in words, for a report's heading."""
    if not filterset.is_bound or not filterset.is_valid():
        return _("All")
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()) or (hasattr(value, "start") and not (value.start or value.stop)):
            continue
        field = filterset.form.fields[name]
        if hasattr(value, "start"):
            text = f"{value.start or '…'} – {value.stop or '…'}"
        elif isinstance(value, list | tuple):
            choices = dict(getattr(field, "choices", []))
            text = "、".join(str(choices.get(v, v)) for v in value)
        else:
            choices = dict(getattr(field, "choices", []) or [])
            text = str(choices.get(value, value)) if not hasattr(value, "pk") else str(value)
        parts.append(f"{field.label}：{text}")
    return "；".join(parts) or _("All")


def unit_description(user) -> str:
    units = user.scope_units()
    return "、".join(u.name for u in units) or "—"


class RecoveryExportView(RecoveryListView):
    """The filtered ledger as a report: title, scope, filters, money unit, and the totals row."""

    permission_required = "enforcement.export_recoveryentry"
    paginate_by = None

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset().order_by("on", "pk")
        totals = selectors.ledger_totals(queryset)
        headers = [_("Date"), _("Entry"), _("Route"), _("Party"), _("Source"), _("Jurisdiction"), _("Reference"),
                   _("Amount (CNY)")]  # fmt: skip
        rows = (
            [e.on, e.get_entry_display(), e.get_route_display(), e.party_display, str(e.source or "—"),
             e.jurisdiction.name, e.reference, e.amount]
            for e in queryset.iterator(chunk_size=2000)
        )  # fmt: skip
        workbook = report_workbook(
            title=_("Recovery ledger"),
            meta=[(_("Unit"), unit_description(request.user)), (_("Filters"), filter_description(self.filterset)),
                  (_("Unit of money"), _("CNY")), (_("Exported at"), f"{timezone.localtime():%Y-%m-%d %H:%M}")],
            headers=headers,
            rows=rows,
            totals=[_("Total"), "", "", "", "", "", "", totals["total"]],
            note=_("Owed %(owed)s, paid %(paid)s, offset %(offset)s, cancelled %(cancelled)s, left %(left)s CNY.")
            % {"owed": totals["owed"], "paid": totals["paid"], "offset": totals["offset"],
               "cancelled": totals["cancelled"], "left": totals["outstanding"]},
        )  # fmt: skip
        return report_response("recoveries", workbook)


class RecoveryBalanceView(RecoveryListView):
    """Balances per institution or per case over the filtered ledger."""

    paginate_by = None
    template_name = "enforcement/recoveries/balances.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by = self.request.GET.get("by")
        context["by"] = by if by in selectors.BALANCE_GROUPS else "institution"
        context["balances"] = selectors.balances(self.object_list, by=context["by"])
        return context


class RecoveryDetailView(RecoveryQuerysetMixin, ScopedMixin, DetailView):
    permission_required = "enforcement.view_recoveryentry"
    template_name = "enforcement/recoveries/entry_detail.html"
    context_object_name = "entry"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obligation = self.object if self.object.entry == RecoveryEntry.Entry.OBLIGATION else self.object.obligation
        context["obligation"] = obligation
        context["settlements"] = obligation.settlements.select_related("recorded_by", "payment").order_by("on", "pk")
        context["outstanding"] = services.balance(obligation)
        user = self.request.user
        if user.has_perm("enforcement.add_recoveryentry", obligation) and context["outstanding"] > 0:
            context["settle_form"] = style_form(SettleForm())
        return context


class RecoverySettleView(RecoveryQuerysetMixin, StepView):
    """Record a payment, an offset or a cancellation against an obligation."""

    permission_required = "enforcement.add_recoveryentry"
    form_class = SettleForm
    done_message = _("Recorded in the ledger.")

    def perform(self, obj, user, data):
        if obj.entry != RecoveryEntry.Entry.OBLIGATION:
            raise ValidationError(_("Only an obligation is settled."))
        services.recovery_settle(obligation=obj, entry=data["entry"], amount=data["amount"], on=data["on"], by=user,
                                 reference=data.get("reference", ""), note=data.get("note", ""))  # fmt: skip


class RecoveryCreateView(ScopedMixin, FormView):
    """Record money owed by an institution outside a case or a measure (self-inspection, review, court)."""

    model = RecoveryEntry
    permission_required = "enforcement.add_recoveryentry"
    form_class = ObligationForm
    template_name = "enforcement/recoveries/entry_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["institutions"] = Institution.objects.visible_to(self.request.user).order_by("code")
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        style_form(form)
        return form

    def form_valid(self, form):
        data = form.cleaned_data
        institution = data["institution"]
        if not self.request.user.has_perm("enforcement.add_recoveryentry", institution):
            form.add_error("institution", _("You may not record obligations for this institution."))
            return self.form_invalid(form)
        try:
            entry = services.recovery_obligation_record(
                route=data["route"], amount=data["amount"], on=data["on"], by=self.request.user,
                institution=institution, reference=data.get("reference", ""), note=data.get("note", ""),
            )  # fmt: skip
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded in the ledger."))
        return redirect("enforcement:recovery-detail", pk=entry.pk)
