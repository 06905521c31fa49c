#!/usr/bin/env bash
# Install the Debian packages the platform and its tests use, when they are missing and we are
# root. `system-deps.sh runtime` checks only what the running site needs (`make run`): Pango
# and a CJK font, with which WeasyPrint renders the Chinese decision documents as PDF, and
# Chromium, in which the site self-evaluation checks accessibility and takes screenshots. Without
# argument (`make test`) also gettext for translations, and nginx
# (with its brotli_static module) and wrk for the static publishing test and benchmarks, and
# OpenStack Swift for its object-store test.
set -u
needed=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1" || compgen -G "/usr/lib/*/$1*" >/dev/null; }
have_lib libpangoft2-1.0.so.0 || needed+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || needed+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
if [ "${1:-}" != "runtime" ]; then
  command -v msgfmt >/dev/null 2>&1 || needed+=(gettext)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || needed+=(nginx)
  compgen -G "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so" >/dev/null \
    || needed+=(libnginx-mod-http-brotli-static)
  command -v wrk >/dev/null 2>&1 || needed+=(wrk)
  # The analytics test compares its daily figures with GoAccess on the same log.
  command -v goaccess >/dev/null 2>&1 || needed+=(goaccess)
  # The object-store publishing test uploads to OpenStack Swift's S3 API (a real
  # S3-compatible server, run on Debian's own Python).
  /usr/bin/python3 -c "import swift.common.middleware.s3api" >/dev/null 2>&1 \
    || needed+=(python3-swift)
fi
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "NOTE: missing system packages: ${needed[*]} (run as root on Debian to install them);"
  echo "      the tests that need them will be skipped, and decision documents (PDF) cannot be"
  echo "      produced without Pango: approving or denying an application then says so."
  exit 0
fi
echo "Installing system packages: ${needed[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null \
  || echo "NOTE: could not install ${needed[*]}; the tests that need them will be skipped."
exit 0
