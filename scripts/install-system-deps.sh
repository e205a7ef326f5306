#!/usr/bin/env bash
# Debian packages the tests need: Chromium (browser tests), PostgreSQL (database tests),
# poppler-utils (PDF checks), espeak-ng (lesson narration) and fonts-dejavu-core (certificate
# PDFs). Idempotent.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
# Redis: rate limits shared by several processes (tests/web/test_shared_rate_limits.py).
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# lame: narration as MP3, about ten times smaller than WAV (`flask courses narrate`).
command -v lame >/dev/null 2>&1 || need+=(lame)
# DejaVu: the Unicode TTF font of certificate PDFs (accents, ñ).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# Java and npm: the W3C Nu HTML Checker (vnu-jar, pinned in package.json) for the HTML test.
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(npm)
# wrk is only for the web benchmark (not the tests): bench/run_bench.py installs it on demand.
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "Installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# npm test tools (package.json): reinstalled whenever package-lock.json changes. --ignore-scripts:
# no package downloads a browser or a JRE (Ace runs on Debian's chromium).
if ! cmp -s "$ROOT/package-lock.json" "$ROOT/node_modules/.aula-installed-lock"; then
  echo "Installing the npm test tools (npm ci --ignore-scripts)"
  (cd "$ROOT" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$ROOT/package-lock.json" "$ROOT/node_modules/.aula-installed-lock"
fi
