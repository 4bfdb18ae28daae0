#!/usr/bin/env bash
# Builds and runs one libFuzzer target against the package's own sources.
#
#   bash scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags...]
#   TARGET: IngestText | IngestXML | LexiconLoad | SentenceSplit
#
# How it builds (Swift 6.3 on Linux; see docs/FUZZING.md):
#   1. `swift build -c release --target SiftKit` into .build-fuzz with -sanitize=fuzzer,address on every Swift target, so
#      SiftKit, SiftPCRE2, SiftXML and the dependencies carry coverage instrumentation and ASan checks. Only the
#      library is built: the `sift` executable's main would clash with libFuzzer's.
#   2. swiftc compiles Fuzz/TARGET/main.swift + Fuzz/Support/*.swift with -sanitize=fuzzer,address -parse-as-library
#      against the built modules and links every object of the library targets, with -lpcre2-8 -lxml2.
#   3. Runs the binary from the package root on a copy of Fuzz/seeds/TARGET (the seeds stay unchanged); crashes
#      are written to Fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags]}
SECONDS_TO_RUN=${2:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags]}
shift 2
[ -f "Fuzz/$TARGET/main.swift" ] || { echo "no such target: Fuzz/$TARGET/main.swift" >&2; exit 64; }

SCRATCH=${SIFT_FUZZ_SCRATCH:-.build-fuzz}
SAN=${SIFT_FUZZ_SANITIZERS:-fuzzer,address}
# Serialise the library build between targets started together.
mkdir -p "$SCRATCH"
exec 9>"$SCRATCH/fuzz.lock"
flock 9
swift build -c release --scratch-path "$SCRATCH" --target SiftKit -Xswiftc -sanitize="$SAN" >&2
flock -u 9
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)

# Every object of the library and its dependencies (CYaml's C objects sit in a src/ subfolder).
mapfile -t OBJECTS < <(for module in SiftKit SiftPCRE2 SiftXML Yams CYaml CSV ZIPFoundation; do
  find "$BIN/$module.build" -name '*.o'; done | sort)
CYAML_INCLUDE="$SCRATCH/checkouts/Yams/Sources/CYaml/include"

OUT="$SCRATCH/fuzzers/$TARGET"
mkdir -p "$(dirname "$OUT")"
swiftc -sanitize="$SAN" -parse-as-library -g -O \
  -module-name "Fuzz$TARGET" \
  -I "$BIN/Modules" -I "$BIN" \
  -Xcc -fmodule-map-file=Sources/CPCRE2/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CLibXML2/module.modulemap \
  -Xcc -fmodule-map-file="$CYAML_INCLUDE/module.modulemap" -Xcc -I"$CYAML_INCLUDE" \
  -Xcc -fmodule-map-file="$SCRATCH/checkouts/ZIPFoundation/Sources/CZLib/module.modulemap" \
  -Xcc -I/usr/include/libxml2 \
  "Fuzz/$TARGET/main.swift" Fuzz/Support/*.swift \
  "${OBJECTS[@]}" -lpcre2-8 -lxml2 -lz \
  -o "$OUT"

CORPUS="$SCRATCH/corpus/$TARGET"
mkdir -p "$CORPUS" "Fuzz/artifacts/$TARGET"
[ -d "Fuzz/seeds/$TARGET" ] && cp -n "Fuzz/seeds/$TARGET/"* "$CORPUS/" 2>/dev/null || true
DICT=()
[ -f "Fuzz/dictionaries/$TARGET.dict" ] && DICT=("-dict=Fuzz/dictionaries/$TARGET.dict")
exec "$OUT" "$CORPUS" "${DICT[@]}" -max_total_time="$SECONDS_TO_RUN" -max_len="${SIFT_FUZZ_MAX_LEN:-65536}" \
  -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="Fuzz/artifacts/$TARGET/" "$@"
