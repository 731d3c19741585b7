"""Case services: opening a case and taking procedure actions.

``case_act`` is the one entry point for every action of the procedure table: it locks the case row,
checks role (403), state (409), the action's guards (400), runs the action's handler, and writes the
timeline event and the audit row in the same transaction.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.casefile import selectors as casefile
from enforcement.cases import clocks, gates, penalties
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
from enforcement.cases.procedure import ACTIONS, TABLE, Action
from enforcement.legal import services as legal_services
from enforcement.recoveries import services as recovery_services
from enforcement.rules.models import ViolationType
from portal import audit, bulk, dates
from portal.errors import InvalidState
from portal.numbering import next_number
from portal.outcomes import notify_outcome
from supervision.notifications.services import notify
from supervision.org import services as org_services
from supervision.org.models import OrgUnit, Role, User
from supervision.register.models import Institution

S = CaseState
CASE_FIELDS_AUDITED = [
    "state", "jurisdiction", "filed_on", "decision_due", "extensions", "extended_days", "suspended_from_state",
    "violation_on", "limitation_extended", "notice_served_on", "hearing_request_due", "hearing_requested_on",
    "hearing_notice_on", "hearing_held_on", "hearing_chair", "decided_on", "service_due", "served_on",
    "payment_due", "closed_on", "close_reason", "transferred_to", "outcome", "fine_amount", "return_amount",
    "confiscation_amount", "city_deadline", "archived_at", "manifest_sha256",
]  # fmt: skip


def ensure_writable(case: Case) -> None:
    """An archived case is frozen: it, its evidence, records and documents refuse every write (409).

    Every service that writes something belonging to a case asks this first, under the case's row lock."""
    if case.state == S.ARCHIVED:
        raise InvalidState(_("The case is archived: its file can no longer be changed."))


def _today(value) -> date:
    return value or timezone.localdate()


def _require_text(data: dict, key: str, message: str) -> str:
    value = (data.get(key) or "").strip()
    if not value:
        raise ValidationError({key: message})
    return value


# --- Opening ------------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    by: User,
    title: str,
    institution: Institution | None,
    violation_codes: list[str],
    amount_involved: Decimal,
    lead_received_on: date | None = None,
    party_kind: str = Case.PartyKind.ORGANISATION,
    party_name: str = "",
    facts: str = "",
    is_major: bool = False,
    lead=None,
    violation_on: date | None = None,
    limitation_extended: bool = False,
) -> Case:
    """Open a case in ``filing``; jurisdiction comes from the institution, the filing clock from the lead."""
    if not by.has_perm("enforcement.add_case"):
        raise PermissionDenied(_("Only enforcement officers open cases."))
    errors = {}
    if institution is not None and not Institution.objects.visible_to(by).filter(pk=institution.pk).exists():
        errors["institution"] = [_("Unknown institution.")]  # out of scope reads as unknown
    elif institution is not None and not by.has_perm("enforcement.add_case", institution):
        errors["institution"] = [_("You may not open cases for this institution.")]
    codes = list(dict.fromkeys(violation_codes or []))
    found = {v.code: v for v in ViolationType.objects.filter(code__in=codes, is_active=True)}
    unknown = [c for c in codes if c not in found]
    if not codes:
        errors["violation_codes"] = [_("Give at least one violation code.")]
    elif unknown:
        errors["violation_codes"] = [_("Unknown violation code: %s") % ", ".join(unknown)]
    if errors:
        raise ValidationError(errors)
    # A case opened from a lead counts its filing clock from the day the lead was received.
    received = lead.received_on if lead is not None else _today(lead_received_on)
    if received > timezone.localdate():
        raise ValidationError({"lead_received_on": _("The lead cannot be received in the future.")})
    if violation_on is not None and violation_on > received:
        raise ValidationError({"violation_on": _("The violation precedes its discovery (the lead's date).")})
    jurisdiction = institution.jurisdiction if institution else by.primary_unit
    year = timezone.localdate().year
    case = Case(
        number=f"{jurisdiction.code}-{year}-{next_number(f'case:{jurisdiction.code}', year):04d}",
        title=title.strip(),
        institution=institution,
        party_kind=party_kind,
        party_name=party_name or (institution.name if institution else ""),
        party_address=institution.address if institution else "",
        jurisdiction=jurisdiction,
        amount_involved=amount_involved,
        facts=facts,
        is_major=is_major,
        lead=lead,
        lead_received_on=received,
        filing_due=clocks.filing_due(received),
        violation_on=violation_on,
        limitation_extended=bool(limitation_extended),
        opened_by=by,
    )
    case.full_clean(exclude=["number"])
    case.save()
    case.violation_types.set(found.values())
    if by.has_role(Role.OFFICER):
        CaseOfficer.objects.create(case=case, user=by, is_lead=True)
    CaseEvent.objects.create(case=case, action="open", from_state="", to_state=case.state, actor=by,
                             payload={"violation_codes": codes, "amount_involved": str(amount_involved)})  # fmt: skip
    audit.record(actor=by, verb="open", obj=case, after=audit.snapshot(case))
    return case


