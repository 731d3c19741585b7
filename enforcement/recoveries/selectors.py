"""Reads of the recovery ledger shared by its page, its export, the API and the statistics."""

from decimal import Decimal

from django.db.models import Q, Sum

from enforcement.recoveries.models import RecoveryEntry

E = RecoveryEntry.Entry
ZERO = Decimal("0.00")
BALANCE_GROUPS = {
    "institution": ("institution_id", "institution__name", "institution__code"),
    "case": ("case_id", "case__number", "case__title"),
}


def _sums():
    return {
        "owed": Sum("amount", filter=Q(entry=E.OBLIGATION)),
        "paid": Sum("amount", filter=Q(entry=E.PAYMENT)),
        "offset": Sum("amount", filter=Q(entry=E.OFFSET)),
        "cancelled": Sum("amount", filter=Q(entry=E.CANCELLATION)),
        "total": Sum("amount"),
    }


def _settle(row: dict) -> dict:
    for key in ("owed", "paid", "offset", "cancelled", "total"):
        row[key] = row.get(key) or ZERO
    row["outstanding"] = row["owed"] - row["paid"] - row["offset"] - row["cancelled"]
    return row


def ledger_totals(queryset) -> dict:
    """The filtered rows' total amount (what the statistics' money figures count), and by kind of entry."""
    return _settle(queryset.order_by().aggregate(**_sums()))


def balances(queryset, by: str = "institution", limit: int = 200) -> list[dict]:
    """Owed, paid, offset, cancelled and outstanding per institution or per case, largest outstanding first."""
    fields = BALANCE_GROUPS[by]
    rows = queryset.order_by().filter(**{f"{fields[0]}__isnull": False}).values(*fields).annotate(**_sums())
    settled = [_settle(dict(row)) for row in rows]
    settled.sort(key=lambda r: (-r["outstanding"], -r["owed"]))
    return settled[:limit]


def entry_for_page(queryset):
    return queryset.select_related(
        "institution", "case", "agreement_action__institution", "inspection", "lead", "jurisdiction"
    )
