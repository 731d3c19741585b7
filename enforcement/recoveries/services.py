"""Writes to the recovery ledger. Each runs in the caller's transaction (or its own) and writes an audit row.

The services that create an obligation call in here in their own transaction: a decision (its order to return,
fine and confiscation), an applied agreement measure (refused payment, recovery, liquidated damages), a case
payment (and the surcharge it pays). Revoking the decision or the measure cancels what is still owed; what was
paid stays paid. A transfer to the police does not close an obligation.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.recoveries.models import ZERO, RecoveryEntry
from portal import audit

E, R = RecoveryEntry.Entry, RecoveryEntry.Route
AUDITED = ["entry", "route", "amount", "on", "obligation", "case", "agreement_action", "payment", "reference"]

# Case payment kinds (enforcement.Payment.Kind) → ledger routes.
PAYMENT_ROUTES = {"return_funds": R.RETURN_ORDER, "fine": R.FINE, "confiscation": R.CONFISCATION,
                  "surcharge": R.SURCHARGE}  # fmt: skip
# Agreement measures that create an obligation; a refused payment is settled at once by withholding it.
ACTION_ROUTES = {"refuse_payment": R.REFUSE_PAYMENT, "recover": R.RECOVER, "liquidated_damages": R.LIQUIDATED_DAMAGES}


def balance(obligation: RecoveryEntry) -> Decimal:
    """What is still owed on one obligation."""
    settled = obligation.settlements.aggregate(total=Sum("amount"))["total"] or ZERO
    return obligation.amount - settled


def _ensure_writable(case) -> None:
    # Imported here: enforcement.cases.services imports this module.
    from enforcement.cases.services import ensure_writable

    ensure_writable(case)


def _write(entry: RecoveryEntry, by) -> RecoveryEntry:
    entry.full_clean()
    entry.save()
    audit.record(actor=by, verb=f"ledger_{entry.entry}", obj=entry, after=audit.snapshot(entry, AUDITED),
                 reason=entry.note)  # fmt: skip
    return entry


@transaction.atomic
def recovery_obligation_record(
    *, route: str, amount, on: date, by, case=None, agreement_action=None, institution=None, inspection=None,
    lead=None, jurisdiction=None, party_name: str = "", reference: str = "", note: str = "",
) -> RecoveryEntry:  # fmt: skip
    """Record money owed to the fund (or the treasury) and the record it comes from."""
    if case is not None:
        _ensure_writable(case)
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Give a positive amount.")})
    source = case or agreement_action or inspection or lead
    institution = institution or getattr(source, "institution", None)
    jurisdiction = jurisdiction or getattr(source, "jurisdiction", None) or getattr(institution, "jurisdiction", None)
    if jurisdiction is None:
        raise ValidationError({"jurisdiction": _("The obligation needs the unit that holds it.")})
    entry = RecoveryEntry(
        entry=E.OBLIGATION, route=route, amount=amount, on=on, case=case, agreement_action=agreement_action,
        institution=institution, inspection=inspection, lead=lead, jurisdiction=jurisdiction,
        party_name=party_name or (case.party_display if case is not None else ""), reference=reference, note=note,
        recorded_by=by if getattr(by, "pk", None) else None,
    )  # fmt: skip
    return _write(entry, by)


@transaction.atomic
def recovery_settle(
    *, obligation: RecoveryEntry, entry: str, amount, on: date, by, payment=None, reference: str = "", note: str = ""
) -> RecoveryEntry:
    """Reduce an obligation by a payment, an offset against the institution's settlement, or a cancellation."""
    obligation = RecoveryEntry.objects.select_for_update().get(pk=obligation.pk)
    if obligation.case_id:
        _ensure_writable(obligation.case)
    if obligation.entry != E.OBLIGATION or entry == E.OBLIGATION:
        raise ValidationError({"entry": _("Only an obligation is settled, by a payment, an offset or a cancellation.")})
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Give a positive amount.")})
    left = balance(obligation)
    if amount > left:
        raise ValidationError({"amount": _("More than is outstanding (%(left)s CNY).") % {"left": left}})
    settlement = RecoveryEntry(
        entry=entry, route=obligation.route, amount=amount, on=on, obligation=obligation,
        institution_id=obligation.institution_id, party_name=obligation.party_name, case_id=obligation.case_id,
        agreement_action_id=obligation.agreement_action_id, inspection_id=obligation.inspection_id,
        lead_id=obligation.lead_id, jurisdiction_id=obligation.jurisdiction_id, payment=payment,
        reference=reference, note=note, recorded_by=by if getattr(by, "pk", None) else None,
    )  # fmt: skip
    return _write(settlement, by)


