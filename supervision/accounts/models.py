"""API token lifecycle (issue 13): when a token was issued, for which password, and when it was last used."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ApiTokenUse"]


class ApiTokenUse(models.Model):
    """The life of one API token: the password it was issued under and its last use (idle expiry)."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="use", verbose_name=_("token")
    )
    # An HMAC of the password hash the token was issued under: a changed password invalidates the token.
    password_stamp = models.CharField(_("password stamp"), max_length=64)
    last_used_at = models.DateTimeField(_("last used at"))

    class Meta:
        verbose_name = _("API token use")
        verbose_name_plural = _("API token uses")

    def __str__(self):
        return f"{self.token_id[:4]}… {self.last_used_at:%Y-%m-%d %H:%M}"
