"""The recovery ledger (issue 17): written by the services that create obligations, in their transaction and
audited; payments and offsets settle them; revoking cancels what is still owed; scoped like every record."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enforcement.agreement_actions.services import (
    agreement_action_apply,
    agreement_action_approve,
    agreement_action_propose,
)
from enforcement.cases.models import Payment
from enforcement.recoveries.models import RecoveryEntry
from enforcement.recoveries.selectors import balances, ledger_totals
from enforcement.recoveries.services import balance, recovery_obligation_record, recovery_settle
from supervision.org.models import AuditEvent

D = Decimal
E, R = RecoveryEntry.Entry, RecoveryEntry.Route


def owed(case, route):
    return case.ledger_entries.get(entry=E.OBLIGATION, route=route)


def test_a_penalty_decision_owes_its_return_order_and_fine(driver):
    case = driver.case_in("decided")
    assert owed(case, R.RETURN_ORDER).amount == case.return_amount > 0
    assert owed(case, R.FINE).amount == case.fine_amount > 0
    assert owed(case, R.FINE).on == case.decided_on
    assert owed(case, R.FINE).jurisdiction_id == case.jurisdiction_id
    assert AuditEvent.objects.for_object(owed(case, R.FINE)).filter(verb="ledger_obligation").exists()


def test_a_no_penalty_decision_owes_nothing(driver):
    case = driver.to(driver.open(), "decided", outcome="no_penalty")
    assert not case.ledger_entries.exists()


def test_case_payments_settle_their_obligations(driver):
    case = driver.case_in("executing")
    case = driver.pay_all(case)
    for payment in Payment.objects.filter(case=case):
        entry = payment.ledger_entry
        assert (entry.entry, entry.amount, entry.on) == (E.PAYMENT, payment.amount, payment.paid_on)
    assert balance(owed(case, R.FINE)) == 0 and balance(owed(case, R.RETURN_ORDER)) == 0


def test_revoking_the_decision_cancels_what_is_still_owed(driver):
    case = driver.case_in("executing")
    case = driver.act(case, "record_payment", kind="fine", amount=D("1000"), paid_on=case.served_on)
    driver.act(case, "revoke_decision")
    fine = owed(case, R.FINE)
    assert balance(fine) == 0
    cancelled = fine.settlements.get(entry=E.CANCELLATION)
    assert cancelled.amount == fine.amount - D("1000")  # what was paid stays paid
    assert fine.settlements.filter(entry=E.PAYMENT).count() == 1


def test_a_transfer_to_the_police_does_not_close_an_obligation(driver):
    case = driver.case_in("executing")
    driver.act(case, "transfer", transfer_to="公安局", receipt="回执1")
    assert balance(owed(case, R.FINE)) == case.fine_amount


def test_applied_measures_owe_and_a_refused_payment_is_offset_at_once(cast, b01_institution, b01_agreement):
    def applied(kind, amount):
        action = agreement_action_propose(by=cast.b01_fund, institution=b01_institution, kind=kind, grounds="违规",
                                          agreement=b01_agreement, amount=D(amount))  # fmt: skip
        action = agreement_action_approve(action=action, by=cast.b01_chief)
        return agreement_action_apply(action=action, by=cast.b01_fund)

    recover = applied("recover", "26800")
    refuse = applied("refuse_payment", "5000")
    obligation = recover.ledger_entries.get(entry=E.OBLIGATION)
    assert (obligation.route, obligation.amount, obligation.institution) == (R.RECOVER, D("26800"), b01_institution)
    assert balance(obligation) == D("26800")
    refused = refuse.ledger_entries.get(entry=E.OBLIGATION)
    assert balance(refused) == 0 and refused.settlements.get().entry == E.OFFSET


def test_settling_more_than_is_owed_is_refused(cast, b01_institution):
    obligation = recovery_obligation_record(route=R.SELF_RETURN, amount=D("500"), on=date(2026, 3, 1),
                                            by=cast.b01_fund, institution=b01_institution)  # fmt: skip
    with pytest.raises(ValidationError):
        recovery_settle(obligation=obligation, entry=E.PAYMENT, amount=D("501"), on=date(2026, 3, 2), by=cast.b01_fund)
    recovery_settle(obligation=obligation, entry=E.PAYMENT, amount=D("200"), on=date(2026, 3, 2), by=cast.b01_fund)
    recovery_settle(obligation=obligation, entry=E.OFFSET, amount=D("300"), on=date(2026, 3, 3), by=cast.b01_fund)
    assert balance(obligation) == 0


def test_balances_per_institution_and_per_case(driver, cast, b01_institution):
    case = driver.case_in("executing")
    driver.act(case, "record_payment", kind="fine", amount=D("1000"), paid_on=case.served_on)
    recovery_obligation_record(route=R.SELF_RETURN, amount=D("700"), on=date(2026, 3, 1), by=cast.b01_fund,
                               institution=b01_institution)  # fmt: skip
    entries = RecoveryEntry.objects.visible_to(cast.b01_chief)
    by_institution = {row["institution_id"]: row for row in balances(entries, by="institution")}
    row = by_institution[b01_institution.pk]
    assert row["owed"] == case.fine_amount + case.return_amount + D("700")
    assert row["paid"] == D("1000")
    assert row["outstanding"] == row["owed"] - D("1000")
    by_case = {row["case_id"]: row for row in balances(entries, by="case")}
    assert by_case[case.pk]["outstanding"] == case.fine_amount + case.return_amount - D("1000")
    assert ledger_totals(entries)["outstanding"] == row["outstanding"]


def test_the_ledger_is_scoped(cast, b01_institution, b02_institution, client_for):
    b01 = recovery_obligation_record(route=R.SELF_RETURN, amount=D("10"), on=date(2026, 3, 1), by=None,
                                     institution=b01_institution)  # fmt: skip
    b02 = recovery_obligation_record(route=R.SELF_RETURN, amount=D("20"), on=date(2026, 3, 1), by=None,
                                     institution=b02_institution)  # fmt: skip
    assert list(RecoveryEntry.objects.visible_to(cast.b01_chief)) == [b01]
    assert set(RecoveryEntry.objects.visible_to(cast.director)) == {b01, b02}
    client = client_for(cast.b01_chief)
    assert client.get(reverse("enforcement:recovery-detail", args=[b02.pk])).status_code == 404
    page = client.get(reverse("enforcement:recovery-list"))
    assert page.context["totals"]["total"] == D("10")


def test_a_fund_officer_records_a_payment_on_the_page(cast, b01_institution, client_for):
    obligation = recovery_obligation_record(route=R.SELF_RETURN, amount=D("800"), on=date(2026, 3, 1), by=None,
                                            institution=b01_institution)  # fmt: skip
    client = client_for(cast.b01_fund)
    url = reverse("enforcement:recovery-settle", args=[obligation.pk])
    response = client.post(url, {"entry": "payment", "amount": "300", "on": "2026-03-05", "reference": "票据1"})
    assert response.status_code == 302
    assert balance(obligation) == D("500")
    settled = obligation.settlements.get()
    assert settled.recorded_by == cast.b01_fund
    assert AuditEvent.objects.for_object(settled).filter(verb="ledger_payment").exists()
