"""Log-in lockout, password rules, language (zh-hans by default, English on request) and response headers."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from supervision.register.models import Institution
from tests.supervision.helpers import institution_data

LOGIN = "/accounts/login/"
PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory
INSTITUTIONS = reverse("supervision:institution-list")

# --- Lockout after repeated failures -------------------------------------------------------------------


def _fail(client, username, times):
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "wrong-password"})
    return response


def test_right_password_logs_in(cast, client):
    response = client.post(LOGIN, {"username": "b01_officer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.b01_officer.pk)


def test_failed_login_shows_form_again(cast, client):
    response = _fail(client, "b01_officer", 1)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_below_the_limit_right_password_still_works(cast, client):
    _fail(client, "b01_officer", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(LOGIN, {"username": "b01_officer", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_locked_out_after_failure_limit_even_with_right_password(cast, client):
    _fail(client, "b01_officer", settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "b01_officer", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert settings.AXES_LOCKOUT_TEMPLATE in [t.name for t in response.templates]


def test_lockout_does_not_affect_other_users(cast, client):
    _fail(client, "b01_officer", settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "b02_officer", "password": PASSWORD})
    assert response.status_code == 302


def test_token_endpoint_respects_the_lockout(cast, client):
    from rest_framework.test import APIClient

    _fail(client, "b01_officer", settings.AXES_FAILURE_LIMIT)
    response = APIClient().post("/api/v1/auth/token/", {"username": "b01_officer", "password": PASSWORD}, format="json")
    assert response.status_code in (400, 403, 429)
    assert "token" not in response.json()


# --- Password rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["Ab3$xyz", "password123", "qwertyuiop", "1234567890123"])
def test_weak_password_is_rejected(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_like_the_user_name_is_rejected(cast):
    with pytest.raises(ValidationError):
        validate_password("b01_officer1", user=cast.b01_officer)


def test_strong_password_is_accepted():
    validate_password("湖畔-Lantern-47-quay")


def test_password_change_form_refuses_short_password(cast, client_for):
    client = client_for(cast.b01_officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    cast.b01_officer.refresh_from_db()
    assert cast.b01_officer.check_password(PASSWORD)


# --- Language ------------------------------------------------------------------------------------------


def test_default_language_is_chinese_even_for_an_english_browser(cast, client_for):
    response = client_for(cast.b01_officer).get(INSTITUTIONS, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_login_page_is_chinese_for_anonymous_english_browser(db, client):
    response = client.get(LOGIN, headers={"Accept-Language": "en"})
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_chinese_ui_shows_translated_labels(cast, client_for):
    # Relies on the project catalogue (locale/zh_Hans): "Designated institutions" / "Institutions" →
    # 定点医药机构, "Agreements" → 服务协议.
    content = client_for(cast.b01_officer).get(INSTITUTIONS).content.decode()
    assert "定点医药机构" in content
    assert "服务协议" in content
    assert "Designated institutions" not in content


def test_chinese_form_errors_come_from_django_catalogue(cast, client_for):
    response = client_for(cast.b01_chief).post(reverse("supervision:institution-create"), {})
    assert "该字段是必填项。" in response.content.decode()


def test_choosing_english_switches_the_ui(cast, client_for):
    client = client_for(cast.b01_officer)
    response = client.post("/i18n/setlang/", {"language": "en", "next": INSTITUTIONS})
    assert response.status_code == 302
    page = client.get(INSTITUTIONS)
    assert page["Content-Language"] == "en"
    content = page.content.decode()
    assert '<html lang="en">' in content
    assert "Designated institutions" in content
    assert "定点医药机构" not in content


def test_choosing_chinese_again_switches_back(cast, client_for):
    client = client_for(cast.b01_officer)
    client.post("/i18n/setlang/", {"language": "en", "next": INSTITUTIONS})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": INSTITUTIONS})
    assert client.get(INSTITUTIONS)["Content-Language"] == "zh-hans"


def test_unknown_language_cookie_falls_back_to_chinese(cast, client_for):
    client = client_for(cast.b01_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get(INSTITUTIONS)["Content-Language"] == "zh-hans"


def test_english_choice_is_not_kept_by_a_later_request_without_cookie(cast, client_for, client):
    english = client_for(cast.b01_officer)
    english.post("/i18n/setlang/", {"language": "en", "next": INSTITUTIONS})
    english.get(INSTITUTIONS)
    english.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    assert english.get(INSTITUTIONS)["Content-Language"] == "zh-hans"


# --- CSRF ----------------------------------------------------------------------------------------------


def test_page_post_without_csrf_token_is_refused(cast, b01_institution):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.b01_chief)
    response = client.post(reverse("supervision:institution-update", args=[b01_institution.pk]), {"name": "改名"})
    assert response.status_code == 403
    assert Institution.objects.get(pk=b01_institution.pk).name == b01_institution.name


def test_api_session_post_without_csrf_token_is_refused(cast, b01_institution):
    from rest_framework.test import APIClient

    api = APIClient(enforce_csrf_checks=True)
    api.force_login(cast.b01_chief)
    response = api.patch(f"/api/v1/institutions/{b01_institution.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert Institution.objects.get(pk=b01_institution.pk).name == b01_institution.name


def test_api_token_post_needs_no_csrf_token(org, cast):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.b01_chief).key}")
    response = api.post("/api/v1/institutions/", institution_data(org.b01), format="json")
    assert response.status_code == 201


# --- Headers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LOGIN, "/", INSTITUTIONS, "/api/v1/institutions/"])
def test_csp_header_is_strict_on_portal_pages(cast, client_for, path):
    policy = client_for(cast.b01_officer).get(path)["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy


def test_csp_header_on_login_page_for_anonymous(db, client):
    assert "default-src 'self'" in client.get(LOGIN)["Content-Security-Policy"]


def test_pages_may_not_be_framed(db, client):
    assert client.get(LOGIN)["X-Frame-Options"] == "DENY"


def test_session_cookie_is_http_only(cast, client):
    client.post(LOGIN, {"username": "b01_officer", "password": PASSWORD})
    assert client.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


def test_logout_is_post_only(cast, client_for):
    client = client_for(cast.b01_officer)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