def _cancel_outstanding(obligations, by, on: date, note: str) -> None:
    for obligation in obligations:
        left = balance(obligation)
        if left > 0:
            recovery_settle(obligation=obligation, entry=E.CANCELLATION, amount=left, on=on, by=by, note=note)


# --- Hooks called by the services that create obligations (same transaction) ----------------------------------


def case_decided(*, case, by) -> None:
    """A penalty decision orders funds returned, a fine and a confiscation: one obligation each."""
    if case.outcome != "penalty":
        return
    for route, amount in ((R.RETURN_ORDER, case.return_amount), (R.FINE, case.fine_amount),
                          (R.CONFISCATION, case.confiscation_amount)):  # fmt: skip
        if amount and amount > 0 and not case.ledger_entries.filter(entry=E.OBLIGATION, route=route).exists():
            recovery_obligation_record(route=route, amount=amount, on=case.decided_on, by=by, case=case,
                                       note=_("Penalty decision"))  # fmt: skip


def case_payment_recorded(*, payment, by) -> RecoveryEntry:
    """A payment on a case settles its obligation; a surcharge is owed as it is paid (it accrues daily)."""
    route = PAYMENT_ROUTES[payment.kind]
    case = payment.case
    obligation = case.ledger_entries.filter(entry=E.OBLIGATION, route=route).order_by("pk").first()
    if route == R.SURCHARGE:
        obligation = recovery_obligation_record(route=route, amount=payment.amount, on=payment.paid_on, by=by,
                                                case=case, note=_("Late-payment surcharge"))  # fmt: skip
    elif obligation is None:  # decided before the ledger existed and not migrated: owe what the decision says
        owed = {R.RETURN_ORDER: case.return_amount, R.FINE: case.fine_amount,
                R.CONFISCATION: case.confiscation_amount}[route]  # fmt: skip
        obligation = recovery_obligation_record(route=route, amount=max(owed, payment.amount),
                                                on=case.decided_on or payment.paid_on, by=by, case=case)  # fmt: skip
    return recovery_settle(obligation=obligation, entry=E.PAYMENT, amount=payment.amount, on=payment.paid_on, by=by,
                           payment=payment, reference=payment.reference)  # fmt: skip


def agreement_action_applied(*, action, by) -> None:
    route = ACTION_ROUTES.get(action.kind)
    if route is None or not action.amount or action.ledger_entries.filter(entry=E.OBLIGATION).exists():
        return
    on = timezone.localdate(action.applied_at) if action.applied_at else timezone.localdate()
    obligation = recovery_obligation_record(route=route, amount=action.amount, on=on, by=by, agreement_action=action,
                                            note=action.get_kind_display())  # fmt: skip
    if route == R.REFUSE_PAYMENT:  # the claim is not paid: withheld from the institution's settlement at once
        recovery_settle(obligation=obligation, entry=E.OFFSET, amount=action.amount, on=on, by=by,
                        note=_("Withheld from the settlement"))  # fmt: skip


def on_outcome(*, kind: str, source, by, data: dict) -> None:
    """Outcome hook (enforcement.extensions): decisions and measures create obligations; revoking cancels them."""
    today = timezone.localdate()
    if kind == "case_decided":
        case_decided(case=source, by=by)
    elif kind == "case_revoked":
        _cancel_outstanding(source.ledger_entries.filter(entry=E.OBLIGATION), by, today, _("Decision revoked"))
    elif kind == "agreement_action_applied":
        agreement_action_applied(action=source, by=by)
    elif kind == "agreement_action_revoked":
        _cancel_outstanding(source.ledger_entries.filter(entry=E.OBLIGATION), by, today, _("Measure revoked"))


