"""Shared settings. Everything that differs between machines comes from environment variables."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zaixian.settings.env import email_settings_from_url, env_bool, env_int, env_list

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("ZAIXIAN_VAR_DIR", BASE_DIR / "var"))


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Reverse proxies whose X-Real-IP header is believed (for the client address in the audit log).
TRUSTED_PROXY_IPS = env_list("TRUSTED_PROXY_IPS", "")

INSTALLED_APPS = [
    "zaixian.core",
    "zaixian.search",
    "zaixian.cases",
    "zaixian.services",
    "zaixian.disclosure",
    "zaixian.hotline",
    "zaixian.publishing",
    "zaixian.analytics",
    "zaixian.monitoring",
    "zaixian.opinion",
    "zaixian.evaluation",
    "zaixian.portal",
    "zaixian.accounts",
    "zaixian.demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "zaixian.core.users_app.CoreUsersAppConfig",  # wagtail.users with our user admin fields
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zaixian.portal.middleware.SiteMiddleware",
    "zaixian.portal.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zaixian.core.i18n.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zaixian.core.middleware.RequestContextMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "zaixian.urls"
WSGI_APPLICATION = "zaixian.wsgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: the embedded SQLite file under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'zaixian.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; a busy timeout instead of
    # "database is locked" errors; IMMEDIATE transactions avoid write-upgrade deadlocks.
    # mmap_size lets SQLite read through a memory map of up to 1 GiB instead of copying each
    # page into its own cache: search reads long FTS5 doclists, and on the 200,000-document
    # benchmark index this cut query time by about a quarter (address space, not memory).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
                "PRAGMA mmap_size=1073741824;"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "zaixian"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "zaixian",
        }
    }

# Background work goes through the django.tasks interface. The default queue lives in the
# database (SQLite or PostgreSQL) and is worked by `zaixian worker`; TASKS_BACKEND=redis
# moves it to Redis (RQ) for scale.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND == "redis":
    # django_rq provides the `rqworker` command and the connection settings the backend uses.
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database, redis or immediate, not {TASKS_BACKEND!r}."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Citizens and businesses log in at /accounts/; the Wagtail admin keeps its own login page.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "/"
# E-mail verification links stay valid this long (seconds); password reset links follow
# Django's PASSWORD_RESET_TIMEOUT (three days).
ACCOUNTS_EMAIL_VERIFICATION_SECONDS = env_int("ACCOUNTS_EMAIL_VERIFICATION_SECONDS", 3 * 86400)

# Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", _("Simplified Chinese"))]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Citizens' uploaded materials and case documents: outside the web root, served only by views
# that check who asks (never under MEDIA_URL).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "晋城在线")
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    *("csv", "doc", "docx", "odt", "pdf", "pptx", "rtf", "txt"),
    *("xls", "xlsx", "zip", "ofd", "wps"),
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True

# Security defaults that hold in every environment.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Portal page cache for anonymous visitors (seconds); invalidated on publish.
PORTAL_PAGE_CACHE_SECONDS = env_int("PORTAL_PAGE_CACHE_SECONDS", 600)

# Static publishing (zaixian.publishing, docs/static-publishing.md): with a root directory,
# every site's public pages are also written there as files for nginx or a CDN, and rewritten
# in the background when content changes. Empty: the app serves pages with its page cache.
STATIC_PUBLISH_ROOT = os.environ.get("STATIC_PUBLISH_ROOT", "")
# A command run after each publish to send the tree to the front-end machines, e.g.
# "rsync -a --delete-after {root}/ web1:/srv/zaixian/public/" ({root}: the local tree).
STATIC_PUBLISH_SYNC_COMMAND = os.environ.get("STATIC_PUBLISH_SYNC_COMMAND", "")
# An S3-compatible bucket each publish is uploaded to (Aliyun OSS, Tencent COS, Huawei OBS,
# MinIO…): https://<endpoint>/<bucket>/<prefix>?addressing=virtual|path; credentials from
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. See docs/static-publishing.md.
STATIC_PUBLISH_OBJECT_STORE = os.environ.get("STATIC_PUBLISH_OBJECT_STORE", "")
STATIC_PUBLISH_OBJECT_STORE_WORKERS = env_int("STATIC_PUBLISH_OBJECT_STORE_WORKERS", 16)

# Chinese text: the city's own words (place and organisation names) for jieba.
ZAIXIAN_USER_DICT = PROJECT_DIR / "core" / "data" / "userdict.txt"

# E-mail: printed to the console unless EMAIL_URL names a server (docs/configuration.md).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if os.environ.get("EMAIL_URL"):
    globals().update(email_settings_from_url(os.environ["EMAIL_URL"]))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@zaixian.local")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = os.environ.get("EMAIL_SUBJECT_PREFIX", "[Zaixian] ")

# SMS: a dotted path to a zaixian.core.notifications.SMSBackend subclass. The default only
# writes messages (numbers masked) to the log; a gateway is plugged in here.
ZAIXIAN_SMS_BACKEND = os.environ.get(
    "ZAIXIAN_SMS_BACKEND", "zaixian.core.notifications.LoggingSMSBackend"
)

# Rate limits of public forms (zaixian.core.ratelimit); off only for load tests.
ZAIXIAN_RATE_LIMITS_ENABLED = env_bool("ZAIXIAN_RATE_LIMITS_ENABLED", True)

# Web analytics (zaixian.analytics, docs/analytics.md): days raw page views are kept before
# only their daily aggregates remain; optional newer geolocation files dropped in by the city.
ANALYTICS_RAW_RETENTION_DAYS = env_int("ANALYTICS_RAW_RETENTION_DAYS", 30)
ANALYTICS_CHINA_IPDB = os.environ.get("ANALYTICS_CHINA_IPDB", "")
ANALYTICS_CHINA_IPV6_DB = os.environ.get("ANALYTICS_CHINA_IPV6_DB", "")
ANALYTICS_COUNTRY_DB = os.environ.get("ANALYTICS_COUNTRY_DB", "")

# The monitoring engine (docs/monitoring.md): days fetched items are kept before the daily
# pruning job deletes them (the evidence of incidents and reports, and reprints, are kept).
MONITORING_ITEM_RETENTION_DAYS = env_int("MONITORING_ITEM_RETENTION_DAYS", 400)

# Site self-evaluation (zaixian.evaluation, docs/evaluation.md): the crawl's time limit per
# page (the indicators' 15 s), its parallel requests per site, and the load time over which a
# page counts as slow.
EVALUATION_CRAWL_TIMEOUT = float(os.environ.get("EVALUATION_CRAWL_TIMEOUT", "15"))
EVALUATION_CRAWL_WORKERS = env_int("EVALUATION_CRAWL_WORKERS", 4)
EVALUATION_SLOW_PAGE_MS = env_int("EVALUATION_SLOW_PAGE_MS", 3000)
# Chromium for the evaluation's browser checks; empty: the `chromium` on PATH (Debian's package).
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL or "WARNING"},
    # Our own code reports what it does (e.g. what the scheduler enqueues) at INFO.
    "loggers": {"zaixian": {"level": LOG_LEVEL or "INFO"}},
}
