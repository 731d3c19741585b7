"""Admin pages for rewards (read-only) and the public disclosure register, where an entry can be withdrawn."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy

from enforcement.public.models import Disclosure
from enforcement.public.services import disclosure_withdraw
from enforcement.rewards.models import Reward
from portal.admin import ReadOnlyAdmin


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ["pk", "case", "tier", "case_value", "amount", "state", "claim_due"]
    list_filter = ["state", "tier", "jurisdiction"]
    list_select_related = ["case"]
    exclude = ["checks"]


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "title", "decided_on", "publish_due", "published_at", "withdrawn_at"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["title", "party", "document_number"]
    actions = ["withdraw"]

    @admin.action(description=gettext_lazy("Withdraw from the public pages"))
    def withdraw(self, request, queryset):
        for disclosure in queryset.filter(withdrawn_at__isnull=True):
            disclosure_withdraw(disclosure=disclosure, by=request.user, reason="withdrawn in the admin site")
        messages.success(request, gettext_lazy("Withdrawn."))
