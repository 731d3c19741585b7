from django.conf import settings


def test_settings_are_test_settings():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.LANGUAGE_CODE == "zh-hans"


def _manage(tmp_path, *args):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "SECRET_KEY", "DEBUG"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'check.sqlite3'}"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_model_checks_need_no_secret_key_but_the_rest_does(tmp_path):
    done = _manage(tmp_path, "makemigrations", "--check", "--dry-run")
    assert done.returncode == 0, done.stderr  # models and migrations agree, and no key was needed
    refused = _manage(tmp_path, "check")
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
