"""Existing decisions, case payments and applied agreement measures move into the recovery ledger (issue 17).

Forward: every penalty decision owes its return order, fine and confiscation (dated the decision), every case
payment settles the obligation of its kind (a surcharge is owed as it is paid), every applied measure with an
amount owes it (a refused payment is offset at once). Backward: the ledger held nothing before, so its rows go.
"""

from django.db import migrations

ROUTES = {"return_funds": "return_order", "fine": "fine", "confiscation": "confiscation", "surcharge": "surcharge"}
ACTION_ROUTES = {"refuse_payment": "refuse_payment", "recover": "recover", "liquidated_damages": "liquidated_damages"}


def forward(apps, schema_editor):
    Case = apps.get_model("enforcement", "Case")
    Payment = apps.get_model("enforcement", "Payment")
    AgreementAction = apps.get_model("enforcement", "AgreementAction")
    Entry = apps.get_model("enforcement", "RecoveryEntry")

    def owe(route, amount, on, **links):
        return Entry.objects.create(entry="obligation", route=route, amount=amount, on=on, note="迁移", **links)

    obligations = {}
    for case in Case.objects.filter(outcome="penalty", decided_on__isnull=False).select_related("institution"):
        links = {"case_id": case.pk, "institution_id": case.institution_id, "jurisdiction_id": case.jurisdiction_id,
                 "party_name": case.party_name, "recorded_by_id": case.opened_by_id}  # fmt: skip
        for route, amount in (("return_order", case.return_amount), ("fine", case.fine_amount),
                              ("confiscation", case.confiscation_amount)):  # fmt: skip
            if amount and amount > 0:
                obligations[(case.pk, route)] = owe(route, amount, case.decided_on, **links)
    for payment in Payment.objects.select_related("case").order_by("paid_on", "pk"):
        case, route = payment.case, ROUTES[payment.kind]
        links = {"case_id": case.pk, "institution_id": case.institution_id, "jurisdiction_id": case.jurisdiction_id,
                 "party_name": case.party_name, "recorded_by_id": payment.recorded_by_id}  # fmt: skip
        obligation = obligations.get((case.pk, route))
        if obligation is None or route == "surcharge":
            obligation = owe(route, payment.amount, payment.paid_on, **links)
            obligations.setdefault((case.pk, route), obligation)
        Entry.objects.create(entry="payment", route=route, amount=payment.amount, on=payment.paid_on,
                             obligation=obligation, payment_id=payment.pk, reference=payment.reference,
                             **links)  # fmt: skip
    applied = AgreementAction.objects.filter(kind__in=ACTION_ROUTES, state__in=["applied", "ended"], amount__gt=0)
    for action in applied:
        on = (action.applied_at or action.proposed_at).date()
        links = {"agreement_action_id": action.pk, "institution_id": action.institution_id,
                 "jurisdiction_id": action.jurisdiction_id, "recorded_by_id": action.proposed_by_id}  # fmt: skip
        obligation = owe(ACTION_ROUTES[action.kind], action.amount, on, **links)
        if action.kind == "refuse_payment":
            Entry.objects.create(entry="offset", route="refuse_payment", amount=action.amount, on=on,
                                 obligation=obligation, **links)  # fmt: skip


def backward(apps, schema_editor):
    Entry = apps.get_model("enforcement", "RecoveryEntry")
    Entry.objects.exclude(obligation=None).delete()
    Entry.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0008_recovery_ledger")]

    operations = [migrations.RunPython(forward, backward)]
