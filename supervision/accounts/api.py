"""Token authentication with the lifecycle of supervision.accounts.services: an expired or revoked token
(idle too long, password changed, user deactivated) is deleted on sight and answers 401."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from supervision.accounts import services

EXPIRED = _("The token has expired or was revoked: request a new one with your password.")


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user", "use").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not services.token_is_valid(token):
            services.tokens_revoke(user=token.user, by=None, reason="expired")
            raise exceptions.AuthenticationFailed(EXPIRED)
        services.token_touch(token)
        return token.user, token