# --- Acting -------------------------------------------------------------------------------------------


def case_check_action(*, case: Case, action: str, by: User) -> Action:
    """The guard of the procedure table, in the contract's order: unknown action (ValidationError), role on
    this case (PermissionDenied, 403), state (InvalidState, 409), assignment (403). Returns the action.

    The API asks it before reading the action's input, so a wrong role or state is not reported as bad input;
    ``case_act`` asks it again under the row lock.
    """
    if action not in ACTIONS:
        raise ValidationError({"action": _("Unknown action: %s") % action})
    return TABLE.check(case, action, by)


def case_act(*, case: Case, action: str, by: User, comment: str = "", data: dict | None = None) -> Case:
    """Take one procedure action. Raises PermissionDenied (403), InvalidState (409), ValidationError (400)."""
    if action not in ACTIONS:
        raise ValidationError({"action": _("Unknown action: %s") % action})
    data = dict(data or {})
    with transaction.atomic():
        # Lock the row: a concurrent action on the same case waits here, then sees the new state.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        spec = case_check_action(case=locked, action=action, by=by)
        comment = (comment or "").strip()
        if spec.comment_required and not comment:
            raise ValidationError({"comment": _("Give the reason.")})
        before = audit.snapshot(locked, CASE_FIELDS_AUDITED)
        from_state = locked.state
        handler = HANDLERS[action]
        target, payload = handler(locked, by, comment, data)
        to_state = target or spec.target or from_state
        locked.state = to_state
        locked.save()
        CaseEvent.objects.create(
            case=locked, action=action, from_state=from_state, to_state=to_state, actor=by, comment=comment,
            payload=audit._jsonable(payload or {}),
        )  # fmt: skip
        audit.record(actor=by, verb=action, obj=locked, before=before,
                     after=audit.snapshot(locked, CASE_FIELDS_AUDITED), reason=comment)  # fmt: skip
        _notify_proposer(locked, action, by, comment)
        if action in OUTCOME_KINDS:  # credit events and the like, in this transaction (enforcement.extensions)
            notify_outcome(OUTCOME_KINDS[action], locked, by, payload or {})
    return locked


def cases_act_many(*, ids, action: str, by: User, comment: str = "") -> bulk.BulkReport:
    """Take one batchable procedure action (批量批准立案: ``approve_filing``) on several cases, all or nothing
    (``portal.bulk``): each case goes through ``case_act`` (the table, the action's rules such as two
    certified officers assigned, its own event and audit row) with the shared comment. A case the user does
    not see is refused as "not found"; any refusal ⇒ ``BulkRefused`` and nothing written."""
    if not bulk.is_batchable(TABLE, action):
        raise ValidationError({"action": _("This action cannot be taken on several cases at once.")})
    comment = (comment or "").strip()
    return bulk.bulk_transition(
        TABLE,
        action,
        ids=ids,
        queryset=Case.objects.visible_to(by),
        step=lambda case: case_act(case=case, action=action, by=by, comment=comment),
    )


def _case_label(case: Case) -> str:
    return f"{case.number} {case.title}"


# The proposer is told when their proposal is decided (issue 16): the filing's opener, the report's author.
PROPOSAL_DECIDED = {
    "approve_filing": "filing_approved",
    "reject_filing": "filing_rejected",
    "approve_report": "report_approved",
    "return": "report_returned",
}


def _notify_proposer(case: Case, action: str, by: User, comment: str) -> None:
    verb = PROPOSAL_DECIDED.get(action)
    if verb is None:
        return
    if action in ("approve_filing", "reject_filing"):
        proposers = [case.opened_by]
    else:
        report = case.reports.filter(is_current=True).select_related("proposed_by").first()
        proposers = [report.proposed_by] if report else []
    notify(proposers, verb, target=case, label=_case_label(case), by=by, note=comment)


