from django.conf import settings


def test_settings_are_test_settings():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.LANGUAGE_CODE == "zh-hans"
