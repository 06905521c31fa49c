#!/usr/bin/env bash
# Install the Debian packages the test suite uses, when they are missing and we are root.
set -u
needed=()
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || needed+=(fonts-noto-cjk)
command -v msgfmt >/dev/null 2>&1 || needed+=(gettext)
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "NOTE: missing system packages: ${needed[*]} (run as root on Debian to install them);"
  echo "      the tests that need them will be skipped."
  exit 0
fi
echo "Installing system packages: ${needed[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null \
  || echo "NOTE: could not install ${needed[*]}; the tests that need them will be skipped."
exit 0
