#!/usr/bin/env bash
# Make Debian's LibreOffice Calc (headless, no GUI) available for the printout tests: they turn
# the XLSX downloads into PDF as a user's LibreOffice would print them. Installs it as root,
# quietly; the apt log is shown only when the installation fails. Carlito has the metrics of
# Calibri, the font the downloads name, so the PDF shows what Excel would print.
set -euo pipefail
if command -v soffice >/dev/null && [ -d /usr/share/fonts/truetype/crosextra ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "libreoffice.sh: installiere Debians Paket libreoffice-calc-nogui …" >&2
  log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
           --no-install-recommends libreoffice-calc-nogui fonts-crosextra-carlito; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "libreoffice.sh: Installation fehlgeschlagen." >&2
    exit 1
  fi
  rm -f "$log"
  exit 0
fi
echo "libreoffice.sh: soffice fehlt, und ohne root kann es nicht installiert werden." >&2
exit 1
