#!/usr/bin/env bash
# Debian packages the tests need: qpdf (qpdf --check), poppler-utils (pdftotext, pdftoppm) and
# the IPAex Gothic font to read the drawings; chromium for the browser end-to-end tests.
# Installs only what is missing.
set -euo pipefail

need=()
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
{ command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; } || need+=(poppler-utils)
[ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] || need+=(fonts-ipaexfont-gothic)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ "${#need[@]}" -eq 0 ]; then
    echo "setup-debian: qpdf, poppler-utils, fonts-ipaexfont-gothic and chromium already installed"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends "${need[@]}"