OUTCOME_KINDS = {
    "decide": "case_decided",
    "transfer": "case_transferred",
    "hand_over_police": "case_transferred",  # the payload says to_police (credit's veto)
    "revoke_decision": "case_revoked",
}


# --- Handlers: each validates its data, changes the locked case, returns (target state or None, payload).


def _officers(case: Case) -> list[User]:
    return [a.user for a in case.assignments.select_related("user")]


def _check_team(case: Case, on: date) -> None:
    team = _officers(case)
    recused = set(case.recusals.values_list("user_id", flat=True))
    certified = [u for u in team if u.has_valid_certificate(on) and u.pk not in recused]
    if len(certified) < 2:
        raise ValidationError(
            {"officers": _("At least two officers with an enforcement certificate valid today must be assigned.")}
        )


def _assign(case: Case, by: User, officer_ids, lead_id=None) -> list[str]:
    officers = list(User.objects.filter(pk__in=officer_ids or [], is_active=True))
    if len(officers) != len(set(officer_ids or [])):
        raise ValidationError({"officers": _("Unknown officer.")})
    recused = set(case.recusals.values_list("user_id", flat=True))
    errors = []
    for officer in officers:
        if officer.pk in recused:
            errors.append(_("%(name)s has declared a conflict of interest (回避) on this case.") % {"name": officer})
        elif not officer.has_perm("enforcement.submit_report", case):
            errors.append(_("%(name)s is not an enforcement officer for this jurisdiction.") % {"name": officer})
        elif not officer.has_valid_certificate():
            errors.append(_("%(name)s has no enforcement certificate valid today.") % {"name": officer})
    if errors:
        raise ValidationError({"officers": errors})
    already = set(case.assignments.values_list("user_id", flat=True))
    case.assignments.exclude(user__in=officers).delete()
    notify([o for o in officers if o.pk not in already], "case_assigned", target=case, label=_case_label(case), by=by)
    lead_id = lead_id or (officers[0].pk if officers else None)
    for officer in officers:
        CaseOfficer.objects.update_or_create(case=case, user=officer, defaults={"is_lead": officer.pk == lead_id})
    return [o.username for o in officers]


def _approve_filing(case, by, comment, data):
    if case.opened_by_id == by.pk:
        raise PermissionDenied(_("Nobody approves their own proposal: another chief must approve the filing."))
    assigned = None
    if data.get("officers"):
        assigned = _assign(case, by, data["officers"], data.get("lead_officer"))
    today = _today(data.get("filed_on"))
    if today > timezone.localdate() or today < case.lead_received_on:
        raise ValidationError({"filed_on": _("The filing date lies between the lead's date and today.")})
    _check_team(case, today)
    case.filed_on = today
    case.decision_due = clocks.case_decision_due(case)
    return None, {"officers": assigned, "decision_due": case.decision_due}


def _reject_filing(case, by, comment, data):
    if case.opened_by_id == by.pk:
        raise PermissionDenied(_("Nobody approves their own proposal."))
    case.closed_on = timezone.localdate()
    case.close_reason = comment
    return None, {}


def _assign_officers(case, by, comment, data):
    assigned = _assign(case, by, data.get("officers"), data.get("lead_officer"))
    if case.state != S.FILING:  # once filed, the team stays at two certified officers
        _check_team(case, timezone.localdate())
    return None, {"officers": assigned}


def _declare_recusal(case, by, comment, data):
    officer = data.get("officer")
    if not isinstance(officer, User):
        officer = User.objects.filter(pk=officer).first()
    if officer is None:
        raise ValidationError({"officer": _("Name the officer who withdraws.")})
    Recusal.objects.get_or_create(case=case, user=officer, defaults={"reason": comment, "declared_by": by})
    case.assignments.filter(user=officer).delete()
    return None, {"officer": officer.username}


