"""Configuration from the environment: EMAIL_URL parsing, and production settings that pass
Django's deployment checks and collect hashed static files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from zaixian.settings.env import email_settings_from_url, env_bool

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k3J9-x7Qp2LmZ8rTvW4yB6nC1dF5gH0jK2lM4nP6qR8sT0uV2wX4yZ6aB8cD0eF2"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mailer:s3cret@mail.example.gov.cn:587",
            {
                "EMAIL_HOST": "mail.example.gov.cn",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "mailer",
                "EMAIL_HOST_PASSWORD": "s3cret",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        (
            "smtps://noreply%40example.gov.cn:p%3Ass@mail.example.gov.cn",
            {
                "EMAIL_PORT": 465,
                "EMAIL_HOST_USER": "noreply@example.gov.cn",
                "EMAIL_HOST_PASSWORD": "p:ss",
                "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": True,
            },
        ),
        ("smtp://relay.internal", {"EMAIL_PORT": 25, "EMAIL_USE_TLS": False}),
        (
            "smtp://relay.internal:2525?tls=1&timeout=10",
            {"EMAIL_USE_TLS": True, "EMAIL_TIMEOUT": 10},
        ),
        ("smtp+tls://relay.internal", {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True}),
        (
            "console://",
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
        ),
    ],
)
def test_email_url_becomes_django_settings(url, expected):
    config = email_settings_from_url(url)

    assert config.items() >= expected.items()


@pytest.mark.parametrize(
    "url",
    ["imap://mail.example.gov.cn", "smtp://", "smtp://host:port", "smtp://host?timeout=soon"],
)
def test_malformed_email_url_stops_start_up_with_a_clear_message(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings_from_url(url)


def test_yes_no_variable_rejects_a_typo(monkeypatch):
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "ture")

    with pytest.raises(ImproperlyConfigured, match="SECURE_SSL_REDIRECT"):
        env_bool("SECURE_SSL_REDIRECT", True)


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "zaixian.settings.production",
        "SECRET_KEY": GOOD_SECRET,
        "ALLOWED_HOSTS": "www.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://www.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'zaixian.sqlite3'}",
        "ZAIXIAN_VAR_DIR": str(tmp_path),
        "EMAIL_URL": "smtp://mailer:s3cret@mail.example.gov.cn:587",
    }
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks(tmp_path):
    completed = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues (0 silenced)." in completed.stdout


def test_proxy_that_redirects_to_https_itself_still_passes(tmp_path):
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="0")

    completed = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"EMAIL_URL": "pop3://mail.example.gov.cn"}, "EMAIL_URL"),
    ],
)
def test_production_refuses_to_start_misconfigured(tmp_path, overrides, message):
    completed = manage(production_env(tmp_path, **overrides), "check")

    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr
    assert message in completed.stderr


def test_collectstatic_writes_hashed_files_and_a_manifest(tmp_path):
    completed = manage(production_env(tmp_path), "collectstatic", "--noinput", "--verbosity", "0")

    assert completed.returncode == 0, completed.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["wagtailadmin/js/core.js"]
    assert hashed != "wagtailadmin/js/core.js"
    assert (tmp_path / "static" / hashed).exists()
    assert (tmp_path / "static" / f"{hashed}.gz").exists()
