#!/usr/bin/env bash
# Renders a summary.html in headless Chromium: a full-page PNG screenshot and an A4 PDF (plus PNG pages
# of the PDF when pdftoppm is installed), so that a person can look at what a reader will see.
#
#   bash scripts/render-html-screenshot.sh [summary.html] [output-folder]
#
# Defaults: runs `sift run Corpora/sample` into sift-report/ when no file is given; writes into
# sift-report/screenshots/. Skips with a message (exit 0) where Chromium is not installed
# (`apt-get install -y chromium poppler-utils`).
set -euo pipefail
cd "$(dirname "$0")/.."
html="${1:-}"
out="${2:-sift-report/screenshots}"
browser=""
for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$candidate"; break; fi
done
if [ -z "$browser" ]; then
  echo "render-html-screenshot: skipped: no Chromium found (install with: apt-get install -y chromium poppler-utils)" >&2
  exit 0
fi
if [ -z "$html" ]; then
  swift build --scratch-path "${SIFT_SCRATCH:-.build}" >/dev/null
  "${SIFT_SCRATCH:-.build}/debug/sift" run Corpora/sample --out sift-report --format html --quiet \
    --baseline 2023-01-01..2024-06-30 --follow-up 2024-07-01..2025-12-31 || true
  html=sift-report/summary.html
fi
[ -f "$html" ] || { echo "render-html-screenshot: no such file: $html" >&2; exit 2; }
mkdir -p "$out"
abs="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" --no-first-run
       --disable-extensions --disable-background-networking --force-device-scale-factor=1)
width="${SCREENSHOT_WIDTH:-1000}"
height="${SCREENSHOT_HEIGHT:-6000}"
"$browser" "${flags[@]}" --window-size="$width,$height" --screenshot="$out/summary.png" "file://$abs" 2>/dev/null
"$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$out/summary.pdf" "file://$abs" 2>/dev/null
echo "render-html-screenshot: wrote $out/summary.png and $out/summary.pdf"
if command -v pdftoppm >/dev/null 2>&1; then
  pdftoppm -png -r 60 "$out/summary.pdf" "$out/page"
  echo "render-html-screenshot: A4 pages as $out/page-*.png ($(ls "$out"/page-*.png | wc -l) pages)"
else
  echo "render-html-screenshot: pdftoppm not installed; look at $out/summary.pdf for the A4 print" >&2
fi
