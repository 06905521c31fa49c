"""The embedded demo: `make run` / `zaixian demo`. SQLite under var/, DEBUG on."""

import os

from zaixian.settings.base import *  # noqa: F403 — settings modules extend base wholesale
from zaixian.settings.base import ALLOWED_HOSTS, VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "zaixian-dev-only-not-secret"
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Serve static files straight from the apps (no collectstatic step).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The demo's department sites answer at *.localhost (nongwang.localhost, wjw.localhost), which
# browsers resolve to this machine.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, ".localhost"]
