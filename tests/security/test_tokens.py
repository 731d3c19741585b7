"""Issue 13, finding 1: an API token survived a password change and never expired."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from supervision.accounts.admin import revoke_api_tokens
from supervision.accounts.models import ApiTokenUse
from supervision.org.models import AuditEvent, User

API = "/api/v1/"
PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory


def _token(username="b01_chief", password=PASSWORD) -> str:
    response = APIClient().post(f"{API}auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _get(token: str, path="org-units/"):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api.get(f"{API}{path}")


def test_password_change_revokes_the_token_and_a_new_request_gets_another(cast, client):
    token = _token()
    assert _get(token).status_code == 200
    client.force_login(cast.b01_chief)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-pass-2026!", "new_password2": "a-new-pass-2026!"},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(key=token).exists()
    assert _get(token).status_code == 401
    assert _token(password="a-new-pass-2026!") != token
    assert AuditEvent.objects.filter(verb="revoke_api_token", reason="password changed").exists()


def test_password_set_elsewhere_invalidates_the_token_too(cast):
    token = _token()
    user = User.objects.get(username="b01_chief")
    user.set_password("changed-by-admin-2026")  # e.g. the admin site's password form
    user.save()
    assert _get(token).status_code == 401
    assert not Token.objects.filter(key=token).exists()


def test_deactivation_revokes(cast):
    token = _token()
    user = User.objects.get(username="b01_chief")
    user.is_active = False
    user.save()
    assert _get(token).status_code == 401
    user.is_active = True
    user.save()
    assert _get(token).status_code == 401  # reactivating does not bring the old token back
    assert not Token.objects.filter(key=token).exists()


def test_deactivation_in_the_admin_revokes_at_once(cast, client):
    token = _token()
    user = cast.b01_chief
    client.force_login(cast.admin)
    admin = site._registry[User]
    request = RequestFactory().post("/")
    request.user = cast.admin
    user.is_active = False
    admin.save_model(request, user, form=None, change=True)
    assert not Token.objects.filter(key=token).exists()


def test_admin_action_revokes_tokens(cast):
    token = _token()
    admin = site._registry[User]
    request = RequestFactory().post("/")
    request.user = cast.admin
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    revoke_api_tokens(admin, request, User.objects.filter(username="b01_chief"))
    assert _get(token).status_code == 401


def test_token_expires_after_idle_days(cast, settings):
    settings.API_TOKEN_IDLE_DAYS = 30
    token = _token()
    assert _get(token).status_code == 200
    ApiTokenUse.objects.filter(token_id=token).update(last_used_at=timezone.now() - datetime.timedelta(days=29))
    assert _get(token).status_code == 200  # used within the idle time: still valid, and the use is recorded
    assert ApiTokenUse.objects.get(token_id=token).last_used_at > timezone.now() - datetime.timedelta(minutes=1)
    ApiTokenUse.objects.filter(token_id=token).update(last_used_at=timezone.now() - datetime.timedelta(days=31))
    response = _get(token)
    assert response.status_code == 401
    assert "detail" in response.json()
    assert _token() != token


def test_a_token_without_a_use_row_expires_from_its_creation(cast):
    token = Token.objects.create(user=cast.b01_chief)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=40))
    assert _get(token.key).status_code == 401


def test_user_sees_and_revokes_own_tokens(cast, client):
    token = _token()
    client.force_login(cast.b01_chief)
    page = client.get(reverse("supervision:account-tokens"))
    assert page.status_code == 200
    html = page.content.decode()
    assert token not in html  # the key itself is never shown
    assert f"{token[:4]}…{token[-4:]}" in html
    response = client.post(reverse("supervision:account-tokens-revoke"))
    assert response.status_code == 302
    assert _get(token).status_code == 401


def test_user_revoking_touches_only_own_tokens(cast, client):
    mine, theirs = _token("b01_chief"), _token("b02_chief")
    client.force_login(cast.b01_chief)
    client.post(reverse("supervision:account-tokens-revoke"))
    assert _get(mine).status_code == 401
    assert _get(theirs).status_code == 200


@pytest.mark.parametrize("path", ["schema/", "docs/"])
def test_schema_and_docs_need_login(db, client, path):
    response = APIClient().get(f"{API}{path}")
    assert response.status_code in (401, 302)
    assert response.status_code != 200
