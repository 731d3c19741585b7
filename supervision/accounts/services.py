"""Issuing, checking and revoking API tokens. A token is valid while its user is active, the password is
the one it was issued under, and it was used within ``settings.API_TOKEN_IDLE_DAYS``; otherwise it is
deleted (revoked) and a new one must be requested with the password."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework.authtoken.models import Token

from portal import audit
from supervision.accounts.models import ApiTokenUse
from supervision.org.models import User

# Recording each use would be a write per API request; the last use is kept to within this much.
TOUCH_EVERY = datetime.timedelta(minutes=5)


def password_stamp(user: User) -> str:
    return salted_hmac("supervision.accounts.api-token", user.password or "", algorithm="sha256").hexdigest()


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_IDLE_DAYS)


def token_expires_at(token: Token) -> datetime.datetime:
    use = getattr(token, "use", None) if _has_use(token) else None
    return (use.last_used_at if use else token.created) + idle_limit()


def _has_use(token: Token) -> bool:
    try:
        token.use  # noqa: B018 - loads the related row
    except ApiTokenUse.DoesNotExist:
        return False
    return True


def token_is_valid(token: Token, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    user = token.user
    if not user.is_active:
        return False
    if _has_use(token) and token.use.password_stamp != password_stamp(user):
        return False
    return now <= token_expires_at(token)


def token_touch(token: Token, now: datetime.datetime | None = None) -> None:
    """Record a use of a valid token (at most once per TOUCH_EVERY)."""
    now = now or timezone.now()
    if not _has_use(token):
        ApiTokenUse.objects.get_or_create(
            token=token, defaults={"password_stamp": password_stamp(token.user), "last_used_at": now}
        )
        return
    if token.use.last_used_at < now - TOUCH_EVERY:
        ApiTokenUse.objects.filter(pk=token.pk).update(last_used_at=now)


@transaction.atomic
def token_issue(*, user: User) -> Token:
    """The user's valid token, or a new one when there is none (the old one is revoked)."""
    token = Token.objects.select_related("user").select_for_update().filter(user=user).first()
    if token is not None and token_is_valid(token):
        token_touch(token)
        return token
    if token is not None:
        token.delete()
        audit.record(actor=user, verb="revoke_api_token", obj=user, reason="expired")
    token = Token.objects.create(user=user)
    ApiTokenUse.objects.create(token=token, password_stamp=password_stamp(user), last_used_at=timezone.now())
    audit.record(actor=user, verb="issue_api_token", obj=user)
    return token


@transaction.atomic
def tokens_revoke(*, user: User, by: User | None, reason: str) -> int:
    """Revoke every API token of ``user`` (password change, deactivation, an administrator, the user)."""
    count, _detail = Token.objects.filter(user=user).delete()
    if count:
        audit.record(actor=by, verb="revoke_api_token", obj=user, reason=reason)
    return count


def tokens_of(user: User) -> list[dict]:
    """What the user's token page shows (never the key itself)."""
    rows = []
    for token in Token.objects.filter(user=user).select_related("user"):
        use = token.use if _has_use(token) else None
        rows.append(
            {
                "hint": f"{token.key[:4]}…{token.key[-4:]}",
                "created": token.created,
                "last_used": use.last_used_at if use else None,
                "expires": token_expires_at(token),
                "valid": token_is_valid(token),
            }
        )
    return rows