# --- Bulk: records written in bulk (the bench data set) get their ledger lines the same way -------------------


def ledger_backfill(**_context) -> dict:
    """Ledger lines for decided cases, case payments and applied measures that have none (bulk-written records:
    ``settings.BENCH_SEEDERS``). The same lines the hooks above write, in batches, with one summary audit row."""
    from bench.seed_supervision import bulk, record_bulk
    from enforcement.agreement_actions.models import AgreementAction
    from enforcement.cases.models import Case, Payment

    cases = (
        Case.objects.filter(outcome="penalty", decided_on__isnull=False, ledger_entries__isnull=True)
        .only("pk", "institution_id", "jurisdiction_id", "party_name", "opened_by_id", "decided_on",
              "return_amount", "fine_amount", "confiscation_amount")
    )  # fmt: skip
    obligations = []
    for case in cases.iterator(chunk_size=2000):
        for route, amount in ((R.RETURN_ORDER, case.return_amount), (R.FINE, case.fine_amount),
                              (R.CONFISCATION, case.confiscation_amount)):  # fmt: skip
            if amount and amount > 0:
                obligations.append(RecoveryEntry(
                    entry=E.OBLIGATION, route=route, amount=amount, on=case.decided_on, case_id=case.pk,
                    institution_id=case.institution_id, jurisdiction_id=case.jurisdiction_id,
                    party_name=case.party_name, recorded_by_id=case.opened_by_id,
                ))  # fmt: skip
    obligations = bulk(RecoveryEntry, obligations)
    owed = {(o.case_id, o.route): o for o in obligations}
    settlements = []
    payments = Payment.objects.filter(ledger_entry__isnull=True).select_related("case").order_by("paid_on", "pk")
    for payment in payments.iterator(chunk_size=2000):
        route, case = PAYMENT_ROUTES[payment.kind], payment.case
        obligation = owed.get((case.pk, route))
        if obligation is None or route == R.SURCHARGE:
            obligation = RecoveryEntry.objects.create(
                entry=E.OBLIGATION, route=route, amount=payment.amount, on=payment.paid_on, case_id=case.pk,
                institution_id=case.institution_id, jurisdiction_id=case.jurisdiction_id, party_name=case.party_name,
                recorded_by_id=payment.recorded_by_id,
            )  # fmt: skip
            obligations.append(obligation)
        settlements.append(RecoveryEntry(
            entry=E.PAYMENT, route=route, amount=payment.amount, on=payment.paid_on, obligation=obligation,
            payment_id=payment.pk, case_id=case.pk, institution_id=case.institution_id,
            jurisdiction_id=case.jurisdiction_id, party_name=case.party_name, reference=payment.reference,
            recorded_by_id=payment.recorded_by_id,
        ))  # fmt: skip
    bulk(RecoveryEntry, settlements)
    measures = AgreementAction.objects.filter(
        kind__in=list(ACTION_ROUTES), state__in=["applied", "ended"], amount__gt=0, ledger_entries__isnull=True
    )
    for action in measures.iterator(chunk_size=2000):
        on = timezone.localdate(action.applied_at) if action.applied_at else action.proposed_at.date()
        obligation = RecoveryEntry.objects.create(
            entry=E.OBLIGATION, route=ACTION_ROUTES[action.kind], amount=action.amount, on=on,
            agreement_action_id=action.pk, institution_id=action.institution_id,
            jurisdiction_id=action.jurisdiction_id, recorded_by_id=action.proposed_by_id,
        )  # fmt: skip
        obligations.append(obligation)
        if action.kind == "refuse_payment":
            settlements.append(RecoveryEntry.objects.create(
                entry=E.OFFSET, route=R.REFUSE_PAYMENT, amount=action.amount, on=on, obligation=obligation,
                agreement_action_id=action.pk, institution_id=action.institution_id,
                jurisdiction_id=action.jurisdiction_id, recorded_by_id=action.proposed_by_id,
            ))  # fmt: skip
    count = len(obligations) + len(settlements)
    if count:
        record_bulk(model=RecoveryEntry, count=count, what="ledger lines of bulk-written decisions and payments")
    return {"ledger lines written in bulk": count}
