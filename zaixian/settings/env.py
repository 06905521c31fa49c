"""Reading configuration from environment variables. Every variable is listed, with its
default, in ``docs/configuration.md``; a malformed value stops start-up with a clear message
rather than running with a half-understood setting."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be a yes/no value (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# EMAIL_URL schemes. Plain smtp on port 587 means STARTTLS, the submission-port norm;
# smtps / smtp+ssl means TLS from the first byte (port 465).
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def email_settings_from_url(url: str) -> dict[str, Any]:
    """Turn ``EMAIL_URL`` (e.g. ``smtp://user:pass@mail.example.cn:587``) into Django's
    ``EMAIL_*`` settings. User and password may be percent-encoded (``@`` is ``%40``).
    ``?tls=1`` / ``?ssl=1`` force a mode; ``?timeout=N`` sets the socket timeout."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in EMAIL_BACKENDS:
        known = ", ".join(sorted(EMAIL_BACKENDS))
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not one of: {known}.")
    config: dict[str, Any] = {"EMAIL_BACKEND": EMAIL_BACKENDS[scheme]}
    if not scheme.startswith("smtp"):
        return config
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL must name the SMTP host, e.g. smtp://mail.example.cn")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    use_ssl = scheme in {"smtps", "smtp+ssl"} or query.get("ssl", "").lower() in TRUE_WORDS
    use_tls = not use_ssl and (
        scheme == "smtp+tls" or port == 587 or query.get("tls", "").lower() in TRUE_WORDS
    )
    config.update(
        {
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if use_ssl else 587 if use_tls else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": use_tls,
            "EMAIL_USE_SSL": use_ssl,
        }
    )
    if "timeout" in query:
        try:
            config["EMAIL_TIMEOUT"] = int(query["timeout"])
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL ?timeout= must be whole seconds.") from None
    return config
