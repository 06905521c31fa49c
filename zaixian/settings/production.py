"""Production: every secret and host from the environment; HTTPS everywhere.

With SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL set, ``manage.py check --deploy`` reports no
issues (a test holds us to that). The app usually sits behind nginx or a load balancer that
terminates TLS and sets ``X-Forwarded-Proto``; see ``docs/deployment.md``.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from zaixian.settings.base import *  # noqa: F403 — settings modules extend base wholesale
from zaixian.settings.base import env_bool, env_int, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters.")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must list the site's host names, e.g. ALLOWED_HOSTS=www.example.gov.cn"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Keep database connections open between requests (seconds); health-checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# HTTPS. The proxy in front terminates TLS and tells us the original scheme in
# X-Forwarded-Proto; only trust that header when a proxy we run sets it (the default).
if env_bool("SECURE_PROXY_SSL_HEADER", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Redirect plain HTTP to HTTPS here, unless the proxy already does (SECURE_SSL_REDIRECT=0).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)  # one working day
# Wagtail's preview views set SAMEORIGIN themselves, so the rest of the site can deny framing.
X_FRAME_OPTIONS = "DENY"

# Checks that a deliberate, documented setting turns off; `check --deploy` stays quiet.
SILENCED_SYSTEM_CHECKS: list[str] = []
if not SECURE_SSL_REDIRECT:
    SILENCED_SYSTEM_CHECKS.append("security.W008")  # the proxy redirects to HTTPS
if not SECURE_HSTS_SECONDS:
    SILENCED_SYSTEM_CHECKS.append("security.W004")  # the proxy sends the HSTS header

# Hashed, compressed static files, collected by `zaixian manage collectstatic` (or
# `zaixian serve`) into STATIC_ROOT and served by WhiteNoise or the proxy.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
if os.environ.get("STATIC_ROOT"):
    STATIC_ROOT = os.environ["STATIC_ROOT"]
