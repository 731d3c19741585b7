"""The administrator's "revoke API tokens" action on users (issue 13)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from supervision.accounts import services


@admin.action(description=_("Revoke API tokens"))
def revoke_api_tokens(modeladmin, request, queryset):
    count = sum(services.tokens_revoke(user=user, by=request.user, reason="by an administrator") for user in queryset)
    modeladmin.message_user(
        request,
        ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
        messages.SUCCESS,
    )
