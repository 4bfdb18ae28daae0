#!/usr/bin/env bash
# Builds Sift in release mode and benchmarks it on a generated corpus in /tmp.
#
#   bash scripts/benchmark.sh            # 100,000 reports (about 330 MB; several minutes)
#   bash scripts/benchmark.sh 10000      # a smaller corpus
#   SEED=7 THREADS=2 bash scripts/benchmark.sh 10000 --json
#
# Extra arguments after the count go to `sift benchmark` (e.g. --json, --no-tools, --only stages).
# The corpus is kept in /tmp/sift-bench-N-SEED and reused when it is already there (the same count and
# seed always give the same bytes). See docs/BENCHMARK.md.
set -euo pipefail
cd "$(dirname "$0")/.."

count="${1:-100000}"
shift || true
seed="${SEED:-1}"
threads="${THREADS:-0}"
scratch="${SCRATCH:-.build-bench}"
corpus="/tmp/sift-bench-${count}-${seed}"

if ! command -v rg >/dev/null 2>&1; then
    echo "benchmark.sh: ripgrep (rg) not found; the rg comparison will be skipped (apt-get install -y ripgrep)" >&2
fi

swift build -c release --scratch-path "$scratch" >&2
sift="$scratch/release/sift"

if [ ! -f "$corpus/.sift-corpus.json" ] || ! grep -q "\"count\" : $count," "$corpus/.sift-corpus.json"; then
    rm -rf "$corpus"
    "$sift" generate-corpus --count "$count" --seed "$seed" --out "$corpus"
fi

echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')" >&2
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec "$sift" benchmark --corpus "$corpus" --threads "$threads" "$@"