def _submit_report(case, by, comment, data):
    outcome = data.get("outcome")
    if outcome not in Case.Outcome.values:
        raise ValidationError({"outcome": _("Choose penalty, no penalty or transfer.")})
    findings = _require_text(data, "findings", _("Write the findings."))
    items = data.get("penalties") or []
    penalties.check_items(case, outcome, items)
    ground = penalties.check_outcome_basis(case, outcome, data.get("no_penalty_ground") or "")
    if outcome == Case.Outcome.TRANSFER and not (data.get("transfer_to") or "").strip():
        raise ValidationError({"transfer_to": _("Name the authority the case goes to.")})
    previous = _notified_report(case)
    if previous is not None:
        new_fine = sum((i["amount"] for i in items if i["kind"] == ProposedPenalty.Kind.FINE), Decimal("0"))
        new_return = sum((i["amount"] for i in items if i["kind"] == ProposedPenalty.Kind.RETURN_FUNDS), Decimal("0"))
        if new_fine > previous.fine_total or new_return > previous.return_total:
            # APL Art 45: the penalty may not be made heavier because the party stated or defended.
            raise ValidationError({"penalties": _(
                "After the prior notice the penalty may not be raised (notified fine %(fine)s, returned funds %(ret)s)."
            ) % {"fine": previous.fine_total, "ret": previous.return_total}})  # fmt: skip
    case.reports.update(is_current=False)
    report = Report.objects.create(
        case=case, outcome=outcome, findings=findings, reasoning=data.get("reasoning", ""),
        transfer_to=data.get("transfer_to", ""), no_penalty_ground=ground, proposed_by=by,
    )  # fmt: skip
    ProposedPenalty.objects.bulk_create(
        ProposedPenalty(report=report, kind=i["kind"], rule=i.get("rule"), amount=i.get("amount") or 0,
                        months=i.get("months") or 0, basis_amount=i.get("basis_amount"))
        for i in items
    )  # fmt: skip
    return None, {"report": report.pk, "outcome": outcome,
                  "penalties": [{**i, "rule": i["rule"].code if i.get("rule") else None} for i in items]}  # fmt: skip


def _notified_report(case):
    """The report that was current when a prior notice was last served, if any."""
    event = case.events.filter(action="issue_notice").order_by("-at", "-pk").first()
    if event is None:
        return None
    return Report.objects.filter(pk=event.payload.get("report")).prefetch_related("penalties").first()


def _return(case, by, comment, data):
    return None, {}


def _approve_report(case, by, comment, data):
    report = gates.current_report(case)
    if report is None:
        raise ValidationError({"report": _("There is no report to approve.")})
    if report.proposed_by_id == by.pk:
        raise PermissionDenied(_("Nobody approves their own proposal."))
    gate = gates.evaluate(case, report)
    if report.outcome == Case.Outcome.TRANSFER:
        raise ValidationError({"action": _("A transfer is made with the transfer action.")})
    if gate["legal_review"].applies:
        return S.LEGAL_REVIEW, {"report": report.pk, "legal_review": gate["legal_review"].reasons}
    if report.outcome == Case.Outcome.NO_PENALTY:
        # No penalty is intended, so there is nothing to give prior notice of (APL Art 44).
        return S.DECIDING, {"report": report.pk}
    return S.NOTIFYING, {"report": report.pk}


def _pass_legal_review(case, by, comment, data):
    if by.pk in {u.pk for u in _officers(case)}:
        raise PermissionDenied(_("The legal reviewer may not be one of the investigating officers."))
    if not by.may_do_legal_review():
        raise PermissionDenied(_(
            "APL Art 58 ¶2: a first-time legal reviewer holds the legal-profession qualification; none is recorded "
            "for %(name)s."
        ) % {"name": by})  # fmt: skip
    report = gates.current_report(case)
    if report is not None and report.outcome == Case.Outcome.NO_PENALTY:
        return S.DECIDING, {"opinion": comment}
    if gates.heard_since_report(case):
        # The review after the hearing (APL Art 58 ¶1(2)) leads to the decision.
        return S.DECIDING, {"opinion": comment, "after_hearing": True}
    return None, {"opinion": comment}


def _issue_notice(case, by, comment, data):
    served = _today(data.get("served_on"))
    if case.filed_on and served < case.filed_on:
        raise ValidationError({"served_on": _("The notice cannot be served before the case was filed.")})
    if served > timezone.localdate():
        raise ValidationError({"served_on": _("The date cannot be in the future.")})
    report = gates.current_report(case)
    case.notice_served_on = served
    case.hearing_request_due = clocks.hearing_request_due(served)
    hearing = gates.evaluate(case, report)["hearing"].applies
    return None, {"report": report.pk if report else None, "hearing_right": hearing,
                  "window_ends": case.hearing_request_due}  # fmt: skip


