"""``/api/v1/recoveries/``: the recovery ledger, read-only, scoped and filtered like its page."""

from rest_framework import serializers

from enforcement.recoveries.filters import RecoveryEntryFilter
from enforcement.recoveries.models import RecoveryEntry
from portal.api import ScopedReadOnlyViewSet


class RecoveryEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = RecoveryEntry
        fields = ["id", "entry", "route", "amount", "on", "obligation", "institution", "case", "agreement_action",
                  "payment", "inspection", "lead", "jurisdiction", "reference", "note"]  # fmt: skip


class RecoveryEntryViewSet(ScopedReadOnlyViewSet):
    """Obligations (money owed to the fund or the treasury) and what settles them: payments, offsets, cancellations."""

    serializer_class = RecoveryEntrySerializer
    filterset_class = RecoveryEntryFilter
    perms = {"*": "enforcement.view_recoveryentry"}

    def scoped_queryset(self, user):
        return RecoveryEntry.objects.visible_to(user).order_by("-on", "-pk")
