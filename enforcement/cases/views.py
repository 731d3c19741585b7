"""Pages of the enforcement app: cases and their procedure actions, agreement actions, the penalty rules."""

from decimal import Decimal
from html import escape  # Django's escape() is this, behind a lazy-string wrapper that costs ~1 µs a call

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import DetailView, FormView, ListView

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases import clocks, gates
from enforcement.cases import services as cases_services
from enforcement.cases.filters import CaseFilter
from enforcement.cases.forms import ACTION_FORMS, CaseOpenForm
from enforcement.cases.models import (
    Case,
    CaseEvent,
    CaseOfficer,
    CaseState,
    Discussion,
    Payment,
    ProposedPenalty,
    Recusal,
    Report,
)
from enforcement.cases.penalties import describe_range
from enforcement.cases.procedure import ACTIONS, TABLE, available_actions
from enforcement.cases.querysets import CLOCK_STATES
from enforcement.cases.selectors import list_cells, next_steps
from enforcement.cases.services import CLOSE_BASES
from enforcement.documents.models import DocumentKind
from enforcement.documents.views import document_panel
from enforcement.evidence.models import Evidence
from enforcement.evidence.views import evidence_panel
from enforcement.legal.models import PaymentPlan
from enforcement.legal.selectors import applicable, legal_panel
from enforcement.records.selectors import record_section
from enforcement.rules.models import PenaltyRule, Thresholds, ViolationType
from enforcement.templatetags.enforcement_tags import state_tone
from portal.exports import xlsx_response
from portal.formatting import money, reverse_parts
from portal.forms import form_errors_from
from portal.mixins import BulkResultView, BulkStepView, FilteredListMixin, ScopedMixin
from portal.permissions import object_perm_checker
from supervision.org.models import AuditEvent, User