def _record_statement(case, by, comment, data):
    statement = _require_text(data, "statement", _("Record what the party stated."))
    return None, {"statement": statement, "response": data.get("response", "")}


def _request_hearing(case, by, comment, data):
    if not gates.evaluate(case)["hearing"].applies:
        raise ValidationError({"action": _("The party has no hearing right in this case (domain §5).")})
    requested = _today(data.get("requested_on"))
    if requested < case.notice_served_on or requested > timezone.localdate():
        raise ValidationError({"requested_on": _("The request date lies between the prior notice and today.")})
    if requested > case.hearing_request_due:
        raise ValidationError({"requested_on": _("The request came after the window closed on %(due)s.")
                               % {"due": case.hearing_request_due}})  # fmt: skip
    notice_on = data.get("hearing_notice_on") or requested
    if notice_on < requested:
        raise ValidationError({"hearing_notice_on": _("The hearing notice follows the request.")})
    case.hearing_requested_on = requested
    case.hearing_notice_on = notice_on
    return None, {"requested_on": requested, "hearing_notice_on": notice_on,
                  "hearing_earliest": clocks.hearing_earliest(notice_on)}  # fmt: skip


def _record_hearing(case, by, comment, data):
    held = _today(data.get("held_on"))
    earliest = clocks.hearing_earliest(case.hearing_notice_on)
    if held < earliest:
        raise ValidationError({"held_on": _(
            "The hearing notice is given %(n)s working days before the hearing (APL Arts 64, 85): not before %(day)s."
        ) % {"n": clocks.clock("hearing_notice_working_days"), "day": earliest}})  # fmt: skip
    if held > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    chair = data.get("chair")
    if not isinstance(chair, User):
        chair = User.objects.filter(pk=chair, is_active=True).first()
    if chair is None:
        raise ValidationError({"chair": _("Name the person who chaired the hearing.")})
    if chair.pk in {u.pk for u in _officers(case)}:
        raise ValidationError({"chair": _("The hearing is chaired by someone who did not investigate the case.")})
    _require_text(data, "record", _("Summarise the hearing record."))
    case.hearing_held_on, case.hearing_chair = held, chair
    excluded = legal_services.exclude_hearing(case, by, held)
    return None, {"held_on": held, "chair": chair.username, "record": data["record"], "days_excluded": excluded}


def _close_window(case, by, comment, data):
    today = timezone.localdate()
    if case.hearing_request_due and today <= case.hearing_request_due:
        raise ValidationError({"action": _("The statement window is open until %(due)s.")
                               % {"due": case.hearing_request_due}})  # fmt: skip
    return None, {}


def _record_discussion(case, by, comment, data):
    conclusion = _require_text(data, "conclusion", _("Record the conclusion."))
    participants = _require_text(data, "participants", _("List the participants."))
    purpose = data.get("purpose") or "decision"
    if purpose not in ("decision", "extension"):
        raise ValidationError({"purpose": _("Purpose is decision or extension.")})
    discussion = Discussion.objects.create(
        case=case, held_on=_today(data.get("held_on")), participants=participants, conclusion=conclusion,
        recorded_by=by, purpose=purpose,
    )  # fmt: skip
    return None, {"discussion": discussion.pk, "purpose": purpose}


def _decide(case, by, comment, data):
    report = gates.current_report(case)
    if report is None:
        raise ValidationError({"report": _("There is no approved report to decide on.")})
    if report.proposed_by_id == by.pk:
        raise PermissionDenied(_("Nobody approves their own proposal."))
    gate = gates.evaluate(case, report)
    if gate["collective"].applies:
        if not by.has_role(Role.DIRECTOR):
            raise PermissionDenied(_("This case needs a collective discussion and the director's decision."))
        if not case.discussions.filter(purpose="decision").exists():
            raise ValidationError({"action": _("Record the collective discussion before deciding.")})
    elif not by.has_role(Role.CHIEF, Role.DIRECTOR):
        raise PermissionDenied(_("Your role may not take this action on this case."))
    if gate["legal_review"].applies and not case.events.filter(action="pass_legal_review").exists():
        raise ValidationError({"action": _("Legal review is required before the decision.")})
    if gates.heard_since_report(case) and not gates.reviewed_after_hearing(case):
        raise ValidationError(
            {"action": _("APL Art 58 ¶1(2): after a hearing, the legal review comes before the decision.")}
        )
    if report.outcome == Case.Outcome.PENALTY:
        penalties.check_limitation(case)
    decided = _today(data.get("decided_on"))
    if decided > timezone.localdate() or (case.notice_served_on and decided < case.notice_served_on):
        raise ValidationError({"decided_on": _("The decision date lies between the prior notice and today.")})
    case.decided_on = decided
    case.service_due = clocks.service_due(decided)
    case.outcome = report.outcome
    case.fine_amount = report.fine_total
    case.return_amount = report.return_total
    case.confiscation_amount = report.total(ProposedPenalty.Kind.CONFISCATION)
    return None, {"report": report.pk, "outcome": report.outcome, "fine": case.fine_amount,
                  "return": case.return_amount}  # fmt: skip


