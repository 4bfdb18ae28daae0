#!/usr/bin/env bash
# The main job on the shipped default lexicon and sample corpus: builds Sift (release), tags
# Corpora/sample and writes the summary to sift-report/ (or the folder given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/require-system-packages.sh
out="${1:-sift-report}"
swift build -c release --product sift >&2
status=0
.build/release/sift run --lexicon Lexicons/default --out "$out" Corpora/sample || status=$?
if [ "$status" -le 1 ]; then
  echo "Summary written to $out/summary.html and $out/summary.md (also summary.json, factor_counts.csv, findings.csv)"
fi
exit "$status"