class CaseListView(FilteredListMixin, ScopedMixin, ListView):
    model = Case
    permission_required = "enforcement.view_case"
    filterset_class = CaseFilter
    paginate_by = 50
    # Columns a reader may sort by, each served by an index (issue 16).
    sort_orders = {"number": ("number",), "state": ("state", "opened_at", "id")}
    template_name = "enforcement/case_list.html"

    # What a row shows and nothing more (a case has ~45 columns): the clocks are fields of the case, the institution
    # and unit are joined, violations and officers come as plain tuples (selectors.list_cells).
    row_columns = (
        *("number", "title", "is_major", "state", "amount_involved", "party_kind", "party_name"),
        *CLOCK_STATES,
        *("institution", "institution__name", "jurisdiction", "jurisdiction__name"),
    )

    def scoped_queryset(self):
        return (
            Case.objects.visible_to(self.request.user)
            .select_related("institution", "jurisdiction")
            .only(*self.row_columns)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["rows"] = rows = [(case, clocks.running_clocks(case, today)) for case in context["object_list"]]
        context["can_add"] = self.request.user.has_perm("enforcement.add_case")
        # 批量批准: ticks on the chief's approval queue (cases in filing); the service checks each case.
        context["bulk_approve"] = self.request.GET.get("queue") == "approval" and self.request.user.has_perm(
            ACTIONS["approve_filing"].permission
        )
        context["rows_html"] = case_rows_html(
            rows, *list_cells([case.pk for case, _b in rows]), context["bulk_approve"]
        )
        return context


def case_rows_html(rows, violations, officers, bulk_approve: bool) -> SafeString:
    """The case list's rows, written here rather than by the template (issue 19: ~1,400 variable lookups and
    two querysets a row): the same markup the row template wrote, every value escaped."""
    url_before, url_after = reverse_parts("enforcement:case-detail")
    major = escape(_("major"))
    lead = escape(pgettext("lead officer", "lead"))
    choose = escape(_("Choose"))
    state_labels = {key: escape(str(label)) for key, label in CaseState.choices}
    parts = []
    for case, badges in rows:
        number = escape(case.number)
        if bulk_approve:
            tick = (
                f'<input class="form-check-input" type="checkbox" name="ids" value="{case.pk}" form="bulk-approve" '
                f'aria-label="{choose} {number}">'
                if case.state == CaseState.FILING
                else ""
            )
            tick = f'<td class="d-print-none">{tick}</td>'
        else:
            tick = ""
        title = escape(case.title) + (f' <span class="badge text-bg-danger">{major}</span>' if case.is_major else "")
        state = state_labels.get(case.state) or escape(case.state or "")
        cited = "、".join(
            f'<span title="{escape(code)}">{escape(name)}</span>' for code, name in violations.get(case.pk, ())
        )
        team = (
            "、".join(escape(name) + (f"（{lead}）" if is_lead else "") for name, is_lead in officers.get(case.pk, ()))
            or "—"
        )
        clock_badges = "".join(_badge_html(badge) for badge in badges) or '<span class="text-muted">—</span>'
        parts.append(
            f"\n    <tr>\n      {tick}\n"
            f'      <td class="text-nowrap"><a href="{url_before}{case.pk}{url_after}">{number}</a></td>\n'
            f"      <td>{title}</td>\n"
            f"      <td>{escape(case.party_display)}</td>\n"
            f"      <td>{escape(case.jurisdiction.name)}</td>\n"
            f'      <td><span class="badge text-bg-{escape(state_tone(case.state))}">{state}</span></td>\n'
            f'      <td class="small">{cited}</td>\n'
            f'      <td class="text-end text-nowrap">{escape(money(case.amount_involved))}</td>\n'
            f'      <td class="small">{team}</td>\n'
            f'      <td class="small">{clock_badges}</td>\n'
            f"    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 — every value above went through escape()


def _badge_html(badge) -> str:
    text = f"{escape(badge.label)} {badge.due.isoformat()}"
    if badge.days_left < 0:
        text += " · " + _("overdue by %(days)s d") % {"days": abs(badge.days_left)}
    elif badge.tone == "warning":
        text += " · " + _("%(days)s d left") % {"days": badge.days_left}
    return f'<span class="badge text-bg-{escape(badge.tone)} me-1">{text}</span>'


class CaseExportView(CaseListView):
    """The filtered list as an Excel file: same scope, same filters."""

    permission_required = "enforcement.export_case"
    paginate_by = None

    def scoped_queryset(self):
        return (
            Case.objects.visible_to(self.request.user)
            .select_related("institution", "jurisdiction")
            .prefetch_related("violation_types", Prefetch("assignments", CaseOfficer.objects.select_related("user")))
        )

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        queryset = self.get_queryset().order_by("number")
        headers = [
            _("Case number"),
            _("Title"),
            _("Party"),
            _("Institution code"),
            _("Jurisdiction"),
            _("State"),
            _("Violations"),
            _("Amount involved (CNY)"),
            _("Officers"),
            _("Opened at"),
            _("Filing decision due"),
            _("Decision due"),
            _("Overdue"),
            _("Outcome"),
            _("Fine (CNY)"),
            _("Funds to return (CNY)"),
        ]
        rows = (
            [
                case.number,
                case.title,
                case.party_display,
                case.institution.code if case.institution_id else "",
                case.jurisdiction.name,
                case.get_state_display(),
                "、".join(v.name for v in case.violation_types.all()),
                case.amount_involved,
                "、".join(str(a.user) for a in case.assignments.all()),
                case.opened_at,
                case.filing_due,
                case.decision_due,
                _("yes") if any(b.days_left < 0 for b in clocks.running_clocks(case, today)) else "",
                case.get_outcome_display(),
                case.fine_amount,
                case.return_amount,
            ]
            for case in queryset.iterator(chunk_size=2000)
        )
        return xlsx_response("cases", headers, rows)


class CaseCreateView(ScopedMixin, FormView):
    model = Case
    permission_required = "enforcement.add_case"
    form_class = CaseOpenForm
    template_name = "enforcement/case_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        institution = self.request.GET.get("institution", "")
        if institution.isdigit():
            initial["institution"] = institution
        return initial

    def form_valid(self, form):
        try:
            case = cases_services.case_open(by=self.request.user, **form.to_kwargs())
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Case %(number)s opened.") % {"number": case.number})
        return redirect(case)


# Keys of CaseEvent.payload, as the timeline shows them.
PAYLOAD_LABELS = {
    "officers": gettext_lazy("Officers"),
    "officer": gettext_lazy("Officer"),
    "decision_due": gettext_lazy("Decision due"),
    "outcome": gettext_lazy("Outcome"),
    "penalties": gettext_lazy("Penalty items"),
    "legal_review": gettext_lazy("Legal review"),
    "opinion": gettext_lazy("Opinion"),
    "hearing_right": gettext_lazy("Hearing right"),
    "window_ends": gettext_lazy("Window ends"),
    "statement": gettext_lazy("Statement"),
    "response": gettext_lazy("Response"),
    "requested_on": gettext_lazy("Requested on"),
    "hearing_notice_on": gettext_lazy("Hearing notice given on"),
    "held_on": gettext_lazy("Held on"),
    "chair": gettext_lazy("Chaired by"),
    "record": gettext_lazy("Record"),
    "purpose": gettext_lazy("Purpose"),
    "fine": gettext_lazy("Fine"),
    "return": gettext_lazy("Funds to return"),
    "served_on": gettext_lazy("Served on"),
    "method": gettext_lazy("Method of service"),
    "kind": gettext_lazy("Kind"),
    "amount": gettext_lazy("Amount"),
    "basis": gettext_lazy("Closing basis"),
    "outstanding": gettext_lazy("Outstanding"),
    "transfer_to": gettext_lazy("Transfer to"),
    "receipt": gettext_lazy("Receipt reference"),
    "to_police": gettext_lazy("To the police"),
    "days": gettext_lazy("Days"),
    "city_deadline": gettext_lazy("City deadline"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "violation_codes": gettext_lazy("Violation codes"),
    "amount_involved": gettext_lazy("Amount involved"),
    "number": gettext_lazy("Document number"),
    "version": gettext_lazy("Version"),
    "sha256": "SHA-256",
    "from_state": gettext_lazy("State before"),
    "suspended_on": gettext_lazy("Suspended on"),
    "hearing_earliest": gettext_lazy("Earliest hearing date"),
    "items": gettext_lazy("Items in the case file"),
    "manifest_sha256": gettext_lazy("SHA-256 of the manifest"),
    "accepted": gettext_lazy("Accepted"),
    "approved": gettext_lazy("Approved"),
    "approval_due": gettext_lazy("Approval due"),
    "feedback_on": gettext_lazy("Feedback on"),
    "handover_due": gettext_lazy("Handover due"),
    "late": gettext_lazy("Late"),
    "police": gettext_lazy("Police authority"),
}
# Keys whose values are amounts of money: with thousands separators, as everywhere.
PAYLOAD_MONEY = {"amount", "amount_involved", "fine", "return", "outstanding"}
# Keys whose values name people by login: shown by name.
PAYLOAD_PEOPLE = {"officers", "officer", "chair"}


# Ids of records shown elsewhere on the page.
PAYLOAD_HIDDEN = {"report", "discussion", "payment"}


VALUE_LABELS = {
    **dict(Case.Outcome.choices),
    **dict(ProposedPenalty.Kind.choices),
    **dict(Payment.Kind.choices),
    **dict(DocumentKind.choices),
    **CLOSE_BASES,
    "decision": gettext_lazy("Decision"),
    "extension": gettext_lazy("Extension"),
}


def _flat(value, names=None) -> str:
    names = names or {}
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        # A penalty item {"kind", "rule", "amount"}: the rule by its title, not its code.
        return " ".join(
            str(names.get(("rule", v), v)) if k == "rule" else money(v) if k == "amount" else _flat(v, names)
            for k, v in value.items()
            if v not in (None, "", [], {}) and k != "basis_amount"
        )
    if isinstance(value, list):
        return "、".join(_flat(v, names) for v in value)
    if isinstance(value, str) and value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    return str(value)


def _payload_value(key, value, names) -> str:
    if key in PAYLOAD_PEOPLE:
        people = value if isinstance(value, list) else [value]
        return "、".join(str(names.get(("user", person), person)) for person in people)
    if key == "violation_codes" and isinstance(value, list):
        return "、".join(str(names.get(("violation", code), code)) for code in value)
    if key in PAYLOAD_MONEY:
        return money(value)
    if key == "from_state":
        return str(dict(CaseState.choices).get(value, value))
    return _flat(value, names)


def payload_summary(payload, names=None) -> list[tuple[str, str]]:
    """The event's payload as (label, text) pairs, e.g. ("Officers", "王建华、李娜"); ``names`` maps
    ("user", login), ("violation", code) and ("rule", code) to the names shown (``payload_names``)."""
    if not isinstance(payload, dict):
        return []
    names = names or {}
    return [
        (str(PAYLOAD_LABELS.get(key, key)), _payload_value(key, value, names))
        for key, value in payload.items()
        if key not in PAYLOAD_HIDDEN and value not in (None, "", [], {})
    ]


def payload_names(payloads) -> dict:
    """The names of the people, violation types and penalty rules the payloads name by code, in three
    queries whatever the number of events."""
    logins, codes, rules = set(), set(), set()
    for payload in payloads:
        if not isinstance(payload, dict):
            continue
        for key in PAYLOAD_PEOPLE & payload.keys():
            value = payload[key]
            logins.update(value if isinstance(value, list) else [value])
        codes.update(payload.get("violation_codes") or [])
        rules.update(item.get("rule") for item in payload.get("penalties") or [] if isinstance(item, dict))
    names = {}
    if logins:
        for user in User.objects.filter(username__in=[v for v in logins if isinstance(v, str)]):
            names["user", user.username] = str(user)
    if codes:
        names.update((("violation", code), name) for code, name in
                     ViolationType.objects.filter(code__in=codes).values_list("code", "name"))  # fmt: skip
    if rules:
        names.update((("rule", code), title) for code, title in
                     PenaltyRule.objects.filter(code__in=rules).values_list("code", "title"))  # fmt: skip
    return names


def timeline_rows(events) -> list:
    """(event, action label, payload summary) for each event of a case's timeline."""
    events = list(events)
    names = payload_names(e.payload for e in events)
    return [(e, event_label(e.action), payload_summary(e.payload, names)) for e in events]


def event_label(action: str) -> str:
    if action == "open":
        return _("Case opened")
    if action == "issue_document":
        return _("Document issued")
    spec = ACTIONS.get(action)
    return str(spec.label) if spec else action


def case_detail_queryset(user):
    reports = Report.objects.select_related("proposed_by").prefetch_related(
        Prefetch("penalties", ProposedPenalty.objects.select_related("rule").order_by("pk"))
    )
    return (
        Case.objects.visible_to(user)
        # hearing_record: the document buttons ask for it (issue 15).
        .select_related("institution", "jurisdiction__parent", "opened_by", "hearing_chair", "hearing_record")
        .prefetch_related(
            Prefetch("violation_types", ViolationType.objects.select_related("rule")),
            Prefetch("assignments", CaseOfficer.objects.select_related("user")),
            Prefetch("recusals", Recusal.objects.select_related("user", "declared_by")),
            Prefetch("reports", reports),
            Prefetch("events", CaseEvent.objects.select_related("actor")),
            Prefetch("discussions", Discussion.objects.select_related("recorded_by")),
            Prefetch("evidence", Evidence.objects.select_related("collected_by", "superseded_by")),
            Prefetch("payments", Payment.objects.select_related("recorded_by")),
            Prefetch("agreement_actions", AgreementAction.objects.select_related("institution")),
            "pauses",
            "police_transfers",
            Prefetch("payment_plans", PaymentPlan.objects.prefetch_related("instalments")),
        )
    )


def penalty_rows(case, report) -> list[tuple]:
    """(item, allowed range text) for each proposed penalty; the range is given for fines."""
    if report is None:
        return []
    rows = []
    for item in report.penalties.all():
        text = ""
        if item.kind == ProposedPenalty.Kind.FINE and item.rule_id:
            text = describe_range(item.rule, item.basis_amount or case.amount_involved)
        rows.append((item, text))
    return rows


class CaseDetailView(ScopedMixin, DetailView):
    model = Case
    permission_required = "enforcement.view_case"
    template_name = "enforcement/case_detail.html"

    def scoped_queryset(self):
        return case_detail_queryset(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, user = self.object, self.request.user
        today = timezone.localdate()
        thresholds = Thresholds.objects.current()
        report = gates.current_report(case)
        balances = clocks.balances(case, today)
        actions = applicable(available_actions(case, user, has_perm=object_perm_checker(user, [case])), case)
        context.update(
            badges=clocks.running_clocks(case, today),
            thresholds=thresholds,
            gates=list(gates.evaluate(case, report, thresholds).values()),
            report=report,
            penalty_rows=penalty_rows(case, report),
            earlier_reports=[r for r in case.reports.all() if not r.is_current],
            balances=balances,
            show_balances=any(b.due or b.paid for b in balances),
            outstanding=sum((b.outstanding for b in balances), Decimal("0")),
            timeline=timeline_rows(case.events.all()),
            actions=actions,
            next_steps=next_steps(case, user, actions=actions, thresholds=thresholds, today=today),
            can_propose_measure=case.institution_id is not None
            and user.has_perm("enforcement.add_agreementaction", case),
            audit_events=AuditEvent.objects.history_of(case),
            **document_panel(case, user),
            **evidence_panel(case, user),
            **legal_panel(case, report, today),
            **record_section(case, user),
        )
        return context


def band_range(band, amount: Decimal) -> str:
    if band.min_multiple is not None and band.max_multiple is not None:
        low, high = (
            (amount * band.min_multiple).quantize(Decimal("0.01")),
            (amount * band.max_multiple).quantize(Decimal("0.01")),
        )
        return f"{band.min_multiple.normalize()}–{band.max_multiple.normalize()}× · {low:,.2f}–{high:,.2f}"
    if band.min_amount is not None and band.max_amount is not None:
        return f"{band.min_amount:,.2f}–{band.max_amount:,.2f}"
    return "—"


def rules_for_case(case) -> list[dict]:
    """Every penalty rule with its allowed range for the case's amount involved and its discretion bands;
    the rules the case's violation codes fall under come first."""
    own = {v.rule_id for v in case.violation_types.all() if v.rule_id}
    rules = PenaltyRule.objects.prefetch_related("bands")
    rows = [
        {
            "rule": rule,
            "range": describe_range(rule, case.amount_involved),
            "bands": [(band, band_range(band, case.amount_involved)) for band in rule.bands.all()],
            "applies": rule.pk in own,
        }
        for rule in rules
    ]
    return sorted(rows, key=lambda row: not row["applies"])


class CaseActionView(ScopedMixin, FormView):
    """GET: the action's form with its help; POST: validate, call ``case_act``, back to the case.

    Checks in the contract's order: role anywhere (403), scope (404), role on this case (403), state (409),
    assignment (403). A refused or invalid POST changes nothing.
    """

    model = Case
    template_name = "enforcement/case_action.html"
    object_view = True

    def get_permission_required(self) -> str:
        self.spec = ACTIONS.get(self.kwargs["action"])
        if self.spec is None:
            raise Http404(_("Not found."))
        return self.spec.permission

    def scoped_queryset(self):
        return case_detail_queryset(self.request.user)

    def get_object(self, queryset=None):
        case = super().get_object(queryset)
        self.object = case
        cases_services.case_check_action(case=case, action=self.spec.name, by=self.request.user)
        return case

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except cases_services.InvalidState as exc:
            context = {"object": self.object, "action": self.spec, "message": str(exc)}
            return TemplateResponse(request, "enforcement/case_action_conflict.html", context, status=409)

    def get_form_class(self):
        return ACTION_FORMS[self.spec.name]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(case=self.object, user=self.request.user)
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.spec.comment_required:
            form.fields["comment"].required = True
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        context.update(object=case, action=self.spec, badges=clocks.running_clocks(case))
        if self.spec.name == "submit_report":
            context["formset"] = context["form"].penalty_formset
            context["rule_rows"] = rules_for_case(case)
            context["thresholds"] = Thresholds.objects.current()
        return context

    def form_valid(self, form):
        try:
            cases_services.case_act(
                case=self.object,
                action=self.spec.name,
                by=self.request.user,
                comment=form.cleaned_data.get("comment", ""),
                data=form.to_data(),
            )
        except ValidationError as exc:
            form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Done: %(action)s.") % {"action": self.spec.label})
        return redirect(self.object)


class CaseBulkApproveFilingView(BulkStepView):
    """批量批准立案 from the chief's approval queue: the ticked cases, one shared comment, all or nothing
    (``cases_act_many``: each case through ``case_act``, audited on its own)."""

    model = Case
    table = TABLE
    step = "approve_filing"
    result_url = "enforcement:case-bulk-result"
    session_key = "enforcement:case-bulk-result"
    template_name = "enforcement/case_bulk_confirm.html"

    @property
    def list_url(self):
        return reverse("enforcement:case-list") + "?queue=approval"

    def run(self, *, ids, by, comment):
        return cases_services.cases_act_many(ids=ids, action=self.step, by=by, comment=comment)

    def describe(self, obj) -> str:
        return f"{obj.number} {obj.title}"

    def confirm_queryset(self, ids):
        return (
            super()
            .confirm_queryset(ids)
            .select_related("institution", "jurisdiction")
            .prefetch_related(Prefetch("assignments", CaseOfficer.objects.select_related("user")))
            .order_by("number")
        )


class CaseBulkResultView(BulkResultView):
    model = Case
    permission_required = "enforcement.view_case"
    table = TABLE
    session_key = CaseBulkApproveFilingView.session_key

    @property
    def fallback_url(self):
        return reverse("enforcement:case-list")