def _record_service(case, by, comment, data):
    served = _today(data.get("served_on"))
    if served < case.decided_on:
        raise ValidationError({"served_on": _("Service cannot precede the decision.")})
    if served > timezone.localdate():
        raise ValidationError({"served_on": _("The date cannot be in the future.")})
    case.served_on = served
    case.payment_due = clocks.payment_due(served)
    return None, {"served_on": served, "method": data.get("method", "")}


def _record_payment(case, by, comment, data):
    kind, amount = data.get("kind"), data.get("amount")
    if kind not in Payment.Kind.values:
        raise ValidationError({"kind": _("Choose what was paid.")})
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError({"amount": _("Give a positive amount.")})
    amount = Decimal(amount)
    paid_on = _today(data.get("paid_on"))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    balance = next(b for b in clocks.balances(case, paid_on) if b.kind == kind)
    if amount > balance.outstanding:
        raise ValidationError({"amount": _("More than is outstanding (%(left)s CNY).") % {"left": balance.outstanding}})
    payment = Payment.objects.create(case=case, kind=kind, amount=amount, paid_on=paid_on,
                                     reference=data.get("reference", ""), recorded_by=by)  # fmt: skip
    recovery_services.case_payment_recorded(payment=payment, by=by)  # the recovery ledger (issue 17)
    return None, {"payment": payment.pk, "kind": kind, "amount": amount}


CLOSE_BASES = {
    "settled": gettext_lazy("All amounts settled"),
    "no_penalty": gettext_lazy("No penalty decided"),
    "court_enforcement": gettext_lazy("Court enforcement applied for"),
    "write_off": gettext_lazy("Written off with reason"),
}


def _close(case, by, comment, data):
    basis = data.get("basis") or "settled"
    if basis not in CLOSE_BASES:
        raise ValidationError({"basis": _("Unknown closing basis.")})
    left = clocks.outstanding_total(case)
    if basis in ("settled", "no_penalty") and left > 0:
        message = _(
            "%(left)s CNY is still outstanding: record the payments, or close on court enforcement or write-off "
            "with a reason."
        )
        raise ValidationError({"basis": message % {"left": left}})
    if basis in ("court_enforcement", "write_off") and not comment:
        raise ValidationError({"comment": _("Give the reason and reference.")})
    _check_file(case, closing=True)
    case.closed_on = timezone.localdate()
    label = audit.official_text(CLOSE_BASES[basis])
    case.close_reason = label if not comment else f"{label}：{comment}"
    return None, {"basis": basis, "outstanding": left}


def _transfer(case, by, comment, data):
    to = _require_text(data, "transfer_to", _("Name the authority the case goes to."))
    receipt = _require_text(data, "receipt", _("Give the receipt reference."))
    if data.get("to_police"):
        # 行刑衔接 is a step, not an end: the fund is still recovered and agreement measures continue.
        raise ValidationError({"to_police": _(
            "A transfer to the police does not end the case: report it with “Report a transfer to the police” "
            "(State Council Regulation on transfers of suspected crimes, Arts 5 and 8)."
        )})  # fmt: skip
    case.transferred_to = to
    case.closed_on = timezone.localdate()
    return None, {"transfer_to": to, "receipt": receipt, "to_police": bool(data.get("to_police"))}


def _terminate(case, by, comment, data):
    case.closed_on = timezone.localdate()
    case.close_reason = comment
    return None, {}


def _check_file(case: Case, items=None, *, closing: bool = False) -> None:
    """The case file holds what the case's procedure path requires (before closing and archiving; closing asks
    for the closing approval form too)."""
    missing = casefile.missing_items(case, items, closing=closing)
    if missing:
        raise ValidationError({"file": missing})


def _archive(case, by, comment, data):
    items = casefile.file_items(case)
    _check_file(case, items)
    case.archived_at = timezone.now()
    case.manifest_sha256 = casefile.manifest_sha256(case, items)
    return None, {"manifest_sha256": case.manifest_sha256, "items": len(items)}


def _revoke_decision(case, by, comment, data):
    if not case.decided_on:
        raise InvalidState(_("Only a decided case has a decision to revoke."))
    case.closed_on = case.closed_on or timezone.localdate()
    label = audit.official_text(gettext_lazy("Decision revoked"))
    case.close_reason = f"{label}：{comment}"[:200]
    return None, {"revoked": True, "decided_on": case.decided_on, "outcome": case.outcome}


def _extend(case, by, comment, data):
    raw = data.get("days")
    days = clocks.clock("extension_days") if raw in (None, "") else int(raw)
    if not 1 <= days <= clocks.clock("extension_days"):
        raise ValidationError({"days": _("Extend by 1 to %(max)s days.") % {"max": clocks.clock("extension_days")}})
    if case.extensions >= 1:
        last = case.events.filter(action="extend").order_by("-at", "-pk").first()
        fresh = case.discussions.filter(purpose="extension", recorded_at__gt=last.at).exists() if last else False
        if not fresh:
            raise ValidationError({"days": _("A further extension needs a collective discussion recorded first.")})
        first = case.events.filter(action="extend").order_by("at", "pk").first()
        further = case.extended_days - int(first.payload.get("days") or 0) if first else 0
        cap = clocks.procedure_rules(case.filed_on).further_extension_max_days
        if further + days > cap:
            raise ValidationError({"days": _(
                "Further extensions after the first add up to at most %(cap)s days (Order No.4, configured in the "
                "procedure rules); %(left)s days are left."
            ) % {"cap": cap, "left": max(cap - further, 0)}})  # fmt: skip
    case.extended_days += days
    case.decision_due = clocks.case_decision_due(case)
    case.extensions += 1
    return None, {"days": days, "decision_due": case.decision_due}


def _supervise(case, by, comment, data):
    deadline = data.get("city_deadline")
    if not deadline:
        raise ValidationError({"city_deadline": _("Set the city deadline.")})
    try:
        dates.validate_deadline(deadline)  # from today to five years ahead (issue 13)
    except ValidationError as exc:
        raise ValidationError({"city_deadline": exc.messages}) from None
    case.city_deadline = deadline
    return None, {"city_deadline": deadline}


def _take_over(case, by, comment, data):
    unit = data.get("unit")
    if not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.filter(pk=unit).first()
    if unit is None or unit.kind != OrgUnit.Kind.DIVISION:
        raise ValidationError({"unit": _("Choose the city unit that takes the case over.")})
    old = case.jurisdiction
    if old.pk == unit.pk:
        raise ValidationError({"unit": _("The case is already there.")})
    # The branch keeps sight of the case through a grant to its staff group (and its sub-units').
    for branch_unit in OrgUnit.objects.subtree_of(old):
        group = org_services.unit_group_sync(branch_unit)
        org_services.access_grant(obj=case, to=group, by=by, reason=comment, check=False)
    case.jurisdiction = unit
    return None, {"from": old.code, "to": unit.code}


HANDLERS = {
    "approve_filing": _approve_filing,
    "reject_filing": _reject_filing,
    "assign_officers": _assign_officers,
    "declare_recusal": _declare_recusal,
    "submit_report": _submit_report,
    "return": _return,
    "approve_report": _approve_report,
    "pass_legal_review": _pass_legal_review,
    "issue_notice": _issue_notice,
    "record_statement": _record_statement,
    "request_hearing": _request_hearing,
    "record_hearing": _record_hearing,
    "close_window": _close_window,
    "record_discussion": _record_discussion,
    "decide": _decide,
    "record_service": _record_service,
    "record_payment": _record_payment,
    "close": _close,
    "transfer": _transfer,
    "terminate": _terminate,
    "archive": _archive,
    "revoke_decision": _revoke_decision,
    "extend": _extend,
    "supervise": _supervise,
    "take_over": _take_over,
}
HANDLERS.update(legal_services.HANDLERS)
assert set(HANDLERS) == set(ACTIONS), "every action in the table has a handler"
